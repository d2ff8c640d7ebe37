// Issue 23, point 1: `npm run token -- alice` prints an ID token for auth0|alice from a running `npm start`
// sandbox (signed in over HTTP, as a page does), one the tenant's JWKS verifies and /delegation accepts;
// with no sandbox running it says how to start one, and prints no token.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelegationClient } from '../../src/index';
import { spawnSandbox } from '../support/sandbox-process';
import type { SandboxProcess } from '../support/sandbox-process';

const ROOT = join(__dirname, '../..');
let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await spawnSandbox();
});
afterAll(() => sandbox?.stop());

/** `npm run token --silent -- ...args` with the sandbox's app port: exit code and output. */
function npmToken(appPort: number, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'token', '--silent', '--', ...args], { cwd: ROOT, env: { ...process.env, SANDBOX_APP_PORT: String(appPort) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A loopback port nothing listens on (taken, then freed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run token', () => {
  it('prints, alone on stdout, an ID token of the tenant for auth0|alice that /delegation accepts', async () => {
    const { code, stdout, stderr } = await npmToken(sandbox.appPort, 'alice');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const issuer = `http://127.0.0.1:${sandbox.authPort}/`;
    const { payload } = await jwtVerify(stdout.trim(), createRemoteJWKSet(new URL('.well-known/jwks.json', issuer)), { issuer, audience: 'sandbox-client' });
    expect(payload.sub).toBe('auth0|alice');
    const client = new DelegationClient({ clientID: 'sandbox-client', domain: `http://127.0.0.1:${sandbox.authPort}` });
    await expect(client.getCredentials({ idToken: stdout.trim() })).resolves.toMatchObject({ subject: 'auth0|alice' });
  });

  it('keeps a sub that names its connection (a social user)', async () => {
    const { code, stdout } = await npmToken(sandbox.appPort, 'google-oauth2|113015401123457192604');
    expect(code).toBe(0);
    expect(JSON.parse(Buffer.from(stdout.split('.')[1]!, 'base64url').toString())).toMatchObject({ sub: 'google-oauth2|113015401123457192604' });
  });

  it('with no sandbox running: exit 1, says to start one with npm start, prints no token (control)', async () => {
    const { code, stdout, stderr } = await npmToken(await freePort(), 'alice');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Start it with `npm start`');
  });

  it('without a user: exit 1 and how to name one', async () => {
    const { code, stdout, stderr } = await npmToken(sandbox.appPort);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('npm run token -- alice');
  });

  it('is what `npm start` tells a user to run', () => {
    expect(sandbox.stdout()).toContain('npm run token --silent -- alice');
  });
});
