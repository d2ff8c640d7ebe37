// @ts-check
// What an S3 request points at, read once and strictly, so that the policy and s3rver decide on the
// same bucket and key: the path-style bucket and key (percent-decoded once, as S3 does), the copy
// source, the multipart parameters, x-amz-* parameters of the query string (which s3rver reads as
// headers) and response-* overrides; then the URL s3rver is given, written so that its router decodes
// it back to exactly that bucket and key. s3rver keeps objects as files under its data folder, so what
// could name another file is refused: an encoded slash in the bucket, ".", ".." and empty segments,
// backslashes and NUL, and segments too long to be a file name.
import { QUERY_AUTH } from './s3-sigv4.mjs';
import { s3Error } from './s3-errors.mjs';

/** S3's bucket naming rules: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit, no "..". */
const BUCKET = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;
/** s3rver writes `<last segment>._S3rver_metadata.json`; a file name has at most 255 bytes. */
const MAX_SEGMENT_BYTES = 255 - '._S3rver_metadata.json'.length;
const PART_NUMBER = /^(?:[1-9]\d{0,3}|10000)$/;
/** What a header value may hold (what Node accepts in a header it sends). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const RESPONSE_OVERRIDES = ['response-content-type', 'response-content-language', 'response-expires', 'response-cache-control', 'response-content-disposition', 'response-content-encoding'];

/**
 * @typedef {object} S3Object where a request points: '' key for the bucket, '' bucket for the service
 * @property {string} bucket
 * @property {string} key
 */

/**
 * The raw path (as signed) and the decoded query pairs of an origin-form request target.
 * A literal "+" is a plus, as SigV4 canonicalises it, not a space. A parameter may come once: s3rver
 * would make an array of two, and the policy would have read only the first.
 * @param {string} url
 */
export function readTarget(url) {
  if (!url.startsWith('/')) throw s3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  /** @type {[string, string][]} */
  const query = mark < 0 ? [] : [...new URLSearchParams(url.slice(mark + 1).replace(/\+/g, '%2B'))];
  const names = new Set();
  for (const [name] of query) {
    if (names.has(name)) throw s3Error(400, 'InvalidArgument', `The query parameter ${name} appears more than once.`, { ArgumentName: name });
    names.add(name);
  }
  return { path, query };
}

/**
 * The bucket and key of a path-style path, decoded once; refuses what s3rver would read otherwise.
 * @param {string} path @returns {S3Object}
 */
export function readObject(path) {
  if (path === '/') return { bucket: '', key: '' };
  const slash = path.indexOf('/', 1);
  const bucket = decode(slash < 0 ? path.slice(1) : path.slice(1, slash));
  if (!BUCKET.test(bucket)) throw s3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.');
  const key = slash < 0 ? '' : decode(path.slice(slash + 1));
  if (key !== '') checkKey(key);
  return { bucket, key };
}

/**
 * x-amz-copy-source as S3 reads it: `[/]bucket/key`, URL-encoded, decoded once. No versionId here.
 * @param {string} value @returns {S3Object}
 */
export function readCopySource(value) {
  if (value.includes('?')) throw s3Error(501, 'NotImplemented', 'A copy source with a versionId is not supported by this local S3.');
  const text = decode(value.replace(/^\//, ''));
  const slash = text.indexOf('/');
  const bucket = slash < 0 ? text : text.slice(0, slash);
  const key = slash < 0 ? '' : text.slice(slash + 1);
  if (!BUCKET.test(bucket) || key === '') throw s3Error(400, 'InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source' });
  checkKey(key);
  return { bucket, key };
}

/** @param {string} key */
export function checkKey(key) {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw s3Error(400, 'KeyTooLongError', 'Your key is too long');
  const segments = key.split('/');
  if (/[\\\0]/.test(key) || segments.some((segment, index) => segment === '.' || segment === '..' || (segment === '' && index < segments.length - 1))) {
    throw s3Error(400, 'InvalidArgument', 'Object keys with ".", ".." or empty segments, backslashes or NUL are not supported by this local S3.');
  }
  // s3rver names its files `<segment>._S3rver_<what>`: a segment with that marker could be one of them.
  if (segments.some((segment) => segment.includes('._S3rver_'))) throw s3Error(400, 'InvalidArgument', 'Object keys containing "._S3rver_" are not supported by this local S3 (its own file names).');
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) {
    throw s3Error(400, 'InvalidArgument', `Object key segments over ${MAX_SEGMENT_BYTES} bytes are not supported by this local S3 (each is a file name).`);
  }
}

/** @param {string} text */
function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    throw s3Error(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
}

/**
 * A part number is 1 to 10000; an upload id is what s3rver makes (32 hex digits). Either names a
 * file in s3rver's folder: nothing else gets through. An UploadPart (a PUT with an upload id) names its
 * part (s3rver answered 500 without one).
 * @param {string} method @param {[string, string][]} query
 */
export function checkMultipart(method, query) {
  const names = query.map(([name]) => name);
  if (method === 'PUT' && names.includes('uploadId') && !names.includes('partNumber')) throw s3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber' });
  for (const [name, value] of query) {
    if (name === 'partNumber' && !PART_NUMBER.test(value)) throw s3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber' });
    if (name === 'uploadId' && !/^[0-9a-f]{32}$/.test(value)) throw noSuchUpload();
  }
}

export const noSuchUpload = () => s3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');

/**
 * x-amz-* parameters of the query string, which s3rver (like a presigned URL for S3) takes as headers,
 * over the headers sent; the presigned URL's own parameters excepted. Each may appear once. User
 * metadata (x-amz-meta-*) comes as its UTF-8 bytes, as in a header.
 * @param {[string, string][]} query @returns {Map<string, string>}
 */
export function amzQueryHeaders(query) {
  const headers = new Map();
  for (const [name, text] of query) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-') || QUERY_AUTH.includes(name)) continue;
    if (headers.has(lower)) throw s3Error(400, 'InvalidArgument', `The query parameter ${lower} appears more than once.`);
    // Metadata is kept as a header would bring it: its UTF-8 bytes, one char each (Node reads headers as
    // latin1), so that '€' is the 3 bytes S3 counts against the 2 KB (s3-object-headers.mjs) and stores.
    const value = lower.startsWith('x-amz-meta-') ? Buffer.from(text, 'utf8').toString('latin1') : text;
    if (!HEADER_VALUE.test(value)) throw s3Error(400, 'InvalidArgument', `The query parameter ${lower} has a character a header cannot hold.`, { ArgumentName: lower });
    headers.set(lower, value);
  }
  return headers;
}

/**
 * response-* overrides of a GET, as [header, value] pairs; an unknown one is refused, as S3 does.
 * @param {[string, string][]} query @returns {[string, string][]}
 */
export function responseOverrides(query) {
  return query
    .filter(([name]) => name.startsWith('response-'))
    .map(([name, value]) => {
      if (!RESPONSE_OVERRIDES.includes(name)) throw s3Error(400, 'InvalidArgument', `${name} is not in the set of overridable response headers.`, { ArgumentName: name });
      if (!HEADER_VALUE.test(value)) throw s3Error(400, 'InvalidArgument', `${name} has a character a header cannot hold.`, { ArgumentName: name });
      return [name.slice('response-'.length), value];
    });
}

/**
 * The URL for s3rver: each segment encoded (its router decodes each parameter once), and the query
 * without what the gate has taken over (auth parameters, x-amz-* as headers, response-* overrides).
 * @param {S3Object} object @param {[string, string][]} query
 */
export function forwardUrl({ bucket, key }, query) {
  const segments = bucket === '' ? [''] : [bucket, ...(key === '' ? [] : key.split('/'))];
  const kept = query.filter(([name]) => !name.toLowerCase().startsWith('x-amz-') && !name.startsWith('response-'));
  const search = kept.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  const path = `/${segments.map(encodeURIComponent).join('/')}`;
  return search === '' ? path : `${path}?${search}`;
}

/** The x-amz-copy-source value that s3rver (decodeURI, split at the first "/") reads as exactly this. */
export const copySourceFor = (/** @type {S3Object} */ { bucket, key }) => encodeURI(`${bucket}/${key}`);
