#!/usr/bin/env bash
# tests/e2e/verify.sh - `kubectl milvus-l7 verify` against the balancer stand-in (nginx: TLS,
# HTTP/2, grpc_pass, host rule) and the Milvus stand-in (grpc-js on the real protos): success,
# every diagnosis, auth, database, health, IPv6, --connect-to, -o json, and the Milvus Node SDK's
# own client as a second opinion on the same peers.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

HOST=milvus-demo.example.test
W=$T_TMP/peers
mkdir -p "$W/alb"
SRV_PID=
SS_PIDS=()
cleanup() {
	tests/peers/alb/nginx.sh stop "$W/alb" >/dev/null 2>&1
	[[ -n $SRV_PID ]] && kill "$SRV_PID" 2>/dev/null
	for p in "${SS_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}
trap cleanup EXIT

wait_file() {   # FILE: up to 15 s
	local i
	for ((i = 0; i < 300; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.05
	done
	return 1
}

# --- peers ------------------------------------------------------------------------------------
tests/peers/alb/pki.sh "$W/pki" "$HOST" || { t_fail "test PKI"; t_done; exit; }
PKI=$W/pki
PW='s3cr3t-Pw'
TOKEN='tok-3c1d'
node tests/peers/milvus/server.js --port 0 --port-file "$W/milvus.port" --user root \
	--password "$PW" --token "$TOKEN" --dbs default,db1 --mode-file "$W/mode" \
	--reset-port-file "$W/reset.port" --silent-port-file "$W/silent.port" --log "$W/milvus.log" --ttl 300 &
SRV_PID=$!
wait_file "$W/milvus.port" && wait_file "$W/reset.port" && wait_file "$W/silent.port" || { t_fail "milvus stand-in starts"; t_done; exit; }
cat >"$W/alb/alb.env" <<EOF
ALB_CERT=$PKI/server.crt
ALB_KEY=$PKI/server.key
ALB_HOST=$HOST
ALB_BACKEND=127.0.0.1:$(cat "$W/milvus.port")
ALB_TTL=300
EOF
tests/peers/alb/nginx.sh start "$W/alb" || { t_fail "nginx stand-in starts"; t_done; exit; }
P=$(cat "$W/alb/port")
RESET_PORT=$(cat "$W/reset.port")
SILENT_PORT=$(cat "$W/silent.port")

export MILVUS_PASSWORD=$PW
unset MILVUS_TOKEN
V=("$KML7" verify --no-snippets)
OK=(--address "127.0.0.1:$P" --server-name "$HOST" --ca-file "$PKI/ca.crt" --user root)

# diag NAME DIAGNOSIS ARGS...: verify -o json fails with exit 5 and that diagnosis
diag() {
	local name=$1 want=$2
	shift 2
	t_expect "$name" 5 "\"name\":[[:space:]]*\"$want\"" "verification failed" -- "${V[@]}" -o json "$@"
}

# --- success ----------------------------------------------------------------------------------
t_expect "verify succeeds (text)" 0 "^verified: Milvus v2\.5\.10 answers gRPC at $HOST" -- \
	"$KML7" verify "${OK[@]}" --health
for re in "tls .*TLSv1\.[23] .*ALPN h2" "SANs DNS:$HOST" "GetVersion .*v2\.5\.10" \
	"Connect .*STANDALONE v2\.5\.10, commit ml7stand" "CheckHealth .*healthy" \
	"server_name=\"$HOST\"" "'grpc\.default_authority': '$HOST'" \
	"password=os\.environ\[\"MILVUS_PASSWORD\"\]"; do
	if grep -Eq -- "$re" "$T_TMP/out"; then t_pass "output shows /$re/"; else t_fail "output shows /$re/"; fi
done
if grep -q -- "$PW" "$T_TMP/out" "$T_TMP/err"; then t_fail "the password is never printed"; else t_pass "the password is never printed"; fi

t_expect "verify -o json" 0 '"verified":[[:space:]]*true' -- "${V[@]}" "${OK[@]}" -o json --health
for re in '"version":[[:space:]]*"v2\.5\.10"' '"alpn":[[:space:]]*"h2"' '"healthy":[[:space:]]*true' \
	'"deployMode":[[:space:]]*"STANDALONE"' '"name":[[:space:]]*"CheckHealth"'; do
	if grep -Eq -- "$re" "$T_TMP/out"; then t_pass "json has $re"; else t_fail "json has $re"; fi
done
t_expect "verify -o yaml" 0 '^verified: true' -- "${V[@]}" "${OK[@]}" -o yaml

# what the Milvus stand-in saw: the client info, the authority, dbname
t_expect "Connect carries ClientInfo sdk_type milvus-l7" 0 '"sdk_type":"milvus-l7".*"user":"root"' -- \
	grep Connect "$W/milvus.log"
t_expect ":authority reaches Milvus as the server name" 0 "\"authority\":\"$HOST\"" -- grep GetVersion "$W/milvus.log"

t_expect "IPv6 ::1" 0 "via \[::1\]:$P" -- "${V[@]}" --address "[::1]:$P" --server-name "$HOST" \
	--ca-file "$PKI/ca.crt" --user root
t_expect "--connect-to keeps the names" 0 "verify $HOST via 127\.0\.0\.1:$P" -- "${V[@]}" \
	--address "$HOST:$P" --connect-to "127.0.0.1:$P" --ca-file "$PKI/ca.crt" --user root
t_expect "token from MILVUS_TOKEN" 0 "^verified" -- env -u MILVUS_PASSWORD MILVUS_TOKEN=$TOKEN \
	"${V[@]}" --address "127.0.0.1:$P" --server-name "$HOST" --ca-file "$PKI/ca.crt"
t_expect "--ca-data" 0 "^verified" -- "${V[@]}" --address "127.0.0.1:$P" --server-name "$HOST" \
	--ca-data "$(cat "$PKI/ca.crt")" --user root
t_expect "--db of an existing database" 0 "^verified" -- "${V[@]}" "${OK[@]}" --db db1
t_expect "insecure is said loudly" 0 "^verified" "certificate is NOT checked" -- "${V[@]}" \
	--address "127.0.0.1:$P" --server-name "$HOST" --insecure-skip-tls-verify --user root

# --- diagnoses --------------------------------------------------------------------------------
diag "wrong host rule -> 404 from the balancer" host-rule-404 --address "127.0.0.1:$P" \
	--server-name "other.$HOST" --ca-file "$PKI/ca.crt" --user root
t_expect "404 hint names the authority" 5 "" "404 for :authority 'other\.$HOST'" -- "${V[@]}" \
	--address "127.0.0.1:$P" --server-name "other.$HOST" --ca-file "$PKI/ca.crt" --user root
diag "TLS name mismatch" tls-name-mismatch --address "127.0.0.1:$P" --server-name other.example.test \
	--ca-file "$PKI/ca.crt" --user root
diag "dialling the IP without --server-name" tls-name-mismatch --address "127.0.0.1:$P" \
	--ca-file "$PKI/ca.crt" --user root
diag "untrusted CA (system store)" tls-unknown-ca --address "127.0.0.1:$P" --server-name "$HOST" --user root
# the system store is found at run time (the release binary's OpenSSL has Debian's paths
# compiled in): $SSL_CERT_FILE names it, as for OpenSSL, curl and Go
t_expect "the system store from \$SSL_CERT_FILE" 0 "^verified" -- env SSL_CERT_FILE="$PKI/ca.crt" \
	"${V[@]}" --address "127.0.0.1:$P" --server-name "$HOST" --user root
t_expect "a \$SSL_CERT_FILE that cannot be read is said plainly" 1 "" \
	"cannot load the system CA store '/nonexistent/ca.pem'" -- env SSL_CERT_FILE=/nonexistent/ca.pem \
	"${V[@]}" --address "127.0.0.1:$P" --server-name "$HOST" --user root
diag "untrusted CA (another CA)" tls-unknown-ca --address "127.0.0.1:$P" --server-name "$HOST" \
	--ca-file "$PKI/other-ca.crt" --user root
diag "connection refused" connection-refused --address 127.0.0.1:1 --server-name "$HOST" --ca-file "$PKI/ca.crt"
diag "connection reset" connection-reset --address "127.0.0.1:$RESET_PORT" --server-name "$HOST" \
	--ca-file "$PKI/ca.crt"
t_expect "TLS handshake timeout" 5 '"phase":[[:space:]]*"tls"' "TLS handshake with 127\.0\.0\.1:$SILENT_PORT timed out after 500 ms" -- \
	"${V[@]}" -o json --address "127.0.0.1:$SILENT_PORT" --server-name "$HOST" --ca-file "$PKI/ca.crt" --timeout 500ms
# a resolver that answers says NXDOMAIN; one that cannot be reached gives a DNS failure
t_expect "NXDOMAIN" 5 '"name":[[:space:]]*"(nxdomain|dns)"' "cannot resolve 'no-such-balancer\.invalid'" -- \
	"${V[@]}" -o json --address no-such-balancer.invalid --ca-file "$PKI/ca.crt" --timeout 3s
t_expect "wrong password -> UNAUTHENTICATED" 5 '"name":[[:space:]]*"unauthenticated"' \
	"UNAUTHENTICATED.*username and password" -- env MILVUS_PASSWORD=nope "${V[@]}" -o json "${OK[@]}"
t_expect "no credentials -> hint to pass them" 5 "" "hint: authentication is on" -- env -u MILVUS_PASSWORD \
	"${V[@]}" --address "127.0.0.1:$P" --server-name "$HOST" --ca-file "$PKI/ca.crt"
diag "database not found" database-not-found "${OK[@]}" --db nope
t_expect "database hint" 5 "" "database 'nope' not found \(Milvus code 800\)" -- "${V[@]}" "${OK[@]}" --db nope

echo unhealthy >"$W/mode"
diag "unhealthy Milvus" unhealthy "${OK[@]}" --health
t_expect "unhealthy reasons shown" 5 "reasons: rootcoord:1 is not healthy" -- "${V[@]}" "${OK[@]}" --health
if grep -q "DenyToWrite, ReadLimited" "$T_TMP/out"; then t_pass "quota states shown"; else t_fail "quota states shown"; fi
echo notready >"$W/mode"
diag "Milvus not ready (code 1)" milvus-error "${OK[@]}"
echo slow:3000 >"$W/mode"
t_expect "RPC timeout" 5 '"phase":[[:space:]]*"GetVersion"' "GetVersion timed out after 700 ms" -- \
	"${V[@]}" -o json "${OK[@]}" --timeout 700ms
rm -f "$W/mode"

# a TLS server without ALPN h2, and one with an expired certificate (openssl s_server)
s_server() {   # PORTFILE ARGS...
	local f=$1
	shift
	timeout 120 openssl s_server -www -accept 127.0.0.1:0 -naccept 5 "$@" >"$f.log" 2>&1 &
	SS_PIDS+=($!)
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q '^ACCEPT' "$f.log" 2>/dev/null && break
		sleep 0.05
	done
	sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$f.log" >"$f"
}
s_server "$W/noh2.port" -cert "$PKI/server.crt" -key "$PKI/server.key"
s_server "$W/expired.port" -cert "$PKI/expired.crt" -key "$PKI/expired.key" -alpn h2
s_server "$W/mtls.port" -cert "$PKI/server.crt" -key "$PKI/server.key" -alpn h2 -Verify 1 \
	-CAfile "$PKI/ca.crt"
# (s_server -www then waits for an HTTP/1 request: the HTTP/2 phase times out, after TLS passed)
t_expect "mutual TLS: the client certificate is presented" 5 '"phase":[[:space:]]*"http2"' \
	"http2 timed out" -- "${V[@]}" -o json --timeout 1s --address "127.0.0.1:$(cat "$W/mtls.port")" \
	--server-name "$HOST" --ca-file "$PKI/ca.crt" --client-cert "$PKI/client.crt" --client-key "$PKI/client.key"
t_expect "mutual TLS: no client certificate" 5 '"name":[[:space:]]*"tls"' "client certificate" -- \
	"${V[@]}" -o json --address "127.0.0.1:$(cat "$W/mtls.port")" --server-name "$HOST" --ca-file "$PKI/ca.crt"
diag "no h2 in ALPN" no-h2-alpn --address "127.0.0.1:$(cat "$W/noh2.port")" --server-name "$HOST" \
	--ca-file "$PKI/ca.crt"
diag "expired certificate" tls-expired --address "127.0.0.1:$(cat "$W/expired.port")" \
	--server-name "$HOST" --ca-file "$PKI/ca.crt"

# the balancer's own statuses: 464 (protocol version), 502/503/504 (targets)
for code in 464 502 503 504; do
	sed -i '/^ALB_MODE=/d' "$W/alb/alb.env"
	echo "ALB_MODE=$code" >>"$W/alb/alb.env"
	tests/peers/alb/nginx.sh reload "$W/alb" || t_fail "nginx reload ($code)"
	diag "HTTP $code from the balancer" "http-$code" "${OK[@]}"
	if [[ $code = 502 ]]; then
		t_expect "Node SDK agrees on 502 (UNAVAILABLE)" 1 '"ok":false.*UNAVAILABLE' -- node \
			tests/peers/milvus/sdk-verdict.js --address "127.0.0.1:$P" --ca "$PKI/ca.crt" \
			--server-name "$HOST" --user root --password "$PW"
	fi
done
sed -i '/^ALB_MODE=/d' "$W/alb/alb.env"
tests/peers/alb/nginx.sh reload "$W/alb"

# --- usage ------------------------------------------------------------------------------------
t_expect "no address -> usage" 2 "" "give RELEASE or --address" -- "$KML7" verify
t_expect "--user without a password and no terminal" 2 "" "MILVUS_PASSWORD" -- env -u MILVUS_PASSWORD \
	"$KML7" verify --address "127.0.0.1:$P" --user root
t_expect "bad port" 1 "" "bad port" -- "$KML7" verify --address "127.0.0.1:99999"
t_expect "client cert without key" 1 "" "needs both" -- "$KML7" verify --address "127.0.0.1:$P" \
	--client-cert "$PKI/client.crt"

# --- the Milvus Node SDK's own client agrees ----------------------------------------------------
SDK=(node tests/peers/milvus/sdk-verdict.js --address "127.0.0.1:$P" --ca "$PKI/ca.crt")
t_expect "Node SDK: success" 0 '"ok":true,"version":"v2\.5\.10"' -- "${SDK[@]}" --server-name "$HOST" \
	--user root --password "$PW" --health
t_expect "Node SDK: wrong host rule is no success (and it does not throw)" 1 '"ok":false' -- \
	"${SDK[@]}" --server-name "other.$HOST" --user root --password "$PW"
t_expect "Node SDK: auth failure" 1 'UNAUTHENTICATED' -- "${SDK[@]}" --server-name "$HOST" \
	--user root --password nope
# Node SDK 2.5.8 ignores Connect's Status: an unknown database passes unnoticed (verify says 800)
t_expect "Node SDK: an unknown database goes unnoticed (verify catches it above)" 0 '"ok":true' -- \
	"${SDK[@]}" --server-name "$HOST" --user root --password "$PW" --db nope
t_expect "Node SDK: TLS name mismatch" 1 'altnames' -- "${SDK[@]}" --server-name other.example.test \
	--user root --password "$PW"

t_done
