#!/usr/bin/env bash
# down.sh DIR - stop the ACM stand-in that up.sh DIR started (its watchdog's process group).
# Idempotent; keeps DIR (logs) in place.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
[[ -d $1 ]] || exit 0
DIR=$(cd "$1" && pwd)
[[ -s $DIR/acm.pid ]] || exit 0
g=$(<"$DIR/acm.pid")
# only a leader whose command line names DIR (a pid may have been reused)
if [[ -e /proc/$g ]] && tr '\0' ' ' <"/proc/$g/cmdline" | grep -qF "$DIR"; then
  kill -TERM -- "-$g" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$g" 2>/dev/null || true
fi
rm -f "$DIR/acm.pid" "$DIR/port"
