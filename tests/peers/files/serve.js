#!/usr/bin/env node
// tests/peers/files/serve.js - a loopback static file server for the Helm tests: a chart
// repository (index.yaml + chart .tgz) and plugin tarballs for `helm plugin install URL`.
//
//   node serve.js --dir DIR --port-file F [--ttl SECONDS]
//
// Listens on 127.0.0.1, a free port (written to F once listening); .tgz/.tar.gz are served as
// application/gzip (what Helm 3 wants for a plugin tarball), .yaml as text/yaml; only files
// under DIR; GET/HEAD only.  Stops by itself after --ttl seconds (default 300) and on SIGTERM.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args.dir || !args['port-file']) {
  process.stderr.write('usage: serve.js --dir DIR --port-file F [--ttl SECONDS]\n');
  process.exit(2);
}
const root = path.resolve(args.dir);
const ttl = Number(args.ttl || 300);
const types = { '.tgz': 'application/gzip', '.gz': 'application/gzip', '.yaml': 'text/yaml' };

const server = http.createServer((req, res) => {
  const url = decodeURIComponent((req.url || '/').split('?')[0]);
  const file = path.resolve(root, '.' + url);
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root + path.sep)) {
    res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 403 : 405);
    return res.end();
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found\n');
    }
    res.writeHead(200, {
      'Content-Type': types[path.extname(file)] || 'application/octet-stream',
      'Content-Length': data.length,
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  });
});
server.listen(0, '127.0.0.1', () => {
  const tmp = args['port-file'] + '.tmp';
  fs.writeFileSync(tmp, String(server.address().port));
  fs.renameSync(tmp, args['port-file']);
});
const stop = () => { server.close(); process.exit(0); };
setTimeout(stop, ttl * 1000);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
