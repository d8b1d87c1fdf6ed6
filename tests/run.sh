#!/usr/bin/env bash
# tests/run.sh - builds and runs every test: first a plain build, then an
# AddressSanitizer + UndefinedBehaviorSanitizer build.  Unit tests are the
# cmocka programs tests/unit/test_*.c; shell tests are tests/cli/*.sh and
# tests/e2e/*.sh, each ending with "N passed, N failed".
#   tests/run.sh [plain|asan]...      (default: both)
#   ML7_TEST_FILTER=regex             run only the test files whose path matches
#   ML7_BUILD_ROOT=build/NAME         builds, logs and the kube peer under that folder
#                                     (several people testing at once; default build)
set -u
cd "$(dirname "$0")/.."
top=$PWD
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(plain asan)
pass=0
fail=0
root=${ML7_BUILD_ROOT:-build}
log_dir=$root/test-logs
mkdir -p "$log_dir"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

count_cmocka() {   # file -> "passed failed"
	local p f
	p=$(grep -oE '\[  PASSED  \] [0-9]+' "$1" | awk '{s += $NF} END {print s + 0}')
	f=$(grep -oE '\[  FAILED  \] [0-9]+ test' "$1" | awk '{s += $(NF-1)} END {print s + 0}')
	echo "$p $f"
}

# Peers shared by the shell tests: the real kube-apiserver (when it is built or
# can be), started once per run.
if [ -x tests/peers/kube/up.sh ] && [ -z "${ML7_NO_KUBE:-}" ]; then
	export ML7_KUBE_DIR="$top/$root/kube-peer"
	tests/peers/kube/down.sh "$ML7_KUBE_DIR" >/dev/null 2>&1 || true
	rm -rf "$ML7_KUBE_DIR"
	if tests/peers/kube/up.sh "$ML7_KUBE_DIR" >"$log_dir/kube-up.log" 2>&1; then
		trap 'tests/peers/kube/down.sh "$ML7_KUBE_DIR" >/dev/null 2>&1' EXIT
		echo "kube-apiserver peer up ($ML7_KUBE_DIR)"
	else
		echo "not ok - the kube-apiserver peer did not start; see $log_dir/kube-up.log"
		tail -n 20 "$log_dir/kube-up.log"
		fail=$((fail + 1))
		unset ML7_KUBE_DIR
	fi
fi

for v in "${variants[@]}"; do
	case $v in
	plain) mk=(BUILD=$root/plain BINDIR=$root/plain/bin) ;;
	asan) mk=(BUILD=$root/asan BINDIR=$root/asan/bin SAN=1 CFLAGS="-O1 -g") ;;
	*) echo "unknown variant $v"; exit 2 ;;
	esac
	echo "== $v build"
	if ! make -s -j2 "${mk[@]}" all units >"$log_dir/$v-build.log" 2>&1; then
		cat "$log_dir/$v-build.log"
		echo "not ok - $v build"
		fail=$((fail + 1))
		continue
	fi
	for t in $root/$v/tests/test_*; do
		[ -x "$t" ] || continue
		[[ -n "${ML7_TEST_FILTER:-}" && ! "$t" =~ $ML7_TEST_FILTER ]] && continue
		name=$(basename "$t")
		out="$log_dir/$v-$name.log"
		(cd tests/unit && "$top/$t") >"$out" 2>&1
		rc=$?
		read -r p f < <(count_cmocka "$out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1   # a crash or a sanitizer report outside a test case
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "not ok - $v $name ($p passed, $f failed)"
			grep -E '\[  FAILED  \]|\[  ERROR   \]|ERROR|runtime error|Sanitizer' "$out" | head -20
		else
			echo "ok - $v $name ($p passed)"
		fi
	done
	for s in tests/cli/*.sh tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		[[ -n "${ML7_TEST_FILTER:-}" && ! "$s" =~ $ML7_TEST_FILTER ]] && continue
		name=$(basename "$s" .sh)
		out="$log_dir/$v-$name.log"
		ML7_BIN="$top/$root/$v/bin" ML7_VARIANT=$v timeout 900 bash "$s" >"$out" 2>&1 </dev/null
		rc=$?
		last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
		p=$(echo "$last" | awk '{print $1 + 0}')
		f=$(echo "$last" | awk '{print $3 + 0}')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "not ok - $v $name ($p passed, $f failed)"
			grep -E '^not ok|^#' "$out" | head -30
			[ -z "$last" ] && tail -n 15 "$out"
		else
			echo "ok - $v $name ($p passed)"
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
