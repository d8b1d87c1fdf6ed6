# tests/lib.sh - helpers for the shell tests; source it.
#
# Each check prints "ok - NAME" or "not ok - NAME" (with the reason), and
# t_done prints "N passed, N failed" and returns non-zero on any failure.
# ML7_BIN is the folder with the built binaries (default: bin).

: "${ML7_BIN:=bin}"
[ -d "$ML7_BIN" ] && ML7_BIN=$(cd "$ML7_BIN" && pwd)   # absolute: tests may cd
KML7="$ML7_BIN/kubectl-milvus_l7"
HML7="$ML7_BIN/helm-milvus-l7"
T_PASS=0
T_FAIL=0
T_OUT=""
T_ERR=""
T_RC=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ml7-test.XXXXXX")
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T_OWN_KUBE=

# t_cleanup: undoes what lib.sh set up (a kube peer of the test's own, T_TMP).  A test that
# sets its own EXIT trap calls it last.
t_cleanup() {
	[ -n "$T_OWN_KUBE" ] && "$T_TOP/tests/peers/kube/down.sh" "$ML7_KUBE_DIR" >/dev/null 2>&1
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# t_kube_peer: the kube-apiserver peer tests/run.sh started ($ML7_KUBE_DIR), else one of the
# test's own (stopped by t_cleanup); sources its env (KUBE_SERVER, KUBE_TOKEN, ...).
t_kube_peer() {
	if [ -z "${ML7_KUBE_DIR:-}" ]; then
		export ML7_KUBE_DIR=$T_TMP/kube
		T_OWN_KUBE=1
		if ! "$T_TOP/tests/peers/kube/up.sh" "$ML7_KUBE_DIR" >"$T_TMP/kube-up.log" 2>&1; then
			t_fail "the kube-apiserver peer starts" "$(tail -n 20 "$T_TMP/kube-up.log")"
			t_done
			exit 1
		fi
	fi
	# shellcheck disable=SC1091
	. "$ML7_KUBE_DIR/env"
}

t_pass() { T_PASS=$((T_PASS + 1)); echo "ok - $1"; }
t_fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	[ -n "$T_ERR" ] && printf '#   stderr: %s\n' "$(head -c 600 "$T_TMP/err")"
	return 0
}

# t_run CMD...: runs a command, keeps stdout, stderr and the exit code.
t_run() {
	"$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	T_RC=$?
	T_OUT=$(cat "$T_TMP/out")
	T_ERR=$(cat "$T_TMP/err")
}

# t_expect NAME RC [GREP-PATTERN-ON-STDOUT [GREP-PATTERN-ON-STDERR]] -- CMD...
t_expect() {
	local name=$1 rc=$2 out_re="" err_re=""
	shift 2
	if [ "$1" != "--" ]; then out_re=$1; shift; fi
	if [ "$1" != "--" ]; then err_re=$1; shift; fi
	shift
	t_run "$@"
	if [ "$T_RC" != "$rc" ]; then
		t_fail "$name" "exit code $T_RC, want $rc"
	elif [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$T_TMP/out"; then
		t_fail "$name" "stdout does not match /$out_re/: $(head -c 300 "$T_TMP/out")"
	elif [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$T_TMP/err"; then
		t_fail "$name" "stderr does not match /$err_re/"
	else
		t_pass "$name"
	fi
}

# t_check NAME CMD...: passes when CMD exits 0.
t_check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then t_pass "$name"; else t_fail "$name" "failed: $*"; fi
}

t_done() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
