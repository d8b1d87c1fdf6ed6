#!/usr/bin/env bash
# bench/kube_watch.sh - the watch, two ways:
#  1. 100,000 events through `kubectl milvus-l7 raw watch` from a loopback
#     stream of Ingress events (1 KiB each, served over TLS as the apiserver
#     frames them): throughput and RSS after 1,000, 10,000 and 100,000 events
#     (budget: flat, < 10 MiB);
#  2. the delay from an Ingress status change on the real kube-apiserver to
#     the event reaching the caller, milvus-l7 beside `kubectl get ingress -w`,
#     20 changes, median and worst (budget: well under 100 ms).
#   BIN=build/plain/bin/kubectl-milvus_l7 bench/kube_watch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${BIN:-bin/kubectl-milvus_l7}")
[ -x "$bin" ] || make -s all
out=$(mktemp -d)
. bench/lib.sh
bench_kube_peer "$out"

# --- 1. 100,000 events ------------------------------------------------------------------------
node - "$KUBE_DIR/server.crt" "$KUBE_DIR/server.key" "$out/port" <<'JS' &
const https = require('https'), fs = require('fs');
const [crt, key, portFile] = process.argv.slice(2);
setTimeout(() => process.exit(0), 300000).unref();
const ev = (i) => JSON.stringify({ type: 'MODIFIED', object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
  metadata: { name: 'milvus-demo', namespace: 'milvus', resourceVersion: String(1000 + i),
    annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/backend-protocol-version': 'GRPC', 'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]', 'x': 'y'.repeat(300) } },
  spec: { ingressClassName: 'alb', rules: [{ host: 'milvus-demo.milvus.io', http: { paths: [{ path: '/',
    pathType: 'Prefix', backend: { service: { name: 'milvus-demo', port: { number: 19530 } } } }] } }] },
  status: { loadBalancer: { ingress: [{ hostname: `k8s-${i}.elb.amazonaws.com` }] } } } }) + '\n';
const s = https.createServer({ cert: fs.readFileSync(crt), key: fs.readFileSync(key) }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  let i = 0;
  const pump = () => { while (i < 200000) { if (!res.write(ev(i++))) return res.once('drain', pump); } };
  pump();
});
s.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(s.address().port)));
JS
spid=$!
for _ in $(seq 1 100); do [ -s "$out/port" ] && break; sleep 0.05; done
python3 - "$bin" "https://127.0.0.1:$(cat "$out/port")" "$KUBE_CA" <<'PY'
import resource, subprocess, sys, time
binary, server, ca = sys.argv[1:4]
p = subprocess.Popen([binary, "--kubeconfig", "/dev/null", "-s", server, "--certificate-authority", ca,
                      "--token", "bench", "raw", "watch", "/apis/networking.k8s.io/v1/ingresses",
                      "--resource-version", "1", "--count", "100000"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def rss():
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
marks, n, t0 = {}, 0, time.monotonic()
for line in p.stdout:
    n += 1
    if n in (1000, 10000, 100000):
        marks[n] = rss()
    if n == 100000:
        break
dt = time.monotonic() - t0
p.wait()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
print(f"watch 100,000 events (1 KiB each): {dt:.2f} s wall, {cpu:.2f} s CPU ({100000 / cpu:,.0f} events "
      f"per CPU second; wall time depends on the machine's load); "
      f"RSS after 1k {marks[1000]:.1f} MiB, 10k {marks[10000]:.1f} MiB, 100k {marks[100000]:.1f} MiB "
      f"(budget: flat, < 10 MiB)")
PY
kill "$spid" 2>/dev/null || true

# --- 2. status change -> event, beside kubectl get -w -----------------------------------------
NS=bench-watch
"$bin" raw apply /api/v1/namespaces/$NS -f <(printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' $NS) >/dev/null
"$bin" raw apply /apis/networking.k8s.io/v1/namespaces/$NS/ingresses/milvus-demo -f - >/dev/null <<EOF
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: milvus-demo, namespace: $NS}
spec:
  ingressClassName: alb
  rules:
  - host: milvus-demo.milvus.io
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: milvus-demo, port: {number: 19530}}}}]}
EOF
python3 - "$bin" "$KUBE_SERVER" "$KUBE_CA" "$KUBE_TOKEN" "$NS" <<'PY'
import http.client, json, os, select, ssl, statistics, subprocess, sys, time, urllib.parse
binary, server, ca, token, ns = sys.argv[1:6]
u = urllib.parse.urlparse(server)
conn = http.client.HTTPSConnection(u.hostname, u.port, context=ssl.create_default_context(cafile=ca))
path = f"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"
ours = subprocess.Popen([binary, "raw", "watch", path, "--field-selector", "metadata.name=milvus-demo"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
kubectl = subprocess.Popen(["kubectl", "get", "ingress", "milvus-demo", "-n", ns, "-w", "-o", "name"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
procs = {"milvus-l7": ours, "kubectl": kubectl}
def wait_line(p, deadline):
    fd = p.stdout.fileno()
    buf = b""
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], max(0, deadline - time.monotonic()))
        if r:
            c = os.read(fd, 1)
            if not c:
                return None
            if c == b"\n":
                return time.monotonic()
            buf += c
    return None
for p in procs.values():             # the initial ADDED line
    if wait_line(p, time.monotonic() + 15) is None:
        raise SystemExit("a watcher printed nothing")
time.sleep(0.5)
delays = {k: [] for k in procs}
for i in range(20):
    body = json.dumps({"status": {"loadBalancer": {"ingress": [{"hostname": f"k8s-{i}.elb.amazonaws.com"}]}}})
    t0 = time.monotonic()
    conn.request("PATCH", f"{path}/milvus-demo/status", body,
                 {"Authorization": "Bearer " + token, "Content-Type": "application/merge-patch+json"})
    r = conn.getresponse(); r.read()
    for k, p in procs.items():
        t = wait_line(p, t0 + 10)
        if t is not None:
            delays[k].append((t - t0) * 1000)
    time.sleep(0.2)
for p in procs.values():
    p.kill()
for k, d in delays.items():
    print(f"status change -> event, {k:9s}: median {statistics.median(d):.1f} ms, worst {max(d):.1f} ms "
          f"({len(d)}/20 seen; the PATCH round trip is included)")
PY
"$bin" raw delete /api/v1/namespaces/$NS >/dev/null 2>&1 || true
