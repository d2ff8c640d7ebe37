// @ts-check
// What the headers of an object write (PutObject, CopyObject, CreateMultipartUpload) ask of S3 beyond
// the write itself: `x-amz-tagging` tags the new object, which S3 allows only with s3:PutObjectTagging
// too; ACL headers (`x-amz-acl`, `x-amz-grant-*`) are refused on a bucket whose ACLs are off (Object
// Ownership "bucket owner enforced", S3's default for new buckets and what deploy/*.yaml configure),
// except the one ACL such a bucket accepts, `bucket-owner-full-control` (S3 User Guide, Object Ownership
// "Troubleshooting": "All S3 PUT requests must either specify the bucket-owner-full-control canned ACL
// or not specify an ACL"). User-defined metadata (`x-amz-meta-*`) is at most 2 KB, the bytes of each
// key and value in UTF-8 (S3 User Guide, "Working with object metadata": "the user-defined metadata is
// limited to 2 KB in size"), or 400 MetadataTooLarge.
import { s3Error } from './s3-errors.mjs';

/** S3: user-defined metadata takes 2 KB at most. */
const MAX_METADATA_BYTES = 2048;
const GRANTS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/**
 * Whether a request writes an object whose headers may carry tags and ACLs.
 * @param {string} method @param {{ key: string }} target @param {URLSearchParams} query
 */
export function isObjectWrite(method, { key }, query) {
  if (key === '') return false;
  if (method === 'POST') return query.has('uploads') && !query.has('uploadId');
  // PutObject and CopyObject: a PUT with no subresource (an UploadPart has uploadId and partNumber).
  return method === 'PUT' && ![...query.keys()].some((name) => !name.toLowerCase().startsWith('x-amz-') && name !== 'x-id');
}

/**
 * Checks an object write's ACL headers and says whether it also tags the object.
 * @param {(name: string) => string | undefined} header the request's x-amz-* headers (the query's included)
 * @returns {{ tags: boolean }} tags: s3:PutObjectTagging is needed too
 * @throws {import('./s3-errors.mjs').S3Error} 400 AccessControlListNotSupported
 */
export function objectWriteHeaders(header) {
  const acl = header('x-amz-acl');
  if ((acl !== undefined && acl.trim() !== 'bucket-owner-full-control') || GRANTS.some((name) => header(name) !== undefined)) {
    throw s3Error(400, 'AccessControlListNotSupported', 'The bucket does not allow ACLs');
  }
  return { tags: header('x-amz-tagging') !== undefined };
}

/**
 * Refuses user-defined metadata over 2 KB: the UTF-8 bytes of each key (after `x-amz-meta-`) and value.
 * The prefix is not counted (S3 counts "each key and value"), so nothing S3 takes is refused.
 * @param {[string, string][]} fields the write's headers or form fields, lower-case names
 * @param {'latin1' | 'utf8'} encoding how the values hold their bytes: Node reads headers as latin1 (each
 *   char a byte, so UTF-8 sent is counted as sent), a form's fields are decoded text
 * @throws {import('./s3-errors.mjs').S3Error} 400 MetadataTooLarge
 */
export function checkMetadataSize(fields, encoding) {
  const size = fields.filter(([name]) => name.startsWith('x-amz-meta-')).reduce((sum, [name, value]) => sum + Buffer.byteLength(name.slice('x-amz-meta-'.length), encoding) + Buffer.byteLength(value, encoding), 0);
  if (size > MAX_METADATA_BYTES) throw s3Error(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', { Size: String(size), MaxSizeAllowed: String(MAX_METADATA_BYTES) });
}
