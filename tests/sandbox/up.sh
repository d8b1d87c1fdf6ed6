#!/usr/bin/env bash
# tests/sandbox/up.sh [DIR] - the local sandbox behind `make demo` and `make sandbox-up`:
#   - the real kube-apiserver v1.20.2 of the tests (namespace milvus, IngressClass alb),
#   - the fixture Milvus chart installed with the real helm 3.18 as release milvus-demo,
#     Service type LoadBalancer, with the user's own values (tests/fixtures/milvus-chart),
#   - the Milvus gRPC stand-in on the real protos, as the release's backend,
#   - the ACM stand-in (SigV4 checked) with its own credentials,
#   - the ALB controller simulator, which programs nginx (the balancer) from the Ingress it
#     sees, with the certificate it fetches from the ACM stand-in by ARN,
#   - a demo certificate for milvus-demo.milvus.io from a private CA.
# Everything lives under DIR (default build/sandbox), listens on loopback and stops by itself
# after ML7_SANDBOX_TTL seconds (default 1800).  Writes DIR/env (source it) and prints how to use
# it.  Stop it with tests/sandbox/down.sh [DIR].
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$top/build/sandbox}
TTL=${ML7_SANDBOX_TTL:-1800}
HOST=milvus-demo.milvus.io
NS=milvus
RELEASE=milvus-demo
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[[ ! -e $DIR/env ]] || { echo "sandbox: already up in $DIR; stop it with tests/sandbox/down.sh $DIR" >&2; exit 1; }
say() { [[ -n ${ML7_SANDBOX_QUIET:-} ]] || printf 'sandbox: %s\n' "$*" >&2; }
trap 'echo "sandbox: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'rc=$?; if ((rc)); then echo "sandbox: start failed; stopping what started" >&2; "$top/tests/sandbox/down.sh" "$DIR" >/dev/null 2>&1; fi' EXIT

# nothing outside DIR: temporary files, helm's homes, kubectl's cache
export TMPDIR=$DIR/tmp HELM_CONFIG_HOME=$DIR/helm/config HELM_CACHE_HOME=$DIR/helm/cache \
	HELM_DATA_HOME=$DIR/helm/data KUBECACHEDIR=$DIR/kube-cache
mkdir -p "$TMPDIR" "$HELM_CONFIG_HOME" "$HELM_CACHE_HOME" "$HELM_DATA_HOME"
CACHE=${ML7_CACHE:-$HOME/.cache/milvus-l7}
HELM_BIN=${ML7_SANDBOX_HELM:-$CACHE/helm-3.18.0/helm}
[[ -x $HELM_BIN ]] || { echo "sandbox: $HELM_BIN missing: run tests/deps.sh demo" >&2; exit 1; }

wait_file() {  # wait_file FILE WHAT
	local i
	for i in $(seq 1 200); do [[ -s $1 ]] && return 0; sleep 0.05; done
	echo "sandbox: $2 did not start (no $1)" >&2
	return 1
}

say "kube-apiserver"
ML7_KUBE_READY_TIMEOUT=${ML7_KUBE_READY_TIMEOUT:-180} ML7_KUBE_TTL=$TTL "$top/tests/peers/kube/up.sh" "$DIR/kube" 2>"$DIR/kube-up.log" >/dev/null ||
	{ grep -E '^(up.sh|kube build):' "$DIR/kube-up.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$DIR/kube/env"
export KUBECONFIG=$KUBECONFIG_FILE

say "demo certificate for $HOST"
"$top/tests/peers/alb/pki.sh" "$DIR/pki" "$HOST" >/dev/null

say "Milvus stand-in"
timeout -k 5 "$TTL" node "$top/tests/peers/milvus/server.js" --port 0 --port-file "$DIR/milvus.port" \
	--ttl "$TTL" --log "$DIR/milvus.log" --mode-file "$DIR/milvus.mode" </dev/null >"$DIR/milvus.out" 2>&1 &
echo $! >"$DIR/milvus.pid"
wait_file "$DIR/milvus.port" "the Milvus stand-in"
MILVUS=127.0.0.1:$(cat "$DIR/milvus.port")

say "ACM stand-in"
ML7_ACM_TTL=$TTL "$top/tests/peers/acm/up.sh" "$DIR/acm" >/dev/null 2>"$DIR/acm-up.log"
# shellcheck disable=SC1091
source "$DIR/acm/env"

say "nginx as the balancer, and the ALB controller simulator that programs it"
# every Milvus Service the sandbox and its tests make (the Helm release, an Operator CR's
# <name>-milvus, a bare Service) routes to the one Milvus stand-in.
# nginx starts now, answering 503 (no targets) until the simulator programs it from the Ingress;
# its port stays the same across the simulator's reloads
mkdir -p "$DIR/alb"
printf '%s\n' ALB_PORT=0 "ALB_CERT=$DIR/pki/server.crt" "ALB_KEY=$DIR/pki/server.key" ALB_HOST=localhost \
	ALB_BACKEND=127.0.0.1:9 ALB_MODE=503 "ALB_TTL=$TTL" >"$DIR/alb/alb.env"
"$top/tests/peers/alb/nginx.sh" start "$DIR/alb" >"$DIR/nginx-up.log" 2>&1 || { cat "$DIR/nginx-up.log" >&2; exit 1; }
ALB_PORT=$(cat "$DIR/alb/port")
ML7_ALBSIM_TTL=$TTL "$top/tests/peers/albsim/up.sh" "$DIR/albsim" --kube-env "$DIR/kube/env" \
	--create-class --region "$ACM_REGION" --hostname localhost --delay-ms "${ML7_SANDBOX_DELAY_MS:-0}" \
	--alb-dir "$DIR/alb" --acm-env "$DIR/acm/env" --backend "$RELEASE:19530=$MILVUS" \
	--backend "op-demo-milvus:19530=$MILVUS" --backend "plain-milvus:19530=$MILVUS" \
	>/dev/null 2>"$DIR/albsim-up.log" || { cat "$DIR/albsim-up.log" >&2; exit 1; }

say "Milvus release $NS/$RELEASE with helm $("$HELM_BIN" version --short)"
"$HELM_BIN" install "$RELEASE" "$top/tests/fixtures/milvus-chart" -n "$NS" \
	-f "$top/tests/fixtures/milvus-chart/user-values.yaml" --kubeconfig "$KUBECONFIG" >"$DIR/helm-install.log" 2>&1 ||
	{ cat "$DIR/helm-install.log" >&2; exit 1; }

{
	printf 'export %s=%q\n' KUBECONFIG "$KUBECONFIG" HELM_BIN "$HELM_BIN" \
		HELM_CONFIG_HOME "$HELM_CONFIG_HOME" HELM_CACHE_HOME "$HELM_CACHE_HOME" \
		HELM_DATA_HOME "$HELM_DATA_HOME" KUBECACHEDIR "$KUBECACHEDIR" \
		AWS_ACCESS_KEY_ID "$ACM_AKID" AWS_SECRET_ACCESS_KEY "$ACM_SECRET" \
		AWS_REGION "$ACM_REGION" AWS_ENDPOINT_URL_ACM "$ACM_URL" AWS_CA_BUNDLE "$ACM_CA" \
		AWS_CONFIG_FILE /dev/null AWS_SHARED_CREDENTIALS_FILE /dev/null \
		SANDBOX_DIR "$DIR" SANDBOX_NS "$NS" SANDBOX_RELEASE "$RELEASE" SANDBOX_HOST "$HOST" \
		SANDBOX_CERT "$DIR/pki/server.crt" SANDBOX_KEY "$DIR/pki/server.key" \
		SANDBOX_CA "$DIR/pki/ca.crt" \
		SANDBOX_CONNECT_TO "127.0.0.1:$ALB_PORT" SANDBOX_MILVUS "$MILVUS" SANDBOX_MILVUS_MODE "$DIR/milvus.mode" \
		SANDBOX_CHART "$top/tests/fixtures/milvus-chart" SANDBOX_AUDIT_LOG "$KUBE_AUDIT_LOG"
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_ENDPOINT_URL
	echo 'unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_ENDPOINT_URL'
} >"$DIR/env.tmp"
mv "$DIR/env.tmp" "$DIR/env"
trap - EXIT
say "up; it stops by itself in $TTL s"
if [[ -z ${ML7_SANDBOX_QUIET:-} ]]; then
	cat <<EOF
The sandbox is up (everything under $DIR).  To use it by hand:

  source $DIR/env          # KUBECONFIG=$KUBECONFIG, AWS_* for the ACM stand-in, HELM_*
  kubectl get svc -n $NS
  bin/kubectl-milvus_l7 setup $RELEASE -n $NS --host $HOST \\
      --cert \$SANDBOX_CERT --key \$SANDBOX_KEY \\
      --ca-file \$SANDBOX_CA --connect-to \$SANDBOX_CONNECT_TO --chart \$SANDBOX_CHART

The balancer (nginx) listens on 127.0.0.1:$ALB_PORT; --connect-to sends the Ingress address there.
Stop it with: make sandbox-down
EOF
fi
