// Issue 24, point 2: an x-amz-* header the signature does not cover is refused, as S3 refuses it (403
// AccessDenied, "There were headers present in the request which were not signed", HeadersNotSigned),
// with the Authorization header and with a presigned URL alike. Before, whoever held Alice's presigned
// PUT link could add x-amz-copy-source and copy her private file into the shared key.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolicyGate } from '../../support/policy-gate';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { BUCKET } from '../../support/s3';
import { presignQuery, s3Code, s3Element, signHeaders, wireQuery } from '../../support/signed-raw';

let setup: Awaited<ReturnType<typeof startPolicyGate>>;
let alice: ReturnType<Awaited<ReturnType<typeof startPolicyGate>>['user']>;
const SECRET = "Alice's private notes";

beforeAll(async () => {
  setup = await startPolicyGate();
  alice = setup.user('auth0|alice');
  await alice.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/private.txt', Body: SECRET }));
});
afterAll(() => setup?.stop());

const port = () => Number(new URL(setup.gate.url).port);
const contentOf = (key: string) =>
  alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then((answer) => answer.Body!.transformToString(), (error: { name?: string }) => error.name);

/** Sends `headers` signed with Alice's key and `extra` added afterwards, unsigned. */
async function signedPlus(path: string, headers: Record<string, string>, extra: Record<string, string>, body = 'x') {
  const signed = await signHeaders(port(), { method: 'PUT', path, headers }, { credentials: alice.credentials });
  return rawRequest(port(), requestBytes('PUT', path, [...Object.entries(signed), ...Object.entries(extra)], Buffer.from(body)));
}

describe('an x-amz-* header outside SignedHeaders', () => {
  it('is refused with the Authorization header (403 AccessDenied, HeadersNotSigned), and nothing is stored', async () => {
    const answer = await signedPlus('/uploads/auth0%7Calice/meta.txt', {}, { 'x-amz-meta-note': 'added later' });
    expect(answer.status).toBe(403);
    expect(s3Code(answer.body)).toBe('AccessDenied');
    expect(s3Element(answer.body, 'Message')).toBe('There were headers present in the request which were not signed');
    expect(s3Element(answer.body, 'HeadersNotSigned')).toBe('x-amz-meta-note');
    expect(await contentOf('auth0|alice/meta.txt')).toBe('NoSuchKey');
  });

  it('control: the same header signed is taken', async () => {
    const answer = await signedPlus('/uploads/auth0%7Calice/meta.txt', { 'x-amz-meta-note': 'signed' }, {});
    expect(answer.status).toBe(200);
    const head = await alice.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/meta.txt' }));
    expect(head.Metadata).toEqual({ note: 'signed' });
  });

  it('control: other unsigned headers (not x-amz-*) are not refused', async () => {
    expect((await signedPlus('/uploads/auth0%7Calice/plain.txt', {}, { 'x-custom': 'y', 'cache-control': 'no-cache' })).status).toBe(200);
  });
});

describe("a presigned PUT link for Alice's shared key", () => {
  const presignedPut = () => getSignedUrl(alice.s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/shared.txt' }), { expiresIn: 300 });

  it('with an added x-amz-copy-source is refused (AccessDenied): her private file is not copied', async () => {
    const answer = await fetch(await presignedPut(), { method: 'PUT', headers: { 'x-amz-copy-source': `${BUCKET}/auth0%7Calice/private.txt` } });
    const body = await answer.text();
    expect([answer.status, s3Code(body), s3Element(body, 'HeadersNotSigned')]).toEqual([403, 'AccessDenied', 'x-amz-copy-source']);
    expect(await contentOf('auth0|alice/shared.txt')).toBe('NoSuchKey');
  });

  it('with any other x-amz-* header added is refused too (x-amz-meta-*, x-amz-tagging)', async () => {
    for (const [name, value] of [['x-amz-meta-owner', 'mallory'], ['x-amz-tagging', 'a=b']] as const) {
      const answer = await fetch(await presignedPut(), { method: 'PUT', headers: { [name]: value }, body: 'x' });
      expect([answer.status, s3Element(await answer.text(), 'HeadersNotSigned')], name).toEqual([403, name]);
    }
    expect(await contentOf('auth0|alice/shared.txt')).toBe('NoSuchKey');
  });

  it('control: used as made, it uploads the body; a header the link signed (hoisted into its query) is taken', async () => {
    expect((await fetch(await presignedPut(), { method: 'PUT', body: 'shared text' })).status).toBe(200);
    expect(await contentOf('auth0|alice/shared.txt')).toBe('shared text');
    const withMetadata = await getSignedUrl(alice.s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/tagged.txt', Metadata: { kind: 'note' } }), { expiresIn: 300 });
    expect((await fetch(withMetadata, { method: 'PUT', body: 'note' })).status).toBe(200);
  });
});

// S3 wants `host` signed, with the Authorization header and in a presigned URL alike, and answers a
// signature that leaves it out as it answers an unsigned x-amz-* header: 403 AccessDenied, HeadersNotSigned
// host (what S3 answered amazonka's presigned URLs with X-Amz-SignedHeaders= empty, aws/aws-sdk-java#1680,
// coda/packs-sdk#3093). Unsigned, the host is whoever the request was replayed to.
describe('a signature that does not cover host', () => {
  const OWN = { method: 'GET', path: '/uploads/auth0%7Calice/private.txt' };

  it('is refused with the Authorization header (403 AccessDenied, HeadersNotSigned host)', async () => {
    const headers = await signHeaders(port(), OWN, { credentials: alice.credentials, unsigned: ['host'] });
    expect(headers['authorization']).not.toMatch(/SignedHeaders=[^,]*host/);
    const answer = await rawRequest(port(), requestBytes('GET', OWN.path, Object.entries(headers)));
    expect([answer.status, s3Code(answer.body), s3Element(answer.body, 'HeadersNotSigned')]).toEqual([403, 'AccessDenied', 'host']);
    expect(answer.body).not.toContain(SECRET);
  });

  it('is refused in a presigned URL (X-Amz-SignedHeaders without host)', async () => {
    // It signs another header (range): with none, X-Amz-SignedHeaders would be empty, a malformed URL.
    const query = await presignQuery(port(), { ...OWN, headers: { range: 'bytes=0-4' } }, { credentials: alice.credentials, unsigned: ['host'] });
    expect(new Map(query).get('X-Amz-SignedHeaders')).toBe('range');
    const answer = await rawRequest(port(), requestBytes('GET', `${OWN.path}${wireQuery(query)}`, [['host', `127.0.0.1:${port()}`], ['range', 'bytes=0-4']]));
    expect([answer.status, s3Code(answer.body), s3Element(answer.body, 'HeadersNotSigned')]).toEqual([403, 'AccessDenied', 'host']);
  });

  it('control: the same requests with host signed are taken', async () => {
    const headers = await signHeaders(port(), OWN, { credentials: alice.credentials });
    const answer = await rawRequest(port(), requestBytes('GET', OWN.path, Object.entries(headers)));
    expect([answer.status, answer.body]).toEqual([200, SECRET]);
    const query = await presignQuery(port(), { ...OWN, headers: { range: 'bytes=0-4' } }, { credentials: alice.credentials });
    expect(new Map(query).get('X-Amz-SignedHeaders')).toBe('host;range');
    const presigned = await rawRequest(port(), requestBytes('GET', `${OWN.path}${wireQuery(query)}`, [['host', `127.0.0.1:${port()}`], ['range', 'bytes=0-4']]));
    expect([presigned.status, presigned.body]).toEqual([206, SECRET.slice(0, 5)]);
  });
});
