#!/usr/bin/env node
// server.js - a stand-in for the AWS Load Balancer Controller: it talks to the real
// kube-apiserver as the controller does (a watch on Ingresses, a finalizer, a status patch,
// Events), validates the annotations as the controller does, and programs the nginx
// balancer stand-in (tests/peers/alb/nginx.sh) instead of an ALB.
//
//   node server.js --dir DIR [options]        (normally through up.sh DIR [options])
//
// Options (all optional except --dir):
//   --kube-env FILE    the kube peer's env (KUBE_SERVER, KUBE_CA, KUBE_TOKEN); default
//                      $ML7_KUBE_DIR/env
//   --class NAME       the IngressClass it serves (default alb; the class object must exist
//                      with spec.controller ingress.k8s.aws/alb, as for the real controller;
//                      Ingresses with the annotation kubernetes.io/ingress.class: NAME too)
//   --create-class     create IngressClass NAME (controller ingress.k8s.aws/alb) at start,
//                      as the controller's Helm chart does
//   --region R         the ALB's region (default us-west-2): a certificate ARN of another
//                      region fails as on AWS; it is also in the real-shaped hostname
//   --hostname MODE    real (default): k8s-<ns>-<name>-<hash>-<n>.<region>.elb.amazonaws.com
//                      (does not resolve); localhost: "localhost", which reaches the nginx
//                      stand-in on loopback
//   --delay-ms N       wait N ms before the status is written (default 0); per Ingress the
//                      annotation albsim.milvus-l7.test/delay-ms overrides it
//   --alb-dir DIR      program the nginx stand-in in DIR (alb.env, then nginx.sh start or
//                      reload): host rule from the Ingress, certificate from ACM by ARN
//   --acm-env FILE     the ACM stand-in's env (ACM_URL, ACM_CA): certificates are fetched
//                      with GET /_sandbox/certificate?arn=; an unknown ARN fails the deploy
//                      with CertificateNotFound.  Without it: --cert FILE --key FILE
//   --cert F --key F   the PEM chain and key nginx serves when no ACM stand-in is given
//   --backend S:P=A    the target of Service S port P: A = 127.0.0.1:PORT (repeatable);
//                      an Ingress to an unmapped Service gets an ALB answering 503
//   --namespace NS     watch the Ingresses of this namespace only (default: all)
//   --ttl SECONDS      exit after this long (default 900)
//
// Test annotations on an Ingress:
//   albsim.milvus-l7.test/fail-deploy: "true" or a message -> FailedDeployModel
//   albsim.milvus-l7.test/delay-ms: N                     -> this Ingress's delay
//   albsim.milvus-l7.test/stale-host: HOST                -> the balancer's rule is for HOST, not
//                                                            the Ingress's host (a rule that has not
//                                                            caught up, or was edited by hand): 404
//
// Files: DIR/ready (written once the first list is done and the watch runs), DIR/albsim.log
// (stdout, one line per action), DIR/requests.log (every write it made: verb path).
// It never listens on a port.  Only loopback addresses are ever contacted.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { execFile } = require('node:child_process');

const FINALIZER = 'ingress.k8s.aws/resources';
const CONTROLLER = 'ingress.k8s.aws/alb';
const A = 'alb.ingress.kubernetes.io/';
const T = 'albsim.milvus-l7.test/';
const NGINX_SH = path.join(__dirname, '..', 'alb', 'nginx.sh');

// ---- options --------------------------------------------------------------------------------
const opt = { class: 'alb', region: 'us-west-2', hostname: 'real', 'delay-ms': 0, ttl: 900,
  backend: [], 'create-class': false };
for (let i = 2; i < process.argv.length; i++) {
  const k = process.argv[i].replace(/^--/, '');
  if (k === 'create-class') { opt[k] = true; continue; }
  if (!['dir', 'kube-env', 'class', 'region', 'hostname', 'delay-ms', 'alb-dir', 'acm-env', 'cert',
    'key', 'backend', 'ttl', 'namespace'].includes(k) || i + 1 >= process.argv.length) {
    console.error(`albsim: unknown option or missing value: ${process.argv[i]}`);
    process.exit(2);
  }
  const v = process.argv[++i];
  if (k === 'backend') opt.backend.push(v); else opt[k] = v;
}
if (!opt.dir) { console.error('albsim: --dir DIR is required'); process.exit(2); }
if (!['real', 'localhost'].includes(opt.hostname)) { console.error('albsim: --hostname real|localhost'); process.exit(2); }
setTimeout(() => { log('ttl reached, exiting'); process.exit(0); }, Number(opt.ttl) * 1000);

function readEnv(file) {
  const env = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^'.*'$/.test(v)) v = v.slice(1, -1); else v = v.replace(/\\(.)/g, '$1');
    env[m[1]] = v;
  }
  return env;
}
const kubeEnvFile = opt['kube-env'] || (process.env.ML7_KUBE_DIR && path.join(process.env.ML7_KUBE_DIR, 'env'));
if (!kubeEnvFile) { console.error('albsim: no --kube-env and no ML7_KUBE_DIR'); process.exit(2); }
const kube = readEnv(kubeEnvFile);
const server = new URL(kube.KUBE_SERVER);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(server.hostname)) {
  console.error(`albsim: refusing a non-loopback apiserver ${kube.KUBE_SERVER}`);
  process.exit(2);
}
const kubeCa = fs.readFileSync(kube.KUBE_CA);
const acm = opt['acm-env'] ? readEnv(opt['acm-env']) : null;
const backends = new Map();
for (const b of opt.backend) {
  const m = /^([^:=]+):(\d+)=((?:127\.0\.0\.1|localhost|\[::1\]):\d+)$/.exec(b);
  if (!m) { console.error(`albsim: --backend SERVICE:PORT=127.0.0.1:PORT, not ${b}`); process.exit(2); }
  backends.set(`${m[1]}:${m[2]}`, m[3]);
}

fs.mkdirSync(opt.dir, { recursive: true });
function log(msg) { process.stdout.write(`${new Date().toISOString()} ${msg}\n`); }
function recordWrite(verb, p) { fs.appendFileSync(path.join(opt.dir, 'requests.log'), `${verb} ${p}\n`); }

// ---- the apiserver ----------------------------------------------------------------------------
function request(method, p, body, contentType) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = https.request({
      host: server.hostname.replace(/^\[|\]$/g, ''), port: server.port, path: p, method, ca: kubeCa,
      headers: Object.assign({ Authorization: `Bearer ${kube.KUBE_TOKEN}`, Accept: 'application/json',
        'User-Agent': 'albsim/1.0 (aws-load-balancer-controller stand-in)' },
      data ? { 'Content-Type': contentType || 'application/json', 'Content-Length': data.length } : {}),
      timeout: 10000,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let obj = null;
        try { obj = text ? JSON.parse(text) : null; } catch (e) { obj = { message: text }; }
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(obj);
        const err = new Error(`${method} ${p}: ${res.statusCode} ${(obj && obj.message) || ''}`);
        err.status = res.statusCode;
        reject(err);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: timed out`)));
    req.on('error', reject);
    if (method !== 'GET') recordWrite(method, p);
    req.end(data);
  });
}

const ingPath = (ns, name, sub) =>
  `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/${name}${sub ? '/' + sub : ''}`;

async function event(ing, type, reason, message) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const md = ing.metadata;
  await request('POST', `/api/v1/namespaces/${md.namespace}/events`, {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${md.name}.${crypto.randomBytes(8).toString('hex')}`, namespace: md.namespace },
    involvedObject: { kind: 'Ingress', namespace: md.namespace, name: md.name, uid: md.uid,
      apiVersion: 'networking.k8s.io/v1', resourceVersion: md.resourceVersion },
    reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now,
    source: { component: 'ingress' },
  });
  log(`event ${md.namespace}/${md.name} ${type} ${reason}: ${message}`);
}

// ---- the controller's model -------------------------------------------------------------------
class ModelError extends Error {
  constructor(stage, msg) { super(msg); this.stage = stage; }
}
const build = (msg) => new ModelError('build', msg);
const deploy = (msg) => new ModelError('deploy', `${msg}\n\tstatus code: 400, request id: ${crypto.randomUUID()}`);

function listenPorts(ann) {
  const raw = ann[A + 'listen-ports'];
  if (raw === undefined) return ann[A + 'certificate-arn'] ? [{ HTTPS: 443 }] : [{ HTTP: 80 }];
  let v;
  try { v = JSON.parse(raw); } catch (e) {
    throw build(`failed to parse json annotation, ${A}listen-ports: ${raw}: invalid character in JSON`);
  }
  if (!Array.isArray(v)) throw build(`failed to parse json annotation, ${A}listen-ports: ${raw}: json: cannot unmarshal ${typeof v} into Go value of type []map[string]int32`);
  for (const e of v) {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw build(`failed to parse json annotation, ${A}listen-ports: ${raw}: json: cannot unmarshal ${Array.isArray(e) ? 'array' : typeof e} into Go value of type map[string]int32`);
    for (const [proto, port] of Object.entries(e)) {
      if (typeof port !== 'number') throw build(`failed to parse json annotation, ${A}listen-ports: ${raw}: json: cannot unmarshal ${typeof port} into Go value of type int32`);
      if (!Number.isInteger(port)) throw build(`failed to parse json annotation, ${A}listen-ports: ${raw}: json: cannot unmarshal number ${port} into Go value of type int32`);
      if (proto !== 'HTTP' && proto !== 'HTTPS') throw build(`listen port protocol must be within [HTTP, HTTPS]: ${proto}`);
      if (port < 1 || port > 65535) throw build(`listen port must be within [1, 65535]: ${port}`);
    }
  }
  return v;
}

async function buildModel(ing) {
  const md = ing.metadata;
  const ann = md.annotations || {};
  const id = `ingress: ${md.namespace}/${md.name}`;
  const scheme = ann[A + 'scheme'] || 'internal';
  if (!['internal', 'internet-facing'].includes(scheme)) throw build(`unknown scheme: ${scheme}`);
  const version = ann[A + 'backend-protocol-version'] || 'HTTP1';
  if (!['HTTP1', 'HTTP2', 'GRPC'].includes(version)) throw build(`backend protocol version must be within [HTTP1, HTTP2, GRPC]: ${version}`);
  const targetType = ann[A + 'target-type'] || 'instance';
  if (!['ip', 'instance'].includes(targetType)) throw build(`unknown targetType: ${targetType}`);
  const ports = listenPorts(ann);
  const arns = (ann[A + 'certificate-arn'] || '').split(',').map((s) => s.trim()).filter(Boolean);
  const hosts = [];
  let backend = null;
  for (const r of (ing.spec && ing.spec.rules) || []) {
    if (r.host) hosts.push(r.host);
    for (const p of (r.http && r.http.paths) || []) if (!backend && p.backend && p.backend.service) backend = p.backend.service;
  }
  if (ann[T + 'stale-host']) hosts.splice(0, hosts.length, ann[T + 'stale-host']);
  if (!backend && ing.spec && ing.spec.defaultBackend && ing.spec.defaultBackend.service) backend = ing.spec.defaultBackend.service;
  const https443 = ports.some((p) => 'HTTPS' in p);
  if (https443 && arns.length === 0) throw build(`no certificate found for host: ${hosts[0] || ''}`);
  let svc = null;
  if (backend) {
    try {
      svc = await request('GET', `/api/v1/namespaces/${md.namespace}/services/${backend.name}`);
    } catch (e) {
      if (e.status === 404) throw build(`${id}: services "${backend.name}" not found`);
      throw e;
    }
    const want = backend.port || {};
    const port = (svc.spec.ports || []).find((p) => (want.number ? p.port === want.number : p.name === want.name));
    if (!port) throw build(`${id}: unable to find port ${want.number || want.name} on service ${md.namespace}/${backend.name}`);
    if (targetType === 'instance' && !['NodePort', 'LoadBalancer'].includes(svc.spec.type))
      throw build(`${id}: TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'`);
    backend = { name: backend.name, port: port.port };
  }
  const codes = ann[A + 'success-codes'];
  return { scheme, version, targetType, ports, arns, hosts, backend, https443, codes };
}

async function fetchCert(arn) {
  if (!acm) {
    if (!opt.cert || !opt.key) throw deploy('CertificateNotFound: albsim has neither --acm-env nor --cert/--key');
    return { chain: fs.readFileSync(opt.cert, 'utf8'), key: fs.readFileSync(opt.key, 'utf8') };
  }
  const url = new URL(`/_sandbox/certificate?arn=${encodeURIComponent(arn)}`, acm.ACM_URL);
  const body = await new Promise((resolve, reject) => {
    https.get(url, { ca: fs.readFileSync(acm.ACM_CA), timeout: 5000 }, (res) => {
      const c = [];
      res.on('data', (d) => c.push(d));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(c).toString('utf8') }));
    }).on('error', reject);
  });
  if (body.status === 404) throw deploy(`CertificateNotFound: Certificate '${arn}' not found`);
  if (body.status !== 200) throw deploy(`InternalFailure: ACM answered ${body.status}`);
  const j = JSON.parse(body.text);
  return { chain: j.certificate.trim() + '\n' + (j.chain ? j.chain.trim() + '\n' : ''), key: j.privateKey };
}

function run(file, args) {
  return new Promise((resolve, reject) => {
    // Debian's python3 first: nginx.sh calls it, and a pyenv shim costs seconds on a busy machine
    const env = Object.assign({}, process.env, { PATH: `/usr/bin:/bin:${process.env.PATH || ''}` });
    execFile(file, args, { timeout: 60000, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} ${args[0]}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

function nginxRunning(dir) {
  try {
    process.kill(Number(fs.readFileSync(path.join(dir, 'nginx.pid'), 'utf8')), 0);
    return true;
  } catch (e) { return false; }
}

let programmedBy = null;   // the uid whose Ingress the nginx stand-in serves
async function program(ing, model) {
  const dir = opt['alb-dir'];
  if (!dir) return;
  const cert = await fetchCert(model.arns[0]);
  fs.writeFileSync(path.join(dir, 'alb-cert.pem'), cert.chain);
  fs.writeFileSync(path.join(dir, 'alb-key.pem'), cert.key, { mode: 0o600 });
  const target = model.backend && backends.get(`${model.backend.name}:${model.backend.port}`);
  let mode = 'grpc';
  if (model.version !== 'GRPC') mode = '464';       // gRPC requests to an HTTP1/HTTP2 target group
  if (!target) mode = '503';                       // no registered targets
  const port = fs.existsSync(path.join(dir, 'port')) ? fs.readFileSync(path.join(dir, 'port'), 'utf8').trim() : '0';
  fs.writeFileSync(path.join(dir, 'alb.env'), [
    `ALB_PORT=${nginxRunning(dir) ? port : 0}`,
    `ALB_CERT=${path.join(dir, 'alb-cert.pem')}`,
    `ALB_KEY=${path.join(dir, 'alb-key.pem')}`,
    `ALB_HOST='${model.hosts.join(' ') || 'localhost'}'`,
    `ALB_BACKEND=${target || '127.0.0.1:9'}`,
    `ALB_MODE=${mode}`,
    `ALB_TTL=${opt.ttl}`, ''].join('\n'));
  await run(NGINX_SH, [nginxRunning(dir) ? 'reload' : 'start', dir]);
  programmedBy = ing.metadata.uid;
  log(`nginx ${dir}: host ${model.hosts.join(' ')} -> ${target || '(no target)'} mode ${mode}`);
}

function hostname(ing, scheme) {
  if (opt.hostname === 'localhost') return 'localhost';
  const md = ing.metadata;
  const clean = (s) => s.replace(/[^A-Za-z0-9]/g, '');
  const h = crypto.createHash('sha256').update(md.uid).digest('hex');
  const group = (md.annotations || {})[A + 'group.name'];
  const name = group ? `k8s-${clean(group).slice(0, 17)}-${h.slice(0, 10)}`
    : `k8s-${clean(md.namespace).slice(0, 8)}-${clean(md.name).slice(0, 8)}-${h.slice(0, 10)}`;
  const n = parseInt(h.slice(10, 18), 16) % 2000000000;
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${n}.${opt.region}.elb.amazonaws.com`.toLowerCase();
}

// ---- reconcile --------------------------------------------------------------------------------
async function ours(ing) {
  const cls = ing.spec && ing.spec.ingressClassName;
  if (!cls) return ((ing.metadata.annotations || {})['kubernetes.io/ingress.class']) === opt.class;
  if (cls !== opt.class) return false;
  try {
    const ic = await request('GET', `/apis/networking.k8s.io/v1/ingressclasses/${cls}`);
    return ic.spec && ic.spec.controller === CONTROLLER;
  } catch (e) {
    if (e.status === 404) return false;
    throw e;
  }
}

const seen = new Map();   // uid -> hash of what was reconciled

async function reconcile(ing) {
  const md = ing.metadata;
  const key = `${md.namespace}/${md.name}`;
  const fins = md.finalizers || [];
  if (md.deletionTimestamp) {
    if (!fins.includes(FINALIZER)) return;
    if (programmedBy === md.uid && opt['alb-dir']) {
      await run(NGINX_SH, ['stop', opt['alb-dir']]).catch((e) => log(`nginx stop: ${e.message}`));
      programmedBy = null;
    }
    await request('PATCH', ingPath(md.namespace, md.name), {
      metadata: { finalizers: fins.filter((f) => f !== FINALIZER), resourceVersion: md.resourceVersion } },
    'application/merge-patch+json');
    seen.delete(md.uid);
    log(`deleted ${key}: balancer removed, finalizer released`);
    return;
  }
  if (!(await ours(ing))) return;
  const h = crypto.createHash('sha256').update(JSON.stringify([md.annotations || {}, ing.spec])).digest('hex');
  if (seen.get(md.uid) === h) return;
  seen.set(md.uid, h);
  if (!fins.includes(FINALIZER)) {
    await request('PATCH', ingPath(md.namespace, md.name), { metadata: { finalizers: [...fins, FINALIZER] } },
      'application/merge-patch+json');
  }
  const ann = md.annotations || {};
  const delay = Number(ann[T + 'delay-ms'] !== undefined ? ann[T + 'delay-ms'] : opt['delay-ms']) || 0;
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  try {
    const model = await buildModel(ing);
    if (ann[T + 'fail-deploy'] !== undefined) {
      const v = ann[T + 'fail-deploy'];
      throw deploy(v && v !== 'true' ? v : 'AccessDenied: User: arn:aws:sts::111122223333:assumed-role/' +
        'aws-load-balancer-controller/1700000000000000000 is not authorized to perform: ' +
        'elasticloadbalancing:CreateLoadBalancer because no identity-based policy allows the ' +
        'elasticloadbalancing:CreateLoadBalancer action');
    }
    if (model.version === 'GRPC' && !model.https443)
      throw deploy("InvalidLoadBalancerAction: Listener protocol 'HTTP' is not supported with a target group with the protocol-version 'GRPC'");
    if (model.version === 'GRPC' && model.codes !== undefined && !/^(\d{1,2}(-\d{1,2})?)(,\d{1,2}(-\d{1,2})?)*$/.test(model.codes))
      throw deploy(`ValidationError: Health check matcher GRPC code '${model.codes}' must be within '0-99' inclusive`);
    for (const arn of model.arns) {
      const region = arn.split(':')[3];
      if (region !== opt.region) throw deploy(`ValidationError: Certificate ARN '${arn}' is not valid`);
    }
    await program(ing, model);
    const host = hostname(ing, model.scheme);
    await request('PATCH', ingPath(md.namespace, md.name, 'status'),
      { status: { loadBalancer: { ingress: [{ hostname: host }] } } }, 'application/merge-patch+json');
    log(`status ${key}: ${host}`);
    await event(ing, 'Normal', 'SuccessfullyReconciled', 'Successfully reconciled');
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    await event(ing, 'Warning', e.stage === 'build' ? 'FailedBuildModel' : 'FailedDeployModel',
      `Failed ${e.stage} model due to ${e.message}`);
  }
}

// one reconcile at a time per Ingress, the latest object wins
const queues = new Map();
const retries = new Map();
function enqueue(ing) {
  const k = ing.metadata.uid;
  const q = queues.get(k) || { running: false, next: null };
  queues.set(k, q);
  q.next = ing;
  if (q.running) return;
  q.running = true;
  (async () => {
    while (q.next) {
      const obj = q.next;
      q.next = null;
      try {
        await reconcile(obj);
        retries.delete(k);
      } catch (e) {
        // as the controller does: log, then retry with backoff (here: up to 5 times)
        const n = (retries.get(k) || 0) + 1;
        log(`reconcile ${obj.metadata.namespace}/${obj.metadata.name}: ${e.message}${n <= 5 ? '; retrying' : ''}`);
        seen.delete(obj.metadata.uid);
        retries.set(k, n);
        if (n <= 5) setTimeout(() => { if (!q.next) enqueue(obj); }, 500 * n);
      }
    }
    q.running = false;
  })();
}

// ---- list + watch -----------------------------------------------------------------------------
const COLL = opt.namespace ? `/apis/networking.k8s.io/v1/namespaces/${opt.namespace}/ingresses`
  : '/apis/networking.k8s.io/v1/ingresses';

async function relist() {
  const list = await request('GET', COLL);
  for (const ing of list.items || []) enqueue(ing);
  return list.metadata.resourceVersion;
}

function watch(rv) {
  return new Promise((resolve, reject) => {
    let last = rv;
    const req = https.request({
      host: server.hostname.replace(/^\[|\]$/g, ''), port: server.port, method: 'GET', ca: kubeCa,
      path: `${COLL}?watch=1&allowWatchBookmarks=true&timeoutSeconds=60&resourceVersion=${rv}`,
      headers: { Authorization: `Bearer ${kube.KUBE_TOKEN}`, Accept: 'application/json' },
    }, (res) => {
      if (res.statusCode === 410) { res.resume(); return reject(Object.assign(new Error('gone'), { gone: true })); }
      if (res.statusCode !== 200) { res.resume(); return reject(new Error(`watch: HTTP ${res.statusCode}`)); }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line);
          if (ev.type === 'ERROR') {
            req.destroy();
            return reject(Object.assign(new Error(ev.object.message), { gone: ev.object.code === 410 }));
          }
          last = ev.object.metadata.resourceVersion;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') enqueue(ev.object);
          if (ev.type === 'DELETED') seen.delete(ev.object.metadata.uid);
        }
      });
      res.on('end', () => resolve(last));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main() {
  if (opt['create-class']) {
    await request('POST', '/apis/networking.k8s.io/v1/ingressclasses', {
      apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
      metadata: { name: opt.class, labels: { 'app.kubernetes.io/name': 'aws-load-balancer-controller' } },
      spec: { controller: CONTROLLER },
    }).catch((e) => { if (e.status !== 409) throw e; });
  }
  let rv = await relist();
  fs.writeFileSync(path.join(opt.dir, 'ready'), `${process.pid}\n`);
  log(`watching ingresses of class ${opt.class} (region ${opt.region}, hostname ${opt.hostname})`);
  for (;;) {
    try {
      rv = await watch(rv);
    } catch (e) {
      if (e.gone) rv = await relist();
      else { log(`watch: ${e.message}; retrying`); await new Promise((r) => setTimeout(r, 500)); }
    }
  }
}
main().catch((e) => { log(`fatal: ${e.stack || e.message}`); process.exit(1); });
