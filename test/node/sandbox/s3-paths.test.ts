// Issue 12, point 1: no way out of one's folder through the path. Mallory holds valid credentials for
// auth0|mallory/* and signs every request correctly; the gate must decide on exactly the bucket and key
// that s3rver then uses, and s3rver must never write beside its data folder.
import { CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';
import { s3Code, sendSigned } from '../../support/signed-raw';
import type { Credentials, RawS3Request } from '../../support/signed-raw';

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let mallory: Credentials;
let bob: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;
const DIARY = "Bob's diary: nobody else reads this.";

beforeAll(async () => {
  setup = await startPolicyGate();
  const malloryUser = setup.user('auth0|mallory');
  mallory = malloryUser.credentials;
  bob = setup.user('auth0|bob');
  await bob.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/diary.txt', Body: DIARY }));
  await malloryUser.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|mallory/own.txt', Body: 'mine' }));
});
afterAll(() => setup?.stop());

const asMallory = (request: RawS3Request) => sendSigned(setup.gate.url, request, { credentials: mallory });
const bobsDiary = async () => (await bob.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|bob/diary.txt' }))).Body!.transformToString();
/** What lies beside s3rver's data folder: nothing may ever be written there. */
const besideData = async () => (await readdir(setup.base)).sort();
const ESCAPE = '/uploads%2Fauth0%7Cmallory%2F..%2F..%2Fuploads/auth0%7Cbob/diary.txt';

describe("Mallory's encoded-slash bucket (issue 12's attack)", () => {
  it('GET is refused with InvalidBucketName and shows nothing of Bob\'s file; her own file reads (control)', async () => {
    const attack = await asMallory({ method: 'GET', path: ESCAPE });
    expect(attack.status).toBe(400);
    expect(s3Code(attack.body)).toBe('InvalidBucketName');
    expect(attack.body).not.toContain('diary');
    const control = await asMallory({ method: 'GET', path: '/uploads/auth0%7Cmallory/own.txt' });
    expect(control.status).toBe(200);
    expect(control.body).toBe('mine');
  });

  it('PUT is refused and Bob\'s file is unchanged; a PUT into her folder works (control)', async () => {
    const attack = await asMallory({ method: 'PUT', path: ESCAPE, body: 'overwritten by mallory' });
    expect(attack.status).toBe(400);
    expect(s3Code(attack.body)).toBe('InvalidBucketName');
    expect(await bobsDiary()).toBe(DIARY);
    const control = await asMallory({ method: 'PUT', path: '/uploads/auth0%7Cmallory/new.txt', body: 'new' });
    expect(control.status).toBe(200);
  });

  it.each([
    ['lower-case percent-encoding', '/uploads%2fauth0%7cmallory%2f..%2f..%2fuploads/auth0%7cbob/diary.txt'],
    ['double encoding (%252F)', '/uploads%252Fauth0%257Cmallory%252F..%252F..%252Fuploads/auth0%7Cbob/diary.txt'],
    ['a backslash', '/uploads%5C..%5Cuploads/auth0%7Cbob/diary.txt'],
    ['NUL', '/uploads%00/auth0%7Cbob/diary.txt'],
    ['a dot segment as bucket', '/./uploads/auth0%7Cbob/diary.txt'],
    ['an encoded dot-dot bucket', '/%2E%2E/uploads/auth0%7Cbob/diary.txt'],
    ['a unicode look-alike slash', '/uploads%E2%88%95auth0/diary.txt'],
  ])('refuses a bucket with %s (InvalidBucketName)', async (_name, path) => {
    for (const method of ['GET', 'PUT']) {
      const answer = await asMallory({ method, path, ...(method === 'PUT' ? { body: 'x' } : {}) });
      expect(answer.status).toBe(400);
      expect(s3Code(answer.body)).toBe('InvalidBucketName');
    }
    expect(await bobsDiary()).toBe(DIARY);
  });
});

describe('keys', () => {
  it.each([
    ['an encoded dot-dot segment', '/uploads/auth0%7Cmallory/%2E%2E/auth0%7Cbob/diary.txt'],
    ['a mixed-case encoded dot segment', '/uploads/auth0%7Cmallory/%2e/x.txt'],
    ['a backslash', '/uploads/auth0%7Cmallory/a%5C..%5C..%5Cauth0%7Cbob%5Cdiary.txt'],
    ['NUL', '/uploads/auth0%7Cmallory/a%00.txt'],
    ['an empty segment inside', '/uploads/auth0%7Cmallory//x.txt'],
  ])('refuses a key with %s (InvalidArgument), before the policy is asked', async (_name, path) => {
    const answer = await asMallory({ method: 'PUT', path, body: 'x' });
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('InvalidArgument');
  });

  it('refuses malformed percent-encoding (InvalidURI)', async () => {
    const answer = await asMallory({ method: 'GET', path: '/uploads/auth0%7Cmallory/%zz.txt' });
    expect(answer.status).toBe(400);
    expect(s3Code(answer.body)).toBe('InvalidURI');
  });

  it('keeps a double-encoded slash as the literal text %2F inside her folder', async () => {
    expect((await asMallory({ method: 'PUT', path: '/uploads/auth0%7Cmallory/a%252Fb.txt', body: 'literal' })).status).toBe(200);
    const back = await asMallory({ method: 'GET', path: '/uploads/auth0%7Cmallory/a%252Fb.txt' });
    expect(back.body).toBe('literal');
    expect((await asMallory({ method: 'GET', path: '/uploads/auth0%7Cmallory/a/b.txt' })).status).toBe(404);
  });
});

describe("nothing written beside s3rver's data folder", () => {
  it('not through the bucket: PUT /uploads%2Fauth0%7Cmallory%2F..%2F..%2F../escape.txt', async () => {
    const answer = await asMallory({ method: 'PUT', path: '/uploads%2Fauth0%7Cmallory%2F..%2F..%2F../escape.txt', body: 'out' });
    expect(answer.status).toBe(400);
    expect(await besideData()).toEqual(['data']);
  });

  it('not through partNumber or uploadId of a multipart upload; a real part goes in (control)', async () => {
    const { UploadId } = await setup.user('auth0|mallory').s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|mallory/big.bin' }));
    const part = (query: [string, string][]) => asMallory({ method: 'PUT', path: '/uploads/auth0%7Cmallory/big.bin', query, body: 'part' });
    const byPart = await part([['partNumber', '../../../../escape-part'], ['uploadId', UploadId!]]);
    expect(byPart.status).toBe(400);
    expect(s3Code(byPart.body)).toBe('InvalidArgument');
    const byUpload = await part([['partNumber', '1'], ['uploadId', '../../../escape-upload']]);
    expect(byUpload.status).toBe(404);
    expect(s3Code(byUpload.body)).toBe('NoSuchUpload');
    expect(await besideData()).toEqual(['data']);
    expect((await part([['partNumber', '1'], ['uploadId', UploadId!]])).status).toBe(200);
  });

  it("not into Bob's upload: an uploadId belongs to the key it was started for (NoSuchUpload)", async () => {
    const { UploadId } = await bob.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|bob/big.bin' }));
    const answer = await asMallory({ method: 'PUT', path: '/uploads/auth0%7Cmallory/big.bin', query: [['partNumber', '1'], ['uploadId', UploadId!]], body: 'evil' });
    expect(answer.status).toBe(404);
    expect(s3Code(answer.body)).toBe('NoSuchUpload');
  });
});

describe('s3rver uses the bucket and key the policy allowed', () => {
  it('a Host header naming a bucket (s3rver would read it virtual-host style) does not move the object', async () => {
    const answer = await asMallory({ method: 'PUT', path: '/uploads/auth0%7Cmallory/host.txt', headers: { host: 'uploads' }, body: 'host' });
    expect(answer.status).toBe(200);
    await expect(stat(join(setup.directory, 'uploads', 'uploads'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await asMallory({ method: 'GET', path: '/uploads/auth0%7Cmallory/host.txt' })).body).toBe('host');
  });
});
