#!/usr/bin/env bash
# tests/e2e/demo.sh - `make demo` (tests/sandbox/demo.sh) as a user runs it: it completes, shows
# every step and the result, and stops everything; interrupted with Ctrl-C once the sandbox is up,
# it stops too.  Either way no process is left and no file outside the build folder: the run gets
# an empty HOME and TMPDIR of its own (and the system's PATH, as a new user has), which must
# still be empty afterwards.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$top/tests/lib.sh"
root=${ML7_BUILD_ROOT:-build}
DEMO=$top/$root/e2e-demo-${ML7_VARIANT:-plain}
export ML7_CACHE=${ML7_CACHE:-$HOME/.cache/milvus-l7}
mkdir -p "$T_TMP/home" "$T_TMP/tmp"
left() { pgrep -f -- "$DEMO/" >/dev/null; }
demo() {
	HOME=$T_TMP/home TMPDIR=$T_TMP/tmp PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		ML7_BIN=$ML7_BIN ML7_DEMO_DIR=$DEMO "$top/tests/sandbox/demo.sh"
}
# files written outside the build folder
outside() { find "$T_TMP/home" "$T_TMP/tmp" -mindepth 1; }
trap '"$top/tests/sandbox/down.sh" "$DEMO"; t_cleanup' EXIT

t_expect "make demo: the whole procedure, exit 0" 0 "demo done" -- demo
t_check "make demo: setup ran through kubectl's plugin discovery" grep -q '^\$ kubectl milvus-l7 setup' "$T_TMP/out"
for step in preflight certificate service ingress wait verify; do
	t_check "make demo: step $step done" grep -Eq "^$step +done" "$T_TMP/out"
done
t_check "make demo: the Service ends as ClusterIP" grep -Eq '^service/milvus-demo +ClusterIP' "$T_TMP/out"
t_check "make demo: the Ingress is shown with its address" grep -Eq '^ingress.*milvus-demo.*localhost' "$T_TMP/out"
t_check "make demo: the user's values are still there (externalS3)" grep -q 'externalS3' "$T_TMP/out"
t_check "make demo: the pymilvus snippet is shown" grep -q 'server_name="milvus-demo.milvus.io"' "$T_TMP/out"
if left; then t_fail "make demo: no process is left"; else t_pass "make demo: no process is left"; fi
t_check "make demo: its folder is gone" test ! -e "$DEMO"
t_check "make demo: nothing written outside the build folder" test -z "$(outside)"

# Ctrl-C once the sandbox is up: the whole process group gets SIGINT, as from a terminal
# (a background job of a script starts with SIGINT ignored, which a trap cannot undo: the
# launcher puts the default back, as a terminal's foreground job has it)
export T_TMP ML7_BIN DEMO top
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' bash -c "$(declare -f demo); demo" >"$T_TMP/int.out" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do [ -s "$DEMO/env" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if [ -s "$DEMO/env" ]; then
	kill -INT -- "-$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" = 130 ]; then t_pass "Ctrl-C: demo exits 130"; else t_fail "Ctrl-C: demo exits 130" "exit $rc"; fi
	t_check "Ctrl-C: it says it stops the sandbox" grep -q "interrupted" "$T_TMP/int.out"
	if left; then t_fail "Ctrl-C: no process is left" "$(pgrep -af -- "$DEMO/")"; else t_pass "Ctrl-C: no process is left"; fi
	t_check "Ctrl-C: its folder is gone" test ! -e "$DEMO"
	t_check "Ctrl-C: nothing written outside the build folder" test -z "$(outside)"
else
	t_fail "Ctrl-C: the sandbox came up to be interrupted" "$(tail -n 5 "$T_TMP/int.out")"
	kill -KILL -- "-$pid" 2>/dev/null
fi
t_done
