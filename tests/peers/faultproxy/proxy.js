#!/usr/bin/env node
// faultproxy: a TLS proxy in front of the real kube-apiserver that injects the
// faults the real server will not produce on demand: 429/503 with Retry-After,
// 401, 410 (HTTP or an ERROR event in a watch), watches dropped after N events,
// truncated and slow answers, requests that never get an answer.  Listens on
// 127.0.0.1 only, on a free port, and exits by itself after --ttl seconds.
//
//   node proxy.js --upstream https://127.0.0.1:PORT --ca CA --cert CRT --key KEY
//                 --port-file FILE --log FILE [--ttl 600] [--connect-port-file FILE]
//                 [--socks-port-file FILE]
//
// --connect-port-file also starts a plain HTTP forward proxy (CONNECT only, to
// loopback targets only), for kubeconfig's proxy-url; it logs each CONNECT.
// --socks-port-file starts a SOCKS5 proxy (RFC 1928: no authentication, CONNECT,
// loopback targets only) that logs each request with the address type the client
// sent (domain, ipv4, ipv6): whether the client or the proxy resolved the name.
//
// Faults are rules set with POST /_fault (a JSON list, replacing the old
// rules) and read back with GET /_fault.  A rule:
//   {"match": "REGEX on 'METHOD PATH?QUERY'", "times": N (default 1, -1 = always),
//    one of:
//    "status": 429, "retryAfter": 1, "body": "..." (default: a Kubernetes Status)
//    "delay": MS              forward after a pause
//    "truncate": BYTES        forward, but cut the body after BYTES and close
//    "dropAfterEvents": N     forward a watch, close it after N events
//    "watchGone": true        answer a watch with one ERROR event (410 Expired)
//    "hang": true             never answer}
// Every request is logged to --log as one JSON line: time, method, path, the
// authorization scheme (never its value), the status sent and the fault.
'use strict';
const https = require('https');
const http = require('http');
const net = require('net');
const fs = require('fs');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['upstream', 'ca', 'cert', 'key', 'port-file', 'log'])
  if (!args[k]) { console.error(`faultproxy: --${k} is required`); process.exit(2); }
const upstream = new URL(args.upstream);
if (!['127.0.0.1', '::1', '[::1]', 'localhost'].includes(upstream.hostname)) {
  console.error('faultproxy: the upstream must be on loopback'); process.exit(2);
}
const ttl = Number(args.ttl || 600);
const ca = fs.readFileSync(args.ca);
const agent = new https.Agent({ keepAlive: true, ca });
let rules = [];

// a broken client or upstream connection must not end the peer
process.on('uncaughtException', (e) => console.error(`faultproxy: ${e.message}`));
setTimeout(() => { console.error(`faultproxy: TTL of ${ttl} s reached, exiting`); process.exit(0); }, ttl * 1000).unref();

function log(entry) {
  fs.appendFileSync(args.log, JSON.stringify({ t: Date.now(), ...entry }) + '\n');
}

function statusBody(code, reason, message) {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message, reason, code });
}

const reasons = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 410: 'Expired',
  429: 'TooManyRequests', 500: 'InternalError', 502: 'BadGateway', 503: 'ServiceUnavailable',
  504: 'Timeout' };

function takeRule(line) {
  for (const r of rules) {
    if (r.times === 0) continue;
    if (!new RegExp(r.match || '.').test(line)) continue;
    if (r.times > 0) r.times--;
    return r;
  }
  return null;
}

function authScheme(h) {
  const a = h.authorization;
  return a ? a.split(' ')[0] : 'none';
}

function forward(req, res, body, rule, entry) {
  const headers = { ...req.headers, host: upstream.host };
  const up = https.request({ host: upstream.hostname, port: upstream.port, method: req.method,
    path: req.url, headers, agent, ca }, (ur) => {
    entry.status = ur.statusCode;
    log(entry);
    const h = { ...ur.headers };
    res.writeHead(ur.statusCode, h);
    if (rule && rule.truncate !== undefined) {
      let sent = 0;
      ur.on('data', (chunk) => {
        if (sent >= rule.truncate) return;
        const part = chunk.subarray(0, rule.truncate - sent);
        sent += part.length;
        res.write(part);
        if (sent >= rule.truncate) { ur.destroy(); res.socket && res.socket.destroy(); }
      });
      ur.on('end', () => res.socket && res.socket.destroy());
      return;
    }
    if (rule && rule.dropAfterEvents !== undefined) {
      let events = 0;
      ur.on('data', (chunk) => {
        for (const c of chunk) if (c === 10) events++;
        if (events < rule.dropAfterEvents) { res.write(chunk); return; }
        // the events reach the client, then the connection breaks
        ur.destroy();
        res.write(chunk, () => setTimeout(() => res.socket && res.socket.destroy(), 50));
      });
      ur.on('end', () => res.end());
      return;
    }
    ur.pipe(res);
  });
  up.on('error', (e) => {
    entry.status = 502; entry.error = e.message; log(entry);
    if (!res.headersSent) { res.writeHead(502); res.end(`faultproxy: upstream: ${e.message}\n`); }
    else res.socket && res.socket.destroy();
  });
  res.on('close', () => up.destroy());
  up.end(body);
}

const server = https.createServer({ cert: fs.readFileSync(args.cert), key: fs.readFileSync(args.key) },
  (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/_fault') {
        if (req.method === 'POST') {
          try {
            rules = JSON.parse(body.toString()).map((r) => ({ times: 1, ...r }));
          } catch (e) { res.writeHead(400); res.end(`bad rules: ${e.message}\n`); return; }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rules) + '\n');
        return;
      }
      const line = `${req.method} ${req.url}`;
      const rule = takeRule(line);
      const entry = { method: req.method, path: req.url, auth: authScheme(req.headers),
        fault: rule ? Object.keys(rule).filter((k) => k !== 'match' && k !== 'times').join(',') : null };
      if (!rule) return forward(req, res, body, null, entry);
      if (rule.hang) { entry.status = 0; log(entry); return; }
      if (rule.watchGone) {
        entry.status = 200; log(entry);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'ERROR', object: JSON.parse(statusBody(410, 'Expired',
          'too old resource version: 1 (faultproxy)')) }) + '\n');
        return;
      }
      if (rule.status) {
        entry.status = rule.status; log(entry);
        const h = { 'content-type': rule.body ? 'text/plain' : 'application/json' };
        if (rule.retryAfter !== undefined) h['retry-after'] = String(rule.retryAfter);
        res.writeHead(rule.status, h);
        res.end(rule.body !== undefined ? rule.body :
          statusBody(rule.status, reasons[rule.status] || 'Unknown', `faultproxy: injected ${rule.status}`));
        return;
      }
      if (rule.delay) return setTimeout(() => forward(req, res, body, rule, entry), rule.delay);
      forward(req, res, body, rule, entry);
    });
  });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(args['port-file'], String(server.address().port));
  console.error(`faultproxy: listening on 127.0.0.1:${server.address().port} -> ${args.upstream} (TTL ${ttl} s)`);
});

if (args['connect-port-file']) {
  const fwd = http.createServer((req, res) => { res.writeHead(405); res.end('CONNECT only\n'); });
  fwd.on('connect', (req, sock, head) => {
    const [host, port] = req.url.split(/:(?=\d+$)/);
    const ok = ['127.0.0.1', 'localhost', '[::1]'].includes(host);
    log({ method: 'CONNECT', path: req.url, auth: authScheme(req.headers), status: ok ? 200 : 403 });
    if (!ok) { sock.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
    const up = net.connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head && head.length) up.write(head);
      up.pipe(sock); sock.pipe(up);
    });
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  });
  fwd.listen(0, '127.0.0.1', () => fs.writeFileSync(args['connect-port-file'], String(fwd.address().port)));
}

if (args['socks-port-file']) {
  const socks = net.createServer((sock) => {
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage = 'greeting';
    const reply = (code) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]) return;
        const methods = [...buf.subarray(2, 2 + buf[1])];
        buf = buf.subarray(2 + buf[1]);
        if (!methods.includes(0)) { sock.end(Buffer.from([5, 0xff])); return; }
        sock.write(Buffer.from([5, 0]));
        stage = 'request';
      }
      if (stage !== 'request' || buf.length < 5) return;
      let host, atyp, end;
      if (buf[3] === 1) { atyp = 'ipv4'; end = 10; if (buf.length < end) return; host = [...buf.subarray(4, 8)].join('.'); }
      else if (buf[3] === 3) { atyp = 'domain'; end = 7 + buf[4]; if (buf.length < end) return; host = buf.subarray(5, 5 + buf[4]).toString(); }
      else if (buf[3] === 4) {
        atyp = 'ipv6'; end = 22; if (buf.length < end) return;
        host = buf.subarray(4, 20).toString('hex').match(/.{4}/g).map((g) => g.replace(/^0+(?=.)/, '')).join(':');
        if (host === '0:0:0:0:0:0:0:1') host = '::1';
      } else { sock.end(reply(8)); return; }
      const port = buf.readUInt16BE(end - 2);
      const rest = buf.subarray(end);
      sock.removeListener('data', onData);
      const ok = buf[1] === 1 && ['127.0.0.1', 'localhost', '::1'].includes(host);
      log({ method: 'SOCKS5', path: `${host}:${port}`, atyp, status: ok ? 0 : 2 });
      if (!ok) { sock.end(reply(buf[1] === 1 ? 2 : 7)); return; }
      const up = net.connect(port, host, () => {
        sock.write(reply(0));
        if (rest.length) up.write(rest);
        up.pipe(sock); sock.pipe(up);
      });
      up.on('error', () => sock.end(reply(5)));
    };
    sock.on('data', onData);
  });
  socks.listen(0, '127.0.0.1', () => fs.writeFileSync(args['socks-port-file'], String(socks.address().port)));
}
