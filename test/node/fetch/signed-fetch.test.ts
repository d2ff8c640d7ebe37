// The fetch entry (signedFetch + s3Folder) against s3rver behind the gate that verifies SigV4, session
// tokens and the per-user IAM policy: the same checks the AWS SDK path passes in aws-s3.test.ts.
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templatePolicies } from '../../support/policy-gate';
import { deleteObject, getObject, listObjects, putObject, s3Folder, signedFetch } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()) });
});
afterAll(() => gate.stop());

function setup(idToken = alice, folder = 'auth0|alice/') {
  const endpoint = issuingEndpoint({ keys: gate.keys });
  server.use(endpoint.handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: () => idToken, region: 'us-east-1' });
  return { endpoint, client, s3fetch, folder: s3Folder(s3fetch, { bucket: 'uploads', folder, endpoint: gate.url }) };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);

describe('s3Folder over signedFetch, against the verifying S3', () => {
  it('puts (with progress), gets, lists and deletes in the user\'s folder, on one delegation request', async () => {
    const { endpoint, folder } = setup();
    const progress: [number, number][] = [];
    const names = ['report 2026+final.txt', 'a*b(c)!\'.txt', 'sub/dir/é.bin'];
    const { etag } = await putObject(folder, names[0]!, 'hello from alice', { onProgress: (sent, total) => progress.push([sent, total]) });
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(progress).toEqual([[16, 16]]);
    await putObject(folder, names[1]!, new Uint8Array([1, 2, 3]));
    await putObject(folder, names[2]!, new Blob(['blob body'], { type: 'text/plain' }));
    expect(await (await getObject(folder, names[0]!)).text()).toBe('hello from alice');
    const blob = await (await getObject(folder, names[2]!)).blob();
    expect([await blob.text(), blob.type]).toEqual(['blob body', 'text/plain']);

    expect((await listObjects(folder)).objects.map((object) => object.name).sort()).toEqual([...names].sort());
    const [first] = (await listObjects(folder)).objects.filter((object) => object.name === names[0]);
    expect(first).toMatchObject({ key: `auth0|alice/${names[0]}`, size: 16, etag });
    expect(first?.lastModified.getTime()).toBeGreaterThan(Date.now() - 60_000);

    for (const name of names) await deleteObject(folder, name);
    expect((await listObjects(folder)).objects).toEqual([]);
    expect(await codeOf(getObject(folder, names[0]!))).toBe('404 NoSuchKey');
    expect(endpoint.issued).toHaveLength(1);
  });

  it('refuses Bob\'s credentials Alice\'s folder (403 AccessDenied), and serves Alice (control)', async () => {
    await putObject(setup().folder, 'private.txt', 'alice only');
    const { folder: bobInAlicesFolder } = setup(bob, 'auth0|alice/');
    expect(await codeOf(getObject(bobInAlicesFolder, 'private.txt'))).toBe('403 AccessDenied');
    expect(await codeOf(listObjects(bobInAlicesFolder))).toBe('403 AccessDenied');
    expect(await codeOf(putObject(bobInAlicesFolder, 'planted.txt', 'x'))).toBe('403 AccessDenied');
    expect(await codeOf(deleteObject(bobInAlicesFolder, 'private.txt'))).toBe('403 AccessDenied');
    expect(await (await getObject(setup().folder, 'private.txt')).text()).toBe('alice only');
  });

  it('recovers once from ExpiredToken: drops the refused credentials, asks for new ones, sends again', async () => {
    const { endpoint, folder } = setup();
    await putObject(folder, 'before.txt', 'one');
    // The gate now holds the first key as expired (revoked early, or a server clock ahead).
    const [firstKey] = endpoint.issued;
    const issued = gate.keys.get(firstKey!.accessKeyId)!;
    gate.keys.set(firstKey!.accessKeyId, { ...issued, expiresAt: Date.now() - 1 });
    await putObject(folder, 'after.txt', 'two');
    expect(await (await getObject(folder, 'after.txt')).text()).toBe('two');
    expect(endpoint.issued).toHaveLength(2);
    expect(gate.stats.rejected['ExpiredToken']).toBeGreaterThanOrEqual(1);
  });

  it('gives up after one retry: new credentials that are refused too come back as the answer (no loop)', async () => {
    const endpoint = issuingEndpoint({ keys: gate.keys, expiredAtGate: true });
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const folder = s3Folder(signedFetch(client, { idToken: alice, region: 'us-east-1' }), { bucket: 'uploads', folder: 'auth0|alice/', endpoint: gate.url });
    expect(await codeOf(putObject(folder, 'x.txt', 'x'))).toBe('400 ExpiredToken');
    expect(endpoint.issued).toHaveLength(2);
  });

  it('negative control: a wrong secret gets 403 SignatureDoesNotMatch, and is not retried', async () => {
    // A key S3 knows, for Alice, answered with another secret: the signature cannot be the key's.
    const expiresAt = Date.now() + 3_600_000;
    gate.keys.set('ASIAWRONGSECRET00001', { secretAccessKey: 'the-real-secret-0123456789', sessionToken: 'session-wrong-secret', expiresAt, subject: 'auth0|alice' });
    const wrong = delegationEndpoint(() => jsonResponse({ Credentials: { AccessKeyId: 'ASIAWRONGSECRET00001', SecretAccessKey: 'not-the-secret-0123456789', SessionToken: 'session-wrong-secret', Expiration: new Date(expiresAt).toISOString() } }));
    server.use(wrong.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const folder = s3Folder(signedFetch(client, { idToken: alice, region: 'us-east-1' }), { bucket: 'uploads', folder: 'auth0|alice/', endpoint: gate.url });
    expect(await codeOf(putObject(folder, 'x.txt', 'x'))).toBe('403 SignatureDoesNotMatch');
    expect(wrong.requests).toHaveLength(1);
  });

  it('corrects its signing clock once from RequestTimeTooSkewed (S3\'s ServerTime)', async () => {
    const ahead = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()), now: () => Date.now() + 40 * 60_000 });
    try {
      const endpoint = issuingEndpoint({ keys: ahead.keys, lifetimeMs: 3 * 3_600_000 });
      server.use(endpoint.handler);
      const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
      const folder = s3Folder(signedFetch(client, { idToken: alice, region: 'us-east-1' }), { bucket: 'uploads', folder: 'auth0|alice/', endpoint: ahead.url });
      await putObject(folder, 'skewed.txt', 'on time');
      await putObject(folder, 'skewed2.txt', 'on time again');
      expect(ahead.stats.rejected['RequestTimeTooSkewed']).toBe(1);
    } finally {
      await ahead.stop();
    }
  });

  it('fails with the client\'s DelegationError codes when there are no credentials, and aborted on its signal', async () => {
    server.use(delegationEndpoint(() => jsonResponse({ error: 'unauthorized', error_description: 'no' }, { status: 401 })).handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const folder = s3Folder(signedFetch(client, { idToken: alice, region: 'us-east-1' }), { bucket: 'uploads', folder: 'auth0|alice/', endpoint: gate.url });
    expect(await codeOf(listObjects(folder))).toBe('401 unauthorized');
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(listObjects(setup().folder, { signal: controller.signal }))).toBe('0 aborted');
    const unreachable = s3Folder(setup().s3fetch, { bucket: 'uploads', folder: 'auth0|alice/', endpoint: 'http://127.0.0.1:9' });
    expect(await codeOf(listObjects(unreachable))).toBe('0 network_error');
  });

  it('refuses bad settings at once, naming them', () => {
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    expect(() => signedFetch(client, { idToken: alice } as never)).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('region') }));
    expect(() => signedFetch(client, { idToken: alice, region: 'us-east-1', bucket: 'x' } as never)).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('bucket') }));
    const s3fetch = signedFetch(client, { idToken: alice, region: 'us-east-1' });
    expect(() => s3Folder(s3fetch, { bucket: 'uploads', folder: 'auth0|alice' })).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
  });
});

describe('list with continuation', () => {
  // s3rver 3.7.1 makes its continuation tokens with DES, which OpenSSL 3 (Node 18+) refuses: it answers a
  // truncated listing with 500. Pages are therefore checked against S3's documented answer, over msw.
  it('sends the previous page\'s token (signed) and reads each page until the last', async () => {
    const { s3fetch } = setup();
    const seen: (string | null)[] = [];
    const page = (keys: string[], next?: string) =>
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>auth0|alice/</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${next !== undefined}</IsTruncated>` +
      keys.map((key) => `<Contents><Key>${key}</Key><LastModified>2026-11-30T10:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('') +
      (next === undefined ? '' : `<NextContinuationToken>${next}</NextContinuationToken>`) + '</ListBucketResult>';
    server.use(http.get('https://bkt.s3.us-east-1.amazonaws.com/', ({ request }) => {
      const url = new URL(request.url);
      seen.push(request.headers.get('authorization') === null ? 'unsigned' : url.searchParams.get('continuation-token'));
      expect(url.searchParams.get('prefix')).toBe('auth0|alice/');
      return HttpResponse.text(url.searchParams.has('continuation-token') ? page(['auth0|alice/c &amp; d.txt']) : page(['auth0|alice/a.txt', 'auth0|alice/b.txt'], '1/+token=='), { headers: { 'content-type': 'application/xml' } });
    }));
    const folder = s3Folder(s3fetch, { bucket: 'bkt', folder: 'auth0|alice/' });
    const first = await listObjects(folder, { maxKeys: 2 });
    expect(first.objects.map((object) => object.name)).toEqual(['a.txt', 'b.txt']);
    expect(first.objects[0]).toEqual({ key: 'auth0|alice/a.txt', name: 'a.txt', size: 3, lastModified: new Date('2026-11-30T10:00:00.000Z'), etag: '"abc"' });
    const second = await listObjects(folder, { maxKeys: 2, continuationToken: first.continuationToken });
    expect(second).toMatchObject({ objects: [{ name: 'c & d.txt' }], continuationToken: undefined });
    expect(seen).toEqual([null, '1/+token==']);
  });
});
