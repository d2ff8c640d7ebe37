// Issue 24, point 8: what the fetch entry refuses to put in a URL, before anything is signed or sent.
// A `..` in a name would be resolved by the URL parser (Alice's credentials signing Bob's key, or the
// bucket itself), a bucket name can carry the request to another host, and the session token goes to
// whatever endpoint the folder names. Each refusal has a control that passes and reaches the right key,
// against the verifying S3 with the per-user policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templatePolicies } from '../../support/policy-gate';
import { deleteObject, getObject, listObjects, putObject, s3Folder, signedFetch, uploadMultipart } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()) });
});
afterAll(() => gate.stop());

/** Alice's signed fetch and a folder of her own for this test; `sent` records every request sent (method and URL). */
function setup(region = 'us-east-1') {
  server.use(issuingEndpoint({ keys: gate.keys }).handler);
  const sent: string[] = [];
  const recording: typeof fetch = (input, init) => {
    sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return fetch(input, init);
  };
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: alice, region, fetch: recording });
  const id = crypto.randomUUID();
  return { sent, s3fetch, id, folder: s3Folder(s3fetch, { bucket: 'uploads', folder: `auth0|alice/${id}/`, endpoint: gate.url }) };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);
const paths = (sent: string[]) => sent.map((line) => line.replace(gate.url, ''));

/** The call is `invalid_configuration`, and nothing reached S3. */
async function refusedUnsent(_name: string, call: (folder: ReturnType<typeof setup>['folder']) => Promise<unknown>): Promise<void> {
  const { folder, sent } = setup();
  expect(await codeOf(call(folder))).toBe('0 invalid_configuration');
  expect(sent).toEqual([]);
}

describe('names with a "." or ".." segment are refused, nothing sent', () => {
  it.each<[string, (folder: ReturnType<typeof setup>['folder']) => Promise<unknown>]>([
    ['getObject(folder, "../auth0|bob/x") (would be signed for Bob\'s key)', (folder) => getObject(folder, '../auth0|bob/x')],
    ['deleteObject(folder, "..") (would be signed as DeleteBucket)', (folder) => deleteObject(folder, '..')],
    ['putObject(folder, "a/../../auth0|bob/x")', (folder) => putObject(folder, 'a/../../auth0|bob/x', 'x')],
    ['putObject(folder, ".")', (folder) => putObject(folder, '.', 'x')],
    ['getObject(folder, "a/./b")', (folder) => getObject(folder, 'a/./b')],
    ['uploadMultipart(folder, "../x", a 6 MiB Blob)', (folder) => uploadMultipart(folder, '../x', new Blob([new Uint8Array(6 * 1_048_576)]), { partSize: 5 * 1_048_576 })],
  ])('%s', refusedUnsent);

  it('control: names that only look like it ("...", "a..b", ".hidden", "x/..y") reach their own key', async () => {
    const { folder, sent, id } = setup();
    const names = ['...', 'a..b', '.hidden', 'x/..y'];
    for (const name of names) await putObject(folder, name, name);
    for (const name of names) expect(await (await getObject(folder, name)).text()).toBe(name);
    expect(paths(sent).filter((line) => line.startsWith('PUT'))).toEqual(names.map((name) => `PUT /uploads/auth0%7Calice/${id}/${name}`));
    expect((await listObjects(folder)).objects.map((object) => object.name).sort()).toEqual([...names].sort());
    for (const name of names) await deleteObject(folder, name);
  });

  it('control: empty segments ("a//b", a folder marker "photos/") are keys like any other, sent as they are', async () => {
    const { folder, sent, id } = setup();
    // The sandbox refuses them (400: s3rver keeps objects as files); S3 stores them. What matters here
    // is that no URL merged them: each went out for its own key.
    for (const name of ['a//b', 'photos/']) await putObject(folder, name, 'x').catch(() => undefined);
    expect(paths(sent)).toEqual([`PUT /uploads/auth0%7Calice/${id}/a//b`, `PUT /uploads/auth0%7Calice/${id}/photos/`]);
  });

  it.each<[string, (folder: ReturnType<typeof setup>['folder']) => Promise<unknown>]>([
    ['putObject(folder, "a\\uD800b") (a lone surrogate: encodeURIComponent throws URIError)', (folder) => putObject(folder, 'a\uD800b', 'x')],
    ['getObject(folder, "\\uDC00")', (folder) => getObject(folder, '\uDC00')],
    ['uploadMultipart(folder, "big\\uD83D.bin", a 6 MiB Blob)', (folder) => uploadMultipart(folder, 'big\uD83D.bin', new Blob([new Uint8Array(6 * 1_048_576)]), { partSize: 5 * 1_048_576 })],
  ])('a name that is not well-formed Unicode is invalid_configuration, not a raw URIError, nothing sent: %s', refusedUnsent);

  it('control: a name with a surrogate pair, other scripts and combining marks reaches its own key', async () => {
    const { folder, id } = setup();
    const name = '\u{1F600} \u65E5\u672C e\u0301.txt';
    await putObject(folder, name, 'pair');
    expect(await (await getObject(folder, name)).text()).toBe('pair');
    expect((await listObjects(folder)).objects.map((object) => object.key)).toEqual([`auth0|alice/${id}/${name}`]);
  });

  it('a folder with a ".." segment is refused by s3Folder; control: the folder itself', () => {
    const { s3fetch } = setup();
    expect(() => s3Folder(s3fetch, { bucket: 'uploads', folder: 'auth0|alice/../auth0|bob/', endpoint: gate.url })).toThrow(expect.objectContaining({ code: 'invalid_configuration' }));
    expect(s3Folder(s3fetch, { bucket: 'uploads', folder: 'auth0|alice/', endpoint: gate.url }).folder).toBe('auth0|alice/');
  });
});

describe('the bucket name follows S3\'s naming rules', () => {
  it('"attacker.example/x?" is refused: nothing goes to attacker.example', async () => {
    const { s3fetch, sent } = setup();
    const attempt = async () => getObject(s3Folder(s3fetch, { bucket: 'attacker.example/x?', folder: 'auth0|alice/' }), 'notes.txt');
    expect(await codeOf(attempt())).toBe('0 invalid_configuration');
    expect(sent).toEqual([]);
  });

  it.each(['attacker.example/x?', 'Uploads', 'up', 'a'.repeat(64), 'up_loads', '-uploads', 'uploads-', 'up..loads', '192.168.0.1', 'xn--bcher-kva', 'sthree-x', 'amzn-s3-demo-x', 'up loads', 'uploads#x', ''])('refused: %j', (bucket) => {
    const { s3fetch } = setup();
    expect(() => s3Folder(s3fetch, { bucket, folder: 'auth0|alice/' })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('bucket') }));
  });

  it.each([
    ['my-bucket', 'https://my-bucket.s3.us-east-1.amazonaws.com'],
    ['my.bucket.name', 'https://my.bucket.name.s3.us-east-1.amazonaws.com'],
    ['abc', 'https://abc.s3.us-east-1.amazonaws.com'],
    ['a'.repeat(63), `https://${'a'.repeat(63)}.s3.us-east-1.amazonaws.com`],
    ['my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias', 'https://my-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.s3.us-east-1.amazonaws.com'],
  ])('control, accepted: %s -> %s', (bucket, url) => {
    expect(s3Folder(setup().s3fetch, { bucket, folder: 'auth0|alice/' }).bucketUrl).toBe(url);
  });

  it('the region becomes part of the host too: one that is not an AWS region is refused without an endpoint, and accepted with one (R2\'s "auto")', () => {
    expect(() => s3Folder(setup('attacker.example/').s3fetch, { bucket: 'uploads', folder: 'auth0|alice/' })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('region') }));
    expect(s3Folder(setup('auto').s3fetch, { bucket: 'uploads', folder: 'auth0|alice/', endpoint: 'https://account.r2.cloudflarestorage.com' }).bucketUrl).toBe('https://account.r2.cloudflarestorage.com/uploads');
  });
});

describe('the endpoint gets the rule `domain` has (the session token goes there)', () => {
  it('signedFetch itself sends to no http URL but a loopback one: invalid_configuration, nothing sent (control: the local S3)', async () => {
    const { s3fetch, sent } = setup();
    for (const url of ['http://s3.example.com/uploads/auth0%7Calice/x', 'https://user:pw@s3.example.com/x', 'not a url']) {
      expect(await s3fetch(url).then(() => 'ok', (error: { code?: string }) => error.code)).toBe('invalid_configuration');
    }
    expect(sent).toEqual([]);
    expect((await s3fetch(`${gate.url}/uploads/auth0%7Calice/missing.txt`)).status).toBe(404);
  });


  it.each(['http://s3.example.com', 'http://10.0.0.5:9000', 'ftp://127.0.0.1', 'https://user:secret@s3.example.com', 'https://s3.example.com/?x=1', 'https://s3.example.com/?', 'https://s3.example.com/#x', 'not a url'])('refused: %s', (endpoint) => {
    const { s3fetch } = setup();
    expect(() => s3Folder(s3fetch, { bucket: 'uploads', folder: 'auth0|alice/', endpoint })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('endpoint') }));
  });

  it.each([
    ['https://s3.example.com', 'https://s3.example.com/uploads'],
    ['https://s3.example.com/prefix/', 'https://s3.example.com/prefix/uploads'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000/uploads'],
    ['http://localhost:9000/', 'http://localhost:9000/uploads'],
    ['http://[::1]:9000', 'http://[::1]:9000/uploads'],
  ])('control, accepted: %s -> %s', (endpoint, url) => {
    expect(s3Folder(setup().s3fetch, { bucket: 'uploads', folder: 'auth0|alice/', endpoint }).bucketUrl).toBe(url);
  });
});
