#!/usr/bin/env node
// server.js - a stand-in for AWS Certificate Manager (JSON 1.1 over HTTPS) on loopback.
//
//   node server.js --dir DIR [--region us-west-2] [--account 111122223333] [--ttl 1800]
//                  [--limit 100] [--port 0]
//
// DIR holds server.crt/server.key (TLS) and creds.json (the access keys it knows); the
// chosen port is written to DIR/port.  It checks every SigV4 signature with its own
// implementation (canonical request, string to sign, HMAC chain; no curl, no SDK), and
// answers with ACM's error shapes: {"__type": ..., "message": ...} plus X-Amzn-ErrorType.
// Certificates are kept in memory: ImportCertificate with CertificateArn re-imports in
// place and keeps the ARN; DescribeCertificate answers from what was imported.
//
// Test hooks (loopback only, no signature):
//   GET  /_sandbox/certificate?arn=ARN  -> {certificate, chain, privateKey} PEMs (the ALB
//        simulator serves these), 404 {"message"} when unknown
//   POST /_sandbox/fault {operation, type, message, count}  -> the next COUNT calls of
//        OPERATION ("*" = any) fail with that error (LimitExceeded, Throttling, ...)
//   POST /_sandbox/in-use {arn, resource}  -> adds a resource ARN to InUseBy
//   GET  /_sandbox/requests  -> the last 50 signed requests: target, access key, signed
//        headers, whether a session token came (never the secret or the signature)
// It exits by itself after --ttl seconds.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');

const args = { region: 'us-west-2', account: '111122223333', ttl: 1800, limit: 100, port: 0 };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (!(k in args) && k !== 'dir') { console.error(`server.js: unknown option ${process.argv[i]}`); process.exit(2); }
  args[k] = process.argv[i + 1];
}
if (!args.dir) { console.error('server.js: --dir DIR is required'); process.exit(2); }
const REGION = args.region;
const ACCOUNT = String(args.account);
const creds = JSON.parse(fs.readFileSync(path.join(args.dir, 'creds.json'), 'utf8'));
const certs = new Map();          // arn -> record
const faults = [];                // {operation, type, message, count}
const requests = [];              // summaries of signed requests

// ---- errors -------------------------------------------------------------------------------
class AwsError extends Error {
  constructor(type, message, status = 400, ns = '') {
    super(message);
    this.type = type;
    this.status = status;
    this.ns = ns;                  // 'com.amazon.coral.service#' for the front door's errors
  }
}
const coral = 'com.amazon.coral.service#';
const sigError = (msg) => new AwsError('InvalidSignatureException', msg, 400, coral);
const validation = (msg) => new AwsError('ValidationException', msg);

function sendJson(res, status, obj, extra = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, Object.assign({
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': crypto.randomUUID(),
  }, extra));
  res.end(body);
}
function sendError(res, e) {
  const body = { __type: e.ns + e.type };
  if (e.message) body.message = e.message;
  sendJson(res, e.status, body, {
    'X-Amzn-ErrorType': `${e.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
  });
}

// ---- SigV4, written from the specification ------------------------------------------------
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data, 'utf8').digest();
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function canonicalQuery(q) {
  if (!q) return '';
  return q.split('&').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    const k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
    const v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
    return [uriEncode(k), uriEncode(v)];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

// headers: raw header pairs as received; repeated headers are joined with ','
function headerMap(rawHeaders) {
  const m = new Map();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const k = rawHeaders[i].toLowerCase();
    const v = rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
    m.set(k, m.has(k) ? m.get(k) + ',' + v : v);
  }
  return m;
}

function parseAuthorization(h) {
  const m = /^AWS4-HMAC-SHA256 (.*)$/.exec(h);
  if (!m) throw new AwsError('IncompleteSignatureException',
    `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${h.split(' ')[0]}`, 400, coral);
  const parts = {};
  for (const p of m[1].split(',')) {
    const i = p.indexOf('=');
    if (i > 0) parts[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !parts[k]);
  if (missing.length) throw new AwsError('IncompleteSignatureException',
    missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '), 400, coral);
  const scope = parts.Credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') throw new AwsError('IncompleteSignatureException',
    `Credential should be scoped to a valid region. `, 400, coral);
  return { akid: scope[0], date: scope[1], region: scope[2], service: scope[3], signedHeaders: parts.SignedHeaders, signature: parts.Signature };
}

function amzDateToMs(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function checkSignature(req, body) {
  const h = headerMap(req.rawHeaders);
  const auth = h.get('authorization');
  if (!auth) throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400, coral);
  const a = parseAuthorization(auth);
  const amzDate = h.get('x-amz-date');
  if (!amzDate) throw new AwsError('IncompleteSignatureException',
    `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${auth.replace(/Signature=[0-9a-f]+/, 'Signature=...')}`, 400, coral);
  const t = amzDateToMs(amzDate);
  if (Number.isNaN(t) || Math.abs(Date.now() - t) > 5 * 60 * 1000) {
    const now = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
    throw sigError(`Signature expired: ${amzDate} is now earlier than ${now} (${now} - 5 min.)`);
  }
  const cred = creds[a.akid];
  if (!cred) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, coral);
  const token = h.get('x-amz-security-token');
  if (cred.token) {
    if (token !== cred.token) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, coral);
    if (cred.expires && Date.parse(cred.expires) <= Date.now()) throw new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400, coral);
  } else if (token) {
    throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400, coral);
  }
  if (a.date !== amzDate.slice(0, 8)) throw sigError(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${a.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  if (a.region !== REGION) throw sigError(`Credential should be scoped to a valid region. `);
  if (a.service !== 'acm') throw sigError(`Credential should be scoped to correct service: 'acm'. `);
  const signed = a.signedHeaders.split(';');
  if (!signed.includes('host')) throw sigError(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  for (const name of signed) {
    if (!h.has(name)) throw sigError(`The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.`);
  }
  const [p, q] = req.url.split('?');
  const canonical = [
    req.method,
    p.split('/').map((s) => uriEncode(decodeURIComponent(s))).join('/'),
    canonicalQuery(q),
    signed.map((n) => `${n}:${h.get(n)}\n`).join(''),
    a.signedHeaders,
    sha256(body),
  ].join('\n');
  const scope = `${a.date}/${a.region}/${a.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let k = hmac('AWS4' + cred.secret, a.date);
  k = hmac(k, a.region);
  k = hmac(k, a.service);
  k = hmac(k, 'aws4_request');
  const want = crypto.createHmac('sha256', k).update(toSign, 'utf8').digest('hex');
  const ok = a.signature.length === want.length &&
    crypto.timingSafeEqual(Buffer.from(a.signature), Buffer.from(want));
  requests.push({ target: h.get('x-amz-target') || '', accessKeyId: a.akid, signedHeaders: signed, sessionToken: !!token,
    contentType: h.get('content-type') || '', signatureValid: ok });
  if (requests.length > 50) requests.shift();
  if (!ok) throw sigError('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  return cred;
}

// ---- certificates -------------------------------------------------------------------------
const ARN_RE = /^arn:aws(-cn|-us-gov|-iso(-[bef])?)?:acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f-]{36})$/;
const pemBlocks = (text, label) => {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return text.match(re) || [];
};

function decodeBlob(v, member) {
  if (typeof v !== 'string') throw new AwsError('SerializationException', `Expected a base64 string for ${member}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new AwsError('SerializationException', `Invalid base64 in ${member}`);
  return Buffer.from(v, 'base64');
}

function lengthCheck(buf, member, max) {
  if (buf.length < 1) throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (buf.length > max) throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
}

function keyAlgorithm(keyObject) {
  const d = keyObject.asymmetricKeyDetails || {};
  if (keyObject.asymmetricKeyType === 'rsa' && [1024, 2048, 3072, 4096].includes(d.modulusLength)) return `RSA-${d.modulusLength}`;
  const curves = { prime256v1: 'EC-prime256v1', 'P-256': 'EC-prime256v1', secp384r1: 'EC-secp384r1', 'P-384': 'EC-secp384r1', secp521r1: 'EC-secp521r1', 'P-521': 'EC-secp521r1' };
  if (keyObject.asymmetricKeyType === 'ec' && curves[d.namedCurve]) return curves[d.namedCurve];
  return null;
}

function dnField(dn, key) {
  const line = (dn || '').split('\n').find((l) => l.startsWith(key + '='));
  return line ? line.slice(key.length + 1) : '';
}

function importCertificate(input) {
  if (input.Certificate === undefined) throw validation("1 validation error detected: Value null at 'certificate' failed to satisfy constraint: Member must not be null");
  if (input.PrivateKey === undefined) throw validation("1 validation error detected: Value null at 'privateKey' failed to satisfy constraint: Member must not be null");
  const certBuf = decodeBlob(input.Certificate, 'Certificate');
  const keyBuf = decodeBlob(input.PrivateKey, 'PrivateKey');
  const chainBuf = input.CertificateChain === undefined ? null : decodeBlob(input.CertificateChain, 'CertificateChain');
  lengthCheck(certBuf, 'certificate', 32768);
  lengthCheck(keyBuf, 'privateKey', 5120);
  if (chainBuf) lengthCheck(chainBuf, 'certificateChain', 2097152);
  const tags = input.Tags || [];
  if (input.CertificateArn !== undefined) {
    if (typeof input.CertificateArn !== 'string' || !ARN_RE.test(input.CertificateArn))
      throw new AwsError('InvalidArnException', `String '${input.CertificateArn}' is not a valid ARN`);
    if (tags.length) throw validation('Tags cannot be specified when reimporting a certificate.');
  }
  if (!Array.isArray(tags)) throw new AwsError('SerializationException', 'Tags must be a list');
  if (tags.length > 50) throw new AwsError('TooManyTagsException', 'the TagSet: {...} contains too many tags');
  for (const t of tags) {
    if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128 || (t.Value !== undefined && (typeof t.Value !== 'string' || t.Value.length > 256)))
      throw validation(`1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]`);
    if (/^aws:/i.test(t.Key)) throw new AwsError('InvalidTagException', `The tag key '${t.Key}' is reserved; tag keys cannot start with 'aws:'`);
  }

  const certText = certBuf.toString('latin1');
  const certPems = pemBlocks(certText, 'CERTIFICATE');
  if (certPems.length === 0) throw validation('Unable to parse certificate. Please ensure the certificate is in PEM format.');
  if (certPems.length > 1) throw validation('The certificate field contains more than one certificate. You can specify only one certificate in this field.');
  let leaf;
  try { leaf = new crypto.X509Certificate(certPems[0]); } catch { throw validation('Unable to parse certificate. Please ensure the certificate is in PEM format.'); }
  const keyText = keyBuf.toString('latin1');
  if (/ENCRYPTED/.test(keyText)) throw validation('The private key is not supported.');
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(keyText)) throw validation('Unable to parse key. Please ensure the private key is in PEM format.');
  let key;
  try { key = crypto.createPrivateKey(keyText); } catch { throw validation('Unable to parse key. Please ensure the private key is in PEM format.'); }
  const alg = keyAlgorithm(key);
  if (!alg) throw validation('The private key is not supported.');
  if (!leaf.checkPrivateKey(key)) throw validation('The private key does not match the certificate.');
  const now = Date.now();
  if (Date.parse(leaf.validTo) < now) throw validation('The certificate has expired.');
  if (Date.parse(leaf.validFrom) > now) throw validation('The certificate is not yet valid.');
  if (!leaf.issuer) throw validation('The certificate must have an issuer.');
  let chain = [];
  if (chainBuf) {
    const chainPems = pemBlocks(chainBuf.toString('latin1'), 'CERTIFICATE');
    if (chainPems.length === 0) throw validation('Unable to parse certificate chain. Please ensure the chain is in PEM format.');
    try { chain = chainPems.map((p) => new crypto.X509Certificate(p)); } catch { throw validation('Unable to parse certificate chain. Please ensure the chain is in PEM format.'); }
    if (chain.some((c) => c.fingerprint256 === leaf.fingerprint256)) throw validation('The certificate chain must not contain the certificate itself.');
    let child = leaf;
    for (const c of chain) {
      if (!child.checkIssued(c) || !child.verify(c.publicKey)) throw validation('Could not validate the certificate with the certificate chain.');
      child = c;
    }
  } else if (!(leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey))) {
    throw validation('Provided certificate is not a valid self signed. Please provide either a valid self-signed certificate or certificate chain.');
  }

  let rec;
  if (input.CertificateArn !== undefined) {
    const m = ARN_RE.exec(input.CertificateArn);
    rec = certs.get(input.CertificateArn);
    if (!rec || m[3] !== REGION || m[4] !== ACCOUNT) throw new AwsError('ResourceNotFoundException', `Could not find certificate ${input.CertificateArn}.`);
    if (rec.keyAlgorithm !== alg) throw validation(`The certificate being reimported must use the same key algorithm (${rec.keyAlgorithm}) as the existing certificate; got ${alg}.`);
  } else {
    if (certs.size >= Number(args.limit)) throw new AwsError('LimitExceededException', `the limit of ${args.limit} imported certificates has been exceeded.`);
    const arn = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${crypto.randomUUID()}`;
    rec = { arn, createdAt: now / 1000, inUseBy: [], tags };
    certs.set(arn, rec);
  }
  Object.assign(rec, {
    certificate: certPems[0] + '\n',
    chain: chain.map((c) => c.toString()).join(''),
    privateKey: keyText,
    leaf, keyAlgorithm: alg, importedAt: now / 1000,
  });
  return { CertificateArn: rec.arn };
}

function findCert(arn) {
  if (typeof arn !== 'string') throw validation("1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_RE.test(arn)) throw new AwsError('InvalidArnException', `String '${arn}' is not a valid ARN`);
  const rec = certs.get(arn);
  if (!rec) throw new AwsError('ResourceNotFoundException', `Could not find certificate ${arn}.`);
  return rec;
}

function describeCertificate(input) {
  const rec = findCert(input.CertificateArn);
  const leaf = rec.leaf;
  const dns = (leaf.subjectAltName || '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const cn = dnField(leaf.subject, 'CN');
  const domain = cn || dns[0] || '';
  const sans = dns.length ? dns : (cn ? [cn] : []);
  const notAfter = Date.parse(leaf.validTo) / 1000;
  const rsa = rec.keyAlgorithm.startsWith('RSA');
  return {
    Certificate: {
      CertificateArn: rec.arn,
      DomainName: domain,
      SubjectAlternativeNames: sans,
      Serial: leaf.serialNumber.toLowerCase().match(/../g).join(':'),
      Subject: leaf.subject.split('\n').join(','),
      Issuer: dnField(leaf.issuer, 'O') || dnField(leaf.issuer, 'CN'),
      CreatedAt: rec.createdAt,
      ImportedAt: rec.importedAt,
      Status: notAfter * 1000 < Date.now() ? 'EXPIRED' : 'ISSUED',
      NotBefore: Date.parse(leaf.validFrom) / 1000,
      NotAfter: notAfter,
      KeyAlgorithm: rec.keyAlgorithm,
      SignatureAlgorithm: rsa ? 'SHA256WITHRSA' : 'SHA256WITHECDSA',
      InUseBy: rec.inUseBy,
      Type: 'IMPORTED',
      KeyUsages: [{ Name: 'DIGITAL_SIGNATURE' }, { Name: 'KEY_ENCIPHERMENT' }],
      ExtendedKeyUsages: [{ Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' }],
      RenewalEligibility: 'INELIGIBLE',
      Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
    },
  };
}

const operations = {
  ImportCertificate: importCertificate,
  DescribeCertificate: describeCertificate,
  ListTagsForCertificate: (input) => ({ Tags: findCert(input.CertificateArn).tags }),
};

// ---- HTTP ---------------------------------------------------------------------------------
function readBody(req, max) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > max) { reject(new AwsError('SerializationException', 'Request body too large', 413)); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function sandbox(req, res, url) {
  if (req.method === 'GET' && url.pathname === '/_sandbox/certificate') {
    const rec = certs.get(url.searchParams.get('arn') || '');
    if (!rec) return sendJson(res, 404, { message: `no imported certificate ${url.searchParams.get('arn')}` });
    return sendJson(res, 200, { arn: rec.arn, certificate: rec.certificate, chain: rec.chain, privateKey: rec.privateKey });
  }
  if (req.method === 'GET' && url.pathname === '/_sandbox/requests') return sendJson(res, 200, requests);
  const body = JSON.parse((await readBody(req, 65536)).toString('utf8') || '{}');
  if (req.method === 'POST' && url.pathname === '/_sandbox/fault') {
    faults.push({ operation: body.operation || '*', type: body.type, message: body.message || '', count: body.count || 1 });
    return sendJson(res, 200, { queued: faults.length });
  }
  if (req.method === 'POST' && url.pathname === '/_sandbox/in-use') {
    const rec = certs.get(body.arn || '');
    if (!rec) return sendJson(res, 404, { message: `no imported certificate ${body.arn}` });
    if (!rec.inUseBy.includes(body.resource)) rec.inUseBy.push(body.resource);
    return sendJson(res, 200, { inUseBy: rec.inUseBy });
  }
  return sendJson(res, 404, { message: 'unknown sandbox call' });
}

async function handle(req, res) {
  const url = new URL(req.url, 'https://localhost');
  const ra = req.socket.remoteAddress || '';
  if (!(ra === '127.0.0.1' || ra === '::1' || ra === '::ffff:127.0.0.1')) { res.destroy(); return; }
  try {
    if (url.pathname.startsWith('/_sandbox/')) return await sandbox(req, res, url);
    const body = await readBody(req, 4 * 1024 * 1024);
    if (req.method !== 'POST') throw new AwsError('UnknownOperationException', '', 404);
    const cred = checkSignature(req, body);
    const target = req.headers['x-amz-target'] || '';
    const op = target.startsWith('CertificateManager.') ? target.slice('CertificateManager.'.length) : '';
    if (!operations[op]) throw new AwsError('UnknownOperationException', '', 400, coral);
    if ((req.headers['content-type'] || '').split(';')[0].trim() !== 'application/x-amz-json-1.1')
      throw new AwsError('SerializationException', `Unexpected content type ${req.headers['content-type'] || '(none)'}`, 400, coral);
    if (cred.denied) throw new AwsError('AccessDeniedException',
      `User: arn:aws:iam::${ACCOUNT}:user/${cred.user || 'ml7-denied'} is not authorized to perform: acm:${op} because no identity-based policy allows the acm:${op} action`);
    const f = faults.find((x) => x.operation === '*' || x.operation === op);
    if (f) {
      if (--f.count <= 0) faults.splice(faults.indexOf(f), 1);
      throw new AwsError(f.type, f.message || (f.type === 'ThrottlingException' ? 'Rate exceeded' : `injected ${f.type}`));
    }
    let input;
    try { input = JSON.parse(body.toString('utf8') || '{}'); } catch { throw new AwsError('SerializationException', 'Start of structure or map found where not expected.'); }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
    sendJson(res, 200, operations[op](input));
  } catch (e) {
    if (e instanceof AwsError) return sendError(res, e);
    console.error(e);
    sendError(res, new AwsError('InternalFailure', 'internal error in the stand-in', 500));
  }
}

const server = https.createServer({
  key: fs.readFileSync(path.join(args.dir, 'server.key')),
  cert: fs.readFileSync(path.join(args.dir, 'server.crt')),
}, (req, res) => { handle(req, res); });
server.keepAliveTimeout = 5000;
server.listen(Number(args.port), '127.0.0.1', () => {
  fs.writeFileSync(path.join(args.dir, 'port.tmp'), String(server.address().port));
  fs.renameSync(path.join(args.dir, 'port.tmp'), path.join(args.dir, 'port'));
  console.error(`acm stand-in on https://127.0.0.1:${server.address().port} region ${REGION}, stops in ${args.ttl} s`);
});
setTimeout(() => process.exit(0), Number(args.ttl) * 1000);
process.on('SIGTERM', () => process.exit(0));
