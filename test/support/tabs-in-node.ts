// "Tabs" in Node: Node 20 has BroadcastChannel (delivered between instances in one process, as between
// tabs) but no Web Locks, so this installs a small exclusive, first-come LockManager on `navigator.locks`
// next to the recording channel of tab-channels.ts, and a `document`: clients share by default only in a
// page (tabs/environment.ts). `vi.unstubAllGlobals()` removes all three.
import { vi } from 'vitest';
import { recordChannels } from './tab-channels';
import type { ChannelRecord } from './tab-channels';

/** What the installed stand-ins saw. */
export interface TabsRecord extends ChannelRecord {
  /** Every lock name the SDK asked for. */
  readonly lockNames: string[];
}

type LockCallback = () => Promise<unknown>;
/** Runs once a request's lock is let go, before the request's promise settles; its promise is waited for. */
export type LockSettling = (name: string) => Promise<void>;

/** Exclusive locks, granted in request order; a signal that aborts a queued request rejects it. */
class FakeLockManager {
  readonly #queues = new Map<string, (() => void)[]>();
  readonly #held = new Set<string>();
  readonly #names: string[];
  readonly #settling: LockSettling | undefined;

  constructor(names: string[], settling: LockSettling | undefined) {
    this.#names = names;
    this.#settling = settling;
  }

  async request(name: string, options: { signal?: AbortSignal }, callback: LockCallback): Promise<unknown> {
    this.#names.push(name);
    await this.#acquire(name, options.signal);
    try {
      return await callback();
    } finally {
      this.#release(name);
      // A browser answers the request a task or more after the callback (the lock is let go by IPC).
      await this.#settling?.(name);
    }
  }

  #acquire(name: string, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#held.has(name)) {
      this.#held.add(name);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const queue = this.#queues.get(name) ?? [];
        queue.splice(queue.indexOf(grant), 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queues.set(name, [...(this.#queues.get(name) ?? []), grant]);
    });
  }

  #release(name: string): void {
    const next = this.#queues.get(name)?.shift();
    if (next === undefined) this.#held.delete(name);
    else next();
  }
}

/**
 * Installs the stand-ins on the globals (for the current test; unstub them after). `page: false` leaves
 * out the `document`: Node as it is, with Web Locks (as Node 24 has them). `settling` holds each lock
 * request's answer after its lock is let go, as long as a browser may take to send it.
 */
export function installTabs({ page = true, settling }: { page?: boolean; settling?: LockSettling } = {}): TabsRecord {
  const record = Object.assign(recordChannels(), { lockNames: [] as string[] });
  vi.stubGlobal('navigator', { locks: new FakeLockManager(record.lockNames, settling) });
  if (page) vi.stubGlobal('document', {});
  return record;
}
