// Issue 24, points 3 and 4: CompleteMultipartUpload as strict as S3. A part never uploaded or PartNumber 0
// is 400 InvalidPart (s3rver's completion read the missing file in a stream nobody listened to, and the
// error ended the process: the sandbox, and this test's worker); a forged ETag is InvalidPart, a part
// other than the last under 5 MiB EntityTooSmall, parts out of order InvalidPartOrder (s3rver completed
// all three). After each refusal the upload is still there, and the gate still answers; the control
// completes it.
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { CompletedPart } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';
import { s3Code, sendSigned } from '../../support/signed-raw';

const MIB = 1024 * 1024;
let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;
const big = { Key: 'auth0|alice/big.bin', UploadId: '', parts: [] as Required<Pick<CompletedPart, 'ETag' | 'PartNumber'>>[] };
const FIRST = Buffer.alloc(5 * MIB, 1);
const LAST = Buffer.alloc(10, 2);

beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
  await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/health.txt', Body: 'ok' }));
  big.UploadId = (await alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: big.Key }))).UploadId!;
  for (const [index, Body] of [FIRST, LAST].entries()) {
    const { ETag } = await alice.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: big.Key, UploadId: big.UploadId, PartNumber: index + 1, Body }));
    big.parts.push({ ETag: ETag!, PartNumber: index + 1 });
  }
});
afterAll(() => setup?.stop());

const complete = (Key: string, UploadId: string, Parts: CompletedPart[]) =>
  alice.s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts } })).then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');
/** The gate answers, and the upload is still there with its two parts. */
async function expectStillThere() {
  const health = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/health.txt' }));
  expect(await health.Body!.transformToString()).toBe('ok');
  const listed = await alice.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: big.Key, UploadId: big.UploadId }));
  expect(listed.Parts?.map((part) => part.PartNumber)).toEqual([1, 2]);
}

describe('CompleteMultipartUpload', () => {
  it.each<[string, string, () => CompletedPart[]]>([
    ['a part never uploaded', 'InvalidPart', () => [...big.parts, { ETag: big.parts[1]!.ETag, PartNumber: 3 }]],
    ['PartNumber 0', 'InvalidPart', () => [{ ETag: big.parts[0]!.ETag, PartNumber: 0 }, ...big.parts]],
    ['a forged ETag', 'InvalidPart', () => [big.parts[0]!, { ETag: '"00000000000000000000000000000000"', PartNumber: 2 }]],
    ['parts out of order', 'InvalidPartOrder', () => [big.parts[1]!, big.parts[0]!]],
    ['a part listed twice', 'InvalidPartOrder', () => [big.parts[0]!, big.parts[0]!, big.parts[1]!]],
  ])('with %s is refused (%s); the upload stays and the gate answers', async (_name, code, parts) => {
    expect(await complete(big.Key, big.UploadId, parts())).toBe(code);
    await expectStillThere();
  });

  it('with a body that is not a part list is refused (MalformedXML)', async () => {
    const answer = await sendSigned(setup.gate.url, { method: 'POST', path: '/uploads/auth0%7Calice/big.bin', query: [['uploadId', big.UploadId]], body: '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>' }, { credentials: alice.credentials });
    expect([answer.status, s3Code(answer.body)]).toEqual([400, 'MalformedXML']);
    await expectStillThere();
  });

  it('with a part other than the last under 5 MiB is refused (EntityTooSmall); one small part alone is the last one (control)', async () => {
    const Key = 'auth0|alice/small-parts.bin';
    const { UploadId } = await alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const parts: CompletedPart[] = [];
    for (const PartNumber of [1, 2]) parts.push({ PartNumber, ETag: (await alice.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber, Body: Buffer.alloc(5 * MIB - 1, PartNumber) }))).ETag! });
    expect(await complete(Key, UploadId!, parts)).toBe('EntityTooSmall');
    expect(await complete(Key, UploadId!, [parts[0]!])).toBe('ok');
    const object = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    expect((await object.Body!.transformToByteArray()).length).toBe(5 * MIB - 1);
  });

  it('control: the parts as uploaded, in order, complete into their concatenation; the upload is then gone', async () => {
    expect(await complete(big.Key, big.UploadId, big.parts)).toBe('ok');
    const object = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: big.Key }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(Buffer.concat([FIRST, LAST]))).toBe(true);
    const after = alice.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: big.Key, UploadId: big.UploadId }));
    await expect(after).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('control: an aborted upload cannot be completed (NoSuchUpload)', async () => {
    const Key = 'auth0|alice/aborted.bin';
    const { UploadId } = await alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const { ETag } = await alice.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: 'x' }));
    await alice.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    expect(await complete(Key, UploadId!, [{ ETag, PartNumber: 1 }])).toBe('NoSuchUpload');
  });
});
