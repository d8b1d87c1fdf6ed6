#!/usr/bin/env node
// tests/peers/milvus/sdk-verdict.js - the Milvus Node SDK's own client (npm
// @zilliz/milvus2-sdk-node, the version in tests/peers/package.json) as a second opinion:
// connect + getVersion (+ checkHealth) through TLS with a server name, the way a user would.
//
//   node sdk-verdict.js --address HOST:PORT --server-name NAME [--ca FILE] [--user U]
//                       [--password P] [--token T] [--db NAME] [--health] [--timeout MS]
//
// Prints one JSON line {ok, version, connectStatus, healthy, error} and exits 0 when ok, 1 when
// not.  The SDK does not throw on a 404 from a host-routed proxy (connectStatus stays
// UNIMPLEMENTED and getVersion() returns {}), so "ok" needs a non-empty version with status
// code 0, a CONNECTED status and, with --health, isHealthy.
'use strict';
const path = require('path');
const sdk = require(path.resolve(__dirname, '../node_modules/@zilliz/milvus2-sdk-node'));

const o = { timeout: '5000' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--([a-z-]+)$/.exec(argv[i]);
  if (!m) { console.error(`sdk-verdict.js: unexpected argument '${argv[i]}'`); process.exit(2); }
  if (m[1] === 'health') { o.health = true; continue; }
  o[m[1]] = argv[++i];
}

async function main() {
  const out = { ok: false, version: null, connectStatus: null, healthy: null, error: null };
  let client;
  try {
    const tls = { serverName: o['server-name'] };
    if (o.ca) tls.rootCertPath = o.ca;
    const cfg = {
      address: o.address, ssl: true, tls, timeout: Number(o.timeout), logLevel: 'error',
      channelOptions: { 'grpc.default_authority': o['server-name'] },
    };
    if (o.user) { cfg.username = o.user; cfg.password = o.password || ''; }
    if (o.token) cfg.token = o.token;
    if (o.db) cfg.database = o.db;
    client = new sdk.MilvusClient(cfg);
    await client.connectPromise;
    out.connectStatus = client.connectStatus;
    const v = await client.getVersion();
    out.version = v && v.version ? v.version : null;
    const code = v && v.status ? Number(v.status.code || 0) : null;
    out.ok = !!out.version && code === 0 && client.connectStatus === sdk.CONNECT_STATUS.CONNECTED;
    if (!out.ok && v && v.status && v.status.reason) out.error = v.status.reason;
    if (o.health) {
      const h = await client.checkHealth();
      out.healthy = !!(h && h.isHealthy);
      out.ok = out.ok && out.healthy;
    }
  } catch (e) {
    out.ok = false;
    out.error = String(e && e.message ? e.message : e);
  }
  if (client) {
    try { await client.closeConnection(); } catch (e) { /* closing is best effort */ }
  }
  console.log(JSON.stringify(out));
  process.exit(out.ok ? 0 : 1);
}
setTimeout(() => {
  console.log(JSON.stringify({ ok: false, error: 'sdk-verdict.js: gave up after 30 s' }));
  process.exit(1);
}, 30000).unref();
main();
