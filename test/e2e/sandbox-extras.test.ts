// The S3 operations the sandbox's gate answers itself (s3rver 3.7.1 lacks them or skips S3's checks),
// through the real AWS SDK: ListParts, AbortMultipartUpload, ListMultipartUploads (the bucket owner's,
// not a user's), DeleteObjects key by key against the per-user policy; and the fault hook.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { s3ClientFor, seedObjects, userCredentials } from './s3-seed';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let fault: ((url: URL, method: string) => 'drop' | 'error' | undefined) | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100, faultS3: (request) => fault?.(new URL(request.url ?? '/', 'http://s3'), request.method ?? 'GET') });
});
afterAll(() => sandbox?.stop());

const Bucket = 'uploads';
const failure = (error: { name: string; $metadata?: { httpStatusCode?: number } }) => ({ status: error.$metadata?.httpStatusCode, code: error.name });

describe('the sandbox S3: multipart operations s3rver lacks', () => {
  it('lists the parts of an upload, aborts it (no parts left), and refuses a user the bucket\'s upload list', async () => {
    const alice = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|mp-alice'));
    const owner = s3ClientFor(sandbox, sandbox.ownerCredentials());
    const Key = 'auth0|mp-alice/big.bin';
    const { UploadId } = await alice.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const first = await alice.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: new Uint8Array(5 * 1024 * 1024).fill(1) }));
    await alice.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: new Uint8Array(10).fill(2) }));
    const listed = await alice.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(listed.Parts?.map((part) => [part.PartNumber, part.Size])).toEqual([[1, 5 * 1024 * 1024], [2, 10]]);
    expect(listed.Parts?.[0]?.ETag).toBe(first.ETag);

    const uploads = () => owner.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'auth0|mp-alice/' })).then((result) => (result.Uploads ?? []).map((upload) => upload.UploadId));
    expect(await uploads()).toEqual([UploadId]);
    expect(await alice.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'auth0|mp-alice/' })).catch(failure)).toEqual({ status: 403, code: 'AccessDenied' });
    // Another user can neither list nor abort Alice's upload.
    const bob = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|mp-bob'));
    expect(await bob.send(new ListPartsCommand({ Bucket, Key, UploadId })).catch(failure)).toEqual({ status: 403, code: 'AccessDenied' });
    expect(await bob.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(failure)).toEqual({ status: 403, code: 'AccessDenied' });

    await alice.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    expect(await uploads()).toEqual([]);
    expect(await alice.send(new ListPartsCommand({ Bucket, Key, UploadId })).catch(failure)).toEqual({ status: 404, code: 'NoSuchUpload' });
  });

  it('completes an upload whose parts ListParts reported', async () => {
    const alice = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|mp-carol'));
    const Key = 'auth0|mp-carol/done.bin';
    const { UploadId } = await alice.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    await alice.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: new Uint8Array(5 * 1024 * 1024).fill(7) }));
    await alice.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: new Uint8Array(3).fill(8) }));
    const { Parts = [] } = await alice.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    await alice.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: Parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) } }));
    const body = await (await alice.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray();
    expect(body.length).toBe(5 * 1024 * 1024 + 3);
    expect([...body.slice(-3)]).toEqual([8, 8, 8]);
  });
});

describe('the sandbox S3: DeleteObjects, key by key', () => {
  it('deletes the user\'s own keys and refuses another user\'s (AccessDenied per key)', async () => {
    const alice = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|dm-alice'));
    const dave = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|dm-dave'));
    await alice.send(new PutObjectCommand({ Bucket, Key: 'auth0|dm-alice/a.txt', Body: 'a' }));
    await alice.send(new PutObjectCommand({ Bucket, Key: 'auth0|dm-alice/b.txt', Body: 'b' }));
    await dave.send(new PutObjectCommand({ Bucket, Key: 'auth0|dm-dave/d.txt', Body: 'd' }));
    const result = await alice.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'auth0|dm-alice/a.txt' }, { Key: 'auth0|dm-alice/b.txt' }, { Key: 'auth0|dm-dave/d.txt' }] } }));
    expect(result.Deleted?.map((item) => item.Key)).toEqual(['auth0|dm-alice/a.txt', 'auth0|dm-alice/b.txt']);
    expect(result.Errors?.map((item) => [item.Key, item.Code])).toEqual([['auth0|dm-dave/d.txt', 'AccessDenied']]);
    const left = async (client: S3Client, Prefix: string) => ((await client.send(new ListObjectsV2Command({ Bucket, Prefix }))).Contents ?? []).map((item) => item.Key);
    expect(await left(alice, 'auth0|dm-alice/')).toEqual([]);
    expect(await left(dave, 'auth0|dm-dave/')).toEqual(['auth0|dm-dave/d.txt']);
  });
});

describe('the sandbox S3: ListObjectsV2 past one page', () => {
  it('pages through continuation tokens (s3rver\'s own use DES, which Node 20\'s OpenSSL refuses), and refuses a forged token', async () => {
    const alice = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|pages'));
    await seedObjects(alice, 'auth0|pages/', 25, (index) => `f-${String(index).padStart(2, '0')}`);
    const keys: string[] = [];
    const tokens: (string | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = await alice.send(new ListObjectsV2Command({ Bucket, Prefix: 'auth0|pages/', MaxKeys: 10, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((item) => item.Key!));
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      tokens.push(token);
    } while (token);
    expect(keys).toEqual(Array.from({ length: 25 }, (_, index) => `auth0|pages/f-${String(index).padStart(2, '0')}`));
    expect(tokens.length).toBe(3);
    expect(await alice.send(new ListObjectsV2Command({ Bucket, Prefix: 'auth0|pages/', ContinuationToken: 'bm90IGEgdG9rZW4=' })).catch(failure)).toEqual({ status: 400, code: 'InvalidArgument' });
    // The policy still decides on the prefix asked for.
    expect(await alice.send(new ListObjectsV2Command({ Bucket, Prefix: 'auth0|other/' })).catch(failure)).toEqual({ status: 403, code: 'AccessDenied' });
  });
});

describe('the sandbox S3: faults', () => {
  it('answers 500 or drops the connection when the fault hook says so', async () => {
    const alice = s3ClientFor(sandbox, await userCredentials(sandbox, 'auth0|fault-alice'), { maxAttempts: 1 });
    fault = (url) => (url.pathname.endsWith('/e.txt') ? 'error' : url.pathname.endsWith('/d.txt') ? 'drop' : undefined);
    try {
      expect(await alice.send(new PutObjectCommand({ Bucket, Key: 'auth0|fault-alice/e.txt', Body: 'e' })).catch(failure)).toEqual({ status: 500, code: 'InternalError' });
      await expect(alice.send(new PutObjectCommand({ Bucket, Key: 'auth0|fault-alice/d.txt', Body: 'd' }))).rejects.toThrow();
    } finally {
      fault = undefined;
    }
    await alice.send(new PutObjectCommand({ Bucket, Key: 'auth0|fault-alice/e.txt', Body: 'e' }));
  });
});
