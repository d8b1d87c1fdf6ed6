#!/usr/bin/env bash
# up.sh DIR - start the ACM stand-in (server.js) on 127.0.0.1, a free port, TLS with its own CA.
# Generates under DIR: ca.crt (ACM_CA), server.crt/key, creds.json; writes DIR/env:
#   ACM_URL ACM_CA ACM_REGION ACM_ACCOUNT ACM_PORT ACM_PID ACM_DIR
#   ACM_AKID ACM_SECRET                              long-term keys
#   ACM_TEMP_AKID ACM_TEMP_SECRET ACM_TEMP_TOKEN     temporary keys (valid)
#   ACM_EXPIRED_AKID ACM_EXPIRED_SECRET ACM_EXPIRED_TOKEN   temporary keys, token expired
#   ACM_DENIED_AKID ACM_DENIED_SECRET                keys of a user without ACM permissions
# ACM_REGION (default us-west-2), ML7_ACM_TTL (seconds, default 1800).  Stop: down.sh DIR.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"; DIR=$(cd "$1" && pwd)
TTL=${ML7_ACM_TTL:-1800}
REGION=${ACM_REGION:-us-west-2}
ACCOUNT=111122223333
[[ ! -s $DIR/acm.pid ]] || ! kill -0 "$(<"$DIR/acm.pid")" 2>/dev/null ||
  { echo "up.sh: $DIR is in use; run down.sh $DIR first" >&2; exit 1; }
rm -f "$DIR/port" "$DIR/env"
cd "$DIR"

ssl() { openssl "$@" 2>>"$DIR/openssl.log" || { echo "up.sh: openssl $1 failed (see $DIR/openssl.log)" >&2; exit 1; }; }
ssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days 30 \
  -keyout ca.key -out ca.crt -subj "/CN=ml7 acm stand-in CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
ssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout server.key -subj /CN=localhost |
  ssl x509 -req -sha256 -days 30 -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
chmod 600 ca.key server.key

rnd() { head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
key() { echo "$1$(rnd 16 | tr 'a-z' 'A-Z')"; }
AKID=$(key AKIA) SECRET=$(rnd 40)
TEMP_AKID=$(key ASIA) TEMP_SECRET=$(rnd 40) TEMP_TOKEN="IQoJb3JpZ2luX2VjE$(rnd 48)$(rnd 48)"
EXP_AKID=$(key ASIA) EXP_SECRET=$(rnd 40) EXP_TOKEN="IQoJb3JpZ2luX2VjE$(rnd 48)$(rnd 48)"
DENIED_AKID=$(key AKIA) DENIED_SECRET=$(rnd 40)
future=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ) past=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
cat >creds.json <<JSON
{
  "$AKID": {"secret": "$SECRET", "user": "ml7-admin"},
  "$TEMP_AKID": {"secret": "$TEMP_SECRET", "token": "$TEMP_TOKEN", "expires": "$future"},
  "$EXP_AKID": {"secret": "$EXP_SECRET", "token": "$EXP_TOKEN", "expires": "$past"},
  "$DENIED_AKID": {"secret": "$DENIED_SECRET", "user": "ml7-denied", "denied": true}
}
JSON
chmod 600 creds.json

# the server under a watchdog in its own process group (down.sh kills the group)
setsid timeout -k 5 "$TTL" node "$HERE/server.js" --dir "$DIR" --region "$REGION" \
  --account "$ACCOUNT" --ttl "$TTL" </dev/null >"$DIR/acm.log" 2>&1 &
echo $! >"$DIR/acm.pid"
for _ in $(seq 1 200); do
  [[ -s $DIR/port ]] && break
  kill -0 "$(<"$DIR/acm.pid")" 2>/dev/null || { echo "up.sh: the ACM stand-in exited:" >&2; cat "$DIR/acm.log" >&2; exit 1; }
  sleep 0.05
done
[[ -s $DIR/port ]] || { echo "up.sh: the ACM stand-in did not start in 10 s" >&2; "$HERE/down.sh" "$DIR"; exit 1; }
PORT=$(<"$DIR/port")
{
  printf '%s=%q\n' ACM_URL "https://127.0.0.1:$PORT" ACM_PORT "$PORT" ACM_CA "$DIR/ca.crt" \
    ACM_REGION "$REGION" ACM_ACCOUNT "$ACCOUNT" ACM_DIR "$DIR" ACM_PID "$(<"$DIR/acm.pid")" \
    ACM_AKID "$AKID" ACM_SECRET "$SECRET" \
    ACM_TEMP_AKID "$TEMP_AKID" ACM_TEMP_SECRET "$TEMP_SECRET" ACM_TEMP_TOKEN "$TEMP_TOKEN" \
    ACM_EXPIRED_AKID "$EXP_AKID" ACM_EXPIRED_SECRET "$EXP_SECRET" ACM_EXPIRED_TOKEN "$EXP_TOKEN" \
    ACM_DENIED_AKID "$DENIED_AKID" ACM_DENIED_SECRET "$DENIED_SECRET" \
    ACM_DEADLINE $(($(date +%s) + TTL))
} >"$DIR/env.tmp"
chmod 600 "$DIR/env.tmp"; mv "$DIR/env.tmp" "$DIR/env"
echo "up.sh: ACM stand-in at https://127.0.0.1:$PORT (region $REGION; source $DIR/env; stops by itself in $TTL s)" >&2
