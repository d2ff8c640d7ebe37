// The sandbox's S3 takes browser POST uploads as S3 does: the policy's SigV4 signature (pinned to the S3
// API Reference's own example), the session token issued with the key, the policy's expiration, every
// condition, no field the policy does not name, then the per-user IAM policy of deploy/. Each refusal
// next to the same form, corrected, being stored. Forms are built and signed here with node:crypto,
// apart from the fetch entry's signer (test/node/fetch/post-object.test.ts covers that one).
import { createHmac } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKey, verifyPostSignature } from '../../../sandbox/s3-sigv4.mjs';
import { AWS_EXAMPLE } from '../../support/post-policy-example';
import { BUCKET } from '../../support/s3';
import { startPolicyGate } from '../../support/policy-gate';
import type { Credentials } from '../../support/signed-raw';
import { s3Code } from '../../support/signed-raw';


let s3: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: Credentials;
let owner: ReturnType<typeof s3.user>['s3'];
beforeAll(async () => {
  s3 = await startPolicyGate();
  alice = s3.user('auth0|alice').credentials;
  const bucketOwner = s3.user('bucket-owner');
  s3.gate.keys.set(bucketOwner.credentials.accessKeyId, { ...s3.gate.keys.get(bucketOwner.credentials.accessKeyId)!, owner: true });
  owner = bucketOwner.s3;
});
afterAll(() => s3?.stop());

type Condition = Record<string, string> | (string | number)[];
interface FormCase {
  credentials?: Credentials;
  key?: string;
  body?: string;
  /** Fields added to the form (and, unless `unnamed`, to the policy). */
  extra?: Record<string, string>;
  unnamed?: Record<string, string>;
  conditions?: (base: Condition[]) => Condition[];
  expiration?: number;
  /** Changes the form after signing. */
  tamper?: (fields: [string, string][]) => [string, string][];
  secret?: string;
  /** The policy document's text instead of the JSON of the conditions (signed all the same). */
  rawPolicy?: string;
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');

/** A POST upload form as a page would send it, signed with node:crypto. */
function form({ credentials = alice, key = 'auth0|alice/post.txt', body = 'posted', extra = {}, unnamed = {}, conditions = (base) => base, expiration = Date.now() + 600_000, tamper = (fields) => fields, secret, rawPolicy }: FormCase = {}): FormData {
  const date = amzDate(Date.now());
  const fields: [string, string][] = [
    ['key', key],
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', `${credentials.accessKeyId}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`],
    ['x-amz-date', date],
    ['x-amz-security-token', credentials.sessionToken ?? ''],
    ...Object.entries(extra),
  ];
  const base: Condition[] = [{ bucket: BUCKET }, ['starts-with', '$key', 'auth0|alice/'], ['content-length-range', 0, 1024], ...fields.slice(1).map(([name, value]) => ({ [name]: value }))];
  const policy = Buffer.from(rawPolicy ?? JSON.stringify({ expiration: new Date(expiration).toISOString(), conditions: conditions(base) })).toString('base64');
  const signature = createHmac('sha256', signingKey(secret ?? credentials.secretAccessKey, date.slice(0, 8), 'us-east-1')).update(policy).digest('hex');
  const data = new FormData();
  for (const [name, value] of tamper([...fields, ...Object.entries(unnamed), ['policy', policy], ['x-amz-signature', signature]])) data.append(name, value);
  data.append('file', new Blob([body]), 'post.txt');
  return data;
}

async function post(data: FormData, headers: Record<string, string> = {}) {
  const response = await fetch(`${s3.gate.url}/${BUCKET}`, { method: 'POST', body: data, headers });
  const text = await response.text();
  return { status: response.status, code: s3Code(text), text, headers: response.headers };
}

/** The object as the bucket owner reads it, or its error code. */
function stored(key: string): Promise<string> {
  return owner.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then((answer) => answer.Body!.transformToString(), (error: { name: string }) => error.name);
}

describe('the signature of a POST policy', () => {
  it('is the S3 API Reference\'s example signature for its example policy and key (the verifier is pinned to AWS\'s numbers)', async () => {
    const keys = new Map([[AWS_EXAMPLE.accessKeyId, { secretAccessKey: AWS_EXAMPLE.secret, sessionToken: 'token', expiresAt: Number.MAX_SAFE_INTEGER }]]);
    const example = { algorithm: 'AWS4-HMAC-SHA256', credential: `${AWS_EXAMPLE.accessKeyId}/20151229/us-east-1/s3/aws4_request`, date: '20151229T000000Z', token: 'token', policy: AWS_EXAMPLE.policy };
    await expect(verifyPostSignature({ ...example, signature: AWS_EXAMPLE.signature }, { keys, now: Date.parse('2015-12-29T00:00:00Z'), region: 'us-east-1' })).resolves.toMatchObject({ accessKeyId: AWS_EXAMPLE.accessKeyId });
    // Negative controls: one hex digit off; the policy one character off.
    await expect(verifyPostSignature({ ...example, signature: AWS_EXAMPLE.signature.replace(/e$/, 'f') }, { keys, now: 0, region: 'us-east-1' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    await expect(verifyPostSignature({ ...example, policy: `${AWS_EXAMPLE.policy.slice(0, -2)}9=`, signature: AWS_EXAMPLE.signature }, { keys, now: 0, region: 'us-east-1' })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});

describe('POST uploads at the verifying S3', () => {
  it('control: a correct form is stored (204, ETag and Location), and reads back', async () => {
    const answer = await post(form({ body: 'hello by form' }));
    expect(answer.status).toBe(204);
    expect(answer.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(answer.headers.get('location')).toBe(`${s3.gate.url}/${BUCKET}/auth0%7Calice/post.txt`);
    expect(await stored('auth0|alice/post.txt')).toBe('hello by form');
  });

  it('holds a file over the gate\'s memory bound (9 MiB) on disk until it is allowed, then stores it whole', async () => {
    const body = 'abcdefgh'.repeat(9 * 131_072);
    const answer = await post(form({ key: 'auth0|alice/large.bin', body, conditions: (base) => base.map((condition) => (Array.isArray(condition) && condition[0] === 'content-length-range' ? ['content-length-range', 0, 10 * 1_048_576] : condition)) }));
    expect(answer.status).toBe(204);
    expect((await stored('auth0|alice/large.bin')) === body).toBe(true);
  });

  it('answers 201 with a PostResponse, or 200, when success_action_status asks', async () => {
    const created = await post(form({ key: 'auth0|alice/201.txt', extra: { success_action_status: '201' } }));
    expect([created.status, /<Key>auth0\|alice\/201.txt<\/Key>/.test(created.text)]).toEqual([201, true]);
    expect((await post(form({ key: 'auth0|alice/200.txt', extra: { success_action_status: '200' } }))).status).toBe(200);
  });

  it.each<[string, FormCase, number, string, string?]>([
    ['a wrong signature (another secret)', { secret: 'not-the-secret' }, 403, 'SignatureDoesNotMatch'],
    ['a field changed after signing (the policy)', { tamper: (fields) => fields.map(([name, value]) => [name, name === 'policy' ? Buffer.from(Buffer.from(value, 'base64').toString().replace('1024', '99999')).toString('base64') : value]) }, 403, 'SignatureDoesNotMatch'],
    ['an expired policy', { expiration: Date.now() - 1000 }, 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.'],
    ['a key outside the policy\'s prefix', { key: 'auth0|alice-not/x.txt' }, 403, 'AccessDenied', 'Policy Condition failed: ["starts-with", "$key", "auth0|alice/"]'],
    ['content over the content-length-range', { body: 'x'.repeat(1025) }, 400, 'EntityTooLarge'],
    ['content under the content-length-range', { body: '', conditions: (base) => base.map((condition) => (Array.isArray(condition) && condition[0] === 'content-length-range' ? ['content-length-range', 1, 10] : condition)) }, 400, 'EntityTooSmall'],
    ['a field the policy does not name', { unnamed: { 'x-amz-meta-note': 'sneaked in' } }, 403, 'AccessDenied', 'Extra input fields: x-amz-meta-note'],
    ['an eq condition not met', { extra: { 'Content-Type': 'text/html' }, conditions: (base) => base.map((condition) => ('Content-Type' in condition ? { 'Content-Type': 'text/plain' } : condition)) }, 403, 'AccessDenied', 'Policy Condition failed: ["eq", "$Content-Type", "text/plain"]'],
    ['a policy for another bucket', { conditions: (base) => base.map((condition) => ('bucket' in condition ? { bucket: 'other-bucket' } : condition)) }, 403, 'AccessDenied', 'Policy Condition failed: ["eq", "$bucket", "other-bucket"]'],
    ['a missing security token', { tamper: (fields) => fields.filter(([name]) => name !== 'x-amz-security-token'), conditions: (base) => base.filter((condition) => !('x-amz-security-token' in condition)) }, 400, 'InvalidToken'],
    ['another key\'s security token', { tamper: (fields) => fields.map(([name, value]) => [name, name === 'x-amz-security-token' ? `${value}x` : value]) }, 400, 'InvalidToken'],
    ['a policy that is no JSON', { rawPolicy: '{not json' }, 400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.'],
    ['a policy without an expiration', { rawPolicy: '{"conditions":[]}' }, 400, 'InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.'],
    ['a condition S3 does not have', { conditions: (base) => [...base, ['ends-with', '$key', '.txt']] }, 400, 'InvalidPolicyDocument', 'Invalid Condition'],
    ['no key field', { tamper: (fields) => fields.filter(([name]) => name !== 'key'), conditions: (base) => base.filter((condition) => !(Array.isArray(condition) && condition[1] === '$key')) }, 400, 'InvalidArgument'],
  ])('refuses %s', async (_, variant, status, code, message) => {
    const answer = await post(form({ key: 'auth0|alice/post-refused.txt', ...variant }));
    expect([answer.status, answer.code]).toEqual([status, code]);
    if (message) expect(answer.text).toContain(message);
    expect(await stored(variant.key ?? 'auth0|alice/post-refused.txt')).toBe('NoSuchKey');
  });

  // "Creating a POST policy", Conditions: bucket and the x-amz-* fields (metadata aside) are matched
  // exactly only; starts-with on them fails even with a prefix the value has. Before, it was taken.
  /** The policy with `field`'s exact condition replaced by starts-with `prefix`. */
  const prefixed = (field: string, prefix: string) => (base: Condition[]) => base.map((condition) => (field in condition ? ['starts-with', `$${field}`, prefix] : condition));
  it.each<[string, string]>([
    ['bucket', BUCKET.slice(0, 3)],
    ['x-amz-algorithm', 'AWS4-'],
    ['x-amz-credential', ''],
    ['x-amz-date', '2'],
    ['x-amz-security-token', ''],
  ])('refuses starts-with on %s, which S3 matches exactly only (403 AccessDenied), nothing stored', async (field, prefix) => {
    const key = `auth0|alice/prefixed-${field}.txt`;
    const answer = await post(form({ key, conditions: prefixed(field, prefix) }));
    expect([answer.status, answer.code]).toEqual([403, 'AccessDenied']);
    expect(answer.text).toContain(`Invalid according to Policy: Policy Condition failed: ["starts-with", "$${field}", "${prefix}"]`);
    expect(await stored(key)).toBe('NoSuchKey');
  });

  it.each<[string, string, string]>([
    ['Content-Type', 'text/plain', 'text/'],
    ['x-amz-meta-note', 'hello', 'he'],
    ['acl', 'bucket-owner-full-control', 'bucket-owner-'],
    ['success_action_status', '201', ''],
    ['Cache-Control', 'no-cache', ''],
  ])('control: starts-with on %s, which S3 allows, is taken', async (field, value, prefix) => {
    const key = `auth0|alice/prefixed-${field}.txt`;
    const answer = await post(form({ key, extra: { [field]: value }, conditions: prefixed(field, prefix) }));
    expect(answer.status, answer.text).toBeLessThan(400);
    expect(await stored(key)).toBe('posted');
  });

  it('refuses another user\'s folder through IAM even when the policy allows it (403 Access Denied), and the same form into her folder is stored (control)', async () => {
    const everywhere = (base: Condition[]) => base.map((condition) => (Array.isArray(condition) && condition[1] === '$key' ? ['starts-with', '$key', ''] : condition));
    const denied = await post(form({ key: 'auth0|bob/planted.txt', conditions: everywhere }));
    expect([denied.status, denied.code, denied.text.includes('<Message>Access Denied</Message>')]).toEqual([403, 'AccessDenied', true]);
    expect(await stored('auth0|bob/planted.txt')).toBe('NoSuchKey');
    expect((await post(form({ key: 'auth0|alice/own.txt', conditions: everywhere }))).status).toBe(204);
  });

  it('refuses an expired key (400 ExpiredToken) and an unknown one (403 InvalidAccessKeyId)', async () => {
    const expired = { ...alice };
    s3.gate.keys.set('ASIAEXPIREDPOST00001', { ...s3.gate.keys.get(alice.accessKeyId)!, expiresAt: Date.now() - 1 });
    expect((await post(form({ credentials: { ...expired, accessKeyId: 'ASIAEXPIREDPOST00001' } }))).code).toBe('ExpiredToken');
    expect((await post(form({ credentials: { ...expired, accessKeyId: 'ASIANOSUCHKEY0000001' } }))).code).toBe('InvalidAccessKeyId');
  });

  it('refuses an unsigned x-amz-* header on the POST, a form field twice, an ACL, and takes x-ignore-* fields unnamed (control)', async () => {
    expect((await post(form(), { 'x-amz-copy-source': 'uploads/auth0|bob/x' })).text).toContain('HeadersNotSigned');
    expect((await post(form({ tamper: (fields) => [...fields, ['key', 'auth0|alice/twice.txt']] }))).code).toBe('InvalidArgument');
    expect((await post(form({ extra: { acl: 'public-read' } }))).code).toBe('AccessControlListNotSupported');
    expect((await post(form({ key: 'auth0|alice/ignored.txt', unnamed: { 'x-ignore-note': 'anything' } }))).status).toBe(204);
  });

  it('refuses x-amz-meta-* fields over 2 KB, counted in UTF-8 bytes (400 MetadataTooLarge), nothing stored; 2 KB is stored (control)', async () => {
    // `note` (4 bytes) and 1,023 é (2 bytes each): 2,050 bytes; 1,022 é: 2,048.
    const over = await post(form({ key: 'auth0|alice/meta.txt', extra: { 'x-amz-meta-note': 'é'.repeat(1023) } }));
    expect([over.status, over.code]).toEqual([400, 'MetadataTooLarge']);
    expect(await stored('auth0|alice/meta.txt')).toBe('NoSuchKey');
    expect((await post(form({ key: 'auth0|alice/meta.txt', extra: { 'x-amz-meta-note': 'é'.repeat(1022) } }))).status).toBe(204);
    expect(await stored('auth0|alice/meta.txt')).toBe('posted');
  });

  it('counts every request by method for the round-trip tests (a POST upload is one)', async () => {
    const before = { ...s3.gate.stats.methods };
    await post(form({ key: 'auth0|alice/counted.txt' }));
    expect(s3.gate.stats.methods['POST']! - (before['POST'] ?? 0)).toBe(1);
    expect(s3.gate.stats.methods['OPTIONS'] ?? 0).toBe(before['OPTIONS'] ?? 0);
  });

  it('answers malformed and cut-off forms with S3\'s 4xx errors, never a 500 or a dropped gate; a good form still goes (control)', async () => {
    const good = new Uint8Array(await new Response(form({ key: 'auth0|alice/fuzzed.txt' })).arrayBuffer());
    const boundary = /^--([^\r]+)/.exec(new TextDecoder().decode(good.slice(0, 100)))![1]!;
    const send = (body: Uint8Array, type = `multipart/form-data; boundary=${boundary}`) => fetch(`${s3.gate.url}/${BUCKET}`, { method: 'POST', body: body as BodyInit, headers: { 'content-type': type } }).then(async (response) => [response.status, s3Code(await response.text())] as const);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: good.length - 1 }).map((end) => good.slice(0, end)),
          fc.tuple(fc.integer({ min: 0, max: good.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, bytes]) => new Uint8Array([...good.slice(0, at), ...bytes, ...good.slice(at)])),
          fc.uint8Array({ maxLength: 512 }),
        ),
        async (body) => {
          const [status] = await send(body);
          expect(status === 204 || (status >= 400 && status < 500)).toBe(true);
        },
      ),
      { numRuns: 60, seed: 26 },
    );
    expect((await send(good, 'multipart/form-data'))[0]).toBeGreaterThanOrEqual(400);
    expect(await send(good)).toEqual([204, undefined]);
  });
});
