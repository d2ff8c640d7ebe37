// Issue 24, point 5: what an object write's headers ask of S3. x-amz-tagging needs s3:PutObjectTagging
// as well as the write (the templates grant none: 403 AccessDenied), on PutObject, CopyObject and
// CreateMultipartUpload; an ACL header on the templates' bucket, whose ACLs are off (bucket owner
// enforced), is 400 AccessControlListNotSupported, except bucket-owner-full-control, which S3 accepts.
// Before, all of them were stored.
import { CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateText } from '../../../sandbox/template-policy.mjs';
import { startPolicyGate } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';

const VALUES = { bucket: BUCKET, auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client' };
let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let tagging: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;

beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
  await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/source.txt', Body: 'source' }));
  // The delegation template, its own-folder actions with s3:PutObjectTagging added.
  const text = templateText('delegation', VALUES);
  expect(text).toContain('s3:PutObject, ');
  tagging = await startPolicyGate({ texts: { delegation: text.replace('s3:PutObject, ', 's3:PutObject, s3:PutObjectTagging, ') } });
});
afterAll(async () => {
  await setup?.stop();
  await tagging?.stop();
});

const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');
const putObject = (input: Partial<PutObjectCommandInput> & { Key: string }, s3 = alice.s3) => outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Body: 'body', ...input })));
const stored = (Key: string) => outcome(alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key })));

describe('x-amz-tagging', () => {
  it('PutObject with tags and no s3:PutObjectTagging is refused (AccessDenied), nothing stored', async () => {
    expect(await putObject({ Key: 'auth0|alice/tagged.txt', Tagging: 'project=x' })).toBe('AccessDenied');
    expect(await stored('auth0|alice/tagged.txt')).toBe('NoSuchKey');
  });

  it('CreateMultipartUpload and CopyObject with tags are refused too', async () => {
    expect(await outcome(alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|alice/tagged.bin', Tagging: 'project=x' })))).toBe('AccessDenied');
    expect(await outcome(alice.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/copy.txt', CopySource: `${BUCKET}/auth0%7Calice/source.txt`, Tagging: 'project=x', TaggingDirective: 'REPLACE' })))).toBe('AccessDenied');
    expect(await stored('auth0|alice/copy.txt')).toBe('NoSuchKey');
  });

  it('control: without tags the write is stored; with s3:PutObjectTagging in the policy, tags are taken', async () => {
    expect(await putObject({ Key: 'auth0|alice/plain.txt' })).toBe('ok');
    const tagger = tagging.user('auth0|alice');
    expect(await putObject({ Key: 'auth0|alice/tagged.txt', Tagging: 'project=x' }, tagger.s3)).toBe('ok');
  });
});

describe('ACL headers on a bucket with ACLs off', () => {
  it.each<[string, Partial<PutObjectCommandInput>]>([
    ['x-amz-acl: public-read', { ACL: 'public-read' }],
    ['x-amz-acl: private', { ACL: 'private' }],
    ['x-amz-grant-read', { GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }],
    ['x-amz-grant-full-control', { GrantFullControl: 'id="0123456789abcdef"' }],
  ])('PutObject with %s is refused (400 AccessControlListNotSupported), nothing stored', async (_name, input) => {
    expect(await putObject({ Key: 'auth0|alice/public.txt', ...input })).toBe('AccessControlListNotSupported');
    expect(await stored('auth0|alice/public.txt')).toBe('NoSuchKey');
  });

  it('CreateMultipartUpload with a public ACL is refused too', async () => {
    expect(await outcome(alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|alice/public.bin', ACL: 'public-read' })))).toBe('AccessControlListNotSupported');
  });

  it('control: bucket-owner-full-control, the ACL such a bucket accepts, is stored', async () => {
    expect(await putObject({ Key: 'auth0|alice/owned.txt', ACL: 'bucket-owner-full-control' })).toBe('ok');
    expect(await stored('auth0|alice/owned.txt')).toBe('ok');
  });
});

// S3 User Guide, "Working with object metadata": user-defined metadata is at most 2 KB (the UTF-8 bytes
// of each key and value); over it, 400 MetadataTooLarge. Before, the gate stored any amount.
describe('user-defined metadata', () => {
  /** Metadata of `bytes` bytes in all: key `note` (4) and a value of bytes - 4. (UTF-8 counting: post-policy.test.ts.) */
  const metadata = (bytes: number) => ({ note: 'a'.repeat(bytes - 4) });

  it('over 2 KB is refused on PutObject and CreateMultipartUpload (400 MetadataTooLarge), nothing stored', async () => {
    expect(await putObject({ Key: 'auth0|alice/meta-big.txt', Metadata: metadata(2050) })).toBe('MetadataTooLarge');
    expect(await stored('auth0|alice/meta-big.txt')).toBe('NoSuchKey');
    expect(await outcome(alice.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'auth0|alice/meta-big.bin', Metadata: metadata(2050) })))).toBe('MetadataTooLarge');
  });

  it('control: exactly 2 KB is stored, and reads back', async () => {
    expect(await putObject({ Key: 'auth0|alice/meta-2k.txt', Metadata: metadata(2048) })).toBe('ok');
    const head = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/meta-2k.txt' }));
    expect(head.Metadata?.['note']).toHaveLength(2044);
  });

  // A presigned URL carries the metadata in its query, percent-encoded UTF-8: S3 counts those UTF-8
  // bytes too. Before, the gate counted each decoded char as one byte (so 'é' x 1,100, 2,200 bytes, was
  // stored) and refused '€' outright (400 InvalidArgument, "a character a header cannot hold").
  /** A presigned PUT of Alice's with metadata `note` = `value`: its status and S3 error code. */
  async function presignedPut(Key: string, value: string) {
    const url = await getSignedUrl(alice.s3, new PutObjectCommand({ Bucket: BUCKET, Key, Metadata: { note: value } }), { expiresIn: 300 });
    expect(url).toContain('x-amz-meta-note=');
    const response = await fetch(url, { method: 'PUT', body: 'body' });
    return { status: response.status, code: /<Code>([^<]*)<\/Code>/.exec(await response.text())?.[1] };
  }

  it.each([
    ['€', 700],
    ['é', 1100],
  ])("over 2 KB in UTF-8 through a presigned URL's query is refused (%s x %i), nothing stored", async (char, count) => {
    expect(Buffer.byteLength(`note${char.repeat(count)}`)).toBeGreaterThan(2048);
    expect(await presignedPut('auth0|alice/meta-query.txt', char.repeat(count))).toEqual({ status: 400, code: 'MetadataTooLarge' });
    expect(await stored('auth0|alice/meta-query.txt')).toBe('NoSuchKey');
  });

  it.each([
    ['€', 681],
    ['é', 1022],
  ])("control: within 2 KB in UTF-8 through a presigned URL's query is stored (%s x %i)", async (char, count) => {
    expect(Buffer.byteLength(`note${char.repeat(count)}`)).toBeLessThanOrEqual(2048);
    expect(await presignedPut(`auth0|alice/meta-query-${count}.txt`, char.repeat(count))).toEqual({ status: 200, code: undefined });
    expect(await stored(`auth0|alice/meta-query-${count}.txt`)).toBe('ok');
  });
});
