// Issue 12, point 3 and issue 24, point 3: nothing crashes the sandbox. `node sandbox/main.mjs` runs as
// a child process; each listener it opens (the example app, the Auth0 and STS stand-in, S3) gets a few
// hundred malformed requests from fast-check (fixed seeds, fixed numbers of runs), and after each case
// every listener must still answer. S3 also gets requests correctly signed with a user's keys from the
// sandbox's /delegation, anywhere and on the user's own unfinished multipart uploads (completions that
// name parts never uploaded once ended the process). Every case must get a status line (unless the
// client itself hung up), no answer may carry a secret, and S3 may say yes only inside the signer's own
// folder. Shrinking is off (endOnFailure): once the process is down every smaller case fails too.
// FUZZ_REPORT=1 prints the answers by status.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBytes, fuzzRequest, formBody, jsonBody, needsAnswer } from '../support/fuzz-http';
import type { FuzzRequest, ListenerShape } from '../support/fuzz-http';
import { multipartCase, multipartRequest, signedS3Request } from '../support/fuzz-s3';
import type { FuzzUpload } from '../support/fuzz-s3';
import { rawRequest, requestBytes } from '../support/raw-http';
import type { RawAnswer } from '../support/raw-http';
import { signInOverHttp } from '../../sandbox/sign-in-flow.mjs';
import { spawnSandbox } from '../support/sandbox-process';
import type { SandboxProcess } from '../support/sandbox-process';
import { s3Code, sendSigned } from '../support/signed-raw';
import type { Credentials, RawS3Request } from '../support/signed-raw';

/** Cases per listener (the report's numbers). */
const RUNS = { app: 300, auth: 300, s3: 300, s3Signed: 300, s3Multipart: 200 } as const;
/** Only a hang would come near it: the four runs take seconds. */
const TEST_TIMEOUT_MS = 600_000;
const USER = 'auth0|fuzz';

let sandbox: SandboxProcess;
let credentials: Credentials;
const uploadIds: string[] = [];
const uploads: FuzzUpload[] = [];
const s3Url = () => `http://127.0.0.1:${sandbox.s3Port}`;

beforeAll(async () => {
  sandbox = await spawnSandbox();
  credentials = await signIn(USER);
  // Unfinished uploads with two parts each; the first upload's first part is large enough to be a
  // part other than the last, so that a right completion of it can succeed.
  for (const [index, firstPart] of [5 * 1024 * 1024, 10, 10].entries()) uploads.push(await startUpload(`big-${index}.bin`, [firstPart, 10]));
  uploadIds.push(...uploads.map((upload) => upload.uploadId));
  await sendSigned(s3Url(), { method: 'PUT', path: `/uploads/${encodeURIComponent(USER)}/health.txt`, body: 'ok' }, { credentials });
}, 120_000);

/** Creates an upload of `key` in the user's folder and uploads parts of the given sizes. */
async function startUpload(key: string, sizes: number[]): Promise<FuzzUpload> {
  const path = `/uploads/${encodeURIComponent(USER)}/${key}`;
  const started = await sendSigned(s3Url(), { method: 'POST', path, query: [['uploads', '']] }, { credentials });
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(started.body)?.[1] ?? '';
  const parts = [];
  for (const [index, size] of sizes.entries()) {
    const answer = await sendSigned(s3Url(), { method: 'PUT', path, query: [['partNumber', String(index + 1)], ['uploadId', uploadId]], body: Buffer.alloc(size, index + 1) }, { credentials });
    expect(answer.status).toBe(200);
    parts.push({ number: index + 1, etag: answer.headers['etag']! });
  }
  return { key, uploadId, parts };
}
afterAll(() => sandbox?.stop());

/** Sign-in (code + PKCE) -> ID token -> /delegation -> keys, as the example app does it. */
async function signIn(user: string): Promise<Credentials> {
  const { id_token: idToken } = await signInOverHttp({ domain: `http://127.0.0.1:${sandbox.authPort}`, clientID: 'sandbox-client', redirectUri: `${sandbox.appOrigin}/s3-uploader/`, user });
  const delegation = await fetch(`http://127.0.0.1:${sandbox.authPort}/delegation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'sandbox-client', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: 'sandbox-client', api_type: 'aws', id_token: idToken }),
  });
  const { Credentials: keys } = (await delegation.json()) as { Credentials: Record<string, string> };
  return { accessKeyId: keys['AccessKeyId']!, secretAccessKey: keys['SecretAccessKey']!, sessionToken: keys['SessionToken']! };
}

/** Each listener answers a plain, valid request: the process is up and none of its servers is wedged. */
async function expectAllAnswer() {
  expect(sandbox.alive()).toBe(true);
  expect((await fetch(`${sandbox.appOrigin}/s3-uploader/`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${sandbox.authPort}/.well-known/jwks.json`)).status).toBe(200);
  const health = await sendSigned(`http://127.0.0.1:${sandbox.s3Port}`, { method: 'GET', path: `/uploads/${encodeURIComponent(USER)}/health.txt` }, { credentials });
  expect(health).toMatchObject({ status: 200, body: 'ok' });
}

function expectNoSecret(answer: RawAnswer) {
  for (const secret of [credentials.secretAccessKey, credentials.sessionToken!]) expect(answer.body).not.toContain(secret);
}

/** Counts answers by status ('none' when the connection closed without one); FUZZ_REPORT=1 prints them. */
function tally(counts: Record<string, number>, answer: RawAnswer) {
  const key = answer.status === undefined ? 'none' : String(answer.status);
  counts[key] = (counts[key] ?? 0) + 1;
}

async function fuzzListener(name: string, port: number, shape: ListenerShape, seed: number, numRuns: number) {
  const statuses: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(fuzzRequest(shape), async (request: FuzzRequest) => {
      const answer = await rawRequest(port, fuzzBytes(request), { halfClose: request.framing === 'cut' });
      if (needsAnswer(request)) {
        expect(answer.status).toBeGreaterThanOrEqual(100);
        expect(answer.status).toBeLessThanOrEqual(599);
      }
      tally(statuses, answer);
      expectNoSecret(answer);
      await expectAllAnswer();
    }),
    { seed, numRuns, endOnFailure: true },
  );
  if (process.env['FUZZ_REPORT']) console.info(`${name}: ${numRuns} cases, answers by status`, statuses);
  return numRuns - (statuses['none'] ?? 0);
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};
/** Inside the user's folder, by an independent reading: decode once, no dot segment, no backslash. */
const insideOwnFolder = (path: string) => {
  const text = decoded(path.replace(/^\//, ''));
  return text !== undefined && text.startsWith(`uploads/${USER}/`) && !text.split('/').some((segment) => segment === '.' || segment === '..') && !/[\\\0]/.test(text);
};
const copySourceOf = ({ query = [], headers = {} }: RawS3Request) => query.find(([name]) => name.toLowerCase() === 'x-amz-copy-source')?.[1] ?? headers['x-amz-copy-source'];
/** Multipart parameters that name no other file: a part number 1-10000, an upload id s3rver made. */
const multipartInBounds = ({ query = [] }: RawS3Request) =>
  query.every(([name, value]) => (name !== 'partNumber' || /^(?:[1-9]\d{0,3}|10000)$/.test(value)) && (name !== 'uploadId' || uploadIds.includes(value)));

describe('the sandbox process under malformed requests (fast-check)', () => {
  it('regression: GET /%zz on the app port answers 400 and the process lives', async () => {
    const answer = await rawRequest(sandbox.appPort, requestBytes('GET', '/%zz', [['host', 'x']]));
    expect(answer.status).toBe(400);
    await expectAllAnswer();
  });

  it('regression: a target that is not a URL (//[) on the app port answers 400 and the process lives', async () => {
    const answer = await rawRequest(sandbox.appPort, requestBytes('GET', '//[', [['host', 'x']]));
    expect(answer.status).toBe(400);
    await expectAllAnswer();
  });

  it('regression: a signed PUT whose key segment is too long for a file name answers 400 and the process lives', async () => {
    const answer = await sendSigned(`http://127.0.0.1:${sandbox.s3Port}`, { method: 'PUT', path: `/uploads/${encodeURIComponent(USER)}/${'x'.repeat(250)}`, body: 'x' }, { credentials });
    expect(answer.status).toBe(400);
    await expectAllAnswer();
  });

  it("regression: a key that names one of s3rver's own files answers 400, and the process lives", async () => {
    const put = (key: string) => sendSigned(`http://127.0.0.1:${sandbox.s3Port}`, { method: 'PUT', path: `/uploads/${encodeURIComponent(USER)}/${key}`, body: 'x' }, { credentials });
    // s3rver keeps the object "x" as the file "x._S3rver_object": a folder of that name made it crash on "x".
    expect((await put('x._S3rver_object/y')).status).toBe(400);
    expect((await put('x')).status).toBe(200);
    await expectAllAnswer();
  });

  it('regression: a signed completion naming a part never uploaded (or PartNumber 0) answers 400 InvalidPart, and the process lives', async () => {
    const upload = await startUpload('regression.bin', [10]);
    for (const number of [2, 0]) {
      const body = `<CompleteMultipartUpload><Part><PartNumber>${number}</PartNumber><ETag>${upload.parts[0]!.etag}</ETag></Part></CompleteMultipartUpload>`;
      const answer = await sendSigned(s3Url(), { method: 'POST', path: `/uploads/${encodeURIComponent(USER)}/regression.bin`, query: [['uploadId', upload.uploadId]], body }, { credentials });
      expect([answer.status, s3Code(answer.body)]).toEqual([400, 'InvalidPart']);
      await expectAllAnswer();
    }
  });

  it('regression: a signed UploadPart without a part number answers 400, not 500', async () => {
    const upload = await startUpload('no-part-number.bin', [10]);
    const answer = await sendSigned(s3Url(), { method: 'PUT', path: `/uploads/${encodeURIComponent(USER)}/no-part-number.bin`, query: [['uploadId', upload.uploadId]], body: 'x' }, { credentials });
    expect([answer.status, s3Code(answer.body)]).toEqual([400, 'InvalidArgument']);
    await expectAllAnswer();
  });

  it(`app: ${RUNS.app} cases`, async () => {
    const shape = { methods: ['GET', 'HEAD'], paths: ['/', '/s3-uploader/', '/spa/', '/s3-uploader/config.js', '/spa/config.js', '/dist/auth0-aws-delegation.s3.umd.min.js', '/s3-uploader/uploader.mjs', '/vendor/auth0-spa-js.production.js'], routes: ['s3-uploader', 'spa', 'dist', 'vendor', 'config.js', 'index.html', 'uploader.mjs', 'auth0-aws-delegation.s3.umd.min.js', 'auth0-spa-js.production.js', '..', 'examples', 'node_modules', 'package.json'], queryNames: ['x', 'v'], headerSamples: [sandbox.appOrigin], bodies: [], host: `127.0.0.1:${sandbox.appPort}` };
    const answered = await fuzzListener('app', sandbox.appPort, shape, 12_001, RUNS.app);
    expect(answered).toBeGreaterThan(RUNS.app / 2);
    await expectAllAnswer();
  }, TEST_TIMEOUT_MS);

  it(`Auth0 and STS stand-in: ${RUNS.auth} cases`, async () => {
    const fields = ['client_id', 'grant_type', 'target', 'api_type', 'id_token', 'redirect_uri', 'user', 'state', 'nonce', 'response_type', 'scope', 'code', 'code_challenge', 'code_challenge_method', 'code_verifier', 'refresh_token', 'returnTo', 'prompt', 'Action', 'Version', 'RoleArn', 'RoleSessionName', 'WebIdentityToken', 'DurationSeconds'];
    const values = ['sandbox-client', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'authorization_code', 'refresh_token', 'aws', `${sandbox.appOrigin}/s3-uploader/`, `${sandbox.appOrigin}/%0D%0ASet-Cookie:%20x=1`, 'auth0|alice', 'code', 'id_token', 'openid profile offline_access', 'S256', 'plain', 'none', 'AssumeRoleWithWebIdentity', '2011-06-15', 'arn:aws:iam::123456789012:role/auth0-s3-per-user', '900', 'eyJhbGciOiJub25lIn0.e30.'];
    const delegationJson = fc.record({ client_id: fc.constantFrom('sandbox-client', 'x'), grant_type: fc.constantFrom('urn:ietf:params:oauth:grant-type:jwt-bearer', 'password'), target: fc.constantFrom('sandbox-client', ''), api_type: fc.constantFrom('aws', 'firebase'), id_token: fc.oneof(fc.string(), fc.constant('eyJhbGciOiJub25lIn0.e30.')) }, { requiredKeys: [] }).map((body) => Buffer.from(JSON.stringify(body)));
    const shape = { methods: ['POST', 'GET', 'OPTIONS'], paths: ['/delegation', '/sts', '/sts/', '/cognito', '/authorize', '/oauth/token', '/oauth/revoke', '/userinfo', '/v2/logout', '/u/login/x', '/.well-known/jwks.json', '/.well-known/openid-configuration'], routes: ['delegation', 'sts', 'cognito', 'authorize', 'oauth', 'token', 'u', 'login', 'v2', 'logout', '.well-known', 'jwks.json', 'userinfo'], queryNames: fields, headerSamples: [sandbox.appOrigin, 'null'], bodies: [jsonBody, formBody(fields, values), delegationJson], host: `127.0.0.1:${sandbox.authPort}` };
    const answered = await fuzzListener('auth', sandbox.authPort, shape, 12_002, RUNS.auth);
    expect(answered).toBeGreaterThan(RUNS.auth / 2);
    await expectAllAnswer();
  }, TEST_TIMEOUT_MS);

  it(`S3, unsigned or badly signed: ${RUNS.s3} cases`, async () => {
    const authorizations = [`AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'AWS4-HMAC-SHA256 Credential=//////, SignedHeaders=;;;, Signature=', 'AWS AKIA:c2ln', 'Bearer x'];
    const shape = { methods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS'], paths: ['/', '/uploads', '/uploads/', `/uploads/${encodeURIComponent(USER)}/health.txt`], routes: ['uploads', 'auth0%7Cfuzz', 'auth0|fuzz', 'auth0%7Cother', 'health.txt'], queryNames: ['uploads', 'uploadId', 'partNumber', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token', 'x-amz-copy-source', 'Signature', 'prefix', 'list-type'], headerSamples: [...authorizations, sandbox.appOrigin, '20260101T000000Z', credentials.sessionToken!], bodies: [], host: `127.0.0.1:${sandbox.s3Port}` };
    const answered = await fuzzListener('s3', sandbox.s3Port, shape, 12_003, RUNS.s3);
    expect(answered).toBeGreaterThan(RUNS.s3 / 2);
    await expectAllAnswer();
  }, TEST_TIMEOUT_MS);

  it(`S3, correctly signed by ${USER}: ${RUNS.s3Signed} cases; yes only inside the own folder`, async () => {
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(signedS3Request(USER, uploadIds), async (request) => {
        const answer = await sendSigned(`http://127.0.0.1:${sandbox.s3Port}`, request, { credentials });
        expect(answer.status).toBeGreaterThanOrEqual(100);
        expect(answer.status).toBeLessThanOrEqual(599);
        tally(statuses, answer);
        expectNoSecret(answer);
        const source = copySourceOf(request);
        if (answer.status! < 300) {
          const listing = request.method === 'GET' && /^\/uploads\/?$/.test(request.path);
          expect(listing || insideOwnFolder(request.path)).toBe(true);
          expect(multipartInBounds(request)).toBe(true);
          if (source !== undefined && ['PUT', 'POST'].includes(request.method)) expect(insideOwnFolder(`/${source.replace(/^\//, '')}`)).toBe(true);
        }
        await expectAllAnswer();
      }),
      { seed: 12_004, numRuns: RUNS.s3Signed, endOnFailure: true },
    );
    if (process.env['FUZZ_REPORT']) console.info(`signed s3: ${RUNS.s3Signed} cases, answers by status`, statuses);
    // The cases reached past the signature check: some were allowed, some refused by the path rules or the policy.
    expect(Object.keys(statuses).some((status) => Number(status) < 300)).toBe(true);
    expect(Object.keys(statuses).some((status) => Number(status) >= 400)).toBe(true);
    await expectAllAnswer();
  }, TEST_TIMEOUT_MS);

  it(`S3, correctly signed multipart requests on ${USER}'s own uploads: ${RUNS.s3Multipart} cases; the sandbox answers after each`, async () => {
    const codes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(multipartCase(uploads.length), async (multipart) => {
        const upload = uploads[multipart.upload]!;
        const answer = await sendSigned(s3Url(), multipartRequest(USER, upload, multipart), { credentials });
        expect(answer.status).toBeGreaterThanOrEqual(100);
        expect(answer.status).toBeLessThanOrEqual(599);
        // S3's answers, never an internal error of the gate or s3rver (SigV4a's 501 NotImplemented is S3's own).
        expect(answer.status).not.toBe(500);
        const code = s3Code(answer.body) ?? String(answer.status);
        codes[code] = (codes[code] ?? 0) + 1;
        expectNoSecret(answer);
        await expectAllAnswer();
        // A completed or aborted upload is replaced, so that the next cases find one to work on.
        const ended = (multipart.method === 'POST' && answer.status === 200) || (multipart.method === 'DELETE' && answer.status === 204);
        if (ended) uploads[multipart.upload] = await startUpload(`${upload.key.replace(/\.bin$/, '')}-next.bin`, upload.parts.map((_, index) => (index === 0 && multipart.upload === 0 ? 5 * 1024 * 1024 : 10)));
      }),
      { seed: 24_003, numRuns: RUNS.s3Multipart, endOnFailure: true },
    );
    if (process.env['FUZZ_REPORT']) console.info(`signed multipart: ${RUNS.s3Multipart} cases, answers by S3 code`, codes);
    // The cases reached S3's completion rules, not only the signature and path checks, and some completed.
    for (const code of ['InvalidPart', 'InvalidPartOrder', 'MalformedXML', '200']) expect(codes[code], code).toBeGreaterThan(0);
  }, TEST_TIMEOUT_MS);

  it('wrote nothing to stderr (no stack trace, no secret)', () => {
    expect(sandbox.stderr()).toBe('');
  });
});
