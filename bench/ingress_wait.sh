#!/usr/bin/env bash
# bench/ingress_wait.sh - how fast the ALB address is noticed, side by side with what users
# run instead: `kubectl milvus-l7 wait --address-only`, `kubectl wait --for=jsonpath=...` and
# `kubectl get ingress -w`, against the real kube-apiserver.  For each run: an Ingress is
# created, the three watchers start and settle, then the status is patched (as the AWS Load
# Balancer Controller does) and the time until each prints the address is taken (budget:
# within 100 ms).  Then a hyperfine run of the case where the address is already there
# (process start + one answer), the ratios, and the peak RSS.  Starts its own apiserver unless
# ML7_KUBE_DIR is set.
#   BIN=build/plain/bin/kubectl-milvus_l7 bench/ingress_wait.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bin=$(realpath "${BIN:-bin/kubectl-milvus_l7}")
[ -x "$bin" ] || make -s all
out=$(mktemp -d)
. bench/lib.sh
bench_kube_peer "$out"
ns=bench-wait-$$

python3 - "$KUBE_SERVER" "$KUBE_CA" "$KUBE_TOKEN" "$bin" "$ns" "$runs" <<'PY'
import http.client, json, ssl, statistics, subprocess, sys, threading, time, urllib.parse
server, ca, token, binary, ns, runs = sys.argv[1:7]
runs = int(runs)
u = urllib.parse.urlparse(server)
ctx = ssl.create_default_context(cafile=ca)
c = http.client.HTTPSConnection(u.hostname, u.port, context=ctx)

def req(method, path, obj=None, ctype="application/json"):
    c.request(method, path, json.dumps(obj) if obj is not None else None,
              {"Authorization": "Bearer " + token, "Content-Type": ctype})
    r = c.getresponse(); body = r.read()
    if r.status >= 300 and r.status != 409:
        raise SystemExit(f"{method} {path}: {r.status} {body[:200]}")

req("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
ING = f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"
tools = {
    "milvus-l7 wait": lambda n: [binary, "-n", ns, "wait", "--ingress", n, "--address-only", "-q", "--timeout", "30s"],
    "kubectl wait": lambda n: ["kubectl", "-n", ns, "wait", f"ingress/{n}", "--timeout=30s",
                               "--for=jsonpath={.status.loadBalancer.ingress[0].hostname}"],
    "kubectl get -w": lambda n: ["kubectl", "-n", ns, "get", "ingress", n, "-w", "--no-headers"],
}
lat = {t: [] for t in tools}
for i in range(runs):
    name = f"w{i}"
    host = f"k8s-bench-{name}-0123456789-1.us-east-2.elb.amazonaws.com"
    req("POST", ING, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name},
                      "spec": {"ingressClassName": "alb", "rules": [{"host": "m.example.com", "http": {"paths": [
                          {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "m", "port": {"number": 19530}}}}]}}]}})
    procs = {t: subprocess.Popen(f(name), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for t, f in tools.items()}
    seen = {}
    def reader(t, p):                    # one thread per watcher: each is timed on its own
        for line in p.stdout:
            if host in line or "condition met" in line:
                seen[t] = time.monotonic()
                break
    threads = [threading.Thread(target=reader, args=(t, p)) for t, p in procs.items()]
    for th in threads:
        th.start()
    time.sleep(1.5)                      # every watcher is up and watching
    t0 = time.monotonic()
    req("PATCH", f"{ING}/{name}/status", {"status": {"loadBalancer": {"ingress": [{"hostname": host}]}}},
        "application/merge-patch+json")
    for th in threads:
        th.join(timeout=30)
    for t, p in procs.items():
        if t in seen:
            lat[t].append((seen[t] - t0) * 1000)
        p.kill(); p.wait()
print(f"address noticed after the status patch ({runs} runs, ms):")
base = statistics.median(lat["milvus-l7 wait"])
for t, v in lat.items():
    if not v:
        print(f"  {t:16s} never"); continue
    med = statistics.median(v)
    print(f"  {t:16s} median {med:7.1f}  min {min(v):7.1f}  max {max(v):7.1f}   x{med / base:5.1f}")
PY

# the address is already there: one process start and one answer each
hyperfine -N --warmup 2 --runs "$((runs * 2))" --export-json "$out/h.json" \
	"$bin -n $ns wait --ingress w0 --address-only -q" \
	"kubectl -n $ns wait ingress/w0 --for=jsonpath={.status.loadBalancer.ingress[0].hostname}" >"$out/h.log" 2>&1 ||
	{ cat "$out/h.log"; exit 1; }
rss_m=$(/usr/bin/time -f %M "$bin" -n "$ns" wait --ingress w0 --address-only -q 2>&1 >/dev/null | tail -n 1)
rss_k=$(/usr/bin/time -f %M kubectl -n "$ns" wait ingress/w0 --for=jsonpath='{.status.loadBalancer.ingress[0].hostname}' 2>&1 >/dev/null | tail -n 1)
python3 - "$out/h.json" "$rss_m" "$rss_k" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
m, k = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"address already set, fresh process: milvus-l7 wait {m:.1f} ms, kubectl wait {k:.1f} ms, ratio x{k / m:.1f}")
print(f"peak RSS: milvus-l7 wait {int(sys.argv[2]) / 1024:.1f} MiB, kubectl wait {int(sys.argv[3]) / 1024:.1f} MiB")
PY
kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true
