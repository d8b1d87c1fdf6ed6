#!/usr/bin/env bash
# bench/kube_status.sh - `kubectl milvus-l7 status -A` against the real
# kube-apiserver holding 10,000 Services (1,000 of them Milvus) and 2,000
# Ingresses, side by side with the kubectl calls that show the same (Milvus
# Services + Ingresses) in one hyperfine run; the ratio, and the peak RSS of
# each (budget: < 1 s, < 10 MiB).  Starts its own apiserver unless
# ML7_KUBE_DIR is set (then it adds the objects there once).
#   BIN=build/plain/bin/kubectl-milvus_l7 bench/kube_status.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${2:-10}
bin=$(realpath "${BIN:-bin/kubectl-milvus_l7}")
[ -x "$bin" ] || make -s all
out=$(mktemp -d)
. bench/lib.sh
bench_kube_peer "$out"

# --- the objects: 10 namespaces, 10,000 headless Services, 2,000 Ingresses --------------------
python3 - "$KUBE_SERVER" "$KUBE_CA" "$KUBE_TOKEN" <<'PY'
import http.client, json, ssl, sys, threading, urllib.parse
server, ca, token = sys.argv[1:4]
u = urllib.parse.urlparse(server)
ctx = ssl.create_default_context(cafile=ca)
H = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

def conn():
    return http.client.HTTPSConnection(u.hostname, u.port, context=ctx)

def post(c, path, obj):
    c.request("POST", path, json.dumps(obj), H)
    r = c.getresponse(); body = r.read()
    if r.status not in (201, 409):
        raise SystemExit(f"POST {path}: {r.status} {body[:200]}")

c = conn()
for n in range(10):
    post(c, "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"bench-{n}"}})

def services(lo, hi):
    c = conn()
    for i in range(lo, hi):
        ns, milvus = f"bench-{i % 10}", i % 10 == 0
        labels = {"app.kubernetes.io/name": "milvus", "app.kubernetes.io/instance": f"rel-{i}",
                  "app.kubernetes.io/managed-by": "Helm", "component": "proxy"} if milvus else \
                 {"app.kubernetes.io/name": f"app-{i % 97}", "app.kubernetes.io/instance": f"app-{i}",
                  "helm.sh/chart": "app-1.2.3"}
        post(c, f"/api/v1/namespaces/{ns}/services", {
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"rel-{i}-milvus" if milvus else f"svc-{i}", "labels": labels,
                         "annotations": {"meta.helm.sh/release-name": f"rel-{i}",
                                         "meta.helm.sh/release-namespace": ns}},
            "spec": {"clusterIP": "None", "ports": [
                {"name": "milvus", "port": 19530, "protocol": "TCP", "targetPort": 19530},
                {"name": "metrics", "port": 9091, "protocol": "TCP", "targetPort": 9091}]}})

def ingresses(lo, hi):
    c = conn()
    for j in range(lo, hi):
        i = (j % 1000) * 10               # a Milvus Service, in namespace bench-0
        post(c, "/apis/networking.k8s.io/v1/namespaces/bench-0/ingresses", {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": f"ing-{j}", "annotations": {
                "alb.ingress.kubernetes.io/scheme": "internet-facing",
                "alb.ingress.kubernetes.io/backend-protocol-version": "GRPC",
                "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]'}},
            "spec": {"ingressClassName": "alb", "rules": [{"host": f"m{j}.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": f"rel-{i}-milvus", "port": {"number": 19530}}}}]}}]}})

c.request("GET", "/api/v1/namespaces/bench-9/services?limit=1", headers=H)
r = c.getresponse(); have = json.loads(r.read()).get("metadata", {}).get("remainingItemCount", 0)
if have < 900:
    ts = [threading.Thread(target=services, args=(k * 2500, (k + 1) * 2500)) for k in range(4)]
    ts += [threading.Thread(target=ingresses, args=(k * 1000, (k + 1) * 1000)) for k in range(2)]
    [t.start() for t in ts]; [t.join() for t in ts]
print("objects: 10,000 Services (1,000 Milvus) and 2,000 Ingresses in place", file=sys.stderr)
PY

"$bin" status -A >"$out/status.txt"
rows=$(($(wc -l <"$out/status.txt") - 1))
kget='kubectl get services -A -l app.kubernetes.io/name=milvus >/dev/null && kubectl get ingress -A >/dev/null'
hyperfine --warmup 1 --runs "$runs" --export-json "$out/r.json" \
	-n milvus-l7 "$bin status -A >/dev/null" -n kubectl "$kget" >"$out/log" 2>&1 || { cat "$out/log"; exit 1; }
rss_m=$(/usr/bin/time -f %M "$bin" status -A 2>&1 >/dev/null | tail -n 1)
rss_k1=$(/usr/bin/time -f %M kubectl get services -A -l app.kubernetes.io/name=milvus 2>&1 >/dev/null | tail -n 1)
rss_k2=$(/usr/bin/time -f %M kubectl get ingress -A 2>&1 >/dev/null | tail -n 1)
python3 - "$out/r.json" "$rows" "$rss_m" "$rss_k1" "$rss_k2" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m, k = r["milvus-l7"]["median"] * 1000, r["kubectl"]["median"] * 1000
rows, rm, k1, k2 = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print(f"status -A: {rows} Milvus rows from 10,000 Services and 2,000 Ingresses")
print(f"median  milvus-l7 status -A {m:.0f} ms   kubectl get svc (selector) + get ingress {k:.0f} ms   "
      f"kubectl / milvus-l7 = {k / m:.1f}x   (budget: < 1000 ms)")
print(f"peak RSS  milvus-l7 {rm / 1024:.1f} MiB   kubectl {max(k1, k2) / 1024:.1f} MiB "
      f"(largest of the two calls)   (budget: < 10 MiB)")
PY
