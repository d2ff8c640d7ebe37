// A multipart upload created with a checksum algorithm (CreateMultipartUpload's ChecksumAlgorithm), as S3
// takes it (sandbox/s3-upload-checksum.mjs): a part declaring another algorithm is 400 InvalidRequest
// "Checksum Type mismatch", and a completion that leaves out a part's checksum is 400 InvalidRequest.
// Before, the gate took both. Controls: the upload's own algorithm, the checksums listed, and an upload
// created without one, which neither check touches.
import { crc32 } from 'node:zlib';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm, CompletedPart } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET, s3Client } from '../../support/s3';

const BODY = 'one part';
/** The CRC32 S3 takes for BODY: base64 of its 4 bytes, big-endian. */
const BODY_CRC32 = (() => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(BODY));
  return bytes.toString('base64');
})();
let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let s3: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>['s3'];

beforeAll(async () => {
  setup = await startPolicyGate();
  s3 = setup.user('auth0|alice').s3;
});
afterAll(() => setup?.stop());

/** An error's name and message, or 'ok'. */
const outcome = (promise: Promise<unknown>) => promise.then(() => ({ name: 'ok', message: '' }), (error: { name: string; message: string }) => ({ name: error.name, message: error.message }));
const create = async (Key: string, ChecksumAlgorithm?: ChecksumAlgorithm) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key, ...(ChecksumAlgorithm ? { ChecksumAlgorithm } : {}) }))).UploadId!;
const uploadPart = (Key: string, UploadId: string, ChecksumAlgorithm: ChecksumAlgorithm) => s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: BODY, ChecksumAlgorithm }));
const partsOf = async (Key: string, UploadId: string) => ((await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId }))).Parts ?? []).map((part) => part.PartNumber);
const complete = (Key: string, UploadId: string, Parts: CompletedPart[]) => outcome(s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts } })));
const content = async (Key: string) => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToString();

describe('a multipart upload created with ChecksumAlgorithm CRC32', () => {
  it('refuses a part checksummed with SHA256 (400 InvalidRequest), nothing kept; control: a CRC32 part is kept', async () => {
    const Key = 'auth0|alice/crc32-parts.bin';
    const UploadId = await create(Key, 'CRC32');
    expect(await outcome(uploadPart(Key, UploadId, 'SHA256'))).toEqual({ name: 'InvalidRequest', message: 'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256' });
    expect(await partsOf(Key, UploadId)).toEqual([]);
    expect((await outcome(uploadPart(Key, UploadId, 'CRC32'))).name).toBe('ok');
    expect(await partsOf(Key, UploadId)).toEqual([1]);
  });

  it("refuses a completion without the parts' checksums (400 InvalidRequest), the upload stays; control: with them it completes", async () => {
    const Key = 'auth0|alice/crc32-complete.bin';
    const UploadId = await create(Key, 'CRC32');
    const { ETag } = await uploadPart(Key, UploadId, 'CRC32');
    expect(await complete(Key, UploadId, [{ PartNumber: 1, ETag }])).toEqual({ name: 'InvalidRequest', message: 'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.' });
    expect(await partsOf(Key, UploadId)).toEqual([1]);
    expect(await complete(Key, UploadId, [{ PartNumber: 1, ETag, ChecksumCRC32: BODY_CRC32 }])).toEqual({ name: 'ok', message: '' });
    expect(await content(Key)).toBe(BODY);
  });
});

describe("a part's checksum, answered back as S3 does", () => {
  it('UploadPart answers with the CRC32 it verified, and PutObject too; control: none is answered where none was sent', async () => {
    const Key = 'auth0|alice/echo.bin';
    const UploadId = await create(Key, 'CRC32');
    expect((await uploadPart(Key, UploadId, 'CRC32')).ChecksumCRC32).toBe(BODY_CRC32);
    const put = (ChecksumAlgorithm?: ChecksumAlgorithm) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/echo-put.txt', Body: BODY, ...(ChecksumAlgorithm ? { ChecksumAlgorithm } : {}) }));
    expect((await put('CRC32')).ChecksumCRC32).toBe(BODY_CRC32);
    expect((await put()).ChecksumCRC32).toBeUndefined();
  });

  it("lib-storage's Upload with the AWS SDK's default checksums (CRC32 on every part) completes, byte-exact", async () => {
    // WHEN_SUPPORTED creates the upload with CRC32 and lists each part's checksum from UploadPart's answer.
    const client = s3Client(setup.gate.url, setup.user('auth0|alice').credentials, { requestChecksumCalculation: 'WHEN_SUPPORTED' });
    const bytes = new Uint8Array(6 * 1024 * 1024).map((_, index) => index % 251);
    const Key = 'auth0|alice/lib-storage-crc32.bin';
    await new Upload({ client, params: { Bucket: BUCKET, Key, Body: bytes }, partSize: 5 * 1024 * 1024, queueSize: 2 }).done();
    const back = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToByteArray();
    expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('control: a multipart upload created without an algorithm', () => {
  it('takes a part with any checksum, and completes without checksums listed', async () => {
    const Key = 'auth0|alice/no-algorithm.bin';
    const UploadId = await create(Key);
    const { ETag } = await uploadPart(Key, UploadId, 'SHA256');
    expect(await complete(Key, UploadId, [{ PartNumber: 1, ETag }])).toEqual({ name: 'ok', message: '' });
    expect(await content(Key)).toBe(BODY);
  });
});
