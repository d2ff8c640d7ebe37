// Packs the package as npm publishes it and installs the tarball into scratch projects outside the
// repository, as an app would: nothing below resolves auth0-aws-delegation from this repository.
//   web-identity  the tarball + @aws-sdk/client-s3 + @types/node + @aws-sdk/credential-provider-web-identity
//                 (the ./web-identity entry's optional peer)
//   no-peer       the same without either optional peer (a hard-linked copy, the peer removed). Note that
//                 npm hoists client-s3's own copy of credential-provider-web-identity (its Node credential
//                 chain requires it lazily) even without the peer: it is removed too, so that a reference
//                 to it from the main entry would fail these builds
//   alone         the tarball + @types/node only: no AWS SDK, so whatever the types need must come
//                 with the package itself (its dependencies ky and jwt-decode; the AWS SDK's shapes are
//                 written out structurally). The browser-only app there sees no @types/node either
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const REPO = join(__dirname, '../..');
const OPTIONAL_PEERS = ['@aws-sdk/credential-provider-web-identity', '@aws-sdk/credential-provider-cognito-identity'];
/** npm on a loaded machine with a warm cache takes under a minute; this only bounds a hung install. */
const INSTALL_TIMEOUT_MS = 600_000;

export interface ConsumerProjects {
  root: string;
  tarball: string;
  projects: { 'no-peer': string; 'web-identity': string; alone: string };
  /** Optional peers removed from no-peer's node_modules. */
  removedPeers: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    consumer: ConsumerProjects;
  }
}

const devVersion = (name: string): string => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies[name];
  if (version === undefined) throw new Error(`${name} is not a devDependency`);
  return `${name}@${version}`;
};

/** npm's environment without the npm_* variables of the `npm test` that may be running us. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

async function install(dir: string, specs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...specs], { cwd: dir, env: npmEnv(), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

function removePeers(dir: string): string[] {
  const removed = OPTIONAL_PEERS.filter((name) => existsSync(join(dir, 'node_modules', name)));
  for (const name of removed) rmSync(join(dir, 'node_modules', name), { recursive: true, force: true });
  return removed;
}

export default async function setup(project: TestProject): Promise<() => void> {
  // `npm test` has just built dist/; run alone, this builds what changed (nothing, usually).
  await run(process.execPath, ['scripts/build.mjs', '--if-changed'], { cwd: REPO, timeout: INSTALL_TIMEOUT_MS });
  const root = mkdtempSync(join(tmpdir(), 'auth0-aws-delegation-consumer-'));
  try {
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: REPO, env: npmEnv(), maxBuffer: 16 * 1024 * 1024 });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const tarball = join(root, filename);
    const projects = { 'no-peer': join(root, 'no-peer'), 'web-identity': join(root, 'web-identity'), alone: join(root, 'alone') };
    const base = [tarball, devVersion('@types/node')];
    const started = Date.now();
    await Promise.all([
      install(projects['web-identity'], [...base, devVersion('@aws-sdk/client-s3'), devVersion('@aws-sdk/credential-provider-web-identity')]),
      install(projects.alone, base),
    ]);
    // no-peer: the same tree, hard-linked (one npm install fewer), without the optional peers.
    await run('cp', ['-al', projects['web-identity'], projects['no-peer']]);
    const removedPeers = removePeers(projects['no-peer']);
    removePeers(projects.alone);
    console.log(`consumer projects installed from ${filename} in ${Math.round((Date.now() - started) / 1000)} s`);
    project.provide('consumer', { root, tarball, projects, removedPeers });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return () => rmSync(root, { recursive: true, force: true });
}
