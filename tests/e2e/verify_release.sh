#!/usr/bin/env bash
# tests/e2e/verify_release.sh - `kubectl milvus-l7 verify RELEASE`: the address and the server
# name come from the Ingress in front of the release's Service on the real kube-apiserver; the
# balancer (nginx) and Milvus stand-ins answer.  --connect-to stands in for the balancer's DNS.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

t_kube_peer
export KUBECONFIG=$KUBECONFIG_FILE
HOST=milvus-demo.example.test
W=$T_TMP/peers
mkdir -p "$W/alb"
SRV_PID=
cleanup() {
	tests/peers/alb/nginx.sh stop "$W/alb" >/dev/null 2>&1
	[[ -n $SRV_PID ]] && kill "$SRV_PID" 2>/dev/null
	t_cleanup
}
trap cleanup EXIT

tests/peers/alb/pki.sh "$W/pki" "$HOST" || { t_fail "test PKI"; t_done; exit; }
node tests/peers/milvus/server.js --port 0 --port-file "$W/milvus.port" --ttl 300 &
SRV_PID=$!
for _ in $(seq 300); do [[ -s $W/milvus.port ]] && break; sleep 0.05; done
cat >"$W/alb/alb.env" <<EOF
ALB_CERT=$W/pki/server.crt
ALB_KEY=$W/pki/server.key
ALB_HOST=$HOST
ALB_BACKEND=127.0.0.1:$(cat "$W/milvus.port")
ALB_TTL=300
EOF
tests/peers/alb/nginx.sh start "$W/alb" || { t_fail "nginx stand-in starts"; t_done; exit; }
P=$(cat "$W/alb/port")

NS=ml7-verify-$$
ALB=k8s-milvus-demo-0123456789.us-east-1.elb.amazonaws.com
ap() { "$KML7" raw apply "$1" -f - >/dev/null || t_fail "setup: apply $1"; }
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS" | ap "/api/v1/namespaces/$NS"
ap "/api/v1/namespaces/$NS/services/milvus-demo" <<Y
apiVersion: v1
kind: Service
metadata:
  name: milvus-demo
  namespace: $NS
  labels: {app.kubernetes.io/name: milvus, app.kubernetes.io/instance: milvus-demo, app.kubernetes.io/managed-by: Helm, component: standalone}
spec: {type: ClusterIP, ports: [{name: milvus, port: 19530, protocol: TCP}]}
Y
ing() {   # NAME
	ap "/apis/networking.k8s.io/v1/namespaces/$NS/ingresses/$1" <<Y
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: $1, namespace: $NS}
spec:
  ingressClassName: alb
  rules:
  - host: $HOST
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: milvus-demo, port: {number: 19530}}}}]}
Y
}
V=("$KML7" verify --no-snippets -n "$NS" --ca-file "$W/pki/ca.crt" --connect-to "127.0.0.1:$P")

t_expect "a release that is not there: exit 3" 3 "" "no Milvus release \"nope\" found in namespace \"$NS\"" -- \
	"${V[@]}" nope
t_expect "no Ingress yet: exit 3 with the command to create it" 3 "" "ingress apply milvus-demo" -- \
	"${V[@]}" milvus-demo
ing milvus-demo
t_expect "an Ingress without an address: exit 3, run wait" 3 "" "no address yet.*wait milvus-demo" -- \
	"${V[@]}" milvus-demo
"$KML7" raw patch "/apis/networking.k8s.io/v1/namespaces/$NS/ingresses/milvus-demo/status" \
	-f <(echo "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"$ALB\"}]}}}") >/dev/null ||
	t_fail "setup: Ingress status"
t_expect "verify RELEASE: the Ingress host is the server name" 0 \
	"^verified: Milvus v2\.5\.10 answers gRPC at $HOST through 127\.0\.0\.1:$P" -- "${V[@]}" milvus-demo
t_expect "verify RELEASE -o json" 0 "\"serverName\":[[:space:]]*\"$HOST\"" -- "${V[@]}" milvus-demo -o json
t_expect "the snippets dial the balancer's name" 0 "host=\"$ALB\", port=443" -- \
	"$KML7" verify -n "$NS" --ca-file "$W/pki/ca.crt" --connect-to "127.0.0.1:$P" milvus-demo
t_expect "--server-name overrides the Ingress host (then 404)" 5 "" "404 for :authority 'x\.$HOST'" -- \
	"${V[@]}" milvus-demo --server-name "x.$HOST"
ing milvus-demo-2
t_expect "two Ingresses: choose one" 2 "" "several Ingresses route to Service \"milvus-demo\".*--ingress" -- \
	"${V[@]}" milvus-demo
t_expect "--ingress picks it" 0 "^verified" -- "${V[@]}" milvus-demo --ingress milvus-demo
t_expect "RELEASE and --address together: usage" 2 "" "not both" -- "${V[@]}" milvus-demo --address x
t_expect "--ingress without RELEASE: usage" 2 "" "goes with RELEASE" -- "$KML7" verify --address x --ingress y

"$KML7" raw delete "/api/v1/namespaces/$NS" >/dev/null 2>&1
t_done
