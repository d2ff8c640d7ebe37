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

/** Exclusive locks, granted in request order; a signal that aborts a queued request rejects it. */
class FakeLockManager {
  readonly #queues = new Map<string, (() => void)[]>();
  readonly #held = new Set<string>();
  readonly #names: string[];

  constructor(names: string[]) {
    this.#names = names;
  }

  async request(name: string, options: { signal?: AbortSignal }, callback: LockCallback): Promise<unknown> {
    this.#names.push(name);
    await this.#acquire(name, options.signal);
    try {
      return await callback();
    } finally {
      this.#release(name);
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
 * out the `document`: Node as it is, with Web Locks (as Node 24 has them).
 */
export function installTabs({ page = true }: { page?: boolean } = {}): TabsRecord {
  const record = Object.assign(recordChannels(), { lockNames: [] as string[] });
  vi.stubGlobal('navigator', { locks: new FakeLockManager(record.lockNames) });
  if (page) vi.stubGlobal('document', {});
  return record;
}
