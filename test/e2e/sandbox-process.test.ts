// `npm start`'s process: it prints where to go, and Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('node sandbox/main.mjs', () => {
  it('prints the uploader URL, serves it, and exits 0 on SIGINT (Ctrl-C)', async () => {
    const child = spawn(process.execPath, [join(__dirname, '../../sandbox/main.mjs')], {
      env: { ...process.env, SANDBOX_APP_PORT: '0', SANDBOX_AUTH_PORT: '0', SANDBOX_S3_PORT: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => output, { timeout: 90_000 }).toMatch(/Open the uploader: {2}(http:\/\/127\.0\.0\.1:\d+\/s3-uploader\/)/);
    const url = /Open the uploader: {2}(\S+)/.exec(output)![1]!;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('auth0-aws-delegation.s3.umd.min.js');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopping the sandbox');
    await expect(fetch(url)).rejects.toThrow();
  });
});
