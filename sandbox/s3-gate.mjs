// @ts-check
// A local S3 that checks credentials the way S3 does: s3rver stores the objects, and this gate in front
// of it recomputes each request's SigV4 signature (with @smithy/signature-v4), requires the session token
// issued with the key, answers ExpiredToken for expired keys, asks an optional `authorize` hook (IAM
// policy), and handles CORS. s3rver alone accepts any signature and ignores session tokens.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import S3rver from 's3rver';

/**
 * @typedef {object} IssuedKey
 * @property {string} secretAccessKey
 * @property {string} sessionToken
 * @property {number} expiresAt milliseconds since the epoch
 * @property {string} [subject] who the key was issued to (for the authorize hook)
 * @property {string} [policyVariable] the policy variable holding the subject: 'saml:sub' for delegated
 *   keys (the default), '<issuer host>/:sub' for web-identity ones
 */

/**
 * @typedef {object} S3Request what the authorize hook is asked about
 * @property {string} method
 * @property {string} bucket
 * @property {string} key the object key ('' for bucket operations), decoded
 * @property {URLSearchParams} query
 * @property {string} accessKeyId
 * @property {IssuedKey} issued
 */

/**
 * @typedef {object} GateOptions
 * @property {string} [host] (default: '127.0.0.1')
 * @property {number} [port] (default: 0 (any free port))
 * @property {string[]} [buckets] created at start (default: ['uploads'])
 * @property {string} [directory] s3rver's data folder (default: a new temp folder, removed on stop)
 * @property {Map<string, IssuedKey>} [keys] issued keys by access key id (default: a new Map)
 * @property {string[]} [corsOrigins] origins allowed by CORS ('*' for any) (default: ['*'])
 * @property {(request: S3Request) => boolean} [authorize] false -> 403 AccessDenied (default: allow all)
 * @property {() => number} [now] the gate's clock (default: Date.now)
 */

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const EXPOSED_HEADERS = 'ETag, Date, x-amz-request-id, x-amz-version-id, x-amz-delete-marker, Content-Length, Content-Type, Last-Modified';

/** `@smithy/signature-v4`'s hash interface over node:crypto (HMAC when given a secret). */
class Sha256 {
  /** @param {import('@smithy/types').SourceData} [secret] */
  constructor(secret) {
    this.secret = secret === undefined ? undefined : toBytes(secret);
    /** @type {import('node:crypto').Hash | import('node:crypto').Hmac} */
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  reset() {
    this.hash = this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  /** @param {import('@smithy/types').SourceData} data */
  update(data) {
    this.hash.update(toBytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** @param {import('@smithy/types').SourceData} data */
function toBytes(data) {
  if (typeof data === 'string') return Buffer.from(data);
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

/**
 * Checks a request's credentials; resolves to the issued key, or throws an S3-shaped error.
 * @param {import('node:http').IncomingMessage} req
 * @param {Map<string, IssuedKey>} keys
 * @param {number} now
 * @returns {Promise<{ accessKeyId: string, issued: IssuedKey }>}
 */
export async function verifyRequest(req, keys, now) {
  const authorization = header(req, 'authorization');
  if (authorization === undefined) throw s3Error(403, 'AccessDenied', 'Anonymous access is not allowed.');
  const match = AUTHORIZATION.exec(authorization);
  if (!match) throw s3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const [, accessKeyId = '', , region = '', service = '', signedHeaderList = '', signature = ''] = match;
  const issued = keys.get(accessKeyId);
  if (!issued) throw s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  const signedHeaders = signedHeaderList.split(';');
  const token = header(req, 'x-amz-security-token');
  if (token === undefined || !signedHeaders.includes('x-amz-security-token') || !sameText(token, issued.sessionToken)) {
    throw s3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
  }
  if (now >= issued.expiresAt) throw s3Error(400, 'ExpiredToken', 'The provided token has expired.');
  const expected = await expectedSignature(req, { accessKeyId, secretAccessKey: issued.secretAccessKey }, { region, service, signedHeaders });
  if (!sameText(signature, expected)) {
    throw s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return { accessKeyId, issued };
}

/**
 * Signs the request as received (raw path, signed headers only, the sender's x-amz-date and payload
 * hash) with the issued secret, and returns the signature the sender should have sent.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ accessKeyId: string, secretAccessKey: string }} credentials
 * @param {{ region: string, service: string, signedHeaders: string[] }} scope
 */
async function expectedSignature(req, credentials, { region, service, signedHeaders }) {
  const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
  /** @type {Record<string, string>} */
  const headers = {};
  for (const name of signedHeaders) headers[name] = header(req, name) ?? '';
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: headers['host'] ?? '', path, query: parseQuery(rawQuery), headers },
    { signingDate: parseAmzDate(headers['x-amz-date'] ?? ''), signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
}

/** @param {string} rawQuery */
function parseQuery(rawQuery) {
  /** @type {Record<string, string | string[]>} */
  const query = {};
  for (const [name, value] of new URLSearchParams(rawQuery.replace(/\+/g, '%2B'))) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return query;
}

/** `20261129T120000Z` -> Date; an unparseable value gives an invalid date, hence a mismatch. */
function parseAmzDate(/** @type {string} */ text) {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return match ? new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`) : new Date(Number.NaN);
}

/** Constant-time comparison of two strings. */
function sameText(/** @type {string} */ a, /** @type {string} */ b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** @param {import('node:http').IncomingMessage} req @param {string} name */
function header(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** @param {number} status @param {string} code @param {string} message */
export function s3Error(status, code, message) {
  return Object.assign(new Error(message), { status, code });
}

/** @param {import('node:http').ServerResponse} res @param {{ status: number, code: string, message: string }} error */
function sendError(res, { status, code, message }) {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body);
}

/**
 * Adds CORS headers for an allowed origin whenever the response head goes out (s3rver's included).
 * @param {import('node:http').ServerResponse} res @param {string | undefined} origin @param {string[]} allowed
 */
function applyCors(res, origin, allowed) {
  if (origin === undefined || !(allowed.includes('*') || allowed.includes(origin))) return;
  const writeHead = res.writeHead;
  /** @type {any} */ (res).writeHead = function (/** @type {any[]} */ ...args) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    res.setHeader('vary', 'Origin');
    return writeHead.apply(res, /** @type {any} */ (args));
  };
}

/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
function answerPreflight(req, res) {
  res.writeHead(200, {
    'access-control-allow-methods': 'GET, PUT, POST, DELETE, HEAD',
    'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '*',
    'access-control-max-age': '600',
    'content-length': '0',
  }).end();
}

/** @param {string} url */
function locate(url) {
  const [path = '/', rawQuery = ''] = url.split('?', 2);
  const [, bucket = '', ...rest] = path.split('/');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(rest.join('/')), query: new URLSearchParams(rawQuery) };
}

/**
 * Starts s3rver behind the verifying gate on a loopback port.
 * @param {GateOptions} [options]
 */
export async function startS3Gate(options = {}) {
  const { host = '127.0.0.1', port = 0, buckets = ['uploads'], keys = new Map(), corsOrigins = ['*'], authorize = () => true, now = () => Date.now() } = options;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3-gate-')));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  await s3rver.configureBuckets();
  const store = s3rver.callback();
  /** Counts of the gate's answers, for tests and benchmarks: rejections by code, acceptances by key. */
  const stats = { requests: 0, rejected: /** @type {Record<string, number>} */ ({}), accepted: /** @type {Record<string, number>} */ ({}) };

  const server = createServer(async (req, res) => {
    stats.requests++;
    // The Date header on the gate's own clock, the one it judges expiry by (Node's is always the real one).
    res.setHeader('date', new Date(now()).toUTCString());
    const origin = header(req, 'origin');
    applyCors(res, origin, corsOrigins);
    if (req.method === 'OPTIONS') return answerPreflight(req, res);
    try {
      const { accessKeyId, issued } = await verifyRequest(req, keys, now());
      const { bucket, key, query } = locate(req.url ?? '/');
      // s3rver keeps objects as files: a "." or ".." segment would land outside the key's folder.
      if (key.split('/').some((segment) => segment === '.' || segment === '..') || key.includes('\\')) {
        throw s3Error(400, 'InvalidArgument', 'Object keys with "." or ".." segments or backslashes are not supported by this local S3.');
      }
      if (!authorize({ method: req.method ?? 'GET', bucket, key, query, accessKeyId, issued })) {
        throw s3Error(403, 'AccessDenied', 'Access Denied');
      }
      stats.accepted[accessKeyId] = (stats.accepted[accessKeyId] ?? 0) + 1;
    } catch (error) {
      const { status = 500, code = 'InternalError', message = 'We encountered an internal error.' } = /** @type {any} */ (error);
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
      req.resume();
      return sendError(res, { status, code, message });
    }
    // Verified: s3rver serves it as an anonymous request (it would only half-check the signature).
    delete req.headers.authorization;
    delete req.headers['x-amz-security-token'];
    delete req.headers.origin;
    store(req, res);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${host}:${address.port}`;

  return {
    url,
    port: address.port,
    keys,
    stats,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      if (options.directory === undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}
