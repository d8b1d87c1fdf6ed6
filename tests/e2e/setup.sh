#!/usr/bin/env bash
# tests/e2e/setup.sh - `kubectl milvus-l7 setup` end to end on the sandbox (tests/sandbox/up.sh):
# the real kube-apiserver, the fixture chart installed with the real helm, the ALB controller
# simulator programming nginx, the ACM stand-in and the Milvus stand-in.  Success, a failure at
# each step followed by a resume, a controller failure event, a verification failure, dry runs
# that write nothing (the apiserver's audit log), an Operator-managed release and
# --keep-l4-until-verified.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$top/tests/lib.sh"
root=${ML7_BUILD_ROOT:-build}
SB=$top/$root/e2e-setup-${ML7_VARIANT:-plain}
trap '"$top/tests/sandbox/down.sh" "$SB"; t_cleanup' EXIT
"$top/tests/sandbox/down.sh" "$SB"
if ! ML7_SANDBOX_QUIET=1 ML7_SANDBOX_TTL=600 "$top/tests/sandbox/up.sh" "$SB" 2>"$T_TMP/up.log"; then
	t_fail "the sandbox starts" "$(tail -n 20 "$T_TMP/up.log")"
	t_done
	exit 1
fi
# shellcheck disable=SC1091
source "$SB/env"
NS=$SANDBOX_NS R=$SANDBOX_RELEASE H=$SANDBOX_HOST
K() { kubectl --kubeconfig "$KUBECONFIG" -n "$NS" "$@"; }
common=(-n "$NS" --host "$H" --ca-file "$SANDBOX_CA" --connect-to "$SANDBOX_CONNECT_TO"
	--chart "$SANDBOX_CHART" --timeout 20s)
files=(--cert "$SANDBOX_CERT" --key "$SANDBOX_KEY")
# writes by the tool (its User-Agent) and by helm in the audit log so far (server-side dry runs
# are audited too: they carry dryRun=All and store nothing)
writes() { grep -iE '"userAgent":"(milvus-l7|helm)' "$SANDBOX_AUDIT_LOG" | grep -vc 'dryRun=All' | tr -d ' '; }
svc_type() { K get svc "$R" -o jsonpath='{.spec.type}'; }
sleep 0.5

# ---- usage -------------------------------------------------------------------------------------
t_expect "usage: no --host" 2 "" "--host is required" -- "$KML7" setup "$R" -n "$NS" --cert-arn x
t_expect "usage: --cert and --cert-arn together" 2 "" "not both" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --cert-arn arn:aws:acm:us-west-2:111122223333:certificate/1
t_expect "usage: --key without --cert" 2 "" "required" -- "$KML7" setup "$R" -n "$NS" --host "$H" --key x
t_expect "usage: --chain without --cert" 2 "" "needs --cert" -- "$KML7" setup "$R" -n "$NS" --host "$H" --cert-arn x --chain y

# ---- preflight failures (nothing written) ------------------------------------------------------
before=$(writes)
t_expect "missing namespace: a clear preflight failure (exit 3)" 3 "" "namespace '?nope'? not found" -- \
	"$KML7" setup "$R" -n nope --host "$H" "${files[@]}"
t_expect "unknown release: lists what was found" 3 "" "milvus-demo" -- \
	"$KML7" setup nosuch "${common[@]}" "${files[@]}"
t_expect "bad ingress option: refused in preflight" 1 "" "idle" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --idle-timeout 9000s
t_expect "bad host: refused in preflight" 1 "" "host" -- \
	"$KML7" setup "$R" -n "$NS" --host 'bad_host!' "${files[@]}"

# ---- dry run -----------------------------------------------------------------------------------
t_expect "dry run: every step planned, exit 0" 0 "service +planned" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --dry-run
t_check "dry run: the ingress is planned" grep -Eq '^ingress +planned' "$T_TMP/out"
t_check "dry run: the certificate import is planned" grep -Eq '^certificate +planned' "$T_TMP/out"
# helm reaches the cluster as setup does: the kubectl flags are handed on (the token through
# HELM_KUBETOKEN, never helm's argv), and flags helm has no equivalent for are refused up front
t_expect "a kubectl flag helm cannot take is refused in preflight" 1 "" \
	"preflight: helm \(the release $R is flipped with it\): helm has no flag for --user" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --user token --dry-run
t_expect "helm missing: found in preflight, before the certificate step" 3 "" \
	"preflight: helm \(the release $R is flipped with it\): cannot run helm '/nonexistent/helm': not found" -- \
	env HELM_BIN=/nonexistent/helm "$KML7" setup "$R" "${common[@]}" "${files[@]}"
( source "$SB/kube/env"
  printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n'
  printf 'users: [{name: nobody, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: nobody}}]\ncurrent-context: x\n'
) >"$T_TMP/bare.kubeconfig"
kube_flags=($(source "$SB/kube/env"; echo -s "$KUBE_SERVER" --certificate-authority "$KUBE_CA" --token "$KUBE_TOKEN"))
t_expect "server, CA and token given as flags reach helm too" 0 "service +planned +.*helm upgrade" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --kubeconfig "$T_TMP/bare.kubeconfig" "${kube_flags[@]}" --dry-run
t_check "helm got --kube-apiserver and --kube-ca-file" grep -Eq -- "--kube-apiserver https://127.0.0.1:[0-9]+ --kube-ca-file " "$T_TMP/out"
if grep -q -- "${kube_flags[5]}" "$T_TMP/out" "$T_TMP/err"; then t_fail "the token is not on helm's command line"
else t_pass "the token is not on helm's command line"; fi
t_expect "HELM_KUBECONTEXT/HELM_NAMESPACE left in the shell do not steer helm elsewhere" 0 "service +planned +.*helm upgrade" -- \
	env HELM_KUBECONTEXT=elsewhere HELM_NAMESPACE=elsewhere "$KML7" setup "$R" "${common[@]}" "${files[@]}" --dry-run
sleep 1
after=$(writes)
if [ "$after" = "$before" ]; then t_pass "dry runs and failed preflights wrote nothing (audit log)"
else t_fail "dry runs and failed preflights wrote nothing (audit log)" "$((after - before)) writes"; fi
t_check "dry run: the Service is still LoadBalancer" test "$(svc_type)" = LoadBalancer

# ---- a failure at the certificate step, then resume --------------------------------------------
t_expect "an ARN ACM does not know: stopped at the certificate step" 3 "" "stopped at step certificate" -- \
	"$KML7" setup "$R" "${common[@]}" --cert-arn "arn:aws:acm:$AWS_REGION:111122223333:certificate/12345678-1234-1234-1234-123456789012"
t_check "the failure names the resume command" grep -q "resume with: kubectl milvus-l7 setup" "$T_TMP/err"
t_check "nothing changed after the certificate failure" test "$(svc_type)" = LoadBalancer

# ---- a controller failure event at the wait step ----------------------------------------------
t_expect "a controller failure event stops the wait step (exit 5)" 5 "" "stopped at step wait" -- \
	"$KML7" setup "$R" "${common[@]}" "${files[@]}" --annotation albsim.milvus-l7.test/fail-deploy=true
t_check "the event's message is shown" grep -qi "failed" "$T_TMP/err"
t_check "the certificate, service and ingress steps had been done" \
	grep -q "Done: preflight, certificate, service, ingress" "$T_TMP/err"
t_check "the Service is ClusterIP now" test "$(svc_type)" = ClusterIP
t_check "the audit log does see the tool's and helm's writes" test "$(writes)" -gt "$after"
arn=$(K get configmap "milvus-l7-$R" -o jsonpath='{.data.certificate-arn}')
t_check "the imported ARN is recorded for resume" test -n "$arn"

# ---- resume: finished steps are skipped --------------------------------------------------------
t_expect "resume: setup completes" 0 "verify +done" -- "$KML7" setup "$R" "${common[@]}" "${files[@]}"
t_check "resume: the certificate is not imported again" grep -Eq '^certificate +skipped' "$T_TMP/out"
t_check "resume: the Service step is skipped" grep -Eq '^service +skipped' "$T_TMP/out"
t_check "resume: the ingress is updated (the failing annotation removed)" grep -Eq '^ingress +done' "$T_TMP/out"
t_check "verify reports the Milvus version" grep -q "v2.5" "$T_TMP/out"
t_check "the pymilvus snippet uses the host as server_name" grep -q "server_name=\"$H\"" "$T_TMP/out"
got=$(K get ingress "$R" -o jsonpath='{.metadata.annotations.alb\.ingress\.kubernetes\.io/certificate-arn}')
t_check "the Ingress carries the imported ARN" test "$got" = "$arn"
"$HELM_BIN" get values "$R" -n "$NS" -o json >"$T_TMP/values.json"
t_check "the user's Helm values are kept" /usr/bin/python3 - "$T_TMP/values.json" "$SANDBOX_CHART/user-values.yaml" <<'EOF'
import json, sys, yaml
got = json.load(open(sys.argv[1]))
want = yaml.safe_load(open(sys.argv[2]))
def walk(w, g, path=""):
    for k, v in w.items():
        if path + k in ("service.type",):
            continue
        if isinstance(v, dict):
            walk(v, g.get(k, {}), path + k + ".")
        elif g.get(k) != v:
            sys.exit("%s%s: %r != %r" % (path, k, g.get(k), v))
walk(want, got)
assert got["service"]["type"] == "ClusterIP", got["service"]
EOF

# ---- a second run changes nothing -------------------------------------------------------------
gen=$(K get ingress "$R" -o jsonpath='{.metadata.generation}')
rv=$(K get svc "$R" -o jsonpath='{.metadata.resourceVersion}')
t_expect "a second run: every step skipped, exit 0" 0 "ingress +skipped" -- "$KML7" setup "$R" "${common[@]}" "${files[@]}"
t_check "a second run: no new Ingress generation" test "$(K get ingress "$R" -o jsonpath='{.metadata.generation}')" = "$gen"
t_check "a second run: the Service is untouched" test "$(K get svc "$R" -o jsonpath='{.metadata.resourceVersion}')" = "$rv"

# ---- -o json -----------------------------------------------------------------------------------
t_expect "-o json: the steps and the address" 0 '"address"' -- "$KML7" setup "$R" "${common[@]}" --cert-arn "$arn" -o json
t_check "-o json parses" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and len(d["steps"]) == 6' "$T_TMP/out"

# ---- a verification failure, diagnosed, then resume --------------------------------------------
echo unhealthy >"$SANDBOX_MILVUS_MODE"
t_expect "Milvus unhealthy: stopped at verify with the diagnosis (exit 5)" 5 "" "stopped at step verify" -- \
	"$KML7" setup "$R" "${common[@]}" --cert-arn "$arn" --timeout 5s
t_check "the diagnosis names the health check" grep -qi "health" "$T_TMP/err"
rm -f "$SANDBOX_MILVUS_MODE"
t_expect "resume after the fix: verify done" 0 "verify +done" -- "$KML7" setup "$R" "${common[@]}" --cert-arn "$arn"
t_check "resume after the fix: the earlier steps are skipped" grep -Eq '^ingress +skipped' "$T_TMP/out"
# a wrong host rule on the balancer (one that has not caught up with the Ingress): setup's verify
# gets 404 for its host, retries while rules propagate, then stops with the diagnosis
t_expect "a wrong host rule on the balancer: stopped at verify, 404 diagnosed (exit 5)" 5 "" \
	"stopped at step verify" -- "$KML7" setup "$R" "${common[@]}" --cert-arn "$arn" --timeout 20s \
	--annotation albsim.milvus-l7.test/stale-host="old.$H"
t_check "the diagnosis: 404 for the host, the host rule named" grep -Eq "404 for :authority '$H'" "$T_TMP/err"
t_expect "resume once the rule is right: verify done" 0 "verify +done" -- "$KML7" setup "$R" "${common[@]}" --cert-arn "$arn"

# ---- the certificate files change: re-imported onto the same ARN ----------------------------------
# a renewed certificate from the same CA
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$T_TMP/new.key" \
	-subj "/CN=$H" 2>/dev/null |
	openssl x509 -req -CA "$SANDBOX_CA" -CAkey "${SANDBOX_CA%.crt}.key" -CAcreateserial -days 60 \
		-extfile <(printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$H") \
		-out "$T_TMP/new.leaf" 2>/dev/null
cat "$T_TMP/new.leaf" "$SANDBOX_CA" >"$T_TMP/new.crt"
t_expect "new certificate files: re-imported, the ARN kept" 0 "re-imported onto $arn" -- \
	"$KML7" setup "$R" "${common[@]}" --cert "$T_TMP/new.crt" --key "$T_TMP/new.key"
t_expect "the same files again: not imported a third time" 0 "certificate +skipped" -- \
	"$KML7" setup "$R" "${common[@]}" --cert "$T_TMP/new.crt" --key "$T_TMP/new.key"

# ---- several --cert-arn: the Ingress lists them all, the first as the default ------------------
arn2=$("$KML7" cert import --cert "$T_TMP/new.crt" --key "$T_TMP/new.key" --ca-file "$SANDBOX_CA" 2>/dev/null | tail -n 1)
t_expect "two --cert-arn: setup completes" 0 "verify +done" -- \
	"$KML7" setup "$R" "${common[@]}" --cert-arn "$arn" --cert-arn "$arn2"
got=$(K get ingress "$R" -o jsonpath='{.metadata.annotations.alb\.ingress\.kubernetes\.io/certificate-arn}')
t_check "two --cert-arn: both on the Ingress, in order" test "$got" = "$arn,$arn2"

# ---- an unmanaged Service: patched directly, with a warning --------------------------------------
K apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: plain-milvus, labels: {app.kubernetes.io/instance: plain, app.kubernetes.io/name: milvus, component: proxy}}
spec:
  type: LoadBalancer
  selector: {app: plain}
  ports: [{name: milvus, port: 19530, targetPort: 19530}]
EOF
t_expect "unmanaged Service: dry run plans a direct patch" 0 "service +planned" "neither by Helm" -- \
	"$KML7" setup plain "${common[@]}" --cert-arn "$arn" --dry-run
t_check "unmanaged Service: still LoadBalancer after the dry run" test "$(K get svc plain-milvus -o jsonpath='{.spec.type}')" = LoadBalancer
# a second Milvus Service of the same release: setup asks which one, --service names it
K apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: plain-standalone, labels: {app.kubernetes.io/instance: plain, app.kubernetes.io/name: milvus, component: standalone}}
spec:
  selector: {app: plain}
  ports: [{name: milvus, port: 19530, targetPort: 19530}]
EOF
t_expect "two Milvus Services: setup lists them and asks for --service" 3 "" \
	"several Milvus Services in namespace '$NS': plain-milvus \\(proxy\\), plain-standalone \\(standalone\\); name one with --service$" -- \
	"$KML7" setup plain "${common[@]}" --cert-arn "$arn" --dry-run
t_expect "two Milvus Services: --service picks one" 0 "Service plain-standalone" -- \
	"$KML7" setup plain "${common[@]}" --cert-arn "$arn" --dry-run --service plain-standalone
t_expect "--service of a Service that is not there" 3 "" \
	"preflight: service: Service $NS/nope: services \"nope\" not found; check --service and -n" -- \
	"$KML7" setup plain "${common[@]}" --cert-arn "$arn" --dry-run --service nope
t_expect "--service of a Service that is not the release's" 3 "" \
	"preflight: --service $R is not a Milvus Service of release 'plain' in namespace '$NS'; its Milvus Services: plain-milvus \\(proxy\\), plain-standalone \\(standalone\\)" -- \
	"$KML7" setup plain "${common[@]}" --cert-arn "$arn" --dry-run --service "$R"
K delete svc plain-standalone >/dev/null

# ---- an Operator-managed release -----------------------------------------------------------------
K apply -f "$top/tests/fixtures/operator/milvus-crd.yaml" >/dev/null 2>&1
for _ in $(seq 1 50); do K get milvuses >/dev/null 2>&1 && break; sleep 0.1; done
K apply -f "$top/tests/fixtures/operator/op-demo.yaml" >/dev/null
# the operator's part, played by a loop: the Service type follows the CR's serviceType
( for _ in $(seq 1 300); do
	t=$(K get milvus op-demo -o jsonpath='{.spec.components.standalone.serviceType}' 2>/dev/null)
	if [ "$t" = ClusterIP ]; then
		K patch svc op-demo-milvus --type merge -p '{"spec":{"type":"ClusterIP","externalTrafficPolicy":null}}' >/dev/null 2>&1
		exit 0
	fi
	sleep 0.1
done ) &
op=$!
t_expect "Operator release: the CR is patched and the Service follows" 0 "Milvus op-demo" -- \
	"$KML7" setup op-demo "${common[@]}" --cert-arn "$arn" --dry-run
t_expect "Operator release: setup completes" 0 "service +done.*op-demo" -- \
	"$KML7" setup op-demo "${common[@]}" --cert-arn "$arn"
wait $op 2>/dev/null
t_check "Operator release: spec.components.standalone.serviceType is ClusterIP" \
	test "$(K get milvus op-demo -o jsonpath='{.spec.components.standalone.serviceType}')" = ClusterIP

# ---- --keep-l4-until-verified: the Service flips only after verify --------------------------------
"$HELM_BIN" upgrade "$R" "$SANDBOX_CHART" -n "$NS" --reuse-values --set service.type=LoadBalancer >/dev/null 2>&1
t_check "keep-l4: the release is back on LoadBalancer" test "$(svc_type)" = LoadBalancer
t_expect "keep-l4: setup completes" 0 "service +done" -- \
	"$KML7" setup "$R" "${common[@]}" --cert-arn "$arn" --keep-l4-until-verified
t_check "keep-l4: verify ran before the service step" \
	awk '/^verify /{v=NR} /^service /{s=NR} END{exit !(v && s && v < s)}' "$T_TMP/out"
t_check "keep-l4: the Service is ClusterIP at the end" test "$(svc_type)" = ClusterIP
t_done
