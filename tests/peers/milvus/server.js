#!/usr/bin/env node
// tests/peers/milvus/server.js - a Milvus stand-in: a gRPC server (h2c, plaintext, as a Milvus
// proxy behind an ALB) built with grpc-js + proto-loader on the real Milvus .proto files shipped
// by npm @zilliz/milvus2-sdk-node@2.5.8.  GetVersion, Connect, CheckHealth and
// grpc.health.v1.Health/Check are implemented; every other method answers UNIMPLEMENTED.
//
//   node server.js --port 0 --port-file F [--host 127.0.0.1] [--user U --password P]
//                  [--token T] [--dbs default,db1] [--mode MODE] [--mode-file F]
//                  [--reset-port-file F] [--silent-port-file F] [--ttl SECONDS] [--log F]
//
// Auth (when --user/--password or --token is given): every method, GetVersion included, needs
// metadata `authorization` = base64("user:password") or base64(token), no prefix, as Milvus'
// interceptor; otherwise gRPC UNAUTHENTICATED (16) with Milvus' messages.
// Database: Connect with a `dbname` not in --dbs answers Status code 800 (database not found).
// MODE (read from --mode-file on every call when that file exists, else --mode):
//   healthy      the default
//   unhealthy    CheckHealth isHealthy=false with reasons and quota states
//   notready     Connect answers Status code 1 (ServiceNotReady, retriable)
//   slow:MS      every call waits MS milliseconds before answering
// --reset-port-file F also listens on a second port that accepts TCP connections and resets
// each one when its first bytes (the TLS ClientHello) arrive: a peer that drops the
// connection, at a point the client reaches deterministically; --silent-port-file F one that accepts and
// never answers (a peer that hangs).  The server stops by itself after --ttl
// seconds (default 600) and on SIGTERM/SIGINT.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');

const peers = path.resolve(__dirname, '..');
const grpc = require(path.join(peers, 'node_modules/@grpc/grpc-js'));
const protoLoader = require(path.join(peers, 'node_modules/@grpc/proto-loader'));
const PROTOS = path.join(peers, 'node_modules/@zilliz/milvus2-sdk-node/dist/proto/proto');
const HEALTH = '/usr/share/grpc-proto';

function args(argv) {
  const o = { port: '0', host: '127.0.0.1', dbs: 'default', mode: 'healthy', ttl: '600' };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument '${argv[i]}'`);
    const v = m[2] !== undefined ? m[2] : argv[++i];
    if (v === undefined) throw new Error(`--${m[1]} needs a value`);
    o[m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = v;
  }
  return o;
}

const opt = args(process.argv.slice(2));
const dbs = new Set(opt.dbs.split(',').filter(Boolean));
const authOn = !!(opt.token || opt.user);
const logf = opt.log ? fs.openSync(opt.log, 'a') : null;
let identifier = 1000;

function log(obj) {
  if (logf !== null) fs.writeSync(logf, JSON.stringify(obj) + '\n');
}

function mode() {
  if (opt.modeFile) {
    try {
      return fs.readFileSync(opt.modeFile, 'utf8').trim() || 'healthy';
    } catch (e) { /* no file: the default */ }
  }
  return opt.mode;
}

const ok = { error_code: 'Success', reason: '', code: 0, retriable: false, detail: '' };

// Milvus' authentication interceptor (internal/proxy/authentication_interceptor.go)
function authError(md) {
  if (!authOn) return null;
  const v = md.get('authorization');
  if (!v.length) return 'missing authorization in header';
  const raw = Buffer.from(String(v[0]), 'base64').toString('utf8');
  if (raw.includes(':')) {
    const i = raw.indexOf(':');
    if (opt.user && raw.slice(0, i) === opt.user && raw.slice(i + 1) === opt.password) return null;
    return 'auth check failure, please check username and password are correct';
  }
  if (opt.token && raw === opt.token) return null;
  return 'auth check failure, please check api key is correct';
}

// wrap(name, fn): logging, auth, the slow mode, then fn(call) -> response
function wrap(name, fn) {
  return (call, cb) => {
    const md = call.metadata;
    const m = mode();
    const entry = {
      method: name,
      authority: typeof call.getHost === 'function' ? call.getHost() : null,
      dbname: md.get('dbname')[0] || null,
      hasAuthorization: md.get('authorization').length > 0,
      userAgent: md.get('user-agent')[0] || null,
      mode: m,
    };
    const finish = () => {
      const bad = authError(md);
      if (bad) {
        entry.status = 16;
        log(entry);
        return cb({ code: grpc.status.UNAUTHENTICATED, details: bad });
      }
      let res;
      try {
        res = fn(call, m);
      } catch (e) {
        entry.status = 13;
        log(entry);
        return cb({ code: grpc.status.INTERNAL, details: String(e.message) });
      }
      entry.status = 0;
      entry.milvusCode = res.status ? res.status.code : undefined;
      log(entry);
      cb(null, res);
    };
    const slow = /^slow:(\d+)$/.exec(m);
    if (slow) setTimeout(finish, Number(slow[1]));
    else finish();
  };
}

const handlers = {
  GetVersion: wrap('GetVersion', () => ({ status: ok, version: 'v2.5.10' })),
  Connect: wrap('Connect', (call, m) => {
    const db = call.metadata.get('dbname')[0] || 'default';
    if (m === 'notready') {
      return { status: { error_code: 'UnexpectedError', reason: 'service not ready', code: 1,
                         retriable: true, detail: 'proxy not healthy' } };
    }
    if (!dbs.has(String(db))) {
      return { status: { error_code: 'UnexpectedError',
                         reason: `database not found[database=${db}]`, code: 800,
                         retriable: false, detail: 'database not found' } };
    }
    const ci = call.request.client_info || {};
    log({ method: 'Connect', clientInfo: ci });
    return {
      status: ok,
      server_info: { build_tags: 'v2.5.10', build_time: 'Mon Jan 1 00:00:00 UTC 2025',
                     git_commit: 'ml7stand', go_version: 'go1.22.0', deploy_mode: 'STANDALONE',
                     reserved: { stand_in: 'milvus-l7' } },
      identifier: String(++identifier),
    };
  }),
  CheckHealth: wrap('CheckHealth', (call, m) => {
    if (m === 'unhealthy') {
      return { status: ok, isHealthy: false,
               reasons: ['rootcoord:1 is not healthy', 'querynode:7 is not serving'],
               quota_states: ['DenyToWrite', 'ReadLimited'] };
    }
    return { status: ok, isHealthy: true, reasons: [], quota_states: [] };
  }),
};

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(['milvus.proto'], {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  includeDirs: [PROTOS],
}));
const healthPkg = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/health/v1/health.proto'], { keepCase: true, enums: String, includeDirs: [HEALTH] }));

const server = new grpc.Server();
server.addService(pkg.milvus.proto.milvus.MilvusService.service, handlers);
server.addService(healthPkg.grpc.health.v1.Health.service, {
  Check: wrap('Health/Check', (call, m) => ({ status: m === 'notready' ? 'NOT_SERVING' : 'SERVING' })),
});

const extraServers = [];
function stop(why) {
  log({ stop: why });
  for (const srv of extraServers) srv.close();
  server.tryShutdown(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
setTimeout(() => stop('ttl'), Number(opt.ttl) * 1000).unref();

if (!/^(127\.0\.0\.1|::1|localhost)$/.test(opt.host)) {
  console.error('server.js: listens on loopback only (127.0.0.1, ::1)');
  process.exit(2);
}
const bindHost = opt.host.includes(':') ? `[${opt.host}]` : opt.host;
server.bindAsync(`${bindHost}:${opt.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`server.js: cannot listen on ${bindHost}:${opt.port}: ${err.message}`);
    process.exit(1);
  }
  const done = () => {
    if (opt.portFile) {
      fs.writeFileSync(opt.portFile + '.tmp', String(port) + '\n');
      fs.renameSync(opt.portFile + '.tmp', opt.portFile);
    }
    log({ listening: port });
  };
  const extra = [];
  if (opt.resetPortFile) extra.push([opt.resetPortFile, (sock) => {
    log({ reset: sock.remoteAddress });
    sock.on('error', () => {});
    sock.once('data', () => sock.resetAndDestroy());
  }]);
  if (opt.silentPortFile) extra.push([opt.silentPortFile, (sock) => {
    log({ silent: sock.remoteAddress });
    sock.on('error', () => {});
    sock.on('data', () => {});
  }]);
  let pending = extra.length;
  if (!pending) return done();
  for (const [file, onConn] of extra) {
    const srv = net.createServer(onConn);
    extraServers.push(srv);
    srv.listen(0, opt.host, () => {
      fs.writeFileSync(file + '.tmp', String(srv.address().port) + '\n');
      fs.renameSync(file + '.tmp', file);
      if (--pending === 0) done();
    });
  }
});
