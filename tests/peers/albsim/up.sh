#!/usr/bin/env bash
# up.sh DIR [server.js options...] - start the AWS Load Balancer Controller simulator
# (server.js; its options are documented at the top of that file) against the kube peer of
# $ML7_KUBE_DIR (or --kube-env FILE), in the background under a watchdog, and wait until it
# watches.  Writes DIR/env: ALBSIM_DIR ALBSIM_PID ALBSIM_LOG.  Stop it with down.sh DIR.
# ML7_ALBSIM_TTL (seconds, default 900) bounds its life.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 DIR [options]" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"; DIR=$(cd "$1" && pwd); shift
TTL=${ML7_ALBSIM_TTL:-900}
[[ ! -s $DIR/albsim.pid ]] || ! kill -0 "$(<"$DIR/albsim.pid")" 2>/dev/null ||
	{ echo "up.sh: $DIR is in use; run down.sh $DIR first" >&2; exit 1; }
rm -f "$DIR/ready" "$DIR/env"
setsid timeout -k 5 "$TTL" node "$HERE/server.js" --dir "$DIR" --ttl "$TTL" "$@" \
	</dev/null >>"$DIR/albsim.log" 2>&1 &
echo $! >"$DIR/albsim.pid"
for ((i = 0; i < 1200; i++)); do   # up to 60 s: node starts slowly on a busy machine
	[[ -s $DIR/ready ]] && break
	kill -0 "$(<"$DIR/albsim.pid")" 2>/dev/null || { echo "up.sh: albsim exited:" >&2; tail -n 5 "$DIR/albsim.log" >&2; exit 1; }
	sleep 0.05
done
[[ -s $DIR/ready ]] || { echo "up.sh: albsim not ready after 60 s" >&2; tail -n 5 "$DIR/albsim.log" >&2; exit 1; }
printf '%s=%q\n' ALBSIM_DIR "$DIR" ALBSIM_PID "$(<"$DIR/ready")" ALBSIM_LOG "$DIR/albsim.log" >"$DIR/env"
