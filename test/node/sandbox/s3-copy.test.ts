// Issue 12, point 2: a copy reads its source. CopyObject and UploadPartCopy need s3:GetObject on
// x-amz-copy-source as well as s3:PutObject on the target, as in IAM: Alice may not read Bob's file by
// copying it into her folder, while copying her own files works.
import { CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';
import { s3Code, sendSigned } from '../../support/signed-raw';

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;
const DIARY = "Bob's diary";

beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
  await setup.user('auth0|bob').s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/diary.txt', Body: DIARY }));
  await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/notes.txt', Body: 'her notes' }));
});
afterAll(() => setup?.stop());

const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');
const read = (key: string) => outcome(alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })));

describe('CopyObject', () => {
  it("refuses Alice a copy of Bob's file into her folder (AccessDenied), and nothing lands there", async () => {
    const copy = alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/stolen.txt', CopySource: `${BUCKET}/auth0%7Cbob/diary.txt` }));
    expect(await outcome(copy)).toBe('AccessDenied');
    expect(await read('auth0|alice/stolen.txt')).toBe('NoSuchKey');
  });

  it('copies her own file (control)', async () => {
    await alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/notes-copy.txt', CopySource: `${BUCKET}/auth0%7Calice/notes.txt` }));
    const copied = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/notes-copy.txt' }));
    expect(await copied.Body!.transformToString()).toBe('her notes');
  });

  it('reads the source as S3 does: a leading slash and an encoded slash name the same file', async () => {
    expect(await outcome(alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/stolen.txt', CopySource: `/${BUCKET}/auth0%7Cbob%2Fdiary.txt` })))).toBe('AccessDenied');
    expect(await outcome(alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/notes-2.txt', CopySource: `/${BUCKET}/auth0%7Calice%2Fnotes.txt` })))).toBe('ok');
    expect(await read('auth0|alice/stolen.txt')).toBe('NoSuchKey');
  });

  it('refuses a source that climbs out of her folder with dot segments (InvalidArgument)', async () => {
    const answer = await sendSigned(setup.gate.url, { method: 'PUT', path: '/uploads/auth0%7Calice/climb.txt', headers: { 'x-amz-copy-source': '/uploads/auth0%7Calice/../auth0%7Cbob/diary.txt' } }, { credentials: alice.credentials });
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('InvalidArgument');
    expect(await read('auth0|alice/climb.txt')).toBe('NoSuchKey');
  });

  it('checks a copy source given in the query string too (s3rver reads x-amz-* query parameters as headers)', async () => {
    const answer = await sendSigned(setup.gate.url, { method: 'PUT', path: '/uploads/auth0%7Calice/query.txt', query: [['x-amz-copy-source', '/uploads/auth0%7Cbob/diary.txt']] }, { credentials: alice.credentials });
    expect(answer.status).toBe(403);
    expect(s3Code(answer.body)).toBe('AccessDenied');
    expect(await read('auth0|alice/query.txt')).toBe('NoSuchKey');
    const own = await sendSigned(setup.gate.url, { method: 'PUT', path: '/uploads/auth0%7Calice/query.txt', query: [['x-amz-copy-source', '/uploads/auth0%7Calice/notes.txt']] }, { credentials: alice.credentials });
    expect(own.status).toBe(200);
    expect(await read('auth0|alice/query.txt')).toBe('ok');
  });
});

describe('UploadPartCopy', () => {
  it("refuses a part copied from Bob's file (AccessDenied); one from her own file passes the gate (control)", async () => {
    const { UploadId } = await alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|alice/parts.bin' }));
    const partCopy = (CopySource: string) => outcome(alice.s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'auth0|alice/parts.bin', UploadId, PartNumber: 1, CopySource })));
    expect(await partCopy(`${BUCKET}/auth0%7Cbob/diary.txt`)).toBe('AccessDenied');
    // Past the gate, s3rver answers that it does not implement UploadPartCopy: the gate let it through.
    expect(await partCopy(`${BUCKET}/auth0%7Calice/notes.txt`)).toBe('NotImplemented');
  });
});
