#!/usr/bin/env bash
# bench/startup.sh - start-up cost: `kubectl-milvus_l7 version` beside the
# process floor (/bin/true) and `kubectl version --client`, in one hyperfine
# run, and the ratios.  BIN=path to the binary (default bin/kubectl-milvus_l7).
#   bench/startup.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${2:-50}
bin=${BIN:-bin/kubectl-milvus_l7}
[ -x "$bin" ] || make -s all
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/r.json" \
	-n true /bin/true \
	-n milvus-l7 "$bin version" \
	-n kubectl "kubectl version --client" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
python3 - "$out/r.json" "$bin" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
t, m, k = (r[n]["median"] * 1000 for n in ("true", "milvus-l7", "kubectl"))
print(f"median  /bin/true {t:.2f} ms   {sys.argv[2]} version {m:.2f} ms   kubectl version --client {k:.2f} ms")
print(f"milvus-l7 / true  = {m / t:.2f}x   (budget for the static release build: <= 1.5x)")
print(f"kubectl / milvus-l7 = {k / m:.1f}x faster   (budget: >= 7x dynamic dev build, >= 30x static)")
PY
