// postObject (a browser POST upload with a policy signed from the client's credentials) against s3rver
// behind the gate that verifies POST policies as S3 does, with the per-user IAM policy of deploy/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { startS3Gate } from '../../../sandbox/s3-gate.mjs';
import { signPolicy } from '../../../src/fetch/sign';
import { MAX_POST_BYTES, getObject, postObject, putObject, s3Folder, signedFetch } from '../../../src/entries/fetch';
import type { S3Folder } from '../../../src/entries/fetch';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN } from '../../support/delegation-endpoint';
import { issuingEndpoint } from '../../support/issuer';
import type { IssuerOptions } from '../../support/issuer';
import { templatePolicies } from '../../support/policy-gate';
import { AWS_EXAMPLE } from '../../support/post-policy-example';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
let gate: Awaited<ReturnType<typeof startS3Gate>>;

beforeAll(async () => {
  gate = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()) });
});
afterAll(() => gate.stop());

function setup({ folder = 'auth0|alice/', s3 = gate, fetch, ...issuer }: { folder?: string; s3?: typeof gate; fetch?: typeof globalThis.fetch } & Partial<IssuerOptions> = {}) {
  const endpoint = issuingEndpoint({ keys: s3.keys, ...issuer });
  server.use(endpoint.handler);
  const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
  const s3fetch = signedFetch(client, { idToken: alice, region: 'us-east-1', ...(fetch ? { fetch } : {}) });
  return { endpoint, folder: s3Folder(s3fetch, { bucket: 'uploads', folder, endpoint: s3.url }) };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: { code?: string; status?: number }) => `${error.status} ${error.code}`);

/** A fetch that records what goes out: the method, the headers the caller set, and the form. */
function recordingFetch() {
  const sent: { method: string; headers: Headers; form: FormData | undefined }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({ method: init?.method ?? 'GET', headers: new Headers(init?.headers), form: init?.body instanceof FormData ? init.body : undefined });
    return globalThis.fetch(input, init);
  };
  return { sent, fetch };
}

describe('signPolicy (aws4fetch\'s key derivation, the policy as the string to sign)', () => {
  it('gives the S3 API Reference\'s example signature ("Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)"), and another for another secret (control)', async () => {
    const credentials = { accessKeyId: AWS_EXAMPLE.accessKeyId, secretAccessKey: AWS_EXAMPLE.secret };
    const sign = (secretAccessKey: string) => signPolicy(AWS_EXAMPLE.policy, { ...credentials, secretAccessKey }, { region: 'us-east-1', service: 's3' }, '20151229T000000Z', 'https://sigv4examplebucket.s3.amazonaws.com/');
    expect(await sign(AWS_EXAMPLE.secret)).toBe(AWS_EXAMPLE.signature);
    expect(await sign('another-secret')).not.toBe(AWS_EXAMPLE.signature);
  });
});

describe('postObject against the verifying S3', () => {
  it('stores the body in one POST with no header of its own, progress once at the end, and the ETag S3 sent', async () => {
    const { sent, fetch } = recordingFetch();
    const { folder, endpoint } = setup({ fetch });
    const progress: [number, number][] = [];
    const before = { ...gate.stats.methods };
    const { etag } = await postObject(folder, 'notes é+1.txt', new Blob(['hello by POST'], { type: 'text/plain' }), { onProgress: (sent, total) => progress.push([sent, total]) });
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(progress).toEqual([[13, 13]]);
    expect(gate.stats.methods['POST']! - (before['POST'] ?? 0)).toBe(1);
    // A CORS simple request: POST, no header set by the caller (fetch adds the form's content type).
    expect(sent.map(({ method, headers }) => [method, [...headers.keys()]])).toEqual([['POST', []]]);
    const form = sent[0]!.form!;
    expect([...form.keys()]).toEqual(['key', 'Content-Type', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-security-token', 'policy', 'x-amz-signature', 'file']);
    const policy = JSON.parse(Buffer.from(String(form.get('policy')), 'base64').toString()) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions.slice(0, 3)).toEqual([{ bucket: 'uploads' }, ['eq', '$key', 'auth0|alice/notes é+1.txt'], ['content-length-range', 13, 13]]);
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const stored = await (await getObject(folder, 'notes é+1.txt')).blob();
    expect([await stored.text(), stored.type]).toEqual(['hello by POST', 'text/plain']);
    expect(endpoint.issued).toHaveLength(1);
  });

  it('takes strings and bytes (application/octet-stream unless told), and names with any characters', async () => {
    const { folder } = setup();
    await postObject(folder, 'bytes.bin', new Uint8Array([0, 1, 2, 255]));
    await postObject(folder, 'sub/dir/a&b=c?.txt', 'text body', { contentType: 'text/markdown' });
    const bytes = await getObject(folder, 'bytes.bin');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    const text = await getObject(folder, 'sub/dir/a&b=c?.txt');
    expect([await text.text(), text.headers.get('content-type')]).toEqual(['text body', 'text/markdown']);
  });

  it('is refused outside the user\'s folder (403 AccessDenied from IAM), and the same POST into her own folder is stored (control)', async () => {
    const { folder } = setup({ folder: 'auth0|bob/' });
    const rejected = gate.stats.rejected['AccessDenied'] ?? 0;
    expect(await codeOf(postObject(folder, 'planted.txt', 'x'))).toBe('403 AccessDenied');
    expect(gate.stats.rejected['AccessDenied']).toBe(rejected + 1);
    expect(await codeOf(postObject(setup().folder, 'planted.txt', 'x'))).toBe('ok');
  });

  it('gets new credentials and posts once more after ExpiredToken, and gives up after one retry', async () => {
    // The first key is expired at the gate; the second is good.
    const { folder, endpoint } = setup({ expiredAtGate: true });
    const expired = gate.stats.rejected['ExpiredToken'] ?? 0;
    expect(await codeOf(postObject(folder, 'retry.txt', 'x'))).toBe('400 ExpiredToken');
    expect(endpoint.issued).toHaveLength(2);
    expect(gate.stats.rejected['ExpiredToken']).toBe(expired + 2);
  });

  it('re-signs once on S3\'s clock when the page clock is behind and S3 finds the policy expired', async () => {
    const ahead = await startS3Gate({ authorize: policyAuthorizer(templatePolicies()), now: () => Date.now() + 40 * 60_000 });
    try {
      const { folder } = setup({ s3: ahead, lifetimeMs: 3 * 3_600_000 });
      await postObject(folder, 'late.txt', 'on S3 time');
      await postObject(folder, 'late2.txt', 'on S3 time again');
      expect(ahead.stats.rejected).toEqual({ AccessDenied: 1 });
      expect(ahead.stats.methods['POST']).toBe(3);
    } finally {
      await ahead.stop();
    }
  });

  it('refuses a body over MAX_POST_BYTES and a name with a .. segment, sending nothing; a body of exactly MAX_POST_BYTES goes (control)', async () => {
    const { folder } = setup();
    const before = gate.stats.requests;
    expect(MAX_POST_BYTES).toBe(5 * 1024 * 1024);
    expect(await codeOf(postObject(folder, 'big.bin', new Uint8Array(MAX_POST_BYTES + 1)))).toBe('0 invalid_configuration');
    expect(await codeOf(postObject(folder, '../auth0|bob/x', 'x'))).toBe('0 invalid_configuration');
    expect(gate.stats.requests).toBe(before);
    expect(await codeOf(postObject(folder, 'exact.bin', new Uint8Array(MAX_POST_BYTES)))).toBe('ok');
  });

  it('never stores under another key than asked: a name with ${filename} or a line break, or a type with one, is refused before anything is sent; putObject stores such a name as it is (control)', async () => {
    const { folder } = setup();
    const before = gate.stats.requests;
    // S3 replaces ${filename} in a POST's key with the file part's name; a form's line breaks go as CRLF.
    for (const name of ['a${filename}.txt', 'line\nbreak.txt', 'cr\rname.txt']) {
      expect(await codeOf(postObject(folder, name, 'x'))).toBe('0 invalid_configuration');
    }
    expect(await codeOf(postObject(folder, 'typed.txt', 'x', { contentType: 'text/plain\r\nx-amz-acl: public-read' }))).toBe('0 invalid_configuration');
    expect(gate.stats.requests).toBe(before);
    await putObject(folder, 'a${filename}.txt', 'as named');
    expect(await (await getObject(folder, 'a${filename}.txt')).text()).toBe('as named');
    // Control: quotes and other odd characters in the name and the type go as they are.
    await postObject(folder, 'say "hi" $x {y}.txt', 'quoted', { contentType: 'text/plain; charset="utf-8"' });
    const quoted = await getObject(folder, 'say "hi" $x {y}.txt');
    expect([await quoted.text(), quoted.headers.get('content-type')]).toEqual(['quoted', 'text/plain; charset="utf-8"']);
  });

  it('a name that is not well-formed Unicode is refused before anything is sent (a form would store U+FFFD in its place); control: a surrogate pair is stored as named', async () => {
    const { folder } = setup();
    const before = gate.stats.requests;
    expect(await codeOf(postObject(folder, 'lone\uD800.txt', 'x'))).toBe('0 invalid_configuration');
    expect(gate.stats.requests).toBe(before);
    expect(await codeOf(getObject(folder, 'lone\uFFFD.txt'))).toBe('404 NoSuchKey');
    await postObject(folder, 'pair \u{1F600}.txt', 'pair');
    expect(await (await getObject(folder, 'pair \u{1F600}.txt')).text()).toBe('pair');
  });

  it('signs a policy for this one key: the form replayed with another key in the folder is refused (403 AccessDenied), the form as it was is taken (control)', async () => {
    const { sent, fetch } = recordingFetch();
    const { folder } = setup({ fetch });
    await postObject(folder, 'signed-for.txt', 'x');
    const replay = (key: string) => {
      const form = new FormData();
      for (const [name, value] of sent[0]!.form!) form.append(name, name === 'key' ? key : value);
      return globalThis.fetch(`${gate.url}/uploads/`, { method: 'POST', body: form }).then(async (response) => `${response.status} ${/<Code>([^<]*)</.exec(await response.text())?.[1] ?? ''}`);
    };
    expect(await replay('auth0|alice/another.txt')).toBe('403 AccessDenied');
    expect(await codeOf(getObject(folder, 'another.txt'))).toBe('404 NoSuchKey');
    expect(await replay('auth0|alice/signed-for.txt')).toBe('204 ');
  });

  it('a hand-made folder cannot widen the policy: with folder "" the policy still names only the key', async () => {
    const { sent, fetch } = recordingFetch();
    const { folder } = setup({ fetch });
    await postObject({ ...folder, folder: '' }, 'auth0|alice/wide.txt', 'x');
    const policy = JSON.parse(Buffer.from(String(sent[0]!.form!.get('policy')), 'base64').toString()) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['eq', '$key', 'auth0|alice/wide.txt']);
    expect(JSON.stringify(policy.conditions)).not.toContain('starts-with');
  });

  it('needs a folder made over signedFetch (a hand-made fetch cannot sign a form); putObject still PUTs (not switched to POST)', async () => {
    const { folder } = setup();
    const handMade: S3Folder = { ...folder, fetch: Object.assign((url: string | URL, init?: RequestInit) => folder.fetch(url, init as never), { region: 'us-east-1' }) };
    expect(await codeOf(postObject(handMade, 'x.txt', 'x'))).toBe('0 invalid_configuration');
    const before = { ...gate.stats.methods };
    await putObject(folder, 'small-put.txt', 'small');
    expect([gate.stats.methods['PUT']! - (before['PUT'] ?? 0), (gate.stats.methods['POST'] ?? 0) - (before['POST'] ?? 0)]).toEqual([1, 0]);
  });

  it('stops on its signal: aborted before anything is sent', async () => {
    const { folder } = setup();
    const controller = new AbortController();
    controller.abort();
    const before = gate.stats.requests;
    expect(await codeOf(postObject(folder, 'x.txt', 'x', { signal: controller.signal }))).toBe('0 aborted');
    expect(gate.stats.requests).toBe(before);
  });
});
