// AbortMultipartUpload while parts are being stored: S3 answers it and the parts in progress may or may
// not land; the sandbox's S3 must not end. s3rver opens a part's file only once the gate has handed it
// the verified body, so an abort that removed the upload's folder first made that open fail in a stream
// nobody listened to (ENOENT), and the error ended the process (seen with four parts in flight and a
// page's upload cancelled). The gate now answers an abort once every part it has handed to s3rver for
// that upload has been answered.
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unfinishedUploads } from '../../support/part-gate';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';

const MIB = 1024 * 1024;
let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;

beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
  await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/health.txt', Body: 'ok' }));
});
afterAll(() => setup?.stop());

describe('AbortMultipartUpload with parts in flight', () => {
  it('is answered, the gate keeps answering, and the upload is gone, however the parts and the abort interleave', async () => {
    const body = Buffer.alloc(5 * MIB, 7);
    for (let round = 0; round < 12; round++) {
      const Key = `auth0|alice/abort-${round}.bin`;
      const { UploadId } = await alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
      const parts = [1, 2, 3, 4].map((PartNumber) => alice.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber, Body: body })).then(() => 'stored', (error: { name?: string }) => error.name));
      // The abort leaves a little later each round: before, among and after the parts' handing over.
      for (let turn = 0; turn < round * 4; turn++) await new Promise((resolve) => setImmediate(resolve));
      await alice.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
      // Each part is stored before the abort, or refused after it: never left unanswered.
      for (const outcome of await Promise.all(parts)) expect(['stored', 'NoSuchUpload']).toContain(outcome);
    }
    const health = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/health.txt' }));
    expect(await health.Body!.transformToString()).toBe('ok');
    expect(await unfinishedUploads(setup.gate, 'auth0|alice/abort-')).toEqual([]);
  });
});
