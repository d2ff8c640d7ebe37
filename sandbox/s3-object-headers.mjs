// @ts-check
// What the headers of an object write (PutObject, CopyObject, CreateMultipartUpload) ask of S3 beyond
// the write itself: `x-amz-tagging` tags the new object, which S3 allows only with s3:PutObjectTagging
// too; ACL headers (`x-amz-acl`, `x-amz-grant-*`) are refused on a bucket whose ACLs are off (Object
// Ownership "bucket owner enforced", S3's default for new buckets and what deploy/*.yaml configure),
// except the one ACL such a bucket accepts, `bucket-owner-full-control` (S3 User Guide, Object Ownership
// "Troubleshooting": "All S3 PUT requests must either specify the bucket-owner-full-control canned ACL
// or not specify an ACL").
import { s3Error } from './s3-errors.mjs';

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
