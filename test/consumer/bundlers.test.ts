// Apps built from the packed tarball by esbuild, webpack, rollup and Vite, then run in Chromium against
// the sandbox: a real PutObject into the user's folder through the verifying S3, and one into another
// user's folder, which the per-user policy must deny.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSite } from '../e2e/site';
import { browserApp } from './apps';
import type { AppConfig, AppResult } from './apps';
import { BUNDLERS, build, sizeOf, stopBundlers } from './bundlers';
import type { Bundler, BuildOutput } from './bundlers';
import { flushReports, report } from './report';

const { projects, removedPeers } = inject('consumer');
const USER = 'auth0|consumer';
/** Optional peers by name, and what Vite leaves for a module it could not bundle for the browser. */
const OPTIONAL_REFERENCE = /credential-provider-web-identity|credential-provider-cognito-identity|__vite-browser-external/;

let site: Awaited<ReturnType<typeof startSite>>;
/** URL prefix -> the built app's dist/ folder. */
const served = new Map<string, string>();
const built = new Map<string, BuildOutput>();
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

beforeAll(async () => {
  site = await startSite((req, res) => {
    const [, prefix = '', ...rest] = (req.url ?? '/').split('?')[0]!.split('/');
    const dist = served.get(prefix);
    const file = dist === undefined ? undefined : normalize(join(dist, ...rest));
    if (dist === undefined || file === undefined || !file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  }, USER);
});
afterAll(async () => {
  flushReports();
  await stopBundlers();
  await site?.stop();
});

function makeApp(project: string, name: string, exchange: 'delegation' | 'web-identity'): string {
  const app = join(project, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'main.js'), browserApp(exchange));
  return app;
}

function config(): AppConfig {
  const { sandbox, idToken } = site;
  return { clientID: sandbox.config.clientID, domain: sandbox.authUrl, idToken, sub: USER, region: sandbox.config.region, endpoint: sandbox.s3Url, bucket: sandbox.config.bucket, roleArn: sandbox.config.roleArn, stsEndpoint: sandbox.config.stsEndpoint };
}

async function runInChromium(prefix: string, dist: string): Promise<AppResult | { error: string }> {
  served.set(prefix, dist);
  const page = await site.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(`${site.origin}/${prefix}/index.html?config=${encodeURIComponent(JSON.stringify(config()))}`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 120_000, polling: 100 });
    return await page.evaluate(() => (window as unknown as { __result: AppResult }).__result);
  } catch (error) {
    throw new Error(`${prefix}: ${String(error)}; page errors: ${errors.join(' | ')}`);
  } finally {
    await page.close();
  }
}

async function buildAndRun(bundler: Bundler, projectKey: 'no-peer' | 'web-identity', exchange: 'delegation' | 'web-identity') {
  const name = `${exchange}-${bundler}`;
  const app = makeApp(projects[projectKey], name, exchange);
  const output = await build(bundler, app, projectKey === 'web-identity');
  built.set(name, output);
  const result = await runInChromium(name, join(app, 'dist'));
  report('bundles', { bundler, project: projectKey, exchange, ...sizeOf(output.files), packageBytes: output.packageBytes ?? '-', result: JSON.stringify(result) });
  return { output, result, text: output.files.map((file) => readFileSync(file, 'utf8')).join('\n') };
}

describe('an app importing only the main entry, with no optional peer installed', () => {
  it('resolves auth0-aws-delegation from the tarball, inside the scratch project, and has neither peer', () => {
    const project = projects['no-peer'];
    const installed = realpathSync(join(project, 'node_modules/auth0-aws-delegation'));
    expect(installed.startsWith(realpathSync(project))).toBe(true);
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))).toMatchObject({ name: 'auth0-aws-delegation' });
    expect(existsSync(join(project, 'node_modules/@aws-sdk/credential-provider-web-identity'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/@aws-sdk/credential-provider-cognito-identity'))).toBe(false);
    expect(removedPeers).toContain('@aws-sdk/credential-provider-web-identity');
  });

  it.each(BUNDLERS)('%s builds it with no reference to an optional package, and it puts into the user\'s folder only', async (bundler) => {
    const { result, text } = await buildAndRun(bundler, 'no-peer', 'delegation');
    expect(text).not.toMatch(OPTIONAL_REFERENCE);
    expect(text).toContain('DelegationClient');
    expect(result).toEqual({ exchange: 'delegation', own: 'ok', other: 'AccessDenied' });
  });

  it('esbuild\'s module graph: the package\'s modules import each other and its two dependencies (ky, jwt-decode), nothing else', () => {
    const imports = built.get('delegation-esbuild')?.imports ?? {};
    const ours = Object.entries(imports).filter(([input]) => input.includes('node_modules/auth0-aws-delegation/'));
    expect(ours.map(([input]) => input)).toContain('../node_modules/auth0-aws-delegation/dist/index.mjs');
    const outside = ours.flatMap(([, list]) => list.filter((path) => !path.includes('node_modules/auth0-aws-delegation/')));
    const packages = new Set(outside.map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path));
    expect([...packages].sort()).toEqual(['jwt-decode', 'ky']);
    // Control: the package.json the tarball installed declares exactly these as its dependencies.
    const installed = JSON.parse(readFileSync(join(projects['no-peer'], 'node_modules/auth0-aws-delegation/package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(installed.dependencies ?? {}).sort()).toEqual([...packages].sort());
  });

  it('negative control: the same project cannot build an app importing ./web-identity (its peer is really absent)', async () => {
    const app = makeApp(projects['no-peer'], 'control-web-identity-esbuild', 'web-identity');
    await expect(build('esbuild', app, false)).rejects.toThrow(/credential-provider-web-identity/);
  });
});

describe('an app importing auth0-aws-delegation/web-identity, with its peer installed', () => {
  it.each(BUNDLERS)('%s builds it, and it gets STS credentials that put into the user\'s folder only', async (bundler) => {
    const issued = site.sandbox.stats.sts.issued;
    const { result, text } = await buildAndRun(bundler, 'web-identity', 'web-identity');
    expect(site.sandbox.stats.sts.issued).toBe(issued + 1);
    expect(text).not.toMatch(/__vite-browser-external/);
    expect(result).toEqual({ exchange: 'web-identity', own: 'ok', other: 'AccessDenied' });
  });
});
