// @ts-check
// s3rver's unfinished multipart uploads, as its files hold them: `<bucket>/._S3rver_uploads/<uploadId>/`
// with `key`, `metadata` and one file per part (`<n>`, and `<n>.md5` once it is written). Which key an
// upload belongs to: s3rver completes an upload into the key it was started for, whatever key the URL
// names; S3 ties an upload id to its key, so the gate checks that the URL's key is that one before
// asking the policy. And its parts, for ListParts and CompleteMultipartUpload.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** An upload's folder. @param {string} directory s3rver's data folder @param {string} bucket @param {string} uploadId */
export const uploadFolder = (directory, bucket, uploadId) => join(directory, bucket, '._S3rver_uploads', uploadId);

/**
 * @param {string} directory s3rver's data folder @param {string} bucket a valid bucket name
 * @param {string} uploadId 32 hex digits (checked before) @param {string} key
 */
export async function uploadIsFor(directory, bucket, uploadId, key) {
  try {
    return (await readFile(join(uploadFolder(directory, bucket, uploadId), 'key'), 'utf8')) === key;
  } catch {
    return false;
  }
}

/**
 * The parts of an upload that have been written whole: number, ETag (the MD5 s3rver wrote), size,
 * time; ascending. A part still being written (no `.md5` yet) is not one.
 * @param {string} directory @param {string} bucket @param {string} uploadId
 */
export async function partsOf(directory, bucket, uploadId) {
  const folder = uploadFolder(directory, bucket, uploadId);
  const names = (await readdir(folder)).filter((name) => /^\d+$/.test(name));
  const parts = await Promise.all(names.map(async (name) => {
    const [info, md5] = await Promise.all([stat(join(folder, name)), readFile(join(folder, `${name}.md5`), 'utf8').catch(() => undefined)]);
    return md5 === undefined ? undefined : { number: Number(name), etag: `"${md5}"`, size: info.size, modified: info.mtime.toISOString() };
  }));
  return parts.filter((part) => part !== undefined).sort((a, b) => a.number - b.number);
}
