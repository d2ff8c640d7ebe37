// A strict TypeScript app type-checked against the packed tarball's declarations (strict,
// skipLibCheck: false, so every .d.ts is checked, the AWS SDK's too), for moduleResolution bundler,
// node16 ESM and node16 CJS; tsc's output is then run in Node against the sandbox.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { typedApp } from './apps';
import type { AppResult } from './apps';
import { flushReports, report } from './report';

const execFileAsync = promisify(execFile);
const { projects } = inject('consumer');
const TSC = join(__dirname, '../../node_modules/typescript/bin/tsc');
const USER = 'auth0|consumer-ts';
/** tsc over the AWS SDK's declarations takes about 15 s of CPU; a loaded machine stretches that. */
const TSC_TIMEOUT_MS = 600_000;

const MATRIX = {
  bundler: { type: 'module', compilerOptions: { module: 'preserve', moduleResolution: 'bundler' } },
  'node16-esm': { type: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  'node16-cjs': { type: 'commonjs', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
} as const;
type Resolution = keyof typeof MATRIX;

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let idToken = '';
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 100 });
  idToken = await sandbox.identity.issue(USER);
});
afterAll(async () => {
  flushReports();
  await sandbox?.stop();
});

/**
 * Writes the app with its tsconfig and package.json ("type") into `<project>/<name>/`. `types` are the
 * global type packages it sees: ['node'] for a Node app, none for a browser-only one.
 */
function makeApp(project: string, name: string, resolution: Resolution, source: string, { types = ['node'], extraFiles = {} }: { types?: string[]; extraFiles?: Record<string, string> } = {}): string {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  const { type, compilerOptions } = MATRIX[resolution];
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
  writeFileSync(join(dir, 'app.ts'), source);
  for (const [file, text] of Object.entries(extraFiles)) writeFileSync(join(dir, file), text);
  const options = { ...compilerOptions, strict: true, skipLibCheck: false, target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], types, outDir: 'out', rootDir: '.', noEmitOnError: true };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['app.ts', ...Object.keys(extraFiles)] }, null, 2));
  return dir;
}

/** tsc's diagnostics (empty when it passed). */
async function tsc(dir: string): Promise<string> {
  try {
    await execFileAsync(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { timeout: TSC_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    return '';
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return `${stdout ?? ''}${stderr ?? ''}` || message;
  }
}

/** Loads tsc's output in Node as its package type says (require for CJS, import for ESM) and runs it. */
async function runInNode(dir: string, resolution: Resolution): Promise<AppResult> {
  const output = join(dir, 'out/app.js');
  const load = MATRIX[resolution].type === 'commonjs'
    ? `(await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(output)})`
    : `await import(${JSON.stringify(pathToFileURL(output).href)})`;
  const script = `const { run } = ${load};
const result = await run(JSON.parse(process.env.CONSUMER_CONFIG));
process.stdout.write(JSON.stringify(result), () => process.exit(0));`;
  const config = { clientID: sandbox.config.clientID, domain: sandbox.authUrl, idToken, sub: USER, region: sandbox.config.region, endpoint: sandbox.s3Url, bucket: sandbox.config.bucket };
  const env = { ...process.env, CONSUMER_CONFIG: JSON.stringify(config) };
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env, timeout: 120_000 });
  return JSON.parse(stdout) as AppResult;
}

// Each check is its own tsc process in its own folder, so they may run side by side (at most the
// project's maxConcurrency).
describe.concurrent.each(Object.keys(MATRIX) as Resolution[])('tsc strict, skipLibCheck false, moduleResolution %s', (resolution) => {
  it('type-checks DelegationClient + fromDelegation + S3Client (no optional peer installed), and the output puts into the user\'s folder only', async () => {
    const dir = makeApp(projects['no-peer'], `ts-${resolution}`, resolution, typedApp({ s3: true }));
    const diagnostics = await tsc(dir);
    expect(diagnostics).toBe('');
    const result = await runInNode(dir, resolution);
    report('typescript', { resolution, project: 'no-peer', tsc: 'pass', run: JSON.stringify(result) });
    expect(result).toEqual({ exchange: 'delegation', own: 'ok', other: 'AccessDenied' });
  });
});

// The package alone (no AWS SDK installed): its declarations need nothing but themselves and their
// dependencies (no @smithy/types: the AWS SDK's shapes are written out structurally).
it.concurrent('type-checks the package alone (no AWS SDK installed), and runs', async () => {
  const dir = makeApp(projects.alone, 'ts-alone', 'node16-cjs', typedApp({ s3: false }));
  expect(await tsc(dir)).toBe('');
  const result = await runInNode(dir, 'node16-cjs');
  report('typescript', { resolution: 'node16-cjs', project: 'alone', tsc: 'pass', run: JSON.stringify(result) });
  expect(result).toEqual({ exchange: 'delegation', own: 'ok', other: 'not tried' });
});

// A browser-only app (issue 22): DelegationClient and fromDelegation, strict, skipLibCheck false, and no
// @types/node: nothing in the declarations may name node:stream, node:http or Buffer.
const BROWSER_APP = `import { DelegationClient, fromDelegation } from 'auth0-aws-delegation';
export async function run(idToken: string): Promise<string> {
  const client = new DelegationClient({ clientID: 'id', domain: 'tenant.auth0.com' });
  const provider = fromDelegation(client, { idToken });
  const { expiration } = await provider();
  return expiration instanceof Date ? expiration.toISOString() : 'none';
}
`;

it.concurrent('type-checks a browser-only app (strict, skipLibCheck false, no @types/node)', async () => {
  const dir = makeApp(projects.alone, 'ts-browser-only', 'bundler', BROWSER_APP, { types: [] });
  expect(await tsc(dir)).toBe('');
});

it.concurrent('negative control: the browser-only setup does catch a declaration that needs Node\'s types (TS2307, TS2580/TS2591)', async () => {
  const nodeTyped = "import type { Readable } from 'node:stream';\nexport type Body = Readable | Buffer;\n";
  const dir = makeApp(projects.alone, 'ts-browser-control', 'bundler', BROWSER_APP, { types: [], extraFiles: { 'node-typed.d.ts': nodeTyped } });
  const diagnostics = await tsc(dir);
  expect(diagnostics).toMatch(/error TS2307: Cannot find module 'node:stream'/);
  expect(diagnostics).toMatch(/error TS25(80|91): Cannot find name 'Buffer'/);
});

it.concurrent('negative control: with fromDelegation cast to any, the @ts-expect-error line fails the check (TS2578)', async () => {
  const dir = makeApp(projects.alone, 'ts-control', 'bundler', typedApp({ s3: false, untyped: true }));
  const diagnostics = await tsc(dir);
  expect(diagnostics).toMatch(/app\.ts\(\d+,\d+\): error TS2578: Unused '@ts-expect-error' directive/);
  expect(diagnostics.trim().split('\n')).toHaveLength(1);
});
