// The helper processes WebKit needs, started and stopped by the tests themselves: an X server (Xvfb) on a
// display it picks itself (-displayfd, so parallel runs never share one) and WebKitWebDriver on a free
// port. Each runs in a process group of its own and is ended by group, so MiniBrowser and its WebKit
// helper processes go with the driver; they are ended too if the test process exits first.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Bounds the start of a helper process on a loaded machine (a hang bound, never a figure). */
const START_TIMEOUT_MS = 60_000;

/** A started helper process; `stop` ends its whole process group and waits for it. */
export interface Helper {
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

function helper(child: ChildProcess): Helper {
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts Xvfb on a free display; resolves with the display (`:N`) once the server accepts clients. */
export async function startXvfb(binary: string): Promise<Helper & { display: string }> {
  const child = spawn(binary, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const started = helper(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let written = '';
      const timer = setTimeout(() => reject(new Error(`Xvfb did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
        written += chunk.toString();
        if (written.includes('\n')) {
          clearTimeout(timer);
          resolve(`:${written.trim()}`);
        }
      });
      child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
    });
    return { ...started, display };
  } catch (error) {
    await started.stop();
    throw error;
  }
}

/** A port that was free a moment ago (the driver is restarted on another if it was taken since). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once `url` answers, or rejects when the process exits or the time is up. */
async function answering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer in ${START_TIMEOUT_MS} ms`);
}

/** Starts WebKitWebDriver on a free loopback port for `display`; resolves with its URL. */
export async function startWebKitDriver(binary: string, display: string): Promise<Helper & { url: string }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(binary, [`--port=${port}`, '--host=local'], { detached: true, stdio: 'ignore', env: { ...process.env, DISPLAY: display } });
    const started = helper(child);
    const url = `http://127.0.0.1:${port}`;
    try {
      await answering(`${url}/status`, child);
      return { ...started, url };
    } catch (error) {
      lastError = error;
      await started.stop();
    }
  }
  throw new Error(`WebKitWebDriver did not start: ${String(lastError)}`);
}
