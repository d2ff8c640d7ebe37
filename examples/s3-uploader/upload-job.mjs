// One file's upload, with pause, resume, cancel and retry; no DOM. A file up to one part (5 MB) is one
// PutObject. A larger one is a multipart upload driven here (lib-storage's Upload cannot pause or
// continue after a reload): CreateMultipartUpload, UploadPart (three at a time, each retried with
// backoff), CompleteMultipartUpload. Each finished part is remembered (resume-store.mjs), so a start
// after a pause, a failure or a reload first asks S3 which parts it has (ListParts) and sends only the
// rest. Cancel aborts the upload on S3 (AbortMultipartUpload: no parts left behind) and forgets it.

import { withRetries } from './retry.mjs';

export const PART_SIZE = 5 * 1024 * 1024;
const PARALLEL_PARTS = 3;

/**
 * @param {object} options
 * @param {object} options.sdk the commands (CreateMultipartUploadCommand, UploadPartCommand, ...)
 * @param {object} options.s3 an S3Client
 * @param {string} options.bucket @param {string} options.key @param {File} options.file
 * @param {string} options.id the file's id in `store` (resume-store.mjs)
 * @param {object} options.store @param {(job: object) => void} options.onChange
 */
export function uploadJob({ sdk, s3, bucket, key, file, id, store, onChange }) {
  const parts = partsOf(file.size);
  const job = { file, key, parts: parts.length, state: 'ready', sentBytes: 0, doneParts: 0, resumedParts: 0, error: null, cleanedUp: false, cleanupError: null, start, pause, cancel };
  let controller = null;

  function set(changes) {
    Object.assign(job, changes);
    onChange(job);
  }

  /** Starts, resumes after a pause or retries after a failure: the same path each time. */
  async function start() {
    if (job.state === 'uploading' || job.state === 'done' || job.state === 'cancelled') return;
    const mine = (controller = new AbortController());
    set({ state: 'uploading', error: null });
    try {
      await (parts.length === 1 ? putWhole(mine.signal) : putParts(mine.signal));
      if (controller === mine) set({ state: 'done', sentBytes: file.size, doneParts: parts.length });
    } catch (error) {
      // Paused or cancelled meanwhile (they set the state), or an earlier run ending late.
      if (controller !== mine || job.state !== 'uploading') return;
      mine.abort(); // stops the other parts in flight
      set({ state: 'failed', error });
    }
  }

  function pause() {
    if (job.state !== 'uploading') return;
    set({ state: 'paused' });
    controller.abort();
  }

  /** Stops the upload, then removes what S3 holds of it; `cleanedUp` says when that is done (or `cleanupError`). */
  async function cancel() {
    if (job.state === 'done' || job.state === 'cancelled') return;
    set({ state: 'cancelled', sentBytes: 0, doneParts: 0, cleanedUp: false });
    controller?.abort();
    try {
      const record = await store.get(id);
      if (record) {
        await s3.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: record.key, UploadId: record.uploadId }));
        await store.remove(id);
      }
      set({ cleanedUp: true });
    } catch (error) {
      set({ cleanupError: error });
    }
  }

  function putWhole(signal) {
    const command = () => new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: file, ContentType: file.type || 'application/octet-stream' });
    return withRetries(() => s3.send(command(), { abortSignal: signal }), signal);
  }

  async function putParts(signal) {
    const { record, finished } = await openUpload(signal);
    set({ sentBytes: sizeOf(parts.filter((part) => finished.has(part.number))), doneParts: finished.size });
    const missing = parts.filter((part) => !finished.has(part.number));
    await inParallel(missing, PARALLEL_PARTS, async (part) => {
      const body = file.slice(part.start, part.end);
      const command = () => new sdk.UploadPartCommand({ Bucket: bucket, Key: key, UploadId: record.uploadId, PartNumber: part.number, Body: body });
      const { ETag } = await withRetries(() => s3.send(command(), { abortSignal: signal }), signal);
      finished.set(part.number, ETag);
      record.parts = [...finished].map(([PartNumber, etag]) => ({ PartNumber, ETag: etag }));
      await store.put(record);
      if (!signal.aborted) set({ sentBytes: job.sentBytes + (part.end - part.start), doneParts: finished.size });
    });
    const done = [...finished].sort((a, b) => a[0] - b[0]).map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
    await s3.send(new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: record.uploadId, MultipartUpload: { Parts: done } }), { abortSignal: signal });
    await store.remove(id);
  }

  /** The remembered upload with the parts S3 confirms, or a new upload if there is none (or S3 lost it). */
  async function openUpload(signal) {
    const remembered = await store.get(id);
    if (remembered) {
      const finished = await confirmedParts(remembered, signal);
      if (finished) {
        set({ resumedParts: finished.size });
        return { record: remembered, finished };
      }
    }
    const created = await s3.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: file.type || 'application/octet-stream' }), { abortSignal: signal });
    const record = { id, key, uploadId: created.UploadId, partSize: PART_SIZE, name: file.name, size: file.size, parts: [] };
    await store.put(record);
    return { record, finished: new Map() };
  }

  /** The parts S3 has for the upload, of the size this file's parts have; null when the upload is gone. */
  async function confirmedParts(record, signal) {
    const finished = new Map();
    let marker;
    try {
      do {
        const page = await s3.send(new sdk.ListPartsCommand({ Bucket: bucket, Key: record.key, UploadId: record.uploadId, PartNumberMarker: marker }), { abortSignal: signal });
        for (const part of page.Parts ?? []) {
          const expected = parts[part.PartNumber - 1];
          if (expected && part.Size === expected.end - expected.start) finished.set(part.PartNumber, part.ETag);
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker !== undefined);
    } catch (error) {
      if (error?.name !== 'NoSuchUpload') throw error;
      await store.remove(id);
      return null;
    }
    return finished;
  }

  return job;
}

/** The parts of a file of `size` bytes: number (from 1), start, end. */
function partsOf(size) {
  const count = Math.max(1, Math.ceil(size / PART_SIZE));
  return Array.from({ length: count }, (_, index) => ({ number: index + 1, start: index * PART_SIZE, end: Math.min(size, (index + 1) * PART_SIZE) }));
}

const sizeOf = (parts) => parts.reduce((sum, part) => sum + part.end - part.start, 0);

/** Runs `work` on each item, at most `limit` at a time; rejects with the first failure. */
async function inParallel(items, limit, work) {
  const queue = [...items];
  const worker = async () => {
    while (queue.length > 0) await work(queue.shift());
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}
