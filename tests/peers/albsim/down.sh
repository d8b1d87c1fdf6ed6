#!/usr/bin/env bash
# down.sh DIR - stop the simulator started by up.sh DIR (its whole process group) and the nginx
# stand-in it programmed, if any (server.js --alb-dir is stopped by the caller's own down).
set -uo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
[[ -s $DIR/albsim.pid ]] || exit 0
pg=$(<"$DIR/albsim.pid")
kill -TERM -- "-$pg" 2>/dev/null || true
for ((i = 0; i < 40; i++)); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.05; done
kill -KILL -- "-$pg" 2>/dev/null || true
rm -f "$DIR/albsim.pid" "$DIR/ready"
