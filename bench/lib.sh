# bench/lib.sh - sourced by the benchmarks (from the repository's top folder).

# bench_kube_peer OUT: the kube-apiserver peer in $ML7_KUBE_DIR, else one started in OUT/kube
# and stopped on exit; OUT is removed on exit either way.  Sources the peer's env and exports
# KUBECONFIG (its kubeconfig) and KUBECACHEDIR (inside OUT, for kubectl).
bench_kube_peer() {
	local out=$1
	if [ -z "${ML7_KUBE_DIR:-}" ]; then
		ML7_KUBE_DIR=$out/kube
		tests/peers/kube/up.sh "$ML7_KUBE_DIR" >"$out/up.log" 2>&1 || { cat "$out/up.log"; exit 1; }
		trap 'tests/peers/kube/down.sh "$ML7_KUBE_DIR" >/dev/null 2>&1; rm -rf "'"$out"'"' EXIT
	else
		trap 'rm -rf "'"$out"'"' EXIT
	fi
	# shellcheck disable=SC1091
	. "$ML7_KUBE_DIR/env"
	export KUBECONFIG=$KUBECONFIG_FILE KUBECACHEDIR=$out/kubecache
}
