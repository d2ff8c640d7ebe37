// `node sandbox/main.mjs` as a child process on free ports: a crash of any listener ends the process,
// which a test can see (exitCode), unlike a sandbox started inside the test runner.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SandboxProcess {
  appPort: number;
  authPort: number;
  s3Port: number;
  appOrigin: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** True while the process has not exited. */
  alive(): boolean;
  stop(): Promise<void>;
}

const port = (output: string, pattern: RegExp) => Number(pattern.exec(output)?.[1]);

/** @param env more environment variables (SANDBOX_EXCHANGE, ...) */
export async function spawnSandbox(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [join(__dirname, '../../sandbox/main.mjs')], {
    env: { ...process.env, SANDBOX_APP_PORT: '0', SANDBOX_AUTH_PORT: '0', SANDBOX_S3_PORT: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exit.then(() => (exited = true));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ctrl-C to stop')) resolve();
    });
    void exit.then(() => reject(new Error(`the sandbox exited before it started: ${stderr}`)));
  });
  const appPort = port(stdout, /Open the uploader: {2}http:\/\/127\.0\.0\.1:(\d+)\//);
  return {
    appPort,
    authPort: port(stdout, /Auth0 stand-in +http:\/\/127\.0\.0\.1:(\d+)/),
    s3Port: port(stdout, /S3 +http:\/\/127\.0\.0\.1:(\d+)/),
    appOrigin: `http://127.0.0.1:${appPort}`,
    stderr: () => stderr,
    stdout: () => stdout,
    alive: () => !exited && child.exitCode === null && child.signalCode === null,
    async stop() {
      if (!exited) child.kill('SIGINT');
      await exit;
    },
  };
}
