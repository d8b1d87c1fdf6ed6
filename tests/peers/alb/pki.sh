#!/usr/bin/env bash
# tests/peers/alb/pki.sh DIR [HOST] - a throw-away test PKI for the balancer stand-in, made
# during the run (EC P-256, no IP SANs on purpose: clients must set SNI and :authority).
#   ca.crt ca.key                 the test CA
#   server.crt server.key         HOST and *.HOST, signed by the CA (server.crt is leaf + CA)
#   client.crt client.key         a client certificate (clientAuth) from the same CA
#   expired.crt expired.key       HOST, signed by the CA, expired
#   other-ca.crt                  an unrelated CA (for "unknown CA" cases)
#   self.crt self.key             HOST, self-signed
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 DIR [HOST]" >&2; exit 2; }
mkdir -p "$1"
cd "$1"
HOST=${2:-milvus-demo.example.test}
log=openssl.log
ssl() { openssl "$@" 2>>"$log" >/dev/null || { echo "pki.sh: openssl $1 failed:" >&2; tail -n 5 "$log" >&2; exit 1; }; }
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
ca_ext=(-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign")

ssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 30 -subj "/CN=milvus-l7 test CA" "${ca_ext[@]}"
ssl req -x509 "${ec[@]}" -keyout other-ca.key -out other-ca.crt -days 30 -subj "/CN=some other CA" "${ca_ext[@]}"

leaf() {   # NAME SUBJECT EXT [x509 options...]
	local name=$1 subj=$2 ext=$3
	shift 3
	ssl req "${ec[@]}" -keyout "$name.key" -out "$name.csr" -subj "$subj"
	printf '%s\n' "$ext" >"$name.ext"
	ssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.leaf" \
		-extfile "$name.ext" "$@"
	cat "$name.leaf" ca.crt >"$name.crt"
	rm -f "$name.csr" "$name.ext" "$name.leaf"
}
srv="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$HOST,DNS:*.$HOST"
leaf server "/CN=$HOST" "$srv" -days 30
leaf client "/CN=milvus-l7 test client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth" -days 30
# expired: valid from 10 days ago for 1 day (x509 -not_before/-not_after need OpenSSL 3.4; use ca)
ssl req "${ec[@]}" -keyout expired.key -out expired.csr -subj "/CN=$HOST"
printf '%s\n' "$srv" >expired.ext
mkdir -p ca-db
: >ca-db/index.txt
echo 1000 >ca-db/serial
cat >ca-db/ca.cnf <<EOF
[ca]
default_ca = test
[test]
dir = $PWD/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
[anything]
commonName = supplied
EOF
ssl ca -batch -config ca-db/ca.cnf -cert ca.crt -keyfile ca.key -in expired.csr -out expired.leaf \
	-extfile expired.ext -startdate 20200101000000Z -enddate 20200102000000Z -notext
cat expired.leaf ca.crt >expired.crt
rm -rf expired.csr expired.ext expired.leaf ca-db
ssl req -x509 "${ec[@]}" -keyout self.key -out self.crt -days 30 -subj "/CN=$HOST" \
	-addext "subjectAltName=DNS:$HOST"
chmod 600 ./*.key
