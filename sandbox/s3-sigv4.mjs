// @ts-check
// SigV4 as S3 checks it, for the S3 gate: one auth mechanism (the Authorization header, or a presigned
// URL's X-Amz-* query parameters); the credential scope (service s3, the configured region, the day of
// the request); the request time (15 minutes of skew either way; a presigned URL's X-Amz-Expires); the
// session token issued with the key; and the signature, recomputed with @smithy/signature-v4 over the
// request as received and compared in constant time. Errors are S3's codes and messages.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { s3Error } from './s3-errors.mjs';
import { Sha256 } from './sha256.mjs';

/** How far a request's time may be from the server's: S3's 15 minutes. */
export const MAX_SKEW_MS = 15 * 60_000;
const MAX_EXPIRES_SEC = 604_800;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const CREDENTIAL = /^([A-Z0-9]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;
/** A presigned URL's own parameters: the signature itself, and what the signer adds to what it signs. */
export const QUERY_AUTH = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];

/**
 * @typedef {object} Received a request as it arrived, which is what its signature covers
 * @property {string} method
 * @property {string} path the path as received, still percent-encoded (S3 signs it so)
 * @property {[string, string][]} query the query string's pairs, decoded, in order
 * @property {(name: string) => string | undefined} header a header's value by lower-case name
 * @property {string[]} headerNames the lower-case names of the headers sent
 */

/**
 * @typedef {object} Verifier
 * @property {Map<string, import('./s3-gate.mjs').IssuedKey>} keys
 * @property {number} now the server's clock, in milliseconds
 * @property {string} region the only region the credential scope may name
 * @property {number} [maxSkewMs] how far a request's time may be from `now` (default: MAX_SKEW_MS)
 */

/**
 * Verifies the request's signature; resolves to the access key, what it was issued with, and what the
 * signature says of the body (checked as it arrives: s3-payload.mjs).
 * @param {Received} request @param {Verifier} verifier
 * @returns {Promise<{ accessKeyId: string, issued: import('./s3-gate.mjs').IssuedKey, payload: import('./s3-payload.mjs').SignedPayload }>}
 * @throws {import('./s3-errors.mjs').S3Error}
 */
export function verifySigV4(request, verifier) {
  return authMechanism(request) === 'header' ? verifyHeader(request, verifier) : verifyQuery(request, verifier);
}

/** @param {Received} request @returns {'header' | 'query'} */
function authMechanism(request) {
  const names = new Set(request.query.map(([name]) => name));
  const authorization = request.header('authorization');
  const [header, query, v2] = [authorization !== undefined, names.has('X-Amz-Algorithm'), names.has('Signature') || names.has('AWSAccessKeyId')];
  if (Number(header) + Number(query) + Number(v2) > 1) {
    throw s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified', { ArgumentName: 'Authorization' });
  }
  if (v2 || /^AWS /.test(authorization ?? '')) throw s3Error(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  if (header) return 'header';
  if (query) return 'query';
  throw s3Error(403, 'AccessDenied', 'Anonymous access is not allowed.');
}

/** @param {Received} request @param {Verifier} verifier */
async function verifyHeader(request, { keys, now, region, maxSkewMs = MAX_SKEW_MS }) {
  const { accessKeyId, day, signedHeaders, signature } = readAuthorization(request.header('authorization') ?? '', region);
  const issued = knownKey(keys, accessKeyId);
  const amzDate = request.header('x-amz-date') ?? '';
  const date = parseAmzDate(amzDate);
  if (date === undefined) throw s3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (day !== amzDate.slice(0, 8)) throw s3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.');
  if (Math.abs(date.getTime() - now) > maxSkewMs) {
    throw s3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', { RequestTime: amzDate, ServerTime: isoSeconds(now), MaxAllowedSkewMilliseconds: String(maxSkewMs) });
  }
  const token = request.header('x-amz-security-token');
  if (!signedHeaders.includes('x-amz-security-token')) throw invalidToken();
  checkIssued(issued, token, now);
  checkAmzHeadersSigned(request, signedHeaders);
  const hash = request.header('x-amz-content-sha256');
  if (hash === undefined) throw s3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const signer = signerFor({ accessKeyId, secretAccessKey: issued.secretAccessKey }, region);
  const signed = await signer.sign(requestToSign(request, request.query, signedValues(request, signedHeaders)), { signingDate: date, signableHeaders: new Set(signedHeaders) });
  compareSignature(signature, /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1]);
  const signing = { key: signingKey(issued.secretAccessKey, day, region), date: amzDate, scope: `${day}/${region}/s3/aws4_request`, seed: signature };
  return { accessKeyId, issued, payload: { hash, signing } };
}

/**
 * @typedef {object} PostSignature what a browser POST upload's form says of its signature (s3-post-object.mjs)
 * @property {string | undefined} algorithm x-amz-algorithm
 * @property {string | undefined} credential x-amz-credential
 * @property {string | undefined} date x-amz-date
 * @property {string | undefined} signature x-amz-signature
 * @property {string | undefined} token x-amz-security-token
 * @property {string} policy the policy as sent (base64): what is signed
 */

/**
 * Verifies a SigV4 POST policy signature as S3 does: AWS4-HMAC-SHA256 only, the credential scope (s3,
 * the region, the day of x-amz-date), the key and the session token issued with it, and the hex HMAC of
 * the base64 policy with the signing key, computed by @smithy/signature-v4 (its string signer). The
 * request's time is not checked: a POST has the policy's expiration instead.
 * @param {PostSignature} form @param {Verifier} verifier
 * @returns {Promise<{ accessKeyId: string, issued: import('./s3-gate.mjs').IssuedKey }>}
 * @throws {import('./s3-errors.mjs').S3Error}
 */
export async function verifyPostSignature(form, { keys, now, region }) {
  const formError = (/** @type {string} */ message) => s3Error(400, 'InvalidArgument', message);
  if (form.algorithm !== 'AWS4-HMAC-SHA256') throw formError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  if ([form.credential, form.date, form.signature].some((value) => value === undefined)) {
    throw formError('Bucket POST with AWS4-HMAC-SHA256 must contain the fields X-Amz-Credential, X-Amz-Date and X-Amz-Signature.');
  }
  const scope = CREDENTIAL.exec(form.credential ?? '');
  if (!scope) throw formError('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  const [, accessKeyId = '', day = '', scopeRegion = '', service = ''] = scope;
  const problem = scopeProblem({ day, region: scopeRegion, service }, region);
  if (problem) throw s3Error(400, 'InvalidArgument', `Error parsing the X-Amz-Credential parameter; ${problem.text}`, problem.fields);
  const date = parseAmzDate(form.date ?? '');
  if (date === undefined) throw formError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (day !== form.date?.slice(0, 8)) throw formError('Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.');
  const issued = knownKey(keys, accessKeyId);
  checkIssued(issued, form.token, now);
  const expected = await signerFor({ accessKeyId, secretAccessKey: issued.secretAccessKey }, region).sign(form.policy, { signingDate: date, signingRegion: region, signingService: 's3' });
  compareSignature(form.signature ?? '', expected);
  return { accessKeyId, issued };
}

/**
 * SigV4's signing key, for the signatures of aws-chunked bodies (s3-chunked.mjs).
 * @param {string} secret @param {string} day `YYYYMMDD` @param {string} region
 */
export function signingKey(secret, day, region) {
  return [day, region, 's3', 'aws4_request'].reduce((key, part) => createHmac('sha256', key).update(part).digest(), Buffer.from(`AWS4${secret}`));
}

/**
 * The Authorization header's parts, its scope checked (AuthorizationHeaderMalformed).
 * @param {string} value @param {string} region
 */
function readAuthorization(value, region) {
  const match = AUTHORIZATION.exec(value);
  const scope = CREDENTIAL.exec(match?.[1] ?? '');
  if (!match || !scope) throw s3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const [, , signedHeaderList = '', signature = ''] = match;
  const [, accessKeyId = '', day = '', scopeRegion = '', service = ''] = scope;
  const problem = scopeProblem({ day, region: scopeRegion, service }, region);
  if (problem) throw s3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${problem.text}`, problem.fields);
  return { accessKeyId, day, signedHeaders: signedHeaderList.split(';'), signature };
}

/** @param {Received} request @param {Verifier} verifier */
async function verifyQuery(request, { keys, now, region, maxSkewMs = MAX_SKEW_MS }) {
  const { accessKeyId, date, expires, signedHeaders, signature, token } = readPresigned(request.query, region);
  const issued = knownKey(keys, accessKeyId);
  if (date.getTime() - now > maxSkewMs) throw s3Error(403, 'AccessDenied', 'Request is not valid yet');
  if (now > date.getTime() + expires * 1000) {
    throw s3Error(403, 'AccessDenied', 'Request has expired', { 'X-Amz-Expires': String(expires), Expires: isoSeconds(date.getTime() + expires * 1000), ServerTime: isoSeconds(now) });
  }
  checkIssued(issued, token, now);
  checkAmzHeadersSigned(request, signedHeaders);
  const signer = signerFor({ accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken }, region);
  // The presigner signs the payload as UNSIGNED-PAYLOAD; it stays out of the signed headers unless the URL signed it.
  const headers = { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...signedValues(request, signedHeaders) };
  const query = request.query.filter(([name]) => !QUERY_AUTH.includes(name));
  const presigned = await signer.presign(requestToSign(request, query, headers), {
    signingDate: date,
    expiresIn: expires,
    signableHeaders: new Set(signedHeaders),
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    unhoistableHeaders: new Set(Object.keys(headers)),
  });
  compareSignature(signature, String(presigned.query?.['X-Amz-Signature'] ?? ''));
  // A presigned URL signs no body, unless it signed an x-amz-content-sha256 (unsigned ones are refused above).
  return { accessKeyId, issued, payload: { hash: request.header('x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD' } };
}

/**
 * A presigned URL's X-Amz-* parameters, checked for form and scope (AuthorizationQueryParametersError).
 * @param {[string, string][]} query @param {string} region
 */
function readPresigned(query, region) {
  const params = queryAuthParams(query);
  const get = (/** @type {string} */ name) => params.get(name) ?? '';
  const parameterError = (/** @type {string} */ message, fields = {}) => s3Error(400, 'AuthorizationQueryParametersError', message, fields);
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw parameterError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  if (['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'].some((name) => get(name) === '')) {
    throw parameterError('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  const scope = CREDENTIAL.exec(get('X-Amz-Credential'));
  if (!scope) throw parameterError('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  const [, accessKeyId = '', day = '', scopeRegion = '', service = ''] = scope;
  const problem = scopeProblem({ day, region: scopeRegion, service }, region);
  if (problem) throw parameterError(`Error parsing the X-Amz-Credential parameter; ${problem.text}`, problem.fields);
  const date = parseAmzDate(get('X-Amz-Date'));
  if (date === undefined) throw parameterError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (day !== get('X-Amz-Date').slice(0, 8)) throw parameterError('Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.');
  const expires = /^\d{1,7}$/.test(get('X-Amz-Expires')) ? Number(get('X-Amz-Expires')) : Number.NaN;
  if (!(expires >= 1 && expires <= MAX_EXPIRES_SEC)) throw parameterError('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  const signedHeaders = get('X-Amz-SignedHeaders').split(';');
  if (!signedHeaders.every((name) => /^[a-z0-9-]+$/.test(name))) throw parameterError('X-Amz-SignedHeaders is malformed.');
  return { accessKeyId, date, expires, signedHeaders, signature: get('X-Amz-Signature'), token: params.get('X-Amz-Security-Token') };
}

/** @param {Verifier['keys']} keys @param {string} accessKeyId */
function knownKey(keys, accessKeyId) {
  const issued = keys.get(accessKeyId);
  if (!issued) throw s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  return issued;
}

/**
 * The presigned URL's auth parameters by name; each may appear once.
 * @param {[string, string][]} query
 */
function queryAuthParams(query) {
  /** @type {Map<string, string>} */
  const params = new Map();
  for (const [name, value] of query) {
    if (!QUERY_AUTH.includes(name)) continue;
    if (params.has(name)) throw s3Error(400, 'AuthorizationQueryParametersError', `${name} appears more than once.`);
    params.set(name, value);
  }
  return params;
}

/**
 * What is wrong with a credential scope, in S3's words (and S3's extra fields), or undefined.
 * @param {{ day: string, region: string, service: string }} scope @param {string} region
 * @returns {{ text: string, fields?: Record<string, string> } | undefined}
 */
function scopeProblem(scope, region) {
  if (scope.region !== region) return { text: `the region '${scope.region}' is wrong; expecting '${region}'`, fields: { Region: region } };
  if (scope.service !== 's3') return { text: `incorrect service "${scope.service}". This endpoint belongs to "s3".` };
  return parseAmzDate(`${scope.day}T000000Z`) === undefined ? { text: 'Invalid credential date.' } : undefined;
}

/**
 * The token sent must be the one issued with the key, and the key must not have expired.
 * @param {import('./s3-gate.mjs').IssuedKey} issued @param {string | undefined} token @param {number} now
 */
function checkIssued(issued, token, now) {
  if (token === undefined || !sameText(token, issued.sessionToken)) throw invalidToken();
  if (now >= issued.expiresAt) throw s3Error(400, 'ExpiredToken', 'The provided token has expired.');
}

/**
 * Every x-amz-* header sent, and `host`, must be one the signature covers, with the Authorization header
 * and with a presigned URL alike: what is not signed could have been added by anyone who saw the request
 * or holds the URL (an x-amz-copy-source on a presigned PUT would copy the signer's files; an unsigned
 * host, a request replayed to another bucket's endpoint). S3 names an unsigned host as it names the rest.
 * @param {Received} request @param {string[]} signedHeaders
 */
function checkAmzHeadersSigned(request, signedHeaders) {
  const unsigned = request.headerNames.filter((name) => (name === 'host' || name.startsWith('x-amz-')) && !signedHeaders.includes(name));
  if (unsigned.length > 0) throw s3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
}

const invalidToken = () => s3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');

/** @param {string} sent @param {string | undefined} expected */
function compareSignature(sent, expected) {
  if (expected === undefined || !sameText(sent, expected)) {
    throw s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

/** @param {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string }} credentials @param {string} region */
function signerFor(credentials, region) {
  return new SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
}

/**
 * The request for the signer: the raw path (uriEscapePath is off) and only the given headers.
 * @param {Received} request @param {[string, string][]} query @param {Record<string, string>} headers
 * @returns {import('@smithy/types').HttpRequest}
 */
function requestToSign(request, query, headers) {
  /** @type {Record<string, string | string[]>} */
  const object = {};
  for (const [name, value] of query) {
    const previous = object[name];
    object[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return { method: request.method, protocol: 'http:', hostname: headers['host'] ?? '', path: request.path, query: object, headers };
}

/** @param {Received} request @param {string[]} names */
function signedValues(request, names) {
  return Object.fromEntries(names.map((name) => [name, request.header(name) ?? '']));
}

/** `20261129T120000Z` -> Date, or undefined when it is not a real time in that format. */
export function parseAmzDate(/** @type {string} */ text) {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${match[1]}-${match[2]}-${match[3]}` ? undefined : date;
}

/** `2026-11-29T12:00:00Z`, as S3 writes ServerTime. */
const isoSeconds = (/** @type {number} */ ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Constant-time comparison of two strings. */
function sameText(/** @type {string} */ a, /** @type {string} */ b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
