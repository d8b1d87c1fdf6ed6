#!/usr/bin/env bash
# bench/startup.sh - start-up cost, in one hyperfine run on the same machine: the process
# floor (/bin/true), the static release binary (`make dist`: glibc is its only shared
# library), the dynamic dev build (Debian's libcurl and its 33 shared libraries), and
# `kubectl version --client`; then the ratios against the budgets.
#   bench/startup.sh [--runs N]
#   REL=release binary (default dist/build/amd64/bin/kubectl-milvus_l7, made by `make dist`)
#   DEV=dev binary     (default bin/kubectl-milvus_l7, made by `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=50
[ "${1:-}" = --runs ] && runs=${2:?--runs N}
rel=${REL:-dist/build/amd64/bin/kubectl-milvus_l7}
dev=${DEV:-bin/kubectl-milvus_l7}
[ -x "$rel" ] || make -s dist >&2
[ -x "$dev" ] || make -s all >&2
kubectl=$(command -v kubectl) || { echo "startup.sh: kubectl is not on PATH" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "shared libraries: release $(ldd "$rel" | grep -c '=>'), dev $(ldd "$dev" | grep -c '=>')"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/r.json" \
	-n true /bin/true \
	-n release "$rel version" \
	-n dev "$dev version" \
	-n kubectl "$kubectl version --client" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
python3 - "$out/r.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
t, rel, dev, k = (r[n]["median"] * 1000 for n in ("true", "release", "dev", "kubectl"))
print(f"median  /bin/true {t:.2f} ms   release {rel:.2f} ms   dev {dev:.2f} ms   kubectl version --client {k:.2f} ms")
print(f"release / true    = {rel / t:.2f}x   (budget: <= 1.5x)")
print(f"dev / true        = {dev / t:.2f}x")
print(f"kubectl / release = {k / rel:.1f}x   (budget: >= 30x)")
print(f"kubectl / dev     = {k / dev:.1f}x   (budget: >= 7x)")
mt, mrel, mdev, mk = (r[n]["min"] * 1000 for n in ("true", "release", "dev", "kubectl"))
print(f"min     /bin/true {mt:.2f} ms   release {mrel:.2f} ms   dev {mdev:.2f} ms   kubectl {mk:.2f} ms"
      f"   (release/true {mrel / mt:.2f}x, kubectl/release {mk / mrel:.1f}x, kubectl/dev {mk / mdev:.1f}x)")
PY
