#!/usr/bin/env bash
# selftest.sh — bring up the kube peer in a temp dir, check it with kubectl and curl, tear down.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KUBECTL=${KUBECTL:-kubectl}
T=$(mktemp -d "${TMPDIR:-/tmp}/ml7-kube.XXXXXX")
trap '"$HERE/down.sh" "$T"; rm -rf "$T"' EXIT

start=$SECONDS
"$HERE/up.sh" "$T"
echo "# up.sh took $((SECONDS - start)) s"
. "$T/env"
export KUBECACHEDIR=$T/kubecache
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

pass=0 fail=0 n=0
check() {  # check DESCRIPTION CMD...  (CMD's output is kept in $T/out)
  local d=$1; shift; n=$((n + 1))
  if "$@" >"$T/out" 2>&1; then pass=$((pass + 1)); echo "ok $n - $d"
  else fail=$((fail + 1)); echo "not ok $n - $d"; sed 's/^/#   /' "$T/out" | tail -n 15; fi
}

ingress() {
  k apply --server-side --field-manager=ml7-selftest -f - <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: milvus-demo
  namespace: milvus
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/backend-protocol-version: GRPC
    alb.ingress.kubernetes.io/target-type: ip
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
spec:
  ingressClassName: alb
  rules:
  - host: milvus-demo.milvus.io
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: milvus-demo, port: {number: 19530}}}
EOF
}
LB=k8s-milvus-milvusde-0123456789-1234567890.us-east-1.elb.amazonaws.com
status_patch() {
  k -n milvus patch ingress milvus-demo --subresource=status --type=merge \
    -p "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"$LB\"}]}}}" &&
  [[ $(k -n milvus get ingress milvus-demo -o 'jsonpath={.status.loadBalancer.ingress[0].hostname}') == "$LB" ]]
}
pretty() {
  local body
  body=$(curl -fsS -A curl --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" \
    "$KUBE_SERVER/api/v1/namespaces?pretty=true")
  grep -q '"kind": "NamespaceList"' <<<"$body" && grep -q '"name": "milvus"' <<<"$body" &&
    kill -0 "$APISERVER_PID"
}
version() { curl -fsS --cacert "$KUBE_CA" "$KUBE_SERVER/version" | grep '"gitVersion": "v1.20.2"'; }
limited() {
  ! k --context limited get ns >"$T/lim" 2>&1 && grep -i forbidden "$T/lim" &&
  [[ $(curl -sS -o /dev/null -w '%{http_code}' --cacert "$KUBE_CA" \
       -H "Authorization: Bearer $KUBE_LIMITED_TOKEN" "$KUBE_SERVER/api/v1/namespaces") == 403 ]]
}
default_sa() {  # kube-controller-manager creates it, if it runs
  [[ -z $CONTROLLER_MANAGER_PID ]] && { echo "no kube-controller-manager: skipped"; return 0; }
  for _ in {1..80}; do k -n milvus get serviceaccount default && return 0; sleep 0.25; done
  return 1
}

check "kubectl get ns lists milvus" eval 'k get ns | grep -w milvus'
check "server reports v1.20.2" version
check "server-side apply of Ingress milvus/milvus-demo" ingress
check "patch --subresource=status sets status.loadBalancer.ingress[0].hostname" status_patch
check "curl -A curl /api/v1/namespaces?pretty=true (pretty JSON, server alive)" pretty
check "context cert (client certificate, system:masters) lists namespaces" k --context cert get ns milvus
check "context limited is forbidden (403)" limited
check "controller-manager creates ServiceAccount milvus/default" default_sa

echo "$pass passed, $fail failed"
((fail == 0))
