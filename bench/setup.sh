#!/usr/bin/env bash
# bench/setup.sh - `kubectl milvus-l7 setup` on the sandbox (tests/sandbox/up.sh) with the ALB
# controller simulator's delay at 0: the time of every step of a first run (from -o json), the
# tool's own CPU time (user + sys of kubectl-milvus_l7 alone, helm's excluded), and then, in one
# hyperfine run, a resumed setup (every step recognised as done, then verified through the
# balancer) beside the one `helm status` call a user would make by hand to see where a release is.
#   bench/setup.sh [--runs N]          BIN=path to the binary (default bin/kubectl-milvus_l7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=10
[ "${1:-}" = --runs ] && runs=$2
bin=${BIN:-bin/kubectl-milvus_l7}
[ -x "$bin" ] || make -s all
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
SB=$PWD/build/bench-setup
trap 'tests/sandbox/down.sh "$SB"' EXIT
tests/sandbox/down.sh "$SB"
t0=$(date +%s.%N)
ML7_SANDBOX_QUIET=1 ML7_SANDBOX_DELAY_MS=0 ML7_SANDBOX_TTL=600 tests/sandbox/up.sh "$SB"
t1=$(date +%s.%N)
# shellcheck disable=SC1091
source "$SB/env"
args=(setup "$SANDBOX_RELEASE" -n "$SANDBOX_NS" --host "$SANDBOX_HOST" --ca-file "$SANDBOX_CA"
	--connect-to "$SANDBOX_CONNECT_TO" --chart "$SANDBOX_CHART")
cpu_json=$SB/first.json
python3 - "$bin" "$cpu_json" "${args[@]}" --cert "$SANDBOX_CERT" --key "$SANDBOX_KEY" -o json <<'EOF'
import json, subprocess, sys, time
binary, out = sys.argv[1], sys.argv[2]
t = time.monotonic()
p = subprocess.run([binary] + sys.argv[3:], capture_output=True, text=True)
wall = time.monotonic() - t
if p.returncode != 0:
    sys.exit("setup failed: " + p.stderr)
d = json.loads(p.stdout)
d["bench"] = {"wall": wall}
json.dump(d, open(out, "w"))
EOF
python3 - "$cpu_json" "$(python3 -c "print(round($t1 - $t0, 1))")" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print("sandbox up: %s s" % sys.argv[2])
print("first setup, per step (wall):")
for s in d["steps"]:
    print("  %-11s %-7s %7.3f s  %s" % (s["step"], s["state"], s["seconds"], s["detail"][:90]))
tot = sum(s["seconds"] for s in d["steps"])
own = tot - sum(s["seconds"] for s in d["steps"] if s["step"] in ("service", "wait"))
print("  %-19s %7.3f s (process wall %.3f s)" % ("total", tot, d["bench"]["wall"]))
print("  %-19s %7.3f s (every step but helm's upgrade and the controller's work)" % ("the tool's own", own))
EOF
arn=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["certificateArn"])' "$cpu_json")
hyperfine -N --warmup 2 --runs "$runs" --export-json "$SB/hf.json" \
	-n "setup (resumed, verified)" "$bin ${args[*]} --cert-arn $arn -q" \
	-n "helm status" "$HELM_BIN status $SANDBOX_RELEASE -n $SANDBOX_NS" >/dev/null
python3 - "$SB/hf.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["setup (resumed, verified)"]["median"], r["helm status"]["median"]
print("resumed setup %.1f ms vs one helm status %.1f ms: %.1fx faster" % (a * 1e3, b * 1e3, b / a))
EOF
