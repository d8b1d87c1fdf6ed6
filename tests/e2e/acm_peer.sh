#!/usr/bin/env bash
# acm_peer.sh - the ACM stand-in itself, driven by curl's own SigV4 signer (curl --aws-sigv4):
# a good signature passes, a wrong secret, region or an expired token fail with ACM's shapes,
# re-import keeps the ARN, and the sandbox hook hands the PEMs to the ALB simulator.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
D=$T_TMP/acm
"$top/tests/peers/acm/up.sh" "$D" 2>"$T_TMP/acm-up.log" || { cat "$T_TMP/acm-up.log"; t_fail "acm stand-in starts"; t_done; exit 1; }
trap '"$top/tests/peers/acm/down.sh" "$D"; t_cleanup' EXIT
. "$D/env"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/k.pem" -out "$T_TMP/c.pem" -days 30 \
  -subj /CN=peer.example.com -addext subjectAltName=DNS:peer.example.com 2>/dev/null
body() { printf '{"Certificate":"%s","PrivateKey":"%s"%s}' "$(base64 -w0 "$T_TMP/c.pem")" "$(base64 -w0 "$T_TMP/k.pem")" "${1:-}"; }
acm() {  # acm REGION AKID:SECRET TARGET BODY [extra curl args]
  local r=$1 u=$2 t=$3 b=$4; shift 4
  curl -sS --cacert "$ACM_CA" --aws-sigv4 "aws:amz:$r:acm" -u "$u" \
    -H 'Content-Type: application/x-amz-json-1.1' -H "X-Amz-Target: CertificateManager.$t" "$@" -d "$b" "$ACM_URL/"
}

t_expect "import with a good signature" 0 '"CertificateArn":"arn:aws:acm:us-west-2:111122223333:certificate/' -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" ImportCertificate "$(body)"
arn=$(sed 's/.*"\(arn[^"]*\)".*/\1/' <<<"$T_OUT")
t_expect "re-import keeps the ARN" 0 "\"CertificateArn\":\"$arn\"" -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" ImportCertificate "$(body ",\"CertificateArn\":\"$arn\"")"
t_expect "describe" 0 '"Status":"ISSUED".*"KeyAlgorithm":"RSA-2048"' -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "wrong secret" 0 'InvalidSignatureException","message":"The request signature we calculated' -- \
  acm "$ACM_REGION" "$ACM_AKID:x$ACM_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "wrong region" 0 'Credential should be scoped to a valid region' -- \
  acm us-east-1 "$ACM_AKID:$ACM_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "unknown key" 0 'UnrecognizedClientException' -- \
  acm "$ACM_REGION" "AKIAAAAAAAAAAAAAAAAA:$ACM_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "temporary keys without the token" 0 'UnrecognizedClientException' -- \
  acm "$ACM_REGION" "$ACM_TEMP_AKID:$ACM_TEMP_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "temporary keys with the token" 0 '"Certificate":' -- \
  acm "$ACM_REGION" "$ACM_TEMP_AKID:$ACM_TEMP_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}" \
  -H "X-Amz-Security-Token: $ACM_TEMP_TOKEN"
t_expect "expired token" 0 'ExpiredTokenException' -- \
  acm "$ACM_REGION" "$ACM_EXPIRED_AKID:$ACM_EXPIRED_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}" \
  -H "X-Amz-Security-Token: $ACM_EXPIRED_TOKEN"
t_expect "denied user" 0 'AccessDeniedException.*acm:DescribeCertificate' -- \
  acm "$ACM_REGION" "$ACM_DENIED_AKID:$ACM_DENIED_SECRET" DescribeCertificate "{\"CertificateArn\":\"$arn\"}"
t_expect "unsigned request" 0 'MissingAuthenticationTokenException' -- \
  curl -sS --cacert "$ACM_CA" -H 'X-Amz-Target: CertificateManager.DescribeCertificate' -d '{}' "$ACM_URL/"
t_expect "unknown ARN" 0 'ResourceNotFoundException' -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" DescribeCertificate '{"CertificateArn":"arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000"}'
t_expect "bad ARN" 0 'InvalidArnException' -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" DescribeCertificate '{"CertificateArn":"arn:nope"}'
t_expect "chain holding the leaf" 0 'ValidationException.*must not contain the certificate' -- \
  acm "$ACM_REGION" "$ACM_AKID:$ACM_SECRET" ImportCertificate "$(body ",\"CertificateChain\":\"$(base64 -w0 "$T_TMP/c.pem")\"")"
curl -sS -D "$T_TMP/h" -o /dev/null --cacert "$ACM_CA" --aws-sigv4 "aws:amz:$ACM_REGION:acm" -u "$ACM_AKID:$ACM_SECRET" \
  -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: CertificateManager.DescribeCertificate' -d '{"CertificateArn":"x"}' "$ACM_URL/"
t_check "status 400" grep -qE '^HTTP/[0-9.]+ 400' "$T_TMP/h"
t_check "X-Amzn-ErrorType header" grep -qi '^x-amzn-errortype: InvalidArnException:' "$T_TMP/h"
t_expect "sandbox hands out the PEMs" 0 '"privateKey":"-----BEGIN PRIVATE KEY' -- \
  curl -sS --cacert "$ACM_CA" "$ACM_URL/_sandbox/certificate?arn=$arn"
t_expect "sandbox: unknown ARN is 404" 22 -- curl -sSf --cacert "$ACM_CA" "$ACM_URL/_sandbox/certificate?arn=nope"
t_done
