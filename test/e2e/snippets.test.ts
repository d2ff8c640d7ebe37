// The documentation's `<!-- snippet: run -->` blocks, run as a reader would after replacing the
// placeholders (YOUR_CLIENT_ID, YOUR_TENANT.auth0.com, the bucket) with the sandbox's: each must finish
// without an error and reach the sandbox's Auth0 stand-in (and S3, where it uploads). The names the docs
// assume (idToken, sub, file, auth, and the script-tag globals Auth0 / Auth0AwsDelegation) are defined
// as in test/snippets/context.d.ts. A run snippet with a wrong client ID must fail: the negative control.
import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { ROOT, allSnippets, extractSnippets } from '../support/snippets';
import type { Snippet } from '../support/snippets';

const OUT = join(ROOT, 'test-results/snippets/run');
const SUB = 'auth0|snippet-reader';
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
/** Every callback the v7 facade called, as [err, result]. */
const callbacks: unknown[][] = [];
let runs = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0 });
  await mkdir(OUT, { recursive: true });
  // The package as published (package.json "exports" -> dist/), as the script-tag globals expose it.
  const sdk = (await import(pathToFileURL(join(ROOT, 'dist/index.mjs')).href)) as typeof import('../../src/index');
  const idToken = await sandbox.identity.issue(SUB);
  // `new Auth0(...)` as the v7 build defines it, recording what each callback receives.
  function RecordingAuth0(options: ConstructorParameters<typeof sdk.Auth0>[0]) {
    const auth0 = new sdk.Auth0(options);
    const original = auth0.getDelegationToken.bind(auth0);
    const recording = (delegation: Parameters<typeof original>[0], callback: (error: unknown, result: unknown) => void) =>
      original(delegation, (error, result) => {
        callbacks.push([error, result]);
        callback(error, result);
      });
    return Object.assign(auth0, { getDelegationToken: recording });
  }
  Object.assign(globalThis, {
    idToken,
    LOGGED_IN_USER_ID_TOKEN: idToken,
    sub: SUB,
    file: new Uint8Array(Buffer.from('notes from the README')),
    auth: { currentIdToken: () => idToken },
    currentIdToken: () => idToken,
    Auth0: RecordingAuth0,
    Auth0AwsDelegation: sdk,
  });
  // The AWS SDK's own setting for a service endpoint: the README's S3Client then talks to the sandbox.
  process.env['AWS_ENDPOINT_URL_S3'] = sandbox.s3Url;
});
afterAll(async () => {
  delete process.env['AWS_ENDPOINT_URL_S3'];
  await sandbox?.stop();
});

/** Runs one snippet as an ES module, placeholders replaced; `clientID` may be overridden. */
async function run(snippet: Snippet, clientID = sandbox.config.clientID): Promise<void> {
  const code = snippet.code
    .replaceAll("'YOUR_CLIENT_ID'", JSON.stringify(clientID))
    .replaceAll("'YOUR_TENANT.auth0.com'", JSON.stringify(sandbox.authUrl))
    .replaceAll("'my-bucket'", JSON.stringify(sandbox.config.bucket));
  const file = join(OUT, `snippet-${++runs}.mjs`);
  writeFileSync(file, `${code}\nexport {};\n`);
  await import(pathToFileURL(file).href);
}

const runnable = allSnippets().filter((snippet) => snippet.mode === 'run');

describe('documentation snippets that make requests, run against the sandbox', () => {
  it('there are some', () => {
    expect(runnable.map((snippet) => snippet.where.split(':')[0]).sort()).toEqual(['README.md', 'README.md', 'docs/MIGRATION.md', 'docs/MIGRATION.md']);
  });

  it.each(runnable.map((snippet) => [snippet.where, snippet]))('%s runs and reaches the sandbox', async (_where, snippet) => {
    const issued = sandbox.stats.delegation.issued;
    const accepted = Object.values(sandbox.stats.s3.accepted).reduce((sum, count) => sum + count, 0);
    const called = callbacks.length;
    const usesCallback = /function \(err\b/.test(snippet.code);
    await run(snippet);
    // A callback snippet returns before its answer: wait for its callback.
    if (usesCallback) await expect.poll(() => callbacks.length, { timeout: 60_000 }).toBe(called + 1);
    expect(sandbox.stats.delegation.issued).toBe(issued + 1);
    if (usesCallback) {
      const [error, result] = callbacks.at(-1)!;
      expect(error).toBeNull();
      expect(result).toMatchObject({ Credentials: { AccessKeyId: expect.any(String) } });
    }
    if (snippet.code.includes('PutObjectCommand')) {
      expect(Object.values(sandbox.stats.s3.accepted).reduce((sum, count) => sum + count, 0)).toBe(accepted + 1);
    }
  });

  it('negative control: the quick start with a client ID the tenant does not know fails', async () => {
    const [quickStart] = extractSnippets('README.md', '```js\n' + runnable[0]!.code + '\n```');
    await expect(run(quickStart!, 'NOT_THIS_CLIENT')).rejects.toMatchObject({ name: 'DelegationError' });
  });
});
