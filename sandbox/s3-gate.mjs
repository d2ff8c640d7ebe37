// @ts-check
// A local S3 that checks requests the way S3 does. s3rver stores the objects; this gate in front of it
// verifies SigV4 (s3-sigv4.mjs: header or presigned URL, scope, clock, session token, every x-amz-*
// header signed), reads the bucket and key strictly (s3-target.mjs), asks an optional `authorize` hook
// (the IAM policy) about the request, about reading a copy's source and about tags (s3-object-headers.mjs),
// handles CORS, and receives the body, checked against what was signed and declared (s3-payload.mjs).
// Only then does s3rver get the request, rewritten to exactly the bucket, key, headers and body that
// were allowed, or the gate answers it itself (s3-extras.mjs, s3-complete.mjs; a browser POST upload,
// its policy and its signature: s3-post-object.mjs). s3rver alone accepts
// any signature and any body, ignores session tokens and joins unchecked paths onto its data folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { answerPreflight, corsHeaders } from './s3-cors.mjs';
import { s3Error, sendS3Error } from './s3-errors.mjs';
import { MAX_SKEW_MS, verifySigV4 } from './s3-sigv4.mjs';
import { amzQueryHeaders, checkMultipart, copySourceFor, forwardUrl, noSuchUpload, readCopySource, readObject, readTarget, responseOverrides } from './s3-target.mjs';
import { storingParts } from './s3-storing-parts.mjs';
import { uploadIsFor } from './s3rver-uploads.mjs';
import { checkDeleteDigest, extraOperation, extraOperations } from './s3-extras.mjs';
import { multipartCompletion } from './s3-complete.mjs';
import { checkPartChecksum, uploadChecksum } from './s3-upload-checksum.mjs';
import { checkContentLength, receiveBody } from './s3-payload.mjs';
import { checkMetadataSize, isObjectWrite, objectWriteHeaders } from './s3-object-headers.mjs';
import { isPostUpload, postUpload } from './s3-post-object.mjs';
import { bucketCors } from './template-cors.mjs';

/**
 * @typedef {object} IssuedKey
 * @property {string} secretAccessKey
 * @property {string} sessionToken
 * @property {number} expiresAt milliseconds since the epoch
 * @property {string} [subject] who the key was issued to (for the authorize hook)
 * @property {string} [policyVariable] the policy variable holding the subject: 'saml:sub' for delegated
 *   keys (the default), '<issuer host>/:sub' for web-identity ones
 * @property {'delegation' | 'web-identity' | 'cognito'} [exchange] whose role the key is a session of,
 *   so whose template's policy applies (default 'delegation')
 * @property {boolean} [owner] the bucket owner's key (tests seed and inspect the bucket with it): the
 *   policy allows it everything
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
 * @property {string} [region] the only region a signature may be scoped to (default: 'us-east-1')
 * @property {string[]} [buckets] created at start (default: ['uploads'])
 * @property {string} [directory] s3rver's data folder (default: a new temp folder, removed on stop)
 * @property {Map<string, IssuedKey>} [keys] issued keys by access key id (default: a new Map)
 * @property {string[]} [corsOrigins] origins allowed by CORS ('*' for any), when `cors` is not given
 *   (default: ['*'])
 * @property {import('./s3-cors.mjs').CorsRule[]} [cors] the bucket's CORS rules, as S3 applies them
 *   (s3-cors.mjs) (default: deploy/*.yaml's, read by template-cors.mjs, for `corsOrigins`)
 * @property {(request: S3Request) => boolean} [authorize] false -> 403 AccessDenied (default: allow all)
 * @property {() => number} [now] the gate's clock, also for the Date header of its answers (from which
 *   the AWS SDK corrects its own clock) (default: Date.now)
 * @property {number} [maxSkewMs] how far a request's x-amz-date may be from `now` (default: S3's 15
 *   minutes; the browser tests, whose page clock jumps hours ahead of this process's, allow more)
 * @property {(request: import('node:http').IncomingMessage) => Promise<void> | void} [hold] awaited
 *   before the gate reads a request (preflights excepted): a test holds one upload part with it to see
 *   a page mid-upload in any engine (default: none)
 * @property {(request: import('node:http').IncomingMessage) => 'drop' | 'error' | undefined} [fault] asked
 *   after `hold`: 'drop' closes the connection unanswered, 'error' answers 500 InternalError (tests
 *   make a part fail once, or for good, with it; default: none)
 */

/**
 * @typedef {object} Admitted what s3rver is handed for an allowed request
 * @property {string} accessKeyId
 * @property {string} url the canonical path and query
 * @property {Map<string, string>} headers x-amz-* headers to set (from the query, the copy source)
 * @property {[string, string][]} overrides response-* header overrides
 * @property {import('./s3-target.mjs').S3Object} target
 * @property {ReturnType<typeof extraOperation>} extra an operation the gate answers itself (s3-extras.mjs)
 * @property {(key: string) => boolean} deleteOne whether the key may delete `key` of the target's bucket
 * @property {string | undefined} uploadId
 * @property {string} prefix the listing's prefix ('' if none)
 * @property {URLSearchParams} query
 * @property {import('./s3-payload.mjs').SignedPayload} payload what the signature says of the body
 */

/** Headers the gate has dealt with, which s3rver does not see: credentials, the origin, and the body's framing and digests. */
const HANDLED_HEADERS = ['authorization', 'x-amz-security-token', 'x-amz-date', 'x-amz-copy-source', 'origin', 'transfer-encoding', 'content-encoding', 'x-amz-content-sha256', 'x-amz-decoded-content-length', 'x-amz-trailer'];
/** Headers that decide what a request is. */
const SINGLE_HEADERS = ['authorization', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-copy-source'];

/** @param {import('node:http').IncomingMessage} req @param {string} name */
function header(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Adds the CORS headers of the bucket's matching rule whenever the response head goes out (s3rver's
 * included), as S3 adds them to an actual request's answer (s3-cors.mjs).
 * @param {import('node:http').ServerResponse} res @param {import('node:http').IncomingMessage} req
 * @param {import('./s3-cors.mjs').CorsRule[]} rules
 */
function applyCors(res, req, rules) {
  const headers = corsHeaders(rules, header(req, 'origin'), req.method ?? 'GET');
  if (Object.keys(headers).length === 0) return;
  beforeHead(res, () => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  });
}

/** Sends a verified x-amz-checksum-* back with a success, as S3 does. @param {import('node:http').ServerResponse} res @param {[string, string]} checksum */
function echoChecksum(res, [name, value]) {
  beforeHead(res, (status) => {
    if (status === 200) res.setHeader(name, value);
  });
}

/** Runs `hook` just before the response head is written (by the gate or by s3rver). */
function beforeHead(/** @type {import('node:http').ServerResponse} */ res, /** @type {(status: number) => void} */ hook) {
  const writeHead = res.writeHead;
  /** @type {any} */ (res).writeHead = function (/** @type {any[]} */ ...args) {
    hook(Number(args[0]));
    return writeHead.apply(res, /** @type {any} */ (args));
  };
}

/** A header that decides what the request is may come once (Node would keep one, or join them). */
function refuseRepeatedHeaders(/** @type {import('node:http').IncomingMessage} */ req) {
  const repeated = SINGLE_HEADERS.find((name) => (req.headersDistinct[name]?.length ?? 0) > 1);
  if (repeated) throw s3Error(400, 'InvalidArgument', `The ${repeated} header appears more than once.`, { ArgumentName: repeated });
}

/**
 * What a verified request asks for, read strictly: the object, a copy's source, the x-amz-* headers
 * s3rver is to see (from the query, the copy source made canonical) and response-* overrides.
 * @param {import('node:http').IncomingMessage} req @param {string} path @param {[string, string][]} query
 */
function readAsked(req, path, query) {
  const target = readObject(path);
  checkMultipart(req.method ?? 'GET', query);
  const headers = amzQueryHeaders(query);
  const copyHeader = headers.get('x-amz-copy-source') ?? header(req, 'x-amz-copy-source');
  const source = copyHeader === undefined ? undefined : readCopySource(copyHeader);
  if (source) headers.set('x-amz-copy-source', copySourceFor(source));
  return { target, source, headers, overrides: responseOverrides(query) };
}

/**
 * Starts s3rver behind the verifying gate on a loopback port.
 * @param {GateOptions} [options]
 */
export async function startS3Gate(options = {}) {
  const { host = '127.0.0.1', port = 0, region = 'us-east-1', buckets = ['uploads'], keys = new Map(), corsOrigins = ['*'], authorize = () => true, now = () => Date.now(), maxSkewMs = MAX_SKEW_MS, hold, fault } = options;
  // Read from deploy/*.yaml, not copied, so that a gate started without rules cannot drift from them.
  // Their rules refer to the origins alone: the other values are placeholders nothing reads.
  const cors = options.cors ?? bucketCors({ bucket: buckets[0] ?? 'uploads', auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', allowedOrigins: corsOrigins });
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3-gate-')));
  // Bodies held until verified (s3-body.mjs), outside s3rver's folder.
  const bodies = await mkdtemp(join(tmpdir(), 's3-gate-bodies-'));
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  await s3rver.configureBuckets();
  const store = s3rver.callback();
  const extras = extraOperations({ directory, store: s3rver.store });
  const complete = multipartCompletion({ directory, store: s3rver.store });
  const parts = storingParts();
  /**
   * Counts of the gate's answers, for tests and benchmarks: every request, by method too (CORS
   * preflights included: what a browser's round trips cost), rejections by code, acceptances by key.
   */
  const stats = { requests: 0, methods: /** @type {Record<string, number>} */ ({}), rejected: /** @type {Record<string, number>} */ ({}), accepted: /** @type {Record<string, number>} */ ({}) };

  /**
   * Everything S3 checks before it touches an object; throws S3's error, or says what s3rver gets.
   * @param {import('node:http').IncomingMessage} req @returns {Promise<Admitted>}
   */
  async function admit(req) {
    refuseRepeatedHeaders(req);
    const method = req.method ?? 'GET';
    const { path, query } = readTarget(req.url ?? '/');
    const { accessKeyId, issued, payload } = await verifySigV4({ method, path, query, header: (name) => header(req, name), headerNames: Object.keys(req.headers) }, { keys, now: now(), region, maxSkewMs });
    const { target, source, headers, overrides } = readAsked(req, path, query);
    const uploadId = query.find(([name]) => name === 'uploadId')?.[1];
    if (uploadId !== undefined && target.key !== '' && !(await uploadIsFor(directory, target.bucket, uploadId, target.key))) throw noSuchUpload();
    const allowed = (/** @type {string} */ asked, /** @type {import('./s3-target.mjs').S3Object} */ object, /** @type {[string, string][]} */ params) =>
      authorize({ method: asked, bucket: object.bucket, key: object.key, query: new URLSearchParams(params), accessKeyId, issued });
    const extra = extraOperation(method, target, new URLSearchParams(query));
    if (extra === 'DeleteObjects') checkDeleteDigest(Object.keys(req.headers));
    const deleteOne = (/** @type {string} */ key) => allowed('DELETE', { bucket: target.bucket, key }, []);
    // DeleteObjects asks s3:DeleteObject of each key (s3-extras.mjs); a copy reads its source:
    // s3:GetObject on it, as well as the write on the target.
    if (extra !== 'DeleteObjects' && (!allowed(method, target, query) || (source && !allowed('GET', source, [])))) throw s3Error(403, 'AccessDenied', 'Access Denied');
    // An object write's headers: tags need s3:PutObjectTagging as well; ACLs are off on the bucket.
    if (isObjectWrite(method, target, new URLSearchParams(query))) {
      const { tags } = objectWriteHeaders((name) => headers.get(name) ?? header(req, name));
      // Headers and the query's metadata alike hold bytes, one char each (amzQueryHeaders).
      checkMetadataSize([...Object.keys(req.headers).map((name) => /** @type {[string, string]} */ ([name, header(req, name) ?? ''])), ...headers], 'latin1');
      if (tags && !allowed('PUT', target, [['tagging', '']])) throw s3Error(403, 'AccessDenied', 'Access Denied');
    }
    // An UploadPart's checksum is of its upload's algorithm, if the upload has one.
    if (method === 'PUT' && uploadId !== undefined && target.key !== '' && !source) checkPartChecksum(await uploadChecksum(directory, target.bucket, uploadId), (name) => header(req, name));
    return { accessKeyId, url: forwardUrl(target, query), headers, overrides, target, extra, deleteOne, uploadId, prefix: new URLSearchParams(query).get('prefix') ?? '', query: new URLSearchParams(query), payload };
  }

  /**
   * s3rver gets the admitted request with its verified body: canonical URL, the gate's own host (no
   * virtual-host reading), no credentials (it would half-check them), the x-amz-* headers decided above,
   * the body's own length and encoding (aws-chunked framing removed, as S3 stores it).
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {Admitted} admitted @param {import('./s3-body.mjs').HeldBody} body
   */
  function handOver(req, res, { url, headers, overrides }, body) {
    /** @type {import('node:http').IncomingHttpHeaders} */
    const forwarded = { ...Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HANDLED_HEADERS.includes(name))), host: `${host}:${address.port}`, 'content-length': String(body.size) };
    const encoding = (header(req, 'content-encoding') ?? '').split(',').map((token) => token.trim()).filter((token) => token !== '' && token.toLowerCase() !== 'aws-chunked');
    if (encoding.length > 0) forwarded['content-encoding'] = encoding.join(',');
    for (const [name, value] of headers) forwarded[name] = value;
    if (overrides.length > 0 && (req.method === 'GET' || req.method === 'HEAD')) {
      beforeHead(res, (status) => {
        if (status === 200 || status === 206) for (const [name, value] of overrides) res.setHeader(name, value);
      });
    }
    // s3rver reads the request as a stream with Node's request fields: the held body, replayed.
    const replay = Object.assign(body.replay(), { method: req.method, url, headers: forwarded, rawHeaders: [], httpVersion: req.httpVersion, httpVersionMajor: req.httpVersionMajor, httpVersionMinor: req.httpVersionMinor, socket: req.socket, connection: req.socket, complete: true, aborted: false, trailers: {} });
    replay.on('error', () => res.destroy());
    store(/** @type {import('node:http').IncomingMessage} */ (/** @type {unknown} */ (replay)), res);
  }

  /**
   * The operations s3rver lacks, answered here (s3-extras.mjs, s3-complete.mjs).
   * @param {import('node:http').ServerResponse} res @param {Admitted} admitted
   * @param {import('./s3-body.mjs').HeldBody} body
   */
  async function answerExtra(res, { extra, target, uploadId, prefix, deleteOne, query }, body) {
    try {
      if (extra === 'DeleteObjects') return await extras.deleteObjects(body, res, target.bucket, deleteOne);
      if (extra === 'CompleteMultipartUpload') return await complete(body, res, { ...target, uploadId: /** @type {string} */ (uploadId), location: `${url}${forwardUrl(target, [])}` });
      if (extra === 'ListMultipartUploads') return await extras.listUploads(res, target.bucket, prefix);
      if (extra === 'ListObjectsV2') return await extras.listObjectsV2(res, target.bucket, query);
      if (extra === 'ListParts') return await extras.listParts(res, target.bucket, target.key, /** @type {string} */ (uploadId));
      if (extra === 'AbortMultipartUpload') return await parts.abortWhenSettled(/** @type {string} */ (uploadId), () => extras.abort(res, target.bucket, /** @type {string} */ (uploadId)));
    } catch (error) {
      sendS3Error(res, error);
    }
  }

  /**
   * A browser POST upload (s3-post-object.mjs), when the request is one: its own checks, then stored.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @returns {Promise<boolean>} whether it was one (and has been answered)
   */
  async function answerPostUpload(req, res) {
    let target;
    try {
      const { path, query } = readTarget(req.url ?? '/');
      target = readObject(path);
      if (!isPostUpload(req.method ?? 'GET', target, query, header(req, 'content-type'))) return false;
    } catch {
      return false;
    }
    try {
      const accessKeyId = await postUpload({ keys, region, now, authorize, store: s3rver.store, directory: bodies, url }, req, res, target.bucket);
      stats.accepted[accessKeyId] = (stats.accepted[accessKeyId] ?? 0) + 1;
    } catch (error) {
      req.resume();
      const code = sendS3Error(res, error);
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    }
    return true;
  }

  /** A CORS preflight, answered from the bucket's rules (s3-cors.mjs). @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function answerOptions(req, res) {
    req.resume();
    try {
      answerPreflight(req, res, cors);
    } catch (error) {
      const code = sendS3Error(res, error);
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    }
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    stats.requests++;
    stats.methods[req.method ?? ''] = (stats.methods[req.method ?? ''] ?? 0) + 1;
    res.setHeader('date', new Date(now()).toUTCString());
    if (req.method === 'OPTIONS') return answerOptions(req, res);
    applyCors(res, req, cors);
    await hold?.(req);
    const injected = fault?.(req);
    if (injected === 'drop') return void req.socket.destroy();
    if (injected === 'error') return void (req.resume(), sendS3Error(res, s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.')));
    if (await answerPostUpload(req, res)) return;
    let admitted;
    let body;
    let checksum;
    try {
      admitted = await admit(req);
      // A part is recorded from here until answered: an abort waits for it (s3-storing-parts.mjs).
      if (req.method === 'PUT' && admitted.uploadId !== undefined) parts.admit(admitted.uploadId, res);
      // Nothing reaches s3rver before the body is what was signed and declared (s3-payload.mjs).
      checkContentLength(req.method ?? 'GET', (name) => header(req, name), admitted.payload);
      const checksums = !(admitted.extra === 'CompleteMultipartUpload');
      ({ body, checksum } = await receiveBody(req, (name) => header(req, name), admitted.payload, { directory: bodies, checksums }));
    } catch (error) {
      req.resume();
      const code = sendS3Error(res, error);
      stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
      return;
    }
    const held = body;
    res.once('close', () => void held.discard());
    stats.accepted[admitted.accessKeyId] = (stats.accepted[admitted.accessKeyId] ?? 0) + 1;
    if (admitted.extra) return answerExtra(res, admitted, body);
    // S3 answers a PutObject or UploadPart with the checksum it verified: lib-storage, with the AWS
    // SDK's default checksums, lists each part's at completion from that answer.
    if (checksum && req.method === 'PUT') echoChecksum(res, checksum);
    handOver(req, res, admitted, body);
  }

  const server = createServer((req, res) => {
    // Whatever fails in the gate itself is a 500 for this request, never the end of the process.
    handle(req, res).catch((error) => sendS3Error(res, error));
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
      await rm(bodies, { recursive: true, force: true });
    },
  };
}
