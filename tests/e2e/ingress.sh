#!/usr/bin/env bash
# tests/e2e/ingress.sh - the ALB Ingress lifecycle against the real kube-apiserver and the AWS
# Load Balancer Controller simulator (tests/peers/albsim): release discovery, render | kubectl
# apply == ingress apply, idempotence (no write, no new generation: the apiserver's audit log),
# conflicts and --force, dry runs that write nothing, wait (address, failure event, stale
# events, absent controller, timeout, a watch cut mid-wait, DNS + TLS readiness through the nginx
# stand-in with the certificate from the ACM stand-in), delete, doctor.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cleanup() {
	"$top/tests/peers/albsim/down.sh" "$T_TMP/sim" >/dev/null 2>&1
	"$top/tests/peers/albsim/down.sh" "$T_TMP/sim2" >/dev/null 2>&1
	[ -d "$T_TMP/alb" ] && "$top/tests/peers/alb/nginx.sh" stop "$T_TMP/alb" >/dev/null 2>&1
	[ -d "$T_TMP/acm" ] && "$top/tests/peers/acm/down.sh" "$T_TMP/acm" >/dev/null 2>&1
	[ -n "${PROXY_PID:-}" ] && kill "$PROXY_PID" 2>/dev/null
	[ -n "${NS:-}" ] && kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1
	t_cleanup
}
trap cleanup EXIT
t_kube_peer
# no AWS credentials from the machine: `ingress apply` would look certificates up in ACM
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE \
	AWS_DEFAULT_PROFILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ACM \
	AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_CONFIG_FILE=$T_TMP/no-aws-config AWS_SHARED_CREDENTIALS_FILE=$T_TMP/no-aws-credentials
cp "$KUBECONFIG_FILE" "$T_TMP/kubeconfig"
export KUBECONFIG=$T_TMP/kubeconfig
NS=ml7-ingress-$$
kc() { kubectl "$@" 2>>"$T_TMP/kubectl.err"; }
ARN=arn:aws:acm:us-west-2:111122223333:certificate/0a1b2c3d-1111-2222-3333-444455556666
HOST=milvus-demo.example.test
K=("$KML7" -n "$NS")

# writes milvus-l7 made in the namespace, from the apiserver's audit log: "verb uri" lines
writes() {
	jq -r --arg ns "$NS" 'select(.stage == "ResponseComplete" and ((.userAgent // "") | startswith("milvus-l7"))
		and (.verb | test("create|update|patch|delete")) and .objectRef.namespace == $ns)
		| "\(.verb) \(.requestURI)"' "$KUBE_AUDIT_LOG"
}
# the apiserver directly (kubectl costs a process start per call)
api() { curl -sS --max-time 10 --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" "$@"; }
ing() { api "$KUBE_SERVER/apis/networking.k8s.io/v1/namespaces/$NS/ingresses/$1"; }
field() { ing "$1" | jq -r "$2 // empty"; }

old=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: $NS}
---
# an old failure Event (an hour before the apply): wait must ignore it
apiVersion: v1
kind: Event
metadata: {name: stale.0001, namespace: $NS}
involvedObject: {kind: Ingress, name: stale, namespace: $NS, apiVersion: networking.k8s.io/v1}
reason: FailedDeployModel
message: "Failed deploy model due to an old problem"
type: Warning
firstTimestamp: "$old"
lastTimestamp: "$old"
count: 3
source: {component: ingress}
---
apiVersion: v1
kind: Service
metadata:
  name: milvus-demo
  namespace: $NS
  labels: {app.kubernetes.io/instance: milvus-demo, app.kubernetes.io/name: milvus, component: proxy,
           app.kubernetes.io/managed-by: Helm}
spec:
  ports: [{name: milvus, port: 19530, protocol: TCP, targetPort: milvus}, {name: metrics, port: 9091, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: milvus-demo-querynode
  namespace: $NS
  labels: {app.kubernetes.io/instance: milvus-demo, app.kubernetes.io/name: milvus, component: querynode}
spec:
  clusterIP: None
  ports: [{name: metrics, port: 9091, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: two-milvus
  namespace: $NS
  labels: {app.kubernetes.io/instance: two, app.kubernetes.io/name: milvus, component: proxy}
spec:
  ports: [{name: milvus, port: 19530, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: two-standalone
  namespace: $NS
  labels: {app.kubernetes.io/instance: two, app.kubernetes.io/name: milvus, component: standalone}
spec:
  ports: [{name: milvus, port: 19530, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: op-milvus
  namespace: $NS
  labels: {app.kubernetes.io/instance: op, app.kubernetes.io/name: milvus, app.kubernetes.io/managed-by: milvus-operator}
spec:
  type: LoadBalancer
  ports: [{name: milvus, port: 19530, protocol: TCP}]
EOF

# ---- release discovery ------------------------------------------------------------------------
t_expect "render finds the Helm release's proxy Service and its port" 0 \
	'name: milvus-demo$' -- "${K[@]}" ingress render milvus-demo --host "$HOST" --cert-arn "$ARN" -q
grep -q 'number: 19530' "$T_TMP/out" && t_pass "render: backend port 19530" || t_fail "render: backend port 19530"
t_expect "render finds an Operator CR's <name>-milvus Service" 0 'name: op-milvus$' -- \
	"${K[@]}" ingress render op --host "$HOST" --cert-arn "$ARN" -q
t_expect "several Services: a clear error that lists them" 1 '' \
	"release 'two' has several Milvus Services in namespace '$NS': two-milvus \\(proxy\\), two-standalone \\(standalone\\); name one with --service" -- \
	"${K[@]}" ingress render two --host "$HOST" --cert-arn "$ARN" -q
t_expect "no Service: the error lists the releases found" 3 '' \
	"no Milvus Service of release 'nope' in namespace '$NS'.*Milvus releases in this namespace: (milvus-demo|two|op)" -- \
	"${K[@]}" ingress render nope --host "$HOST" --cert-arn "$ARN" -q

# ---- the controller simulator -----------------------------------------------------------------
"$top/tests/peers/albsim/up.sh" "$T_TMP/sim" --create-class --namespace "$NS" --delay-ms 200 \
	2>"$T_TMP/sim-up.log" || { t_fail "albsim starts" "$(cat "$T_TMP/sim-up.log")"; t_done; exit 1; }
t_pass "albsim starts and watches"

# ---- render | kubectl apply == ingress apply --------------------------------------------------
"${K[@]}" ingress render milvus-demo --name by-kubectl --host "$HOST" --cert-arn "$ARN" --idle-timeout 10m -q |
	kc apply -f - >/dev/null
t_expect "ingress apply creates" 0 '^ingress.networking.k8s.io/milvus-demo created$' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --idle-timeout 10m -q
same() {
	ing "$1" | jq -S '{labels: .metadata.labels, spec: .spec,
		annotations: (.metadata.annotations | del(."kubectl.kubernetes.io/last-applied-configuration"))}'
}
if [ -n "$(same milvus-demo)" ] && [ "$(same milvus-demo)" = "$(same by-kubectl)" ]; then
	t_pass "render | kubectl apply -f - gives the same object as ingress apply"
else
	t_fail "render | kubectl apply -f - gives the same object as ingress apply" "$(diff <(same milvus-demo) <(same by-kubectl) | head -5)"
fi
t_expect "kubectl get ingress shows what was applied" 0 "milvus-demo +alb +$HOST" -- kc -n "$NS" get ingress milvus-demo
[ "$(field milvus-demo '.metadata.managedFields[] | select(.manager == "milvus-l7") | .operation')" = Apply ] &&
	t_pass "the field manager is milvus-l7 (server-side apply)" || t_fail "the field manager is milvus-l7 (server-side apply)"

t_expect "wait: the address the controller writes" 0 '^k8s-ml7ingre-milvusde-[0-9a-f]{10}-[0-9]+\.us-west-2\.elb\.amazonaws\.com$' -- \
	"${K[@]}" wait milvus-demo --address-only
[ "$T_OUT" = "$(field milvus-demo '.status.loadBalancer.ingress[0].hostname')" ] &&
	t_pass "wait prints the hostname of status.loadBalancer.ingress[0]" || t_fail "wait prints the hostname of status.loadBalancer.ingress[0]"

# ---- idempotence --------------------------------------------------------------------------------
gen=$(field milvus-demo .metadata.generation) rv=$(field milvus-demo .metadata.resourceVersion)
before=$(writes | wc -l)
t_expect "a second apply changes nothing" 0 '^ingress.networking.k8s.io/milvus-demo unchanged$' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --idle-timeout 10m -q
if [ "$(writes | wc -l)" = "$before" ] && [ "$(field milvus-demo .metadata.generation)" = "$gen" ] &&
   [ "$(field milvus-demo .metadata.resourceVersion)" = "$rv" ]; then
	t_pass "the second apply wrote nothing (audit log), no new generation"
else
	t_fail "the second apply wrote nothing (audit log), no new generation" "$(writes | tail -n 2)"
fi

# ---- dry runs --------------------------------------------------------------------------------
before=$(writes | wc -l)
t_expect "--dry-run=client on a change" 0 'milvus-demo configured \(dry run\)$' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --scheme internal --dry-run=client -q
[ "$(writes | wc -l)" = "$before" ] && t_pass "--dry-run=client sent no write" || t_fail "--dry-run=client sent no write"
t_expect "--dry-run=server on a change" 0 'milvus-demo configured \(server dry run\)$' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --scheme internal --dry-run=server -q
if writes | sed -n "$((before + 1)),\$p" | grep -v -q 'dryRun=All'; then
	t_fail "--dry-run=server sent only dryRun=All requests" "$(writes | tail -n 2)"
else
	t_pass "--dry-run=server sent only dryRun=All requests"
fi
[ "$(field milvus-demo .metadata.resourceVersion)" = "$rv" ] &&
	[ "$(field milvus-demo '.metadata.annotations["alb.ingress.kubernetes.io/scheme"]')" = internet-facing ] &&
	t_pass "dry runs left the object as it was" || t_fail "dry runs left the object as it was"
t_expect "--dry-run=client of a new Ingress" 0 '^ingress.networking.k8s.io/fresh created \(dry run\)$' -- \
	"${K[@]}" ingress apply milvus-demo --name fresh --host "$HOST" --cert-arn "$ARN" --dry-run=client -q
t_expect "--dry-run=server of a new Ingress" 0 '^ingress.networking.k8s.io/fresh created \(server dry run\)$' -- \
	"${K[@]}" ingress apply milvus-demo --name fresh --host "$HOST" --cert-arn "$ARN" --dry-run=server -q
t_expect "a dry run created nothing" 0 '"code": 404' -- ing fresh
t_expect "--dry-run=maybe is a usage error" 2 '' "--dry-run must be client, server or none, not 'maybe'" -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --dry-run=maybe

# ---- conflicts --------------------------------------------------------------------------------
kc -n "$NS" annotate ingress milvus-demo --overwrite alb.ingress.kubernetes.io/scheme=internal >/dev/null
t_expect "a field owned by another manager stops apply" 1 '' \
	'fields owned by another manager; --force takes them: .*conflict with "kubectl-annotate".*scheme' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --idle-timeout 10m -q
t_expect "--force takes the field back" 0 'milvus-demo configured$' -- \
	"${K[@]}" ingress apply milvus-demo --host "$HOST" --cert-arn "$ARN" --idle-timeout 10m --force -q
[ "$(field milvus-demo '.metadata.annotations["alb.ingress.kubernetes.io/scheme"]')" = internet-facing ] &&
	t_pass "after --force the scheme is milvus-l7's again" || t_fail "after --force the scheme is milvus-l7's again"
kc -n "$NS" create ingress theirs --class=alb --rule="other.example.test/=milvus-demo:19530" >/dev/null
t_expect "an Ingress milvus-l7 does not manage stops apply" 1 '' \
	"ingress $NS/theirs exists and milvus-l7 does not manage it .*--force takes it over" -- \
	"${K[@]}" ingress apply milvus-demo --name theirs --host "$HOST" --cert-arn "$ARN" -q
t_expect "... and delete" 1 '' "ingress $NS/theirs is not managed by milvus-l7.*--force deletes it anyway" -- \
	"${K[@]}" ingress delete milvus-demo --name theirs
t_expect "--force takes it over" 0 'theirs configured$' -- \
	"${K[@]}" ingress apply milvus-demo --name theirs --host "$HOST" --cert-arn "$ARN" --force -q
[ "$(field theirs '.metadata.labels["app.kubernetes.io/managed-by"]')" = milvus-l7 ] &&
	t_pass "the taken-over Ingress carries the managed-by label" || t_fail "the taken-over Ingress carries the managed-by label"

# ---- wait: failures ---------------------------------------------------------------------------
t_expect "wait fails at once on FailedDeployModel with the controller's message" 5 '' \
	"the AWS Load Balancer Controller failed on ingress $NS/bad: FailedDeployModel: Failed deploy model due to AccessDenied: User: .* is not authorized to perform: elasticloadbalancing:CreateLoadBalancer" -- \
	sh -c "'$KML7' -n $NS ingress apply milvus-demo --name bad --host $HOST --cert-arn $ARN -q \
		--annotation albsim.milvus-l7.test/fail-deploy=true >/dev/null && '$KML7' -n $NS wait --ingress bad --timeout 60s"
t_expect "wait: FailedBuildModel (target type instance with a ClusterIP Service)" 5 '' \
	"FailedBuildModel: Failed build model due to ingress: $NS/byhand: TargetGroup port is empty" -- \
	sh -c "kubectl -n $NS create ingress byhand --class=alb --rule='$HOST/=milvus-demo:19530' \
		--annotation=alb.ingress.kubernetes.io/certificate-arn=$ARN >/dev/null 2>&1 &&
		'$KML7' -n $NS wait --ingress byhand --timeout 60s"
t_expect "wait ignores Events older than the apply" 0 'elb\.amazonaws\.com$' -- \
	sh -c "'$KML7' -n $NS ingress apply milvus-demo --name stale --host $HOST --cert-arn $ARN -q >/dev/null &&
		'$KML7' -n $NS wait --ingress stale --address-only --timeout 60s"
t_expect "no IngressClass and no Event: the controller looks absent" 5 '' \
	"no Event from the AWS Load Balancer Controller after 1s and there is no IngressClass 'alb-missing' \\(controller ingress.k8s.aws/alb\\): the controller looks absent" -- \
	sh -c "'$KML7' -n $NS ingress apply milvus-demo --name orphan --ingress-class alb-missing --host $HOST --cert-arn $ARN -q >/dev/null &&
		'$KML7' -n $NS wait --ingress orphan --grace 1s --timeout 10s"
t_expect "timeout (exit 4)" 4 '' "ingress $NS/slow has no address after 2s" -- \
	sh -c "'$KML7' -n $NS ingress apply milvus-demo --name slow --host $HOST --cert-arn $ARN -q \
		--annotation albsim.milvus-l7.test/delay-ms=8000 >/dev/null && '$KML7' -n $NS wait --ingress slow --timeout 2s"
t_expect "wait for an Ingress that does not exist" 3 '' "ingress $NS/nothing not found" -- \
	"${K[@]}" wait --ingress nothing --timeout 5s
t_expect "wait needs RELEASE or --ingress" 2 '' 'give RELEASE or --ingress NAME' -- "${K[@]}" wait

# ---- wait through a proxy that cuts every connection (a watch dropped mid-wait) ----------------
cat >"$T_TMP/cutter.js" <<'EOF'
// a TCP proxy on loopback that cuts every connection after CUT ms (TLS passes through)
const net = require('node:net');
const [target, cut, portFile] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
setTimeout(() => process.exit(0), 120000);
const srv = net.createServer((c) => {
  const u = net.connect(target, '127.0.0.1');
  c.pipe(u); u.pipe(c);
  const t = setTimeout(() => { c.destroy(); u.destroy(); }, cut);
  const end = () => { clearTimeout(t); c.destroy(); u.destroy(); };
  c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
});
srv.listen(0, '127.0.0.1', () => require('node:fs').writeFileSync(portFile, String(srv.address().port)));
EOF
node "$T_TMP/cutter.js" "$KUBE_PORT" 800 "$T_TMP/cutter.port" &
PROXY_PID=$!
for _ in $(seq 600); do [ -s "$T_TMP/cutter.port" ] && break; sleep 0.05; done
sed "s#server: https://127.0.0.1:$KUBE_PORT#server: https://127.0.0.1:$(cat "$T_TMP/cutter.port")#" "$T_TMP/kubeconfig" >"$T_TMP/kubeconfig.cut"
"${K[@]}" ingress apply milvus-demo --name cut --host "$HOST" --cert-arn "$ARN" -q \
	--annotation albsim.milvus-l7.test/delay-ms=2500 >/dev/null
t_expect "wait survives watches cut every 0.8 s" 0 'elb\.amazonaws\.com' -- \
	"$KML7" --kubeconfig "$T_TMP/kubeconfig.cut" -n "$NS" wait --ingress cut --address-only --timeout 60s -o json
kill "$PROXY_PID" 2>/dev/null; PROXY_PID=

# ---- Ctrl-C ------------------------------------------------------------------------------------
"$KML7" -n "$NS" wait --ingress orphan --timeout 60s 2>"$T_TMP/int.err" &
p=$!
for _ in $(seq 600); do grep -q 'waiting for the address' "$T_TMP/int.err" && break; sleep 0.1; done
kill -INT "$p"
wait "$p"
rc=$?
if [ "$rc" = 130 ] && grep -q 'interrupted; the Ingress is left as it is' "$T_TMP/int.err"; then
	t_pass "Ctrl-C: exit 130, the Ingress left as it is"
else
	t_fail "Ctrl-C: exit 130, the Ingress left as it is" "rc $rc: $(cat "$T_TMP/int.err")"
fi
[ "$(field orphan .metadata.name)" = orphan ] && t_pass "... and it is still there" || t_fail "... and it is still there"

# ---- the cluster's region from the nodes' topology label ----------------------------------------
api -o /dev/null -X POST -H 'Content-Type: application/json' "$KUBE_SERVER/api/v1/nodes" \
	-d "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"$NS-node\",\"labels\":{\"topology.kubernetes.io/region\":\"eu-central-1\"}}}"
t_expect "apply checks the ARN's region against the nodes' region" 2 '' \
	"certificate ARN '$ARN' is in region 'us-west-2' but the cluster is in 'eu-central-1'" -- \
	"${K[@]}" ingress apply milvus-demo --name region --host "$HOST" --cert-arn "$ARN" -q
t_expect "doctor too" 5 "^FAIL +certificate .*but the cluster is in 'eu-central-1'" -- "${K[@]}" doctor milvus-demo --cert-arn "$ARN"
api -o /dev/null -X DELETE "$KUBE_SERVER/api/v1/nodes/$NS-node"

# ---- wait: DNS + TLS readiness through the nginx stand-in, certificate from the ACM stand-in ----
"$top/tests/peers/albsim/down.sh" "$T_TMP/sim"
"$top/tests/peers/alb/pki.sh" "$T_TMP/pki" "$HOST" >/dev/null
openssl x509 -in "$T_TMP/pki/server.crt" -out "$T_TMP/pki/server.leaf"
"$top/tests/peers/acm/up.sh" "$T_TMP/acm" 2>"$T_TMP/acm-up.log" || t_fail "the ACM stand-in starts" "$(tail -n 3 "$T_TMP/acm-up.log")"
. "$T_TMP/acm/env"
body=$(printf '{"Certificate":"%s","PrivateKey":"%s","CertificateChain":"%s"}' "$(base64 -w0 "$T_TMP/pki/server.leaf")" \
	"$(base64 -w0 "$T_TMP/pki/server.key")" "$(base64 -w0 "$T_TMP/pki/ca.crt")")
acm_arn=$(curl -sS --cacert "$ACM_CA" --aws-sigv4 "aws:amz:$ACM_REGION:acm" -u "$ACM_AKID:$ACM_SECRET" \
	-H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: CertificateManager.ImportCertificate' \
	-d "$body" "$ACM_URL/" | jq -r .CertificateArn)
mkdir -p "$T_TMP/alb"
"$top/tests/peers/albsim/up.sh" "$T_TMP/sim2" --namespace "$NS" --hostname localhost --region "$ACM_REGION" \
	--alb-dir "$T_TMP/alb" --acm-env "$T_TMP/acm/env" --backend milvus-demo:19530=127.0.0.1:9 \
	2>"$T_TMP/sim2-up.log" || t_fail "albsim (loopback mode) starts" "$(cat "$T_TMP/sim2-up.log")"
# with AWS credentials (here: the ACM stand-in's) apply looks the certificate up first
A=(env AWS_ACCESS_KEY_ID="$ACM_AKID" AWS_SECRET_ACCESS_KEY="$ACM_SECRET" AWS_ENDPOINT_URL_ACM="$ACM_URL"
	AWS_CA_BUNDLE="$ACM_CA" "$KML7" -n "$NS")
unknown=arn:aws:acm:$ACM_REGION:111122223333:certificate/00000000-0000-0000-0000-000000000000
t_expect "apply: an ARN unknown to ACM stops it before any write" 3 '' "$unknown" -- \
	"${A[@]}" ingress apply milvus-demo --name nocert --host "$HOST" --cert-arn "$unknown" -q
t_expect "apply: a certificate that does not cover the host stops it" 1 '' \
	"certificate $acm_arn cannot serve other.example.org: .*--no-cert-check skips this check" -- \
	"${A[@]}" ingress apply milvus-demo --name other --host other.example.org --cert-arn "$acm_arn" -q
t_expect "apply: the imported certificate passes the ACM check" 0 'live created$' -- \
	"${A[@]}" ingress apply milvus-demo --name live --host "$HOST" --cert-arn "$acm_arn" -q
for _ in $(seq 600); do [ -s "$T_TMP/alb/port" ] && break; sleep 0.1; done
t_expect "wait: address, name resolves, TLS answers with the imported certificate" 0 '"readySeconds"' -- \
	"${K[@]}" wait --ingress live --connect-to "127.0.0.1:$(cat "$T_TMP/alb/port" 2>/dev/null)" \
	--ca-file "$T_TMP/pki/ca.crt" --timeout 60s -o json
t_expect "... TLS is verified: another CA never gets ready" 4 '' 'is set but not ready: TLS on localhost:443' -- \
	"${K[@]}" wait --ingress live --connect-to "127.0.0.1:$(cat "$T_TMP/alb/port" 2>/dev/null)" \
	--ca-file "$T_TMP/pki/other-ca.crt" --timeout 6s
t_expect "an unknown certificate ARN fails the deploy (CertificateNotFound)" 5 '' \
	"FailedDeployModel: Failed deploy model due to CertificateNotFound: Certificate 'arn:aws:acm:$ACM_REGION:111122223333:certificate/00000000-0000-0000-0000-000000000000' not found" -- \
	sh -c "'$KML7' -n $NS ingress apply milvus-demo --name nocert --host $HOST -q \
		--cert-arn arn:aws:acm:$ACM_REGION:111122223333:certificate/00000000-0000-0000-0000-000000000000 >/dev/null &&
		'$KML7' -n $NS wait --ingress nocert --timeout 60s"

# ---- delete ---------------------------------------------------------------------------------
t_expect "delete --dry-run=server" 0 'live deleted \(server dry run\)' -- "${K[@]}" ingress delete milvus-demo --name live --dry-run=server
t_expect "... leaves it there" 0 '"name": "live"' -- ing live
t_expect "delete waits until the controller released it" 0 '^ingress.networking.k8s.io/live deleted$' -- \
	"${K[@]}" ingress delete milvus-demo --name live
t_expect "... and it is gone" 0 '"code": 404' -- ing live
t_expect "delete again: nothing to delete" 0 'live not found: nothing to delete' -- "${K[@]}" ingress delete milvus-demo --name live

# ---- doctor ---------------------------------------------------------------------------------
t_expect "doctor: a report, worst WARN (no controller Deployment) exits 0" 0 \
	'^OK +service +Service '"$NS"'/milvus-demo, gRPC port milvus 19530 \(Helm chart, cluster\)' -- \
	"${K[@]}" doctor milvus-demo --cert-arn "$ARN" --region us-west-2
grep -Eq '^OK +ingress-class +IngressClass alb, controller ingress.k8s.aws/alb' "$T_TMP/out" &&
	grep -Eq '^WARN +controller' "$T_TMP/out" && grep -Eq '^OK +certificate' "$T_TMP/out" &&
	t_pass "doctor: class OK, controller WARN, certificate OK" || t_fail "doctor: class OK, controller WARN, certificate OK" "$T_OUT"
t_expect "doctor --strict: a WARN exits 5" 5 '' -- "${K[@]}" doctor milvus-demo --strict
t_expect "doctor: ARN in another region FAILs (exit 5)" 5 '^FAIL +certificate .*is in region .us-west-2. but the cluster is in .eu-west-1.' -- \
	"${K[@]}" doctor milvus-demo --cert-arn "$ARN" --region eu-west-1
t_expect "doctor: no IngressClass FAILs with a hint" 5 '^ +hint: install the AWS Load Balancer Controller' -- \
	"${K[@]}" doctor milvus-demo --ingress-class alb-missing
t_expect "doctor: a LoadBalancer Service WARNs" 0 '^WARN +service-type +the Service is a LoadBalancer' -- "${K[@]}" doctor op
t_expect "doctor: an unmanaged Ingress of that name FAILs" 5 "^FAIL +ingress +ingress $NS/byhand exists and milvus-l7 does not manage it" -- \
	"${K[@]}" doctor milvus-demo --name byhand
t_expect "doctor -o json" 0 '"worst":[[:space:]]*"(OK|WARN)"' -- "${K[@]}" doctor milvus-demo -o json
kc apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: aws-load-balancer-controller, namespace: kube-system}
spec:
  replicas: 1
  selector: {matchLabels: {app: ml7-test-lbc}}
  template:
    metadata: {labels: {app: ml7-test-lbc}}
    spec: {containers: [{name: c, image: example.invalid/none}]}
EOF
t_expect "doctor: a controller Deployment without a ready replica FAILs" 5 \
	'^FAIL +controller +Deployment kube-system/aws-load-balancer-controller has no ready replica' -- "${K[@]}" doctor milvus-demo
kc -n kube-system delete deployment aws-load-balancer-controller --wait=false >/dev/null
t_done
