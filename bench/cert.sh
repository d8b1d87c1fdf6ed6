#!/usr/bin/env bash
# bench/cert.sh - `cert check` beside the openssl commands a user would chain for the same
# checks (verify the chain, check the host, match the key, read the expiry), and `cert import`
# (credential chain + checks + SigV4 + ImportCertificate) beside one bare `curl --aws-sigv4`
# ImportCertificate call, both against the ACM stand-in on loopback.  One hyperfine run each.
#   bench/cert.sh [--runs N]      BIN=dir of kubectl-milvus_l7 (default bin)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=30
[ "${1:-}" = --runs ] && runs=${2:?--runs N}
k=${BIN:-bin}/kubectl-milvus_l7
[ -x "$k" ] || make -s all >&2
k=$(cd "$(dirname "$k")" && pwd)/$(basename "$k")
d=$(mktemp -d)
trap 'tests/peers/acm/down.sh "$d/acm" >/dev/null 2>&1; rm -rf "$d"' EXIT
(cd "$d"
 openssl req -x509 -new -nodes -newkey rsa:2048 -days 30 -keyout root.key -out root.crt -subj /CN=root \
   -addext basicConstraints=critical,CA:TRUE 2>/dev/null
 openssl req -new -nodes -newkey rsa:2048 -keyout inter.key -subj /CN=inter 2>/dev/null |
   openssl x509 -req -days 30 -CA root.crt -CAkey root.key -CAcreateserial -out inter.crt \
     -extfile <(echo basicConstraints=critical,CA:TRUE) 2>/dev/null
 openssl req -new -nodes -newkey rsa:2048 -keyout leaf.key -subj /CN=h.example.com 2>/dev/null |
   openssl x509 -req -days 30 -CA inter.crt -CAkey inter.key -CAcreateserial -out leaf.crt \
     -extfile <(echo subjectAltName=DNS:h.example.com) 2>/dev/null)
tests/peers/acm/up.sh "$d/acm" 2>/dev/null
. "$d/acm/env"
cat >"$d/openssl-checks.sh" <<'SH'
cd "$1"
openssl verify -CAfile root.crt -untrusted inter.crt leaf.crt >/dev/null
openssl x509 -in leaf.crt -noout -checkhost h.example.com -enddate >/dev/null
cmp -s <(openssl x509 -in leaf.crt -noout -pubkey) <(openssl pkey -in leaf.key -pubout)
SH
body=$(printf '{"Certificate":"%s","PrivateKey":"%s","CertificateChain":"%s"}' \
  "$(base64 -w0 "$d/leaf.crt")" "$(base64 -w0 "$d/leaf.key")" "$(base64 -w0 "$d/inter.crt")")
printf '%s' "$body" >"$d/body.json"
export AWS_ACCESS_KEY_ID=$ACM_AKID AWS_SECRET_ACCESS_KEY=$ACM_SECRET AWS_REGION=$ACM_REGION \
  AWS_ENDPOINT_URL_ACM=$ACM_URL AWS_CA_BUNDLE=$ACM_CA AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
hyperfine -N --warmup 3 --runs "$runs" --export-json "$d/r.json" \
  -n check "$k cert check --cert $d/leaf.crt --key $d/leaf.key --chain $d/inter.crt --ca-file $d/root.crt --host h.example.com" \
  -n openssl "bash $d/openssl-checks.sh $d" \
  -n import "$k cert import -q --cert $d/leaf.crt --key $d/leaf.key --chain $d/inter.crt --ca-file $d/root.crt" \
  -n curl "curl -sS -o /dev/null --cacert $ACM_CA --aws-sigv4 aws:amz:$ACM_REGION:acm -u $ACM_AKID:$ACM_SECRET -H Content-Type:application/x-amz-json-1.1 -H X-Amz-Target:CertificateManager.ImportCertificate --data-binary @$d/body.json $ACM_URL/" \
  >"$d/log" 2>&1 || { cat "$d/log"; exit 1; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
python3 - "$d/r.json" \
  "$(rss "$k" cert check --cert "$d/leaf.crt" --key "$d/leaf.key" --chain "$d/inter.crt" --ca-file "$d/root.crt")" \
  "$(rss "$k" cert import -q --cert "$d/leaf.crt" --key "$d/leaf.key" --chain "$d/inter.crt" --ca-file "$d/root.crt")" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m = {n: r[n]["median"] * 1000 for n in r}
print(f"median  cert check {m['check']:.1f} ms   openssl (3 commands) {m['openssl']:.1f} ms   ratio {m['openssl']/m['check']:.2f}x")
print(f"median  cert import {m['import']:.1f} ms   bare curl --aws-sigv4 import {m['curl']:.1f} ms   ratio {m['import']/m['curl']:.2f}x")
print(f"peak RSS  cert check {int(sys.argv[2])/1024:.1f} MiB   cert import {int(sys.argv[3])/1024:.1f} MiB")
PY
