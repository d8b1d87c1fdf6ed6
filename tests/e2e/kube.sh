#!/usr/bin/env bash
# tests/e2e/kube.sh - the Kubernetes client against the real kube-apiserver
# v1.20.2: every auth mode (token, tokenFile, client certificate, exec plugins
# that succeed, expire, fail, are missing, return certificates), the kubectl
# flags with their side effects, TLS (CA, insecure, tls-server-name), Status
# errors and exit codes, server-side apply with conflicts, paged lists, watch,
# and no secret in the -v=3 trace.
cd "$(dirname "$0")/../.."
. tests/lib.sh

t_kube_peer
D=$T_TMP
export HOME=$D/home KUBECONFIG=$KUBECONFIG_FILE
mkdir -p "$HOME"
NS=ml7-e2e-kube-$$
CA_B64=$(base64 -w0 "$KUBE_CA")

# kc FILE USER-YAML [CLUSTER-EXTRA]: a kubeconfig with one cluster, one user, one context
kc() {
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
current-context: c
clusters:
- name: k
  cluster:
    server: $KUBE_SERVER
    certificate-authority-data: $CA_B64
$3
users:
- name: u
  user:
$2
contexts:
- name: c
  context: {cluster: k, user: u, namespace: $NS}
EOF
}

t_expect "token context: GET /version" 0 '"gitVersion":[[:space:]]*"v1.20.2"' -- "$KML7" raw get /version
t_expect "create a namespace" 0 "\"name\":[[:space:]]*\"$NS\"" -- \
	"$KML7" raw apply "/api/v1/namespaces/$NS" -f <(printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS")
t_expect "client-certificate context" 0 '"name":[[:space:]]*"milvus"' -- "$KML7" --context cert raw get /api/v1/namespaces/milvus
t_expect "limited user: 403 is one line, exit 1" 1 '' '^kubectl-milvus-l7: namespaces is forbidden: User "ml7-limited"' -- \
	"$KML7" --context limited raw list /api/v1/namespaces
t_expect "a wrong --token: 401" 1 '' 'rejected the credentials \(401 Unauthorized\)' -- \
	"$KML7" --token not-a-token raw get /api/v1/namespaces
t_expect "NotFound: exit 3" 3 '' 'services "nope" not found' -- "$KML7" raw get /api/v1/namespaces/milvus/services/nope

t_expect "--as impersonates (the limited user may not list namespaces)" 1 '' 'User "ml7-limited" cannot list' -- \
	"$KML7" --as ml7-limited raw list /api/v1/namespaces
t_expect "--as with --as-group system:masters" 0 'kube-system' -- \
	"$KML7" --as someone --as-group system:masters raw list /api/v1/namespaces

# flags only, no kubeconfig at all
t_expect "no kubeconfig and no flags: one line" 1 '' 'no Kubernetes configuration found' -- \
	env KUBECONFIG= "$KML7" raw get /version
t_expect "--server --certificate-authority --token without a kubeconfig" 0 '"milvus"' -- \
	env KUBECONFIG= "$KML7" --server "$KUBE_SERVER" --certificate-authority "$KUBE_CA" --token "$KUBE_TOKEN" raw get /api/v1/namespaces/milvus
t_expect "--client-certificate --client-key flags" 0 '"milvus"' -- \
	env KUBECONFIG= "$KML7" -s "$KUBE_SERVER" --certificate-authority "$KUBE_CA" --client-certificate "$KUBE_CLIENT_CERT" --client-key "$KUBE_CLIENT_KEY" raw get /api/v1/namespaces/milvus
t_expect "no CA: the server's certificate is refused" 1 '' 'certificate' -- \
	env KUBECONFIG= "$KML7" -s "$KUBE_SERVER" --token "$KUBE_TOKEN" raw get /version
# The system store next to a given CA: in a private mount namespace /etc/ssl/certs holds the
# apiserver's CA (hashed, as c_rehash lays it out) and nothing else.  A kubeconfig CA is then
# the only one trusted, as in kubectl (libcurl's compiled-in folder must not add to it); without
# one, the system folder is trusted.
sys_ca() {  # CMD...: run CMD with /etc/ssl/certs = {the apiserver's CA}
	unshare -m sh -c 'mount -t tmpfs ml7 /etc/ssl/certs && cp "$1" /etc/ssl/certs/kube.pem &&
		ln -s kube.pem "/etc/ssl/certs/$(openssl x509 -hash -noout -in "$1").0" && shift &&
		exec env -u SSL_CERT_FILE -u SSL_CERT_DIR "$@"' sh "$KUBE_CA" "$@"
}
t_expect "a CA given is the only one trusted: the system's does not add to it" 1 '' 'certificate' -- \
	sys_ca env KUBECONFIG= "$KML7" -s "$KUBE_SERVER" --certificate-authority "$KUBE_CLIENT_CA" --token "$KUBE_TOKEN" raw get /version
t_expect "no CA given: the system's hashed folder is trusted" 0 '"v1.20.2"' -- \
	sys_ca env KUBECONFIG= "$KML7" -s "$KUBE_SERVER" --token "$KUBE_TOKEN" raw get /version
t_expect "--insecure-skip-tls-verify" 0 '"v1.20.2"' -- \
	env KUBECONFIG= "$KML7" -s "$KUBE_SERVER" --insecure-skip-tls-verify --token "$KUBE_TOKEN" raw get /version
t_expect "--insecure-skip-tls-verify drops the kubeconfig CA (no conflict)" 0 '"v1.20.2"' -- \
	"$KML7" --insecure-skip-tls-verify raw get /version
t_expect "credentials over plain http are refused" 1 '' 'refusing to send credentials' -- \
	env KUBECONFIG= "$KML7" -s "http://127.0.0.1:$KUBE_PORT" --token x raw get /version

# tls-server-name: the certificate names kubernetes.default.svc; we still dial 127.0.0.1
t_expect "--tls-server-name kubernetes.default.svc" 0 '"v1.20.2"' -- \
	"$KML7" --tls-server-name kubernetes.default.svc raw get /version
t_expect "--tls-server-name that the certificate does not name" 1 '' 'wrong\.example|certificate|SSL' -- \
	"$KML7" --tls-server-name wrong.example raw get /version
kc "$D/tsn" "    token: $KUBE_TOKEN" "    tls-server-name: wrong.example"
t_expect "kubeconfig tls-server-name is cleared by --server" 0 '"v1.20.2"' -- \
	"$KML7" --kubeconfig "$D/tsn" --server "$KUBE_SERVER" raw get /version

# a path prefix in server is kept
kc "$D/prefix" "    token: $KUBE_TOKEN"
sed -i "s#server: .*#server: $KUBE_SERVER/some/prefix/#" "$D/prefix"
t_expect "a path prefix in server is kept (the apiserver has none: 404)" 3 '' '/version: HTTP 404' -- \
	"$KML7" --kubeconfig "$D/prefix" raw get /version

# tokenFile: re-read, trimmed, wins over token
printf '  %s \n' "$KUBE_TOKEN" >"$D/tokenfile"
kc "$D/tf" "    token: wrong-token
    tokenFile: tokenfile"
t_expect "tokenFile (relative, trimmed) wins over token" 0 '"milvus"' -- \
	"$KML7" --kubeconfig "$D/tf" raw get /api/v1/namespaces/milvus
t_expect "--token clears tokenFile" 1 '' '401' -- "$KML7" --kubeconfig "$D/tf" --token wrong raw get /version/../api/v1/namespaces

# basic auth reaches the server (1.20 has no basic auth: 401), never over http
kc "$D/basic" "    username: admin
    password: pw"
t_expect "basic auth reaches the server (1.20 has no basic auth: anonymous)" 1 '' 'system:anonymous' -- "$KML7" --kubeconfig "$D/basic" raw get /api/v1/namespaces

# bad kubeconfigs: one line, exit 1, never a crash
printf 'clusters:\n- name: x\n  cluster: {server: https://h\n' >"$D/broken"
t_expect "malformed YAML: the line" 1 '' "cannot read kubeconfig '.*broken': line [0-9]+" -- \
	"$KML7" --kubeconfig "$D/broken" raw get /version
t_expect "missing context" 1 '' 'context "nope" does not exist' -- "$KML7" --context nope raw get /version
t_expect "unknown user" 1 '' 'user "who" does not exist' -- "$KML7" --user who raw get /version
t_expect "unreadable CA file" 1 '' "cannot read certificate-authority '.*nope.pem'" -- \
	"$KML7" --certificate-authority nope.pem raw get /version
kc "$D/b64" "    token: x"
sed -i 's#certificate-authority-data: .*#certificate-authority-data: "%%%not base64"#' "$D/b64"
t_expect "bad base64" 1 '' 'certificate-authority-data is not valid base64' -- "$KML7" --kubeconfig "$D/b64" raw get /version

# KUBECONFIG list: first wins; missing files skipped
kc "$D/first" "    token: $KUBE_TOKEN"
kc "$D/second" "    token: wrong"
t_expect "KUBECONFIG list: the first file's user wins" 0 '"v1.20.2"' -- \
	env KUBECONFIG="$D/missing:$D/first:$D/second" "$KML7" raw get /version
t_expect "KUBECONFIG list: order matters" 1 '' '401' -- \
	env KUBECONFIG="$D/second:$D/first" "$KML7" raw get /api/v1/namespaces

# ---- exec credential plugins -------------------------------------------------------------------
mkdir -p "$D/bin"
plugin() {  # plugin NAME BODY: a shell script that answers as an exec plugin
	printf '#!/bin/sh\n%s\n' "$2" >"$D/bin/$1"
	chmod +x "$D/bin/$1"
}
cred() {  # cred API TOKEN [EXPIRY]
	printf '{"kind":"ExecCredential","apiVersion":"%s","status":{"token":"%s"%s}}' "$1" "$2" \
		"${3:+,\"expirationTimestamp\":\"$3\"}"
}
V1=client.authentication.k8s.io/v1
V1B=client.authentication.k8s.io/v1beta1
plugin good "echo run >>$D/good.runs; echo \"\$KUBERNETES_EXEC_INFO\" >$D/good.info; echo '$(cred $V1 "$KUBE_TOKEN" 2099-01-01T00:00:00Z)'"
execuser() {  # execuser FILE COMMAND [EXTRA-YAML]
	kc "$1" "    exec:
      apiVersion: $V1
      command: $2
      args: [--cluster, e2e]
      interactiveMode: Never
      provideClusterInfo: true
$3"
}
execuser "$D/exec" ./bin/good
t_expect "exec plugin (v1, relative command): paged list with --limit 1" 0 'kube-system' -- \
	"$KML7" --kubeconfig "$D/exec" raw list /api/v1/namespaces --limit 1
t_check "exec plugin: run once, its token cached across pages" test "$(wc -l <"$D/good.runs")" -eq 1
t_check "exec plugin: KUBERNETES_EXEC_INFO with the cluster and interactive false" \
	grep -q "\"apiVersion\":\"$V1\".*\"cluster\":{\"server\":\"$KUBE_SERVER\".*\"interactive\":false" "$D/good.info"

plugin expired "echo run >>$D/expired.runs; echo '$(cred $V1 "$KUBE_TOKEN" 2001-01-01T00:00:00Z)'"
execuser "$D/exec-expired" ./bin/expired
t_expect "exec plugin with an expired token: list still works" 0 'kube-system' -- \
	"$KML7" --kubeconfig "$D/exec-expired" raw list /api/v1/namespaces --limit 2
t_check "exec plugin: an expired credential is fetched again per request" test "$(wc -l <"$D/expired.runs")" -ge 3

# the first answer is refused (401): the plugin runs once more and the request is sent again
plugin rotate "n=\$(cat $D/rotate.n 2>/dev/null || echo 0); echo \$((n + 1)) >$D/rotate.n
if [ \"\$n\" = 0 ]; then echo '$(cred $V1 stale-token)'; else echo '$(cred $V1 "$KUBE_TOKEN")'; fi"
execuser "$D/exec-rotate" ./bin/rotate
t_expect "exec plugin: a 401 runs it again" 0 '"milvus"' -- \
	"$KML7" --kubeconfig "$D/exec-rotate" raw get /api/v1/namespaces/milvus
t_check "exec plugin: ran exactly twice" test "$(cat "$D/rotate.n")" -eq 2

CERT_JSON=$(python3 -c 'import json,sys; print(json.dumps({"kind":"ExecCredential","apiVersion":sys.argv[1],"status":{"clientCertificateData":open(sys.argv[2]).read(),"clientKeyData":open(sys.argv[3]).read()}}))' "$V1B" "$KUBE_CLIENT_CERT" "$KUBE_CLIENT_KEY")
printf '%s\n' "$CERT_JSON" >"$D/cert.json"
plugin certp "cat $D/cert.json"
kc "$D/exec-cert" "    exec: {apiVersion: $V1B, command: $D/bin/certp}"
t_expect "exec plugin (v1beta1) returning a client certificate" 0 '"milvus"' -- \
	"$KML7" --kubeconfig "$D/exec-cert" raw get /api/v1/namespaces/milvus

plugin fails "echo 'plugin says: no session' >&2; exit 1"
execuser "$D/exec-fail" ./bin/fails
t_expect "exec plugin exit 1: its stderr passes through, one error line" 1 '' 'plugin says: no session' -- \
	"$KML7" --kubeconfig "$D/exec-fail" raw get /version
t_check "exec plugin exit 1: the message" grep -q 'executable ./bin/fails failed with exit code 1\|executable .*/bin/fails failed with exit code 1' "$T_TMP/err"
execuser "$D/exec-missing" ml7-no-such-plugin "      installHint: 'install it with: apt-get install ml7-plugin'"
t_expect "missing exec plugin: the installHint" 1 '' 'executable ml7-no-such-plugin not found; install it with: apt-get install ml7-plugin' -- \
	"$KML7" --kubeconfig "$D/exec-missing" raw get /version
plugin wrongver "echo '$(cred $V1B "$KUBE_TOKEN")'"
execuser "$D/exec-wrongver" ./bin/wrongver
t_expect "exec plugin answering another apiVersion" 1 '' 'plugin returned version client.authentication.k8s.io/v1beta1' -- \
	"$KML7" --kubeconfig "$D/exec-wrongver" raw get /version
plugin hang "sleep 20"
execuser "$D/exec-hang" ./bin/hang
t_expect "hanging exec plugin: the timeout (exit 4)" 4 '' 'did not finish within 1000 ms' -- \
	"$KML7" --kubeconfig "$D/exec-hang" --request-timeout 1s raw get /version
plugin garbage "echo '<html>'"
execuser "$D/exec-garbage" ./bin/garbage
t_expect "exec plugin printing garbage" 1 '' 'not a JSON object' -- "$KML7" --kubeconfig "$D/exec-garbage" raw get /version
plugin mega "head -c 5000000 /dev/zero | tr '\\\\0' a"
execuser "$D/exec-mega" ./bin/mega
t_expect "exec plugin printing megabytes" 1 '' 'printed more than' -- "$KML7" --kubeconfig "$D/exec-mega" raw get /version

# ---- server-side apply, conflicts, delete ------------------------------------------------------
svc() {  # svc PORT
	printf 'apiVersion: v1\nkind: Service\nmetadata: {name: demo, namespace: %s}\nspec:\n  type: ClusterIP\n  ports: [{name: grpc, port: %s, protocol: TCP}]\n' "$NS" "$1"
}
SVC=/api/v1/namespaces/$NS/services/demo
t_expect "apply creates" 0 '"port":[[:space:]]*19530' -- "$KML7" raw apply "$SVC" -f <(svc 19530)
t_expect "apply again converges" 0 '"manager":[[:space:]]*"milvus-l7"' -- "$KML7" raw apply "$SVC" -f <(svc 19530)
t_expect "dry-run apply stores nothing" 0 '"port":[[:space:]]*19531' -- "$KML7" raw apply "$SVC" --dry-run -f <(svc 19531)
t_expect "the dry run did not change the object" 0 '"port":[[:space:]]*19530' -- "$KML7" raw get "$SVC"
t_run curl -sS --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" -X PATCH \
	-H 'Content-Type: application/merge-patch+json' "$KUBE_SERVER$SVC?fieldManager=other" \
	-d '{"metadata":{"labels":{"owner":"other"}}}'
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: demo, namespace: %s, labels: {owner: us}}\nspec:\n  ports: [{name: grpc, port: 19530, protocol: TCP}]\n' "$NS" >"$D/conflict.yaml"
t_expect "apply of a field another manager owns: conflict" 1 '' 'conflict' -- "$KML7" raw apply "$SVC" -f "$D/conflict.yaml"
t_expect "--force takes it" 0 '"owner":[[:space:]]*"us"' -- "$KML7" raw apply "$SVC" --force -f "$D/conflict.yaml"
t_expect "create of an existing object: AlreadyExists" 1 '' 'already exists' -- \
	"$KML7" raw create "/api/v1/namespaces/$NS/services" -f <(svc 19530)
t_expect "invalid object: 422 with the field" 1 '' 'Invalid value|is invalid' -- \
	"$KML7" raw apply "/api/v1/namespaces/$NS/services/bad" -f <(printf 'apiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  ports: [{port: 99999, protocol: TCP}]\n')
t_expect "status subresource: merge patch of ingress status" 0 'lb.example.com' -- sh -c "
	'$KML7' raw apply /apis/networking.k8s.io/v1/namespaces/$NS/ingresses/demo -f - <<EOF >/dev/null &&
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: demo, namespace: $NS}
spec:
  defaultBackend: {service: {name: demo, port: {number: 19530}}}
EOF
	'$KML7' raw patch /apis/networking.k8s.io/v1/namespaces/$NS/ingresses/demo/status -f - <<EOF
{\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"lb.example.com\"}]}}}
EOF"
t_expect "delete with propagation" 0 '' -- "$KML7" raw delete "$SVC" --cascade Background
t_expect "deleted: NotFound" 3 '' 'not found' -- "$KML7" raw get "$SVC"

# ---- paged list and watch ----------------------------------------------------------------------
for i in $(seq 1 12); do printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%02d, namespace: %s, labels: {set: e2e}}\n---\n' "$i" "$NS"; done >"$D/cms.yaml"
for i in $(seq 1 12); do
	"$KML7" raw apply "/api/v1/namespaces/$NS/configmaps/cm-$(printf %02d "$i")" \
		-f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%02d, namespace: %s, labels: {set: e2e}}\n' "$i" "$NS") >/dev/null
done
t_expect "list in pages of 5 (three requests)" 0 "$NS/cm-12" '12 items' -- \
	"$KML7" -v=2 raw list "/api/v1/namespaces/$NS/configmaps" -l set=e2e --limit 5
t_check "three GETs, two with continue" test "$(grep -c 'GET .*configmaps?labelSelector=set%3De2e&limit=5' "$T_TMP/err")" -eq 3 -a \
	"$(grep -c 'continue=' "$T_TMP/err")" -eq 2

CM=/api/v1/namespaces/$NS/configmaps
("$KML7" raw watch "$CM" -l set=e2e --count 14 --timeout 20s >"$D/watch.out" 2>"$D/watch.err"; echo $? >"$D/watch.rc") &
wpid=$!
for _ in $(seq 1 300); do [ "$(wc -l <"$D/watch.out")" -ge 12 ] && break; sleep 0.1; done
"$KML7" raw patch "$CM/cm-01" -f <(echo '{"data":{"k":"v"}}') >/dev/null
"$KML7" raw delete "$CM/cm-02" >/dev/null
wait $wpid
t_check "watch: 12 ADDED from the list, then MODIFIED and DELETED" sh -c \
	"[ \$(grep -c '^ADDED' '$D/watch.out') -eq 12 ] && grep -q '^MODIFIED cm-01' '$D/watch.out' && grep -q '^DELETED cm-02' '$D/watch.out' && [ \$(cat '$D/watch.rc') = 0 ]"
t_expect "watch: the deadline is exit 4" 4 '' 'reached its deadline' -- "$KML7" raw watch "$CM" --timeout 5s --server-timeout 1
t_check "watch: the server's timeoutSeconds ends are resumed" grep -q 'reconnects [1-9]' "$T_TMP/err"
RV=$(sed -n 's/.*resourceVersion \([0-9]*\)$/\1/p' "$T_TMP/err")
t_expect "watch from a resourceVersion" 0 '^ADDED cm-13' -- sh -c "
	('$KML7' raw watch '$CM' --resource-version '$RV' --count 1 --timeout 10s) & p=\$!; sleep 0.5
	'$KML7' raw apply '$CM/cm-13' -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-13, namespace: $NS}
EOF
	wait \$p"

t_expect "watch: Ctrl-C returns cleanly with 130" 130 '' 'interrupted' -- \
	timeout --foreground --preserve-status -s INT 2 "$KML7" raw watch "$CM"

# ---- no secret in the trace --------------------------------------------------------------------
t_run "$KML7" --v=3 raw get /api/v1/namespaces/milvus
if grep -q "$KUBE_TOKEN" "$T_TMP/err" "$T_TMP/out"; then t_fail "-v=3 never shows the token"
elif ! grep -qi 'authorization: Bearer \[REDACTED\]' "$T_TMP/err"; then
	t_fail "-v=3 shows the request headers with the credential masked"
else t_pass "-v=3: headers traced, token masked"; fi
t_run "$KML7" --v=3 --kubeconfig "$D/exec-cert" raw get /version
if grep -q 'PRIVATE KEY-----[A-Za-z0-9+/]' "$T_TMP/err"; then t_fail "-v=3 never shows a private key"
else t_pass "-v=3: no private key"; fi

"$KML7" raw delete "/api/v1/namespaces/$NS" >/dev/null 2>&1
t_done
