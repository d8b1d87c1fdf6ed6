#!/usr/bin/env bash
# bench/verify.sh - a fresh-process `kubectl-milvus_l7 verify` (DNS, TCP, TLS, HTTP/2,
# GetVersion + Connect + CheckHealth) through the nginx balancer stand-in to the Milvus stand-in
# on loopback, in one hyperfine run beside one curl gRPC GetVersion call (curl --http2 with a
# hand-framed empty request) and the Milvus Node SDK's connect + getVersion + checkHealth
# (tests/peers/milvus/sdk-verdict.js); then the ratios and the peak RSS of each.
#   bench/verify.sh [--runs N]          BIN=path to the binary (default bin/kubectl-milvus_l7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=20
[ "${1:-}" = --runs ] && runs=$2
bin=${BIN:-bin/kubectl-milvus_l7}
[ -x "$bin" ] || make -s all
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
HOST=milvus-demo.example.test
W=$(mktemp -d)
SRV=
trap 'tests/peers/alb/nginx.sh stop "$W/alb" >/dev/null 2>&1 || true; [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$W"' EXIT

tests/peers/alb/pki.sh "$W/pki" "$HOST"
node tests/peers/milvus/server.js --port 0 --port-file "$W/milvus.port" --ttl 600 &
SRV=$!
for _ in $(seq 300); do [ -s "$W/milvus.port" ] && break; sleep 0.05; done
mkdir -p "$W/alb"
cat >"$W/alb/alb.env" <<EOF
ALB_CERT=$W/pki/server.crt
ALB_KEY=$W/pki/server.key
ALB_HOST=$HOST
ALB_BACKEND=127.0.0.1:$(cat "$W/milvus.port")
ALB_TTL=600
EOF
tests/peers/alb/nginx.sh start "$W/alb"
P=$(cat "$W/alb/port")
printf '\0\0\0\0\0' >"$W/empty.grpc"

verify="$bin verify --address 127.0.0.1:$P --server-name $HOST --ca-file $W/pki/ca.crt --health --no-snippets"
curl_cmd="curl -sS --http2 --cacert $W/pki/ca.crt --resolve $HOST:$P:127.0.0.1 -H content-type:application/grpc -H te:trailers --data-binary @$W/empty.grpc -o /dev/null https://$HOST:$P/milvus.proto.milvus.MilvusService/GetVersion"
sdk="node tests/peers/milvus/sdk-verdict.js --address 127.0.0.1:$P --server-name $HOST --ca $W/pki/ca.crt --health"
# each must succeed before it is timed
$verify >/dev/null
$curl_cmd
$sdk >/dev/null

hyperfine -N --warmup 3 --runs "$runs" --export-json "$W/r.json" \
	-n verify "$verify" -n curl "$curl_cmd" -n sdk "$sdk" >"$W/log" 2>&1 || { cat "$W/log"; exit 1; }

python3 - "$W/r.json" "$verify" "$curl_cmd" "$sdk" <<'PY'
import json, os, subprocess, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
cmds = dict(zip(("verify", "curl", "sdk"), sys.argv[2:5]))

def peak_rss_kib(cmd):
    # GNU time: its own footprint before exec is ~1 MiB (a Python child would carry Python's)
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd.split(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, check=True)
    return int(p.stderr.strip().splitlines()[-1])

rss = {n: peak_rss_kib(c) for n, c in cmds.items()}
mib = lambda n: "n/a (apt-get install time)" if rss[n] is None else f"{rss[n] / 1024:6.1f} MiB"
med = {n: r[n]["median"] * 1000 for n in cmds}
mn = {n: r[n]["min"] * 1000 for n in cmds}
for n, label in (("verify", "verify (TLS+h2+GetVersion+Connect+CheckHealth)"),
                 ("curl", "curl, one GetVersion"), ("sdk", "Node SDK connect+getVersion+checkHealth")):
    print(f"{label:50s} median {med[n]:8.1f} ms  min {mn[n]:8.1f} ms  peak RSS {mib(n)}")
print(f"curl / verify = {med['curl'] / med['verify']:.2f}x   (budget: > 1, verify faster than one curl call)")
print(f"sdk / verify  = {med['sdk'] / med['verify']:.1f}x   (budget: >= 50x)")
print(f"verify peak RSS {mib('verify')} (budget: < 10 MiB)")
PY
