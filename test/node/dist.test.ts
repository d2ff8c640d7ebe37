// The built files, as npm and <script> users get them (`npm test` builds before running this).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';
import { UMD_CORE_BUDGET } from '../bench/budgets.mjs';

const dist = (file: string) => resolve(__dirname, '../../dist', file);
const read = (file: string) => readFileSync(dist(file), 'utf8');
const SCRIPT_BUILDS = ['auth0-aws-delegation.umd.min.js', 'auth0-aws-delegation.v7.min.js', 'auth0-aws-delegation.s3.umd.min.js'];
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

describe('build outputs', () => {
  it.each(['index.mjs', 'index.cjs', 'index.d.mts', 'index.d.cts', ...SCRIPT_BUILDS])('has %s', (file) => {
    expect(existsSync(dist(file))).toBe(true);
  });

  it.each(['index.mjs', 'index.cjs', ...SCRIPT_BUILDS])('%s has a source map that it points to', (file) => {
    expect(read(file)).toContain(`//# sourceMappingURL=${file}.map`);
    expect(JSON.parse(read(`${file}.map`))).toMatchObject({ version: 3 });
  });

  it(`keeps the UMD core at most ${UMD_CORE_BUDGET} bytes gzip (0.6x auth0.js v7's release build)`, () => {
    const size = gzipSync(readFileSync(dist('auth0-aws-delegation.umd.min.js')), { level: 9 }).length;
    expect(size).toBeLessThanOrEqual(UMD_CORE_BUDGET);
  });

  it.each(SCRIPT_BUILDS)('%s contains no eval or new Function', (file) => {
    expect(read(file)).not.toMatch(/\beval\(|new Function\(/);
  });

  /** The packages a built file reaches through its own chunks (static imports and requires). */
  function packagesReached(file: string, seen = new Set<string>()): Set<string> {
    const packages = new Set<string>();
    if (seen.has(file)) return packages;
    seen.add(file);
    const text = read(file);
    const specifiers = [...text.matchAll(/^import .* from '([^']+)';$/gm), ...text.matchAll(/^import '([^']+)';$/gm), ...text.matchAll(/require\('([^']+)'\)/g)].map((match) => match[1]!);
    for (const id of specifiers) {
      if (id.startsWith('./')) for (const name of packagesReached(join(dirname(file), id), seen)) packages.add(name);
      else packages.add(id);
    }
    return packages;
  }

  it.each(['index.mjs', 'index.cjs'])('%s reaches exactly its dependencies, ky and jwt-decode, and no AWS SDK package', (file) => {
    expect([...packagesReached(file)].sort()).toEqual(['jwt-decode', 'ky']);
  });

  it('negative control: a chunk that imports another package is seen', () => {
    const chunk = readdirSync(dist('chunks')).find((name) => name.endsWith('.mjs') && read(`chunks/${name}`).includes("from 'ky'"));
    expect(chunk).toBeDefined();
    expect(packagesReached(`chunks/${chunk}`).has('ky')).toBe(true);
  });

  it('the dependencies are declared as such, pinned, and the script builds carry them inside', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies).toMatchObject({ ky: '1.14.3', 'jwt-decode': '4.0.0' });
    // ky's HTTPError message and jwt-decode's error name, inside the minified core build.
    const core = read('auth0-aws-delegation.umd.min.js');
    expect(core).toContain('Request failed with');
    expect(core).toContain('InvalidTokenError');
  });

  /** The modules rollup keeps for an app made of `imports` from `from`. */
  async function bundledModules(imports: string, from: string): Promise<string[]> {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: json } = await import('@rollup/plugin-json');
    const { default: commonjs } = await import('@rollup/plugin-commonjs');
    const entry = `import { ${imports} } from ${JSON.stringify(from)};\nexport const app = [${imports}];\n`;
    const bundle = await rollup({
      input: 'app',
      plugins: [{ name: 'app', resolveId: (id) => (id === 'app' ? id : null), load: (id) => (id === 'app' ? entry : null) }, nodeResolve({ browser: true }), commonjs(), json()],
      onwarn: () => undefined,
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    return Object.keys(output[0].modules);
  }

  it('tree-shakes an app importing DelegationClient + fromDelegation to no @aws-sdk or @smithy module', async () => {
    const ids = await bundledModules('DelegationClient, fromDelegation', dist('index.mjs'));
    // The control that the bundle is real: the transport is in it.
    expect(ids.some((id) => /chunks\/|index\.mjs/.test(id))).toBe(true);
    expect(ids.filter((id) => /@aws-sdk|@smithy/.test(id))).toEqual([]);
  });

  /** What esbuild (minified, for browsers) keeps of the main entry's ESM build for an app importing `names`. */
  async function esbuildKeeps(names: string): Promise<string> {
    const { build } = await import('esbuild');
    const contents = `import { ${names} } from ${JSON.stringify(dist('index.mjs'))};\nglobalThis.used = [${names}];\n`;
    const result = await build({ stdin: { contents, resolveDir: dist('.'), loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    return result.outputFiles[0]!.text;
  }

  it('drops the v7 facade from an app that does not import Auth0 (esbuild), as the other bundlers do', async () => {
    const code = await esbuildKeeps('DelegationClient, fromDelegation');
    expect(code).toContain('needs { idToken }: the ID token, or a function returning it.');
    expect(code).not.toContain('new Auth0({ clientID, domain, callbackURL })');
    expect(code).not.toContain('_disableDeprecationWarnings');
  });

  it('negative control: an app importing Auth0 carries the facade', async () => {
    expect(await esbuildKeeps('Auth0')).toContain('new Auth0({ clientID, domain, callbackURL })');
  });

  it('negative control: the same check sees the AWS SDK in an app that imports it', async () => {
    const ids = await bundledModules('HeadObjectCommand', '@aws-sdk/client-s3');
    expect(ids.filter((id) => /@aws-sdk|@smithy/.test(id)).length).toBeGreaterThan(0);
  });
});

describe('the npm builds run', () => {
  it.each([
    ['import', async () => (await import(dist('index.mjs'))) as typeof import('../../src/index')],
    ['require', async () => createRequire(import.meta.url)(dist('index.cjs')) as typeof import('../../src/index')],
  ])('through %s', async (_how, load) => {
    const endpoint = delegationEndpoint();
    server.use(endpoint.handler);
    const sdk = await load();
    expect(Object.keys(sdk).sort()).toEqual(['Auth0', 'DelegationClient', 'DelegationError', 'delegation', 'fromDelegation', 'getExpiredTokenRecoveryPlugin', 'isDelegationError', 'sessionNameFor', 'uppyCredentials']);
    const credentials = await new sdk.DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }).getCredentials({ idToken });
    expect(credentials.accessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(endpoint.requests).toHaveLength(1);
    expect(() => new sdk.Auth0({ clientID: CLIENT_ID, domain: 'http://example.com' })).toThrow(sdk.DelegationError);
  });
});

describe('the script builds define their globals', () => {
  /** A bare global scope with what the builds need from a browser. */
  function page(extra: Record<string, unknown> = {}) {
    const { Request, Response, Headers, AbortController, AbortSignal, ReadableStream, FormData, URL, fetch, TextEncoder, atob } = globalThis;
    const scope: Record<string, unknown> = { Request, Response, Headers, AbortController, AbortSignal, ReadableStream, FormData, URL, fetch, TextEncoder, atob, setTimeout, clearTimeout, ...extra };
    scope['window'] = scope;
    scope['self'] = scope;
    return scope;
  }

  it('two copies on one page (the S3 build\'s provider, the npm build\'s client): a refused key is dropped alone, no clearCache', async () => {
    const token = (sub: string) => makeIdToken({ sub, exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
    const alice = token('auth0|alice');
    const bob = token('auth0|bob');
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const npm = (await import(dist('index.mjs'))) as typeof import('../../src/index');
    const client = new npm.DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0, shareAcrossTabs: false });
    const clearCache = vi.spyOn(client, 'clearCache');
    const scope = page();
    runInNewContext(read('auth0-aws-delegation.s3.umd.min.js'), scope);
    const script = scope['Auth0AwsDelegation'] as typeof import('../../src/index');
    expect(script.fromDelegation).not.toBe(npm.fromDelegation);
    const provider = script.fromDelegation(client, { idToken: alice });
    const { accessKeyId: refused } = await provider();
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0003');
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(clearCache).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(3);
  });

  it('the UMD core sets Auth0AwsDelegation and leaves window.Auth0 alone', () => {
    const scope = page();
    runInNewContext(read('auth0-aws-delegation.umd.min.js'), scope);
    expect(Object.keys(scope['Auth0AwsDelegation'] as object).sort()).toEqual(['DelegationClient', 'DelegationError', 'delegation', 'isDelegationError']);
    expect(scope['Auth0']).toBeUndefined();
  });

  it('the main entry references no optional package; each exchange\'s entry imports its own, lazily', () => {
    const staticImports = (file: string) => [...read(file).matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]!);
    for (const file of ['index.mjs', 'web-identity.mjs', 'cognito.mjs']) expect(staticImports(file).filter((id) => !id.startsWith('./'))).toEqual([]);
    expect(read('index.mjs')).not.toMatch(/@aws-sdk/);
    expect(read('web-identity.mjs')).toContain("import('@aws-sdk/credential-provider-web-identity')");
    expect(read('cognito.mjs')).toContain("import('@aws-sdk/credential-provider-cognito-identity')");
    // Negative control: the check would see a reference.
    expect(read('cognito.mjs')).toMatch(/@aws-sdk/);
  });

  it('the fetch entry carries aws4fetch (its notice kept) and imports nothing outside the package; the main entry has no signer', () => {
    const staticImports = (text: string) => [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]!);
    const fetchEntry = read('fetch.mjs');
    expect(staticImports(fetchEntry).filter((id) => !id.startsWith('./'))).toEqual([]);
    expect(fetchEntry).toContain('aws4fetch 1.0.20 | (c) Michael Hart | MIT License');
    expect(fetchEntry).toContain('AWS4-HMAC-SHA256');
    expect(read('fetch.cjs')).toContain('AWS4-HMAC-SHA256');
    expect(read('index.mjs')).not.toContain('AWS4-HMAC-SHA256');
    // One copy of the client's internals: the entry reuses the main entry's chunks.
    expect(staticImports(fetchEntry).every((id) => id.startsWith('./chunks/'))).toBe(true);
  });

  it('the UMD core has neither the other exchanges nor tab sharing, and takes an exchange value', () => {
    const core = read('auth0-aws-delegation.umd.min.js');
    for (const text of ['AssumeRoleWithWebIdentity', 'Cognito', 'BroadcastChannel', 'navigator.locks']) expect(core).not.toContain(text);
    expect(read('auth0-aws-delegation.s3.umd.min.js')).toContain('BroadcastChannel');
    const scope = page();
    runInNewContext(core, scope);
    const { DelegationClient, delegation } = scope['Auth0AwsDelegation'] as typeof import('../../src/index');
    expect(() => new DelegationClient({ clientID: 'c', domain: DOMAIN, exchange: delegation() })).not.toThrow();
    expect(() => new DelegationClient({ clientID: 'c', domain: DOMAIN, exchange: { type: 'web-identity' } as never })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('"exchange"') }));
  });

  it('the v7 build defines window.Auth0 when the page has none', () => {
    const scope = page();
    runInNewContext(read('auth0-aws-delegation.v7.min.js'), scope);
    expect(typeof scope['Auth0']).toBe('function');
    expect(scope['Auth0']).toBe((scope['Auth0AwsDelegation'] as { Auth0: unknown }).Auth0);
  });

  it('the v7 build keeps a window.Auth0 the page already has', () => {
    const existing = function Auth0() {};
    const scope = page({ Auth0: existing });
    runInNewContext(read('auth0-aws-delegation.v7.min.js'), scope);
    expect(scope['Auth0']).toBe(existing);
  });
});
