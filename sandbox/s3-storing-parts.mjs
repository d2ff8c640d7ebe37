// @ts-check
// The parts of each multipart upload the gate is storing, so that AbortMultipartUpload waits for them.
// s3rver opens a part's file only once it is handed the verified body: an abort that removed the upload's
// folder before that open made it fail in a stream nobody listened to (ENOENT), and the error ended the
// process. S3 itself answers the abort, and a part in progress may or may not land; here a part admitted
// before the abort is answered first, and one that comes after it is NoSuchUpload.
import { noSuchUpload } from './s3-target.mjs';

/** One gate's record of its uploads' parts in progress. */
export function storingParts() {
  /** @type {Map<string, Set<Promise<void>>>} */
  const storing = new Map();
  /** @type {Set<string>} */
  const aborting = new Set();
  return {
    /**
     * Records an UploadPart of `uploadId` until its answer is over (`res` closes).
     * @param {string} uploadId @param {import('node:http').ServerResponse} res
     * @throws NoSuchUpload when the upload is being aborted
     */
    admit(uploadId, res) {
      if (aborting.has(uploadId)) throw noSuchUpload();
      const parts = storing.get(uploadId) ?? new Set();
      storing.set(uploadId, parts);
      /** @type {Promise<void>} */
      const answered = new Promise((resolve) => res.once('close', () => resolve()));
      parts.add(answered);
      void answered.then(() => {
        parts.delete(answered);
        if (parts.size === 0) storing.delete(uploadId);
      });
    },
    /**
     * Admits no more parts of `uploadId`, waits for those admitted, then runs `abort`.
     * @template T @param {string} uploadId @param {() => Promise<T>} abort @returns {Promise<T>}
     */
    async abortWhenSettled(uploadId, abort) {
      aborting.add(uploadId);
      try {
        await Promise.all(storing.get(uploadId) ?? []);
        return await abort();
      } finally {
        aborting.delete(uploadId);
      }
    },
  };
}
