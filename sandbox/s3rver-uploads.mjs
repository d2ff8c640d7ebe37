// @ts-check
// Which key an s3rver multipart upload belongs to. s3rver completes an upload into the key it was
// started for (kept in `<bucket>/._S3rver_uploads/<uploadId>/key`), whatever key the URL names; S3 ties
// an upload id to its key, so the gate checks that the URL's key is that one before asking the policy.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * @param {string} directory s3rver's data folder @param {string} bucket a valid bucket name
 * @param {string} uploadId 32 hex digits (checked before) @param {string} key
 */
export async function uploadIsFor(directory, bucket, uploadId, key) {
  try {
    return (await readFile(join(directory, bucket, '._S3rver_uploads', uploadId, 'key'), 'utf8')) === key;
  } catch {
    return false;
  }
}
