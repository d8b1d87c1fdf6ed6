#!/usr/bin/env bash
# tests/sandbox/down.sh [DIR] - stops every process of the sandbox in DIR (default
# build/sandbox) and removes DIR.  Safe to run twice, or on a sandbox that half started.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$top/build/sandbox}
[[ -d $DIR ]] || exit 0
DIR=$(cd "$DIR" && pwd)
[[ -x $top/tests/peers/albsim/down.sh ]] && "$top/tests/peers/albsim/down.sh" "$DIR/albsim" >/dev/null 2>&1
[[ -d $DIR/alb ]] && "$top/tests/peers/alb/nginx.sh" stop "$DIR/alb" >/dev/null 2>&1
[[ -x $top/tests/peers/acm/down.sh ]] && "$top/tests/peers/acm/down.sh" "$DIR/acm" >/dev/null 2>&1
if [[ -s $DIR/milvus.pid ]]; then
	kill -TERM "$(cat "$DIR/milvus.pid")" 2>/dev/null
fi
"$top/tests/peers/kube/down.sh" "$DIR/kube" >/dev/null 2>&1
# whatever is left that still runs from DIR (a peer's child) goes too
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pids=$(pgrep -f -- "$DIR/" || true)
	[[ -z $pids ]] && break
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	sleep 0.2
done
pids=$(pgrep -f -- "$DIR/" || true)
# shellcheck disable=SC2086
[[ -n $pids ]] && kill -KILL $pids 2>/dev/null
rm -rf "$DIR"
exit 0
