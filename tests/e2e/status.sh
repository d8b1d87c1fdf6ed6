#!/usr/bin/env bash
# tests/e2e/status.sh - `kubectl milvus-l7 status` against the real
# kube-apiserver: Helm- and Operator-managed Milvus, other components left out,
# Ingresses routing to them with their address, -A, -o json|yaml, a named
# release, and the sentence when there is no Milvus.
cd "$(dirname "$0")/../.."
. tests/lib.sh

t_kube_peer
export KUBECONFIG=$KUBECONFIG_FILE HOME=$T_TMP
A=ml7-st-a-$$ B=ml7-st-b-$$ E=ml7-st-empty-$$
ap() { "$KML7" raw apply "$1" -f - >/dev/null || t_fail "setup: apply $1"; }
for ns in $A $B $E; do
	printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$ns" | ap "/api/v1/namespaces/$ns"
done
svc() {  # svc NS NAME TYPE LABELS
	ap "/api/v1/namespaces/$1/services/$2" <<Y
apiVersion: v1
kind: Service
metadata: {name: $2, namespace: $1, labels: {$4}}
spec: {type: $3, ports: [{name: milvus, port: 19530, protocol: TCP}, {name: metrics, port: 9091, protocol: TCP}]}
Y
}
svc "$A" rel-milvus ClusterIP 'app.kubernetes.io/name: milvus, app.kubernetes.io/instance: rel, app.kubernetes.io/managed-by: Helm, component: proxy'
svc "$A" rel-milvus-datanode ClusterIP 'app.kubernetes.io/name: milvus, app.kubernetes.io/instance: rel, component: datanode'
svc "$A" other ClusterIP 'app: other'
svc "$A" solo-milvus NodePort 'app.kubernetes.io/name: milvus, app.kubernetes.io/instance: solo, app.kubernetes.io/component: standalone'
svc "$B" op-milvus LoadBalancer 'app.kubernetes.io/name: milvus, app.kubernetes.io/instance: op, app.kubernetes.io/managed-by: milvus-operator'
ap "/apis/networking.k8s.io/v1/namespaces/$A/ingresses/rel-alb" <<Y
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: rel-alb, namespace: $A}
spec:
  ingressClassName: ml7-e2e-none   # not alb: no controller stand-in may claim it
  rules:
  - host: milvus-demo.milvus.io
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: rel-milvus, port: {number: 19530}}}}]}
Y
ap "/apis/networking.k8s.io/v1/namespaces/$A/ingresses/unrelated" <<Y
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: unrelated, namespace: $A}
spec: {defaultBackend: {service: {name: other, port: {number: 80}}}}
Y

t_expect "status -n: Helm and standalone rows, the Ingress pending" 0 \
	'^rel +Helm +rel-milvus +ClusterIP +19530/TCP,9091/TCP +rel-alb +<pending>' -- "$KML7" status -n "$A"
t_check "status -n: the standalone Service with its node ports" grep -Eq '^solo +- +solo-milvus +NodePort +19530:[0-9]+/TCP' "$T_TMP/out"
t_check "status -n: no datanode, no foreign Service, no other namespace" sh -c "! grep -Eq 'datanode|^other|op-milvus|unrelated' '$T_TMP/out'"
t_check "status -n: a header and two rows" test "$(wc -l <"$T_TMP/out")" -eq 3
"$KML7" raw patch "/apis/networking.k8s.io/v1/namespaces/$A/ingresses/rel-alb/status" \
	-f <(echo '{"status":{"loadBalancer":{"ingress":[{"hostname":"k8s-a-rel-0123.us-east-1.elb.amazonaws.com"}]}}}') >/dev/null
t_expect "status: the Ingress address once the controller wrote it" 0 'rel-alb +k8s-a-rel-0123\.us-east-1\.elb\.amazonaws\.com' -- "$KML7" status -n "$A"
t_expect "status -A: both namespaces, the Operator's Service" 0 "^$B +op +milvus-operator +op-milvus +LoadBalancer" -- "$KML7" status -A
t_check "status -A: the namespace column" grep -Eq "^$A +rel +Helm" "$T_TMP/out"
t_expect "status RELEASE -o json" 0 '"address":[[:space:]]*"k8s-a-rel-0123' -- "$KML7" status rel -n "$A" -o json
t_check "status RELEASE -o json: one item, its hosts" sh -c "grep -c '\"release\"' '$T_TMP/out' | grep -qx 1 && grep -q 'milvus-demo.milvus.io' '$T_TMP/out'"
t_expect "status -o yaml" 0 '^- namespace: ' -- "$KML7" status -n "$A" -o yaml
t_expect "no Milvus: a sentence, not an empty table" 0 '' "^No Milvus found in namespace \"$E\"" -- "$KML7" status -n "$E"
t_check "no Milvus: nothing on stdout" test ! -s "$T_TMP/out"
t_expect "no Milvus, -o json: an empty list" 0 '"items":[[:space:]]*\[\]' -- "$KML7" status -n "$E" -o json
t_expect "a release that is not there: exit 3" 3 '' "no Milvus release \"nope\" found in namespace \"$A\"" -- "$KML7" status nope -n "$A"
t_expect "-A with -n is a usage error" 2 '' 'do not go together' -- "$KML7" status -A -n "$A"
t_expect "status without access: the server's reason" 1 '' 'forbidden' -- "$KML7" --context limited status -n "$A"

for ns in $A $B $E; do "$KML7" raw delete "/api/v1/namespaces/$ns" >/dev/null 2>&1; done
t_done
