#!/usr/bin/env bash
# cert.sh - `cert check|import|describe` against the ACM stand-in: import, re-import keeps the
# ARN, describe, every error shape, the credential sources (environment, profiles, files,
# credential_process), the session-token header, and no secret in the output at -v=3 nor on disk.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
D=$T_TMP/acm
"$top/tests/peers/acm/up.sh" "$D" 2>"$T_TMP/acm-up.log" || { cat "$T_TMP/acm-up.log"; t_fail "acm stand-in starts"; t_done; exit 1; }
trap '"$top/tests/peers/acm/down.sh" "$D"; t_cleanup' EXIT
. "$D/env"

# a clean AWS environment: nothing of the caller's leaks in
for v in $(env | grep -oE '^AWS_[A-Z_]+'); do unset "$v"; done
export HOME=$T_TMP/home TMPDIR=$T_TMP/tmp
mkdir -p "$HOME" "$TMPDIR"
export AWS_ENDPOINT_URL_ACM=$ACM_URL AWS_CA_BUNDLE=$ACM_CA AWS_REGION=$ACM_REGION
long() { export AWS_ACCESS_KEY_ID=$ACM_AKID AWS_SECRET_ACCESS_KEY=$ACM_SECRET; unset AWS_SESSION_TOKEN; }
long

# --- certificates, generated now ---------------------------------------------------------------
C=$T_TMP/certs; mkdir -p "$C"; cd "$C" || exit 1
ossl() { openssl "$@" 2>>"$C/openssl.log"; }
ossl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 30 -keyout root.key -out root.crt -subj "/CN=ml7 test root" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
ossl req -new -nodes -newkey rsa:2048 -keyout inter.key -subj "/CN=ml7 test intermediate" |
  ossl x509 -req -sha256 -days 30 -CA root.crt -CAkey root.key -CAcreateserial -out inter.crt \
    -extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n')
leaf() {  # leaf NAME KEYOPTS SAN [DAYS]
  ossl req -new -nodes -newkey "$2" -keyout "$1.key" -subj "/CN=${3%%,*}" |
    ossl x509 -req -sha256 -days "${4:-90}" -CA inter.crt -CAkey inter.key -CAcreateserial -out "$1.crt" \
      -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$(sed 's/[^,]*/DNS:&/g' <<<"$3")")
}
leaf rsa rsa:2048 milvus-demo.milvus.io
leaf ec ec:<(openssl ecparam -name secp384r1) '*.milvus.io'
leaf other rsa:2048 other.example.com
cat rsa.crt inter.crt >fullchain.crt
cat rsa.crt inter.crt >chain-with-leaf.crt
cat root.crt inter.crt >chain-wrong-order.crt
ossl pkey -in rsa.key -aes256 -passout pass:secret -out rsa-enc.key
ossl x509 -in rsa.crt -outform DER -out rsa.der
ossl pkey -in rsa.key -outform DER -out rsa-key.der
cd "$top" || exit 1
K=$KML7
IMPORT=(cert import --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --host milvus-demo.milvus.io)

# --- cert check ----------------------------------------------------------------------------------
t_expect "check: a good chain with a private CA (WARN, exit 0)" 0 '^WARN  trust .*private CA' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --host milvus-demo.milvus.io
t_check "check: no FAIL line" bash -c "! grep -q '^FAIL' <<<\"\$1\"" _ "$T_OUT"
t_expect "check --strict: a WARN fails" 5 '^WARN  trust' '1 warning \(--strict\)' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --strict
t_expect "check: wrong host fails with exit 5" 5 "^FAIL  host .*'x.example.com' is not covered" -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --host x.example.com
t_expect "check: wildcard covers one label" 0 "^OK    host .*covered by '\\*.milvus.io'" -- \
  "$K" cert check --cert "$C/ec.crt" --key "$C/ec.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --host a.milvus.io
t_expect "check: wildcard does not cover two labels" 5 '^FAIL  host' -- \
  "$K" cert check --cert "$C/ec.crt" --key "$C/ec.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --host a.b.milvus.io
t_expect "check: ECDSA P-384 accepted" 0 '^OK    key-type  ECDSA secp384r1' -- \
  "$K" cert check --cert "$C/ec.crt" --key "$C/ec.key" --chain "$C/inter.crt" --ca-file "$C/root.crt"
t_expect "check: key of another certificate" 5 '^FAIL  match' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/other.key" --chain "$C/inter.crt" --ca-file "$C/root.crt"
t_expect "check: encrypted key refused" 5 '^FAIL  key .*encrypted' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa-enc.key" --chain "$C/inter.crt"
t_expect "check: chain holding the leaf" 5 '^FAIL  chain .*holds the certificate itself' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/chain-with-leaf.crt"
t_expect "check: chain out of order" 5 '^FAIL  chain .*out of order' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/chain-wrong-order.crt"
t_expect "check: full chain in the cert file is split" 0 '^WARN  cert .*1 more certificates' -- \
  "$K" cert check --cert "$C/fullchain.crt" --key "$C/rsa.key" --ca-file "$C/root.crt"
t_expect "check: DER certificate and key" 0 '^OK    match' -- \
  "$K" cert check --cert "$C/rsa.der" --key "$C/rsa-key.der" --chain "$C/inter.crt" --ca-file "$C/root.crt"
t_expect "check: unknown root without --ca-file fails" 5 '^FAIL  trust' -- \
  "$K" cert check --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/inter.crt"
t_expect "check: -o json" 0 '"keyAlgorithm":[[:space:]]*"RSA-2048"' -- \
  "$K" cert check --cert "$C/rsa.crt" --chain "$C/inter.crt" --ca-file "$C/root.crt" -o json
t_expect "check: missing file" 3 '' "cannot read" -- "$K" cert check --cert "$C/nope.crt"
t_expect "check: --cert required" 2 -- "$K" cert check

# --- import, re-import, describe ------------------------------------------------------------
t_expect "import prints the ARN" 0 '^arn:aws:acm:us-west-2:111122223333:certificate/[0-9a-f-]{36}$' -- \
  "$K" "${IMPORT[@]}" --tag milvus-l7/release=milvus/demo -q
ARN=$T_OUT
t_expect "re-import keeps the ARN" 0 "^$ARN\$" -- "$K" "${IMPORT[@]}" --arn "$ARN" -q
t_expect "describe: ISSUED, SANs, region" 0 'Status: +ISSUED' -- "$K" cert describe "$ARN"
t_check "describe: SANs line" grep -q '^SANs: *milvus-demo.milvus.io$' "$T_TMP/out"
t_expect "describe: the system CA bundle from \$SSL_CERT_FILE (no AWS_CA_BUNDLE)" 0 'Status: +ISSUED' -- \
	env -u AWS_CA_BUNDLE SSL_CERT_FILE="$ACM_CA" "$K" cert describe "$ARN"
t_expect "describe: without that CA the stand-in is not trusted" 1 "" "certificate" -- \
	env -u AWS_CA_BUNDLE "$K" cert describe "$ARN"
t_expect "describe: host not covered warns" 0 '' "warning: 'other.io' is not covered" -- \
  "$K" cert describe "$ARN" --host other.io
t_expect "describe -o json" 0 '"KeyAlgorithm":[[:space:]]*"RSA-2048"' -- "$K" cert describe "$ARN" -o json
t_expect "sandbox hook serves the re-imported PEMs" 0 '"chain":"-----BEGIN CERTIFICATE' -- \
  curl -sS --cacert "$ACM_CA" "$ACM_URL/_sandbox/certificate?arn=$ARN"
t_expect "import -o json" 0 '"reimported":[[:space:]]*false' -- "$K" "${IMPORT[@]}" -o json
t_expect "tags with --arn refused" 2 '' 'cannot be used with --arn' -- "$K" "${IMPORT[@]}" --arn "$ARN" --tag a=b
t_expect "failing checks stop the import" 5 '' 'nothing imported' -- \
  "$K" cert import --cert "$C/rsa.crt" --key "$C/rsa-enc.key" --chain "$C/inter.crt"
t_expect "--dry-run imports nothing" 0 '' 'dry run: would import' -- "$K" "${IMPORT[@]}" --dry-run

# --- ACM's errors -----------------------------------------------------------------------------
t_expect "unknown ARN: not found, exit 3" 3 '' 'certificate not found in region us-west-2: Could not find certificate' -- \
  "$K" cert describe arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000
t_expect "ARN in another region" 1 '' 'the ARN is in region eu-west-1 but the region is us-west-2 \(from AWS_REGION\)' -- \
  "$K" cert describe arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-0000-0000-000000000000
t_expect "not an ACM ARN" 2 '' 'not an ACM certificate ARN' -- "$K" cert describe arn:aws:s3:::bucket
t_expect "wrong secret" 1 '' 'AWS rejected the request signature \(InvalidSignatureException' -- \
  env AWS_SECRET_ACCESS_KEY=wrong "$K" cert describe "$ARN"
t_expect "wrong region in the signature" 1 '' 'Credential should be scoped to a valid region' -- \
  "$K" "${IMPORT[@]}" --region us-east-1 -q
t_expect "unknown access key" 1 '' 'AWS does not know the access key ID' -- \
  env AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA "$K" cert describe "$ARN"
t_expect "access denied" 1 '' 'access denied: User: arn:aws:iam::111122223333:user/ml7-denied is not authorized to perform: acm:DescribeCertificate' -- \
  env AWS_ACCESS_KEY_ID=$ACM_DENIED_AKID AWS_SECRET_ACCESS_KEY=$ACM_DENIED_SECRET "$K" cert describe "$ARN"
t_expect "expired session token" 1 '' 'the AWS session token has expired \(credentials from environment\)' -- \
  env AWS_ACCESS_KEY_ID=$ACM_EXPIRED_AKID AWS_SECRET_ACCESS_KEY=$ACM_EXPIRED_SECRET AWS_SESSION_TOKEN=$ACM_EXPIRED_TOKEN \
  "$K" cert describe "$ARN"
fault() { curl -sS --cacert "$ACM_CA" -d "$1" "$ACM_URL/_sandbox/fault" >/dev/null; }
fault '{"operation":"ImportCertificate","type":"LimitExceededException","message":"you have reached your limit of imported certificates"}'
t_expect "LimitExceeded" 1 '' 'ACM limit reached: you have reached your limit' -- "$K" "${IMPORT[@]}"
fault '{"operation":"DescribeCertificate","type":"ThrottlingException","count":1}'
t_expect "one ThrottlingException is retried" 0 'Status: +ISSUED' -- "$K" cert describe "$ARN"
fault '{"operation":"DescribeCertificate","type":"ThrottlingException","count":3}'
t_expect "throttled three times: a clear error" 1 '' 'ACM is throttling the requests' -- "$K" cert describe "$ARN"
fault '{"operation":"ImportCertificate","type":"InvalidParameterException","message":"The certificate chain is not valid"}'
t_expect "InvalidParameter" 1 '' 'ACM refused the ImportCertificate request \(InvalidParameterException\): The certificate chain is not valid' -- \
  "$K" "${IMPORT[@]}"
t_expect "ACM's own ValidationException (--force past the checks)" 1 '' \
  'ACM refused the ImportCertificate request \(ValidationException\): The certificate chain must not contain the certificate itself' -- \
  "$K" cert import --cert "$C/rsa.crt" --key "$C/rsa.key" --chain "$C/chain-with-leaf.crt" --force -q
t_expect "re-import onto an unknown ARN" 3 '' 'Could not find certificate' -- \
  "$K" "${IMPORT[@]}" --arn arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000
t_expect "re-import with another key type" 1 '' 'ValidationException' -- \
  "$K" cert import --cert "$C/ec.crt" --key "$C/ec.key" --chain "$C/inter.crt" --ca-file "$C/root.crt" --arn "$ARN" -q

# --- credential sources -------------------------------------------------------------------------
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
t_expect "no credentials: a clear error" 1 '' 'no AWS credentials found' -- "$K" cert describe "$ARN"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n[temp]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' \
  "$ACM_AKID" "$ACM_SECRET" "$ACM_TEMP_AKID" "$ACM_TEMP_SECRET" "$ACM_TEMP_TOKEN" >"$HOME/.aws/credentials"
t_expect "~/.aws/credentials [default]" 0 'Status: +ISSUED' -- "$K" cert describe "$ARN" -v
t_check "the source is named at -v" grep -q "credentials from shared credentials file '$HOME/.aws/credentials' \[default\]" "$T_TMP/err"
t_expect "AWS_PROFILE=temp (session token)" 0 'Status: +ISSUED' -- env AWS_PROFILE=temp "$K" cert describe "$ARN"
t_expect "the session token is sent and signed" 0 '"accessKeyId":"'"$ACM_TEMP_AKID"'","signedHeaders":\[[^]]*"x-amz-security-token"[^]]*\],"sessionToken":true' -- \
  bash -c 'curl -sS --cacert "$1" "$2/_sandbox/requests" | sed "s/},{/}\n{/g" | tail -n 1' _ "$ACM_CA" "$ACM_URL"
t_expect "--profile temp" 0 'Status: +ISSUED' -- "$K" cert describe "$ARN" --profile temp
t_expect "--profile beats the environment's keys" 0 'Status: +ISSUED' -- \
  env AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA AWS_SECRET_ACCESS_KEY=wrong "$K" cert describe "$ARN" --profile temp
t_expect "AWS_PROFILE does not beat the environment's keys" 1 '' 'AWS does not know the access key ID' -- \
  env AWS_PROFILE=temp AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA AWS_SECRET_ACCESS_KEY=wrong "$K" cert describe "$ARN"
t_expect "a missing profile" 1 '' 'the config profile \(nope\) could not be found' -- "$K" cert describe "$ARN" --profile nope
cat >"$T_TMP/proc" <<EOF
#!/bin/sh
case "\$1" in
ok) printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "%s"}\n' "$ACM_TEMP_AKID" "$ACM_TEMP_SECRET" "$ACM_TEMP_TOKEN" "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" ;;
old) printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "Expiration": "2020-01-01T00:00:00Z"}\n' "$ACM_AKID" "$ACM_SECRET" ;;
*) echo "no such mode: \$1" >&2; exit 3 ;;
esac
EOF
chmod 755 "$T_TMP/proc"
printf '[profile proc]\ncredential_process = "%s" ok\nregion = %s\n[profile old]\ncredential_process = %s old\n[profile bad]\ncredential_process = %s "two words"\n[profile role]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = default\n' \
  "$T_TMP/proc" "$ACM_REGION" "$T_TMP/proc" "$T_TMP/proc" >"$T_TMP/config"
export AWS_CONFIG_FILE=$T_TMP/config
t_expect "credential_process" 0 'Status: +ISSUED' -- env -u AWS_REGION "$K" cert describe "$ARN" --profile proc
t_expect "credential_process with expired credentials" 1 '' "credential_process of profile 'old': the credentials expired at 2020-01-01T00:00:00Z" -- \
  "$K" cert describe "$ARN" --profile old
t_expect "credential_process failing (argv, no shell)" 1 '' "credential_process of profile 'bad' exited with status 3: no such mode: two words" -- \
  "$K" cert describe "$ARN" --profile bad
t_expect "role_arn is reported as unsupported" 1 '' "profile 'role' uses role_arn" -- "$K" cert describe "$ARN" --profile role

# --- secrets: never in the output at -v=3, never on disk ----------------------------------------
export AWS_PROFILE=temp
"$K" "${IMPORT[@]}" --arn "$ARN" -v=3 >"$T_TMP/v3.out" 2>"$T_TMP/v3.err"
t_check "-v=3 import succeeds" test $? -eq 0
t_check "-v=3 shows the wire" grep -q 'X-Amz-Target: CertificateManager.ImportCertificate' "$T_TMP/v3.err"
keyline=$(sed -n 2p "$C/rsa.key")
b64=$(base64 -w0 "$C/rsa.key" | cut -c 40-100)
leak=0
for s in "$ACM_TEMP_SECRET" "$ACM_TEMP_TOKEN" "$keyline" "$b64"; do
  grep -qF -- "$s" "$T_TMP/v3.out" "$T_TMP/v3.err" && leak=1
done
t_check "no secret key, token or private key in the -v=3 output" test $leak -eq 0
t_check "the signature header is redacted" grep -q 'Authorization: \[REDACTED\]' "$T_TMP/v3.err"
leak=0
for s in "$ACM_TEMP_TOKEN" "$keyline" "$b64"; do
  grep -rqF -- "$s" "$TMPDIR" && leak=1
done
t_check "nothing secret written to TMPDIR" test $leak -eq 0
"$K" cert describe "$ARN" --profile proc -v=3 >"$T_TMP/v3p.out" 2>"$T_TMP/v3p.err"
t_check "-v=3 describe with credential_process succeeds" grep -q 'running .*/proc' "$T_TMP/v3p.err"
t_check "credential_process: no secret or token in the -v=3 output" \
  bash -c '! grep -qF -e "$1" -e "$2" "$3" "$4"' _ "$ACM_TEMP_SECRET" "$ACM_TEMP_TOKEN" "$T_TMP/v3p.out" "$T_TMP/v3p.err"
t_check "no new file in HOME" test "$(find "$HOME" -type f | wc -l)" -eq 1
t_done
