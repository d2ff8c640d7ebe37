// @ts-check
// The S3 operations the gate answers itself, because s3rver 3.7.1 lacks them (ListParts,
// AbortMultipartUpload, ListMultipartUploads), fails them (ListObjectsV2 past 1,000 keys: its
// continuation tokens use DES, which Node's OpenSSL 3 no longer offers, so it answers 500), or does them
// without the checks S3 makes (DeleteObjects: s3rver deletes whatever keys the body names; S3 asks
// s3:DeleteObject for each one; CompleteMultipartUpload: s3-complete.mjs). They read and write s3rver's
// own folder (s3rver-uploads.mjs).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { s3Error } from './s3-errors.mjs';
import { readObject } from './s3-target.mjs';
import { partsOf, uploadFolder } from './s3rver-uploads.mjs';
import { sendXml, unxml, xml } from './s3-xml.mjs';

const MAX_DELETE_BODY = 1024 * 1024;
const MAX_DELETE_KEYS = 1000;

/**
 * DeleteObjects must carry a digest of its body (API Reference, DeleteObjects: "The Content-MD5 or
 * x-amz-sdk-checksum-algorithm header is required for all Multi-Object Delete requests"): Content-MD5,
 * an x-amz-checksum-* header or a trailing checksum (x-amz-trailer). The digest itself is checked as the
 * body arrives (s3-payload.mjs).
 * @param {string[]} headerNames the request's header names, lower-case
 * @throws {import('./s3-errors.mjs').S3Error} 400 InvalidRequest
 */
export function checkDeleteDigest(headerNames) {
  if (headerNames.some((name) => name === 'content-md5' || name === 'x-amz-trailer' || (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type'))) return;
  throw s3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5');
}

/**
 * Which operation of this file a request is, if any.
 * @param {string} method @param {{ bucket: string, key: string }} target @param {URLSearchParams} query
 * @returns {'ListParts' | 'AbortMultipartUpload' | 'CompleteMultipartUpload' | 'ListMultipartUploads' | 'ListObjectsV2' | 'DeleteObjects' | undefined}
 */
export function extraOperation(method, { bucket, key }, query) {
  if (bucket === '') return undefined;
  if (key !== '' && query.has('uploadId')) return ({ GET: /** @type {const} */ ('ListParts'), DELETE: /** @type {const} */ ('AbortMultipartUpload'), POST: /** @type {const} */ ('CompleteMultipartUpload') })[method];
  if (key === '' && method === 'GET' && query.has('uploads')) return 'ListMultipartUploads';
  if (key === '' && method === 'GET' && query.get('list-type') === '2') return 'ListObjectsV2';
  if (key === '' && method === 'POST' && query.has('delete')) return 'DeleteObjects';
  return undefined;
}

/** A continuation token: the last key listed, opaque to the client (S3's are opaque too). */
const tokenFor = (/** @type {string} */ key) => Buffer.from(`v1\n${key}`).toString('base64');
function keyOfToken(/** @type {string} */ token) {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith('v1\n') || tokenFor(text.slice(3)) !== token) throw s3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  return text.slice(3);
}

/**
 * @param {{ directory: string, store: import('s3rver').S3rverStore }} s3rver
 */
export function extraOperations({ directory, store }) {
  const uploadsDir = (/** @type {string} */ bucket) => join(directory, bucket, '._S3rver_uploads');

  /** ListParts (all parts in one page: the sandbox's uploads are far below 1,000 parts). */
  async function listParts(/** @type {import('node:http').ServerResponse} */ res, /** @type {string} */ bucket, /** @type {string} */ key, /** @type {string} */ uploadId) {
    const parts = await partsOf(directory, bucket, uploadId);
    const items = parts.map((part) => `<Part><PartNumber>${part.number}</PartNumber><LastModified>${part.modified}</LastModified><ETag>${xml(part.etag)}</ETag><Size>${part.size}</Size></Part>`).join('');
    sendXml(res, 200, `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId><StorageClass>STANDARD</StorageClass><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${parts.at(-1)?.number ?? 0}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${items}</ListPartsResult>`);
  }

  /** AbortMultipartUpload: the upload and its parts are gone. */
  async function abort(/** @type {import('node:http').ServerResponse} */ res, /** @type {string} */ bucket, /** @type {string} */ uploadId) {
    await rm(uploadFolder(directory, bucket, uploadId), { recursive: true, force: true });
    res.writeHead(204).end();
  }

  /** ListMultipartUploads under `prefix` (one page). */
  async function listUploads(/** @type {import('node:http').ServerResponse} */ res, /** @type {string} */ bucket, /** @type {string} */ prefix) {
    const ids = await readdir(uploadsDir(bucket)).catch(() => /** @type {string[]} */ ([]));
    const uploads = [];
    for (const id of ids.filter((name) => /^[0-9a-f]{32}$/.test(name))) {
      const key = await readFile(join(uploadsDir(bucket), id, 'key'), 'utf8').catch(() => undefined);
      if (key !== undefined && key.startsWith(prefix)) uploads.push({ id, key });
    }
    uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const items = uploads.map((upload) => `<Upload><Key>${xml(upload.key)}</Key><UploadId>${upload.id}</UploadId><StorageClass>STANDARD</StorageClass></Upload>`).join('');
    sendXml(res, 200, `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`);
  }

  /**
   * DeleteObjects: s3:DeleteObject asked for each key the body names (`allowed`; the body was checked
   * against its signature and digests when it arrived); each key is deleted, refused (AccessDenied) or
   * refused as a name s3rver cannot hold.
   * @param {import('./s3-body.mjs').HeldBody} body @param {import('node:http').ServerResponse} res
   * @param {string} bucket @param {(key: string) => boolean} allowed
   */
  async function deleteObjects(body, res, bucket, allowed) {
    const text = await body.text(MAX_DELETE_BODY);
    if (text === undefined) throw s3Error(400, 'MaxMessageLengthExceeded', 'Your request was too big.');
    const keys = [...text.matchAll(/<Object>\s*<Key>([^<]*)<\/Key>/g)].map((match) => unxml(match[1] ?? ''));
    if (!/<Delete[\s>]/.test(text) || keys.length === 0 || keys.length > MAX_DELETE_KEYS || keys.includes(undefined)) throw s3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(text);
    const results = [];
    for (const key of /** @type {string[]} */ (keys)) results.push(await deleteOne(bucket, key, allowed));
    const items = results.filter((result) => !(quiet && result.ok)).map(({ key, ok, code }) => (ok ? `<Deleted><Key>${xml(key)}</Key></Deleted>` : `<Error><Key>${xml(key)}</Key><Code>${code}</Code><Message>${code === 'AccessDenied' ? 'Access Denied' : 'Invalid key'}</Message></Error>`)).join('');
    sendXml(res, 200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</DeleteResult>`);
  }

  /** @param {string} bucket @param {string} key @param {(key: string) => boolean} allowed */
  async function deleteOne(bucket, key, allowed) {
    try {
      readObject(`/${bucket}/${encodeURIComponent(key)}`);
    } catch {
      return { key, ok: false, code: 'InvalidArgument' };
    }
    if (!allowed(key)) return { key, ok: false, code: 'AccessDenied' };
    if (await store.existsObject(bucket, key)) await store.deleteObject(bucket, key);
    return { key, ok: true, code: '' };
  }

  /**
   * ListObjectsV2 over s3rver's store, with continuation tokens of its own (see tokenFor).
   * @param {import('node:http').ServerResponse} res @param {string} bucket @param {URLSearchParams} query
   */
  async function listObjectsV2(res, bucket, query) {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') || undefined;
    const maxText = query.get('max-keys') ?? '1000';
    if (!/^\d{1,10}$/.test(maxText)) throw s3Error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys' });
    const maxKeys = Math.min(1000, Number(maxText));
    const token = query.get('continuation-token');
    const startAfter = token !== null ? keyOfToken(token) : (query.get('start-after') ?? undefined);
    const result = maxKeys === 0 ? { objects: [], commonPrefixes: [], isTruncated: false } : await store.listObjects(bucket, { prefix, delimiter, startAfter, maxKeys });
    const last = result.objects.at(-1)?.key;
    const contents = result.objects.map((object) => `<Contents><Key>${xml(object.key)}</Key><LastModified>${object.lastModifiedDate.toISOString()}</LastModified><ETag>${xml(object.metadata['etag'] ?? '')}</ETag><Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
    const prefixes = result.commonPrefixes.map((common) => `<CommonPrefixes><Prefix>${xml(common)}</Prefix></CommonPrefixes>`).join('');
    const paging = (token !== null ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '') + (result.isTruncated && last !== undefined ? `<NextContinuationToken>${tokenFor(last)}</NextContinuationToken>` : '');
    sendXml(res, 200, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix>${delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ''}<KeyCount>${result.objects.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${result.isTruncated}</IsTruncated>${paging}${contents}${prefixes}</ListBucketResult>`);
  }

  return { listParts, abort, listUploads, listObjectsV2, deleteObjects };
}
