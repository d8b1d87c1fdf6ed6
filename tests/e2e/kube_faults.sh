#!/usr/bin/env bash
# tests/e2e/kube_faults.sh - the Kubernetes client's error paths, through
# tests/peers/faultproxy in front of the real kube-apiserver: 429/503 with and
# without Retry-After (idempotent requests only), truncated and slow answers,
# --request-timeout, watches dropped mid-stream and resumed from the last
# resourceVersion, 410 (HTTP and ERROR event) -> relist, an expired continue
# token, a 401 that makes the exec plugin run again.  Asserts on the proxy's
# request log.
cd "$(dirname "$0")/../.."
. tests/lib.sh

t_kube_peer
D=$T_TMP
node tests/peers/faultproxy/proxy.js --upstream "$KUBE_SERVER" --ca "$KUBE_CA" \
	--cert "$KUBE_DIR/server.crt" --key "$KUBE_DIR/server.key" --port-file "$D/port" \
	--log "$D/requests.log" --ttl 300 --connect-port-file "$D/cport" --socks-port-file "$D/sport" 2>"$D/proxy.err" &
PROXY=$!
trap 'kill $PROXY 2>/dev/null; t_cleanup' EXIT
for _ in $(seq 1 200); do [ -s "$D/port" ] && [ -s "$D/cport" ] && [ -s "$D/sport" ] && break; sleep 0.05; done
[ -s "$D/port" ] && [ -s "$D/cport" ] && [ -s "$D/sport" ] || { cat "$D/proxy.err"; t_fail "faultproxy starts"; t_done; exit 1; }
P=https://127.0.0.1:$(cat "$D/port")
NS=ml7-e2e-faults-$$
export HOME=$D/home
mkdir -p "$HOME"
cat >"$D/kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: c
clusters:
- {name: p, cluster: {server: "$P", certificate-authority: "$KUBE_CA"}}
users:
- {name: u, user: {token: "$KUBE_TOKEN"}}
- {name: basic, user: {username: admin, password: secret-pw}}
- name: exec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: "$D/plugin", interactiveMode: Never}
contexts:
- {name: c, context: {cluster: p, user: u, namespace: $NS}}
- {name: basic, context: {cluster: p, user: basic}}
- {name: exec, context: {cluster: p, user: exec}}
EOF
export KUBECONFIG=$D/kubeconfig

faults() { curl -sS -f --cacert "$KUBE_CA" -X POST --data-binary "$1" "$P/_fault" >/dev/null; }
# count METHOD PATH-REGEX: requests the proxy saw since the last mark
mark() { : >"$D/requests.log"; }
count() { grep -c "\"method\":\"$1\",\"path\":\"$2" "$D/requests.log"; }

mark
t_expect "through the proxy" 0 '"v1.20.2"' -- "$KML7" raw get /version
t_expect "namespace for the tests" 0 '' -- "$KML7" raw apply "/api/v1/namespaces/$NS" \
	-f <(printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS")

# 429 with Retry-After, twice: waited for and retried
faults '[{"match":"^GET /api/v1/namespaces/milvus$","status":429,"retryAfter":1,"times":2}]'
mark
t_expect "429 + Retry-After twice, then the answer" 0 '"milvus"' -- "$KML7" raw get /api/v1/namespaces/milvus
t_check "429: three GETs in the log" test "$(count GET '/api/v1/namespaces/milvus"')" -eq 3
# 503 without Retry-After: a backoff, then the answer
faults '[{"match":"^GET /api/v1/namespaces/milvus$","status":503}]'
t_expect "503 without Retry-After: retried with a backoff" 0 '"milvus"' -- "$KML7" raw get /api/v1/namespaces/milvus
# never for POST
faults '[{"match":"^POST ","status":503,"retryAfter":0}]'
mark
t_expect "503 to a POST is not retried" 1 '' 'HTTP 503|injected 503' -- \
	"$KML7" raw create "/api/v1/namespaces/$NS/configmaps" -f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: once}\n')
t_check "503 to a POST: one request" test "$(count POST '/api/v1/namespaces/')" -eq 1
# apply is idempotent: retried
faults '[{"match":"^PATCH ","status":503,"retryAfter":0}]'
mark
t_expect "503 to a server-side apply is retried" 0 '"name":[[:space:]]*"applied"' -- \
	"$KML7" raw apply "/api/v1/namespaces/$NS/configmaps/applied" -f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\n')
t_check "apply: two PATCHes" test "$(count PATCH '/api/v1/namespaces/')" -eq 2
# a server that keeps saying 429: give up after 5 retries with the Status message
faults '[{"match":"^GET /version","status":429,"retryAfter":0,"times":-1}]'
mark
t_expect "429 forever: 1 + 5 tries, then the Status message" 1 '' 'injected 429' -- "$KML7" raw get /version
t_check "429 forever: six requests" test "$(count GET '/version')" -eq 6
# a balancer's HTML 502 page: the status line and the text, one line
faults '[{"match":"^GET /version","status":502,"retryAfter":0,"times":-1,"body":"<html>\n<title>502 Bad Gateway</title>\n</html>\n"}]'
t_expect "a 502 HTML page: one line with the text" 1 '' 'GET /version: HTTP 502: <html> <title>502 Bad Gateway</title>' -- "$KML7" raw get /version

# truncated and slow answers
faults '[{"match":"^GET /api/v1/namespaces\\?","truncate":40}]'
mark
t_expect "a truncated list answer is fetched again" 0 'milvus' -- "$KML7" raw list /api/v1/namespaces
t_check "truncated: two GETs" test "$(count GET '/api/v1/namespaces?')" -eq 2
faults '[{"match":"^GET /version","delay":3000}]'
t_expect "--request-timeout 1s on a slow answer: exit 4" 4 '' 'no answer within the request timeout of 1000 ms' -- \
	"$KML7" --request-timeout 1s raw get /version
faults '[{"match":"^GET /version","hang":true}]'
t_expect "--request-timeout on a server that never answers: exit 4" 4 '' 'request timeout' -- \
	"$KML7" --request-timeout 500ms raw get /version
faults '[]'

# an expired continue token: the list starts over once
for i in 1 2 3; do
	"$KML7" raw apply "/api/v1/namespaces/$NS/configmaps/w$i" \
		-f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w%s, labels: {set: w}}\n' "$i") >/dev/null
done
faults '[{"match":"continue=","status":410}]'
t_expect "410 for a continue token: the list starts over" 0 '' '^3 items' -- \
	"$KML7" raw list "/api/v1/namespaces/$NS/configmaps" -l set=w --limit 2

CM=/api/v1/namespaces/$NS/configmaps
# a watch dropped after one event resumes from that event's resourceVersion
faults '[{"match":"^GET /api/v1/namespaces/[^/]+/configmaps\\?.*watch=1","dropAfterEvents":1}]'
mark
("$KML7" raw watch "$CM" -l set=w --count 5 --timeout 20s >"$D/watch.out" 2>"$D/watch.err"; echo $? >"$D/watch.rc") &
wpid=$!
for _ in $(seq 1 300); do [ "$(count GET '/api/v1/namespaces/[^/]*/configmaps?.*watch=1')" -ge 1 ] && break; sleep 0.05; done
"$KML7" raw apply "$CM/w4" -f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w4, labels: {set: w}}\n') >/dev/null
for _ in $(seq 1 300); do [ "$(count GET '/api/v1/namespaces/[^/]*/configmaps?.*watch=1')" -ge 2 ] && break; sleep 0.05; done
"$KML7" raw apply "$CM/w5" -f <(printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w5, labels: {set: w}}\n') >/dev/null
wait $wpid
RV4=$(grep '^ADDED w4 ' "$D/watch.out" | awk '{print $3}')
t_check "dropped watch: both events arrive, exit 0" sh -c "grep -q '^ADDED w4' '$D/watch.out' && grep -q '^ADDED w5' '$D/watch.out' && [ \$(cat '$D/watch.rc') = 0 ]"
t_check "dropped watch: reconnected" grep -q 'reconnects [1-9]' "$D/watch.err"
t_check "dropped watch: resumed from the last resourceVersion" grep -q "watch=1.*resourceVersion=$RV4" "$D/requests.log"

# 410 as an ERROR event, then as an HTTP status: RELIST and every object again
faults '[{"match":"watch=1","watchGone":true}]'
t_expect "ERROR 410 in the watch: RELIST, then the objects again" 0 '^RELIST' 'relists 1' -- \
	"$KML7" raw watch "$CM" -l set=w --count 10 --timeout 20s
t_check "ERROR 410: ten ADDED (five listed twice)" test "$(grep -c '^ADDED' "$T_TMP/out")" -eq 10
faults '[{"match":"watch=1","status":410}]'
t_expect "HTTP 410 for a watch: RELIST" 0 '^RELIST' 'relists 1' -- \
	"$KML7" raw watch "$CM" -l set=w --resource-version 1 --count 5 --timeout 20s

# a 401 re-runs the exec plugin once and sends the request again
printf '#!/bin/sh\necho run >>%s/plugin.runs\necho %s\n' "$D" \
	"'{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"$KUBE_TOKEN\"}}'" >"$D/plugin"
chmod +x "$D/plugin"
faults '[{"match":"^GET /api/v1/namespaces/milvus$","status":401}]'
mark
t_expect "401: the exec plugin runs again and the request is repeated" 0 '"milvus"' -- \
	"$KML7" --context exec raw get /api/v1/namespaces/milvus
t_check "401: the plugin ran twice" test "$(wc -l <"$D/plugin.runs")" -eq 2
# (at least two: a transport-level retry on a loaded machine may add one; every one with a token)
t_check "401: the GET repeated, every request with a bearer token" \
	sh -c 'n=$(grep -c . "$1"); b=$(grep -c "\"auth\":\"Bearer\"" "$1"); [ "$n" -ge 2 ] && [ "$n" = "$b" ]' _ "$D/requests.log"
faults '[]'
mark
t_expect "basic auth" 1 '' 'system:anonymous|forbidden' -- "$KML7" --context basic raw get /api/v1/namespaces
t_check "basic auth: sent as Authorization: Basic" grep -q '"auth":"Basic"' "$D/requests.log"
t_check "the proxy log holds no credential" sh -c "! grep -q -e '$KUBE_TOKEN' -e secret-pw '$D/requests.log'"

# proxy-url: the API server through an HTTP forward proxy (CONNECT)
sed "s#certificate-authority: \"$KUBE_CA\"#certificate-authority: \"$KUBE_CA\", proxy-url: \"http://127.0.0.1:$(cat "$D/cport")\"#; s#server: \"$P\"#server: \"$KUBE_SERVER\"#" \
	"$D/kubeconfig" >"$D/kubeconfig-proxy"
mark
t_expect "proxy-url: through an HTTP CONNECT proxy" 0 '"v1.20.2"' -- "$KML7" --kubeconfig "$D/kubeconfig-proxy" raw get /version
t_check "proxy-url: the proxy saw the CONNECT to the apiserver" grep -q "\"method\":\"CONNECT\",\"path\":\"127.0.0.1:$KUBE_PORT\"" "$D/requests.log"
# proxy-url socks5://: as in kubectl (Go), the proxy resolves the server's host name
sed "s#certificate-authority: \"$KUBE_CA\"#certificate-authority: \"$KUBE_CA\", proxy-url: \"socks5://127.0.0.1:$(cat "$D/sport")\"#; s#server: \"$P\"#server: \"https://localhost:$KUBE_PORT\"#" \
	"$D/kubeconfig" >"$D/kubeconfig-socks"
t_expect "proxy-url: through a SOCKS5 proxy" 0 '"v1.20.2"' -- "$KML7" --kubeconfig "$D/kubeconfig-socks" raw get /version
t_check "proxy-url: the SOCKS5 proxy got the host name to resolve, as from kubectl" \
	grep -q "\"method\":\"SOCKS5\",\"path\":\"localhost:$KUBE_PORT\",\"atyp\":\"domain\"" "$D/requests.log"

"$KML7" raw delete "/api/v1/namespaces/$NS" >/dev/null 2>&1
t_done
