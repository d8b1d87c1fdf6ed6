#!/usr/bin/env bash
# up.sh DIR — start a private etcd + kube-apiserver v1.20.2 (+ kube-controller-manager) on
# 127.0.0.1, free ports, everything generated under DIR. Leaves them running in the background,
# each under a watchdog (`timeout`) that kills it after ML7_KUBE_TTL seconds (default 1800).
# Writes DIR/kubeconfig (contexts token [current], cert, limited) and DIR/env. Stop: down.sh DIR.
# ML7_KUBE_BIN=dir uses the binaries there instead of build.sh's cache.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"; DIR=$(cd "$1" && pwd)
TTL=${ML7_KUBE_TTL:-1800}
CACHE=${ML7_CACHE:-$HOME/.cache/milvus-l7}; mkdir -p "$CACHE"
BIN=${ML7_KUBE_BIN:-$("$HERE/build.sh")}
ETCD=${ML7_ETCD:-/usr/bin/etcd}
[[ -x $ETCD ]] || { echo "up.sh: $ETCD missing: apt-get install -y etcd-server" >&2; exit 1; }
[[ ! -e $DIR/etcd.pid ]] || { echo "up.sh: $DIR is in use; run down.sh $DIR first" >&2; exit 1; }

fail() {
  echo "up.sh: error: $*" >&2
  local f; for f in etcd kube-apiserver kube-controller-manager; do
    [[ -s $DIR/$f.log ]] && { echo "--- tail of $DIR/$f.log" >&2; tail -n 25 "$DIR/$f.log" >&2; }
  done
  "$HERE/down.sh" "$DIR" >&2 || true
  exit 1
}

# --- credentials ------------------------------------------------------------------------------
cd "$DIR"
ssl() { openssl "$@" 2>>"$DIR/openssl.log" || fail "openssl $1 failed"; }
ca() {  # ca NAME CN
  ssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days 30 -keyout "$1.key" -out "$1.crt" \
    -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() {  # leaf NAME CA SUBJECT EXTENSIONS
  ssl req -new -nodes -newkey rsa:2048 -keyout "$1.key" -subj "$3" |
    ssl x509 -req -sha256 -days 30 -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -out "$1.crt" \
      -extfile <(printf '%s\n' "$4")
}
ca ca ml7-kube-ca
leaf server ca /CN=kube-apiserver "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc
extendedKeyUsage=serverAuth"
ca client-ca ml7-kube-client-ca
leaf admin client-ca "/O=system:masters/CN=ml7-admin" "extendedKeyUsage=clientAuth"
ssl genrsa -out sa.key 2048 && ssl rsa -in sa.key -pubout -out sa.pub
ADMIN_TOKEN=$(openssl rand -hex 24); LIMITED_TOKEN=$(openssl rand -hex 24)
printf '%s,ml7-admin,ml7-admin,"system:masters"\n%s,ml7-limited,ml7-limited\n' \
  "$ADMIN_TOKEN" "$LIMITED_TOKEN" >tokens.csv
chmod 600 ./*.key tokens.csv
# every write request is recorded (DIR/audit.log, one JSON event per line): tests prove with it
# that a dry run or a second run writes nothing
cat >audit-policy.yaml <<'EOF2'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  verbs: [get, list, watch]
- level: Metadata
EOF2

# --- processes --------------------------------------------------------------------------------
# launch NAME CMD...: runs CMD under `timeout` (its own process group, so down.sh can kill the
# group); fd 9 (the port lock) is not inherited.
launch() {
  local name=$1; shift
  timeout -k 10 "$TTL" "$@" </dev/null >"$DIR/$name.log" 2>&1 9>&- &
  echo $! >"$DIR/$name.pid"
}
exec 9>"$CACHE/kube-ports.lock"   # concurrent up.sh: pick ports and bind them one at a time
flock -w 120 9 || fail "timed out waiting for $CACHE/kube-ports.lock"
read -r ETCD_PORT PEER_PORT KUBE_PORT < <(python3 - <<'EOF'
import random, socket
ports = []
while len(ports) < 3:          # below the kernel's ephemeral range (32768+), free right now
    p = random.randrange(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        if p not in ports:
            ports.append(p)
    except OSError:
        pass
    s.close()
print(*ports)
EOF
)
E=http://127.0.0.1:$ETCD_PORT P=http://127.0.0.1:$PEER_PORT
launch etcd "$ETCD" --name ml7 --data-dir "$DIR/etcd" --listen-client-urls "$E" \
  --advertise-client-urls "$E" --listen-peer-urls "$P" --initial-advertise-peer-urls "$P" \
  --initial-cluster "ml7=$P" --logger zap --log-level warn
launch kube-apiserver "$BIN/kube-apiserver" --etcd-servers "$E" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KUBE_PORT" --insecure-port 0 \
  --tls-cert-file "$DIR/server.crt" --tls-private-key-file "$DIR/server.key" \
  --client-ca-file "$DIR/client-ca.crt" --token-auth-file "$DIR/tokens.csv" \
  --authorization-mode RBAC --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$DIR/sa.pub" --service-account-signing-key-file "$DIR/sa.key" \
  --service-cluster-ip-range 10.0.0.0/16 --endpoint-reconciler-type none --profiling=false \
  --audit-policy-file "$DIR/audit-policy.yaml" --audit-log-path "$DIR/audit.log"

write_kubeconfig() {  # write_kubeconfig CURRENT-CONTEXT USER-ENTRIES-YAML
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: ml7-kube
  cluster:
    server: https://127.0.0.1:$KUBE_PORT
    certificate-authority-data: $(base64 -w0 "$DIR/ca.crt")
users:
$2
contexts:
- {name: token, context: {cluster: ml7-kube, user: token}}
- {name: cert, context: {cluster: ml7-kube, user: cert}}
- {name: limited, context: {cluster: ml7-kube, user: limited}}
current-context: $1
EOF
}
users="- {name: token, user: {token: $ADMIN_TOKEN}}
- {name: cert, user: {client-certificate: \"$DIR/admin.crt\", client-key: \"$DIR/admin.key\"}}
- {name: limited, user: {token: $LIMITED_TOKEN}}"
write_kubeconfig token "$users" >"$DIR/kubeconfig"
write_kubeconfig cert "$users" >"$DIR/controller-manager.kubeconfig"   # private copy: tests may edit kubeconfig
chmod 600 kubeconfig controller-manager.kubeconfig

# --- wait for /readyz -------------------------------------------------------------------------
api() { curl -sS --max-time 5 --cacert "$DIR/ca.crt" -H "Authorization: Bearer $ADMIN_TOKEN" "$@"; }
deadline=$((SECONDS + ${ML7_KUBE_READY_TIMEOUT:-180}))
until [[ $(api -o /dev/null -w '%{http_code}' "https://127.0.0.1:$KUBE_PORT/readyz" 2>/dev/null) == 200 ]]; do
  for f in etcd kube-apiserver; do kill -0 "$(<"$f.pid")" 2>/dev/null || fail "$f exited"; done
  ((SECONDS < deadline)) || fail "kube-apiserver not ready after ${ML7_KUBE_READY_TIMEOUT:-180} s"
  sleep 0.25
done
exec 9>&-   # ports are bound: let the next up.sh pick

if [[ -x $BIN/kube-controller-manager ]]; then
  launch kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$DIR/controller-manager.kubeconfig" --leader-elect=false --port 0 --secure-port 0 \
    --service-account-private-key-file "$DIR/sa.key" --root-ca-file "$DIR/ca.crt" \
    --use-service-account-credentials=false --profiling=false
fi

api -o /dev/null -f -X POST -H 'Content-Type: application/json' \
  -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"milvus"}}' \
  "https://127.0.0.1:$KUBE_PORT/api/v1/namespaces" || fail "cannot create namespace milvus"

child() {  # the server process under the watchdog whose pid is in DIR/NAME.pid
  local w; w=$(cat "$DIR/$1.pid" 2>/dev/null) || return 0
  for _ in {1..40}; do pgrep -P "$w" && return; sleep 0.05; done
}
{
  printf '%s=%q\n' KUBE_SERVER "https://127.0.0.1:$KUBE_PORT" KUBE_PORT "$KUBE_PORT" \
    KUBE_CA "$DIR/ca.crt" KUBE_TOKEN "$ADMIN_TOKEN" KUBE_LIMITED_TOKEN "$LIMITED_TOKEN" \
    KUBE_CLIENT_CERT "$DIR/admin.crt" KUBE_CLIENT_KEY "$DIR/admin.key" \
    KUBE_CLIENT_CA "$DIR/client-ca.crt" KUBECONFIG_FILE "$DIR/kubeconfig" KUBE_VERSION v1.20.2 KUBE_AUDIT_LOG "$DIR/audit.log" \
    KUBE_DIR "$DIR" KUBE_DEADLINE $(($(date +%s) + TTL)) ETCD_PORT "$ETCD_PORT" \
    ETCD_PID "$(child etcd)" APISERVER_PID "$(child kube-apiserver)" \
    CONTROLLER_MANAGER_PID "$(child kube-controller-manager)" \
    WATCHDOG_PGIDS "$(cat "$DIR"/*.pid | tr '\n' ' ')"
} >"$DIR/env"
echo "up.sh: kube-apiserver v1.20.2 ready at https://127.0.0.1:$KUBE_PORT (KUBECONFIG=$DIR/kubeconfig; stops by itself in $TTL s)" >&2
