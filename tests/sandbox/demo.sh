#!/usr/bin/env bash
# tests/sandbox/demo.sh - `make demo`: starts the sandbox (tests/sandbox/up.sh), runs
# `kubectl milvus-l7 setup` on its Milvus release as a user would, shows the result, and stops
# everything again - on Ctrl-C too - leaving no process and no file outside build/.
#   ML7_BIN=dir       the binaries to use (default bin)
#   ML7_DEMO_DIR=dir  where the sandbox lives while the demo runs (default build/demo)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
DIR=${ML7_DEMO_DIR:-$top/build/demo}
BIN=$(cd "${ML7_BIN:-bin}" && pwd)
stop() { tests/sandbox/down.sh "$DIR"; }
trap stop EXIT
trap 'echo; echo "demo: interrupted; stopping the sandbox" >&2; exit 130' INT TERM
tests/sandbox/down.sh "$DIR"
t0=$SECONDS
echo "== starting the sandbox: kube-apiserver, helm release, Milvus, ACM and ALB stand-ins"
ML7_SANDBOX_QUIET=1 ML7_SANDBOX_TTL=${ML7_DEMO_TTL:-300} tests/sandbox/up.sh "$DIR"
# shellcheck disable=SC1091
source "$DIR/env"
export PATH=$BIN:$PATH   # kubectl finds the plugin as kubectl-milvus_l7 on PATH
echo "   up in $((SECONDS - t0)) s"
echo
echo "== before: the release's Service is a Layer-4 LoadBalancer"
kubectl get svc -n "$SANDBOX_NS"
echo
cmd=(kubectl milvus-l7 setup "$SANDBOX_RELEASE" -n "$SANDBOX_NS" --host "$SANDBOX_HOST"
	--cert "$SANDBOX_CERT" --key "$SANDBOX_KEY"
	--ca-file "$SANDBOX_CA" --connect-to "$SANDBOX_CONNECT_TO" --chart "$SANDBOX_CHART")
echo "\$ ${cmd[*]}"
"${cmd[@]}"
echo
echo "== after: ClusterIP behind the ALB Ingress; the user's Helm values are all still there"
kubectl get svc,ingress -n "$SANDBOX_NS"
echo
"$HELM_BIN" get values "$SANDBOX_RELEASE" -n "$SANDBOX_NS"
echo
echo "== demo done in $((SECONDS - t0)) s; stopping the sandbox"
