// @ts-check
// S3's POST Object, a browser form upload, for the S3 gate: the form read (s3-post-form.mjs), its SigV4
// policy signature, key and session token verified (s3-sigv4.mjs), the policy judged (s3-post-policy.mjs),
// the key read as the gate reads keys, ACL and tagging fields as on a PUT (s3-object-headers.mjs), then the
// IAM policy asked about s3:PutObject on the key (a POST is a PutObject to IAM). Only then is the file
// stored, through s3rver's store, and answered as S3 answers: 204, or 200 / 201 (an XML PostResponse)
// with success_action_status, or a 303 to success_action_redirect; ETag and Location either way.
import S3Object from 's3rver/lib/models/object.js';
import { s3Error } from './s3-errors.mjs';
import { checkMetadataSize, isObjectWrite, objectWriteHeaders } from './s3-object-headers.mjs';
import { readPostForm } from './s3-post-form.mjs';
import { checkPostPolicy } from './s3-post-policy.mjs';
import { verifyPostSignature } from './s3-sigv4.mjs';
import { checkKey, forwardUrl } from './s3-target.mjs';
import { xml } from './s3-xml.mjs';

/** Fields stored with the object, as a PUT's headers would be. */
const STORED = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];

/**
 * @typedef {object} PostContext what the gate lends the POST upload
 * @property {Map<string, import('./s3-gate.mjs').IssuedKey>} keys
 * @property {string} region
 * @property {() => number} now
 * @property {(request: import('./s3-gate.mjs').S3Request) => boolean} authorize
 * @property {import('s3rver').S3rverStore} store
 * @property {string} directory where large files are held until they are allowed
 * @property {string} url the gate's own URL (for Location)
 */

/**
 * Whether a request is a POST upload: a POST to a bucket, no key, no query, a form body.
 * @param {string} method @param {import('./s3-target.mjs').S3Object} target @param {[string, string][]} query
 * @param {string | undefined} contentType
 */
export function isPostUpload(method, target, query, contentType) {
  return method === 'POST' && target.bucket !== '' && target.key === '' && query.length === 0 && /^multipart\/form-data\b/i.test(contentType ?? '');
}

/**
 * Receives, verifies, stores and answers one POST upload; resolves to the access key that made it.
 * @param {PostContext} context @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res @param {string} bucket
 * @returns {Promise<string>} @throws {import('./s3-errors.mjs').S3Error}
 */
export async function postUpload(context, req, res, bucket) {
  // Nothing in a form is signed but the policy: an x-amz-* header would be a header no one signed.
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith('x-amz-'));
  if (unsigned.length > 0) throw s3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  const form = await readPostForm(req, { directory: context.directory });
  try {
    const field = (/** @type {string} */ name) => form.fields.get(name)?.value;
    const { accessKeyId, key } = await verified(context, field, { bucket, size: form.file.size, fields: form.fields, filename: form.filename });
    const { md5 } = await context.store.putObject(new S3Object(bucket, key, form.file.replay(), storedFields(form.fields)));
    answer(res, { bucket, key, etag: `"${md5}"`, location: `${context.url}${forwardUrl({ bucket, key }, [])}`, status: field('success_action_status'), redirect: field('success_action_redirect') ?? field('redirect') });
    return accessKeyId;
  } finally {
    await form.file.discard();
  }
}

/**
 * Everything S3 checks before it stores a POST upload, in its order; answers who sent it and the key.
 * @param {PostContext} context @param {(name: string) => string | undefined} field
 * @param {{ bucket: string, size: number, fields: Map<string, { name: string, value: string }>, filename: string }} form
 */
async function verified({ keys, region, now, authorize }, field, { bucket, size, fields, filename }) {
  const submitted = field('key');
  if (submitted === undefined) throw s3Error(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", { ArgumentName: 'key' });
  if (field('awsaccesskeyid') !== undefined || (field('signature') !== undefined && field('x-amz-signature') === undefined)) throw s3Error(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  const policy = field('policy');
  if (policy === undefined) throw s3Error(403, 'AccessDenied', 'Anonymous access is not allowed.');
  const signature = { algorithm: field('x-amz-algorithm'), credential: field('x-amz-credential'), date: field('x-amz-date'), signature: field('x-amz-signature'), token: field('x-amz-security-token'), policy };
  const { accessKeyId, issued } = await verifyPostSignature(signature, { keys, now: now(), region });
  checkPostPolicy(policy, { bucket, fields, size, now: now() });
  const key = submitted.replaceAll('${filename}', filename);
  if (key === '') throw s3Error(400, 'InvalidArgument', 'User key must have a length greater than 0.', { ArgumentName: 'key' });
  checkKey(key);
  const checksum = [...fields.keys()].find((name) => name.startsWith('x-amz-checksum-') || name === 'content-md5');
  if (checksum !== undefined) throw s3Error(501, 'NotImplemented', `This local S3 does not check ${checksum} on POST uploads.`);
  const target = { bucket, key };
  const { tags } = objectWriteHeaders((name) => field(name === 'x-amz-acl' ? 'acl' : name === 'x-amz-tagging' ? 'tagging' : name));
  checkMetadataSize([...fields].map(([name, { value }]) => [name, value]), 'utf8');
  const allowed = (/** @type {[string, string][]} */ query) => authorize({ method: 'PUT', bucket, key, query: new URLSearchParams(query), accessKeyId, issued });
  if (!isObjectWrite('PUT', target, new URLSearchParams()) || !allowed([]) || (tags && !allowed([['tagging', '']]))) throw s3Error(403, 'AccessDenied', 'Access Denied');
  return { accessKeyId, key };
}

/** The object's stored headers and user metadata, from the form. @param {Map<string, { value: string }>} fields */
function storedFields(fields) {
  return Object.fromEntries([...fields].filter(([name]) => STORED.includes(name) || name.startsWith('x-amz-meta-')).map(([name, { value }]) => [name, value]));
}

/**
 * S3's answer to a stored POST upload.
 * @param {import('node:http').ServerResponse} res
 * @param {{ bucket: string, key: string, etag: string, location: string, status: string | undefined, redirect: string | undefined }} stored
 */
function answer(res, { bucket, key, etag, location, status, redirect }) {
  const target = redirect === undefined || !URL.canParse(redirect) ? undefined : new URL(redirect);
  if (target !== undefined) {
    for (const [name, value] of /** @type {[string, string][]} */ ([['bucket', bucket], ['key', key], ['etag', etag]])) target.searchParams.append(name, value);
    return void res.writeHead(303, { location: target.href, etag, 'content-length': '0' }).end();
  }
  if (status === '201') {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${xml(location)}</Location><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><ETag>${xml(etag)}</ETag></PostResponse>`;
    return void res.writeHead(201, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), etag, location }).end(body);
  }
  res.writeHead(status === '200' ? 200 : 204, { etag, location, ...(status === '200' ? { 'content-length': '0' } : {}) }).end();
}
