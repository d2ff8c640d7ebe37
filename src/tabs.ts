import { SingleFlightCache, abortedError } from './cache';
import type { Loaded } from './cache';
import type { ResolvedOptions } from './options';

/** What the client needs of its cache: the single-flight `get` and `clear`. */
export interface CredentialCache<T> {
  get(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T>;
  clear(): void;
}

type Message<T> = { type: 'loading' | 'failed'; key: string } | { type: 'entry'; key: string; loaded: Loaded<T> } | { type: 'clear' };

/** How long a tab waits for another tab's announced answer before asking itself (that tab may have closed). */
const HANDOVER_MS = 15_000;

/**
 * The client's cache, shared by every tab of the origin where the browser allows it. A Web Lock per
 * cache key lets one tab at a time ask the endpoint; that tab announces its request on a
 * BroadcastChannel, then sends the answer (memory only, nothing stored). A tab that gets the lock after
 * an announcement waits for that answer instead of asking again. `clear()` in one tab clears every tab.
 * Without Web Locks or BroadcastChannel (Node, old browsers) each tab keeps its own cache.
 */
export function createCache<T>({ now, endpoint, clientID }: ResolvedOptions): CredentialCache<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (typeof BroadcastChannel !== 'function' || locks === undefined) return new SingleFlightCache<T>(now);
  const name = `auth0-aws-delegation ${endpoint} ${clientID}`;
  const entries = new Map<string, Loaded<T>>();
  const cache = new SingleFlightCache<T>(now, entries);
  const channel = new BroadcastChannel(name);
  const handover = new Handover();
  // Bumped by clear(): an answer to a request made before it is not handed to other tabs.
  let generation = 0;
  channel.onmessage = ({ data }: MessageEvent<Message<T>>) => {
    if (data.type === 'clear') cache.clear();
    if (data.type === 'entry') entries.set(data.key, data.loaded);
    if (data.type === 'loading') handover.announce(data.key);
    else handover.settle(data.type === 'clear' ? undefined : data.key);
  };
  const post = (message: Message<T>) => channel.postMessage(message);

  const lockedLoad = (key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>) => async (signal: AbortSignal): Promise<Loaded<T>> => {
    const started = generation;
    try {
      return await locks.request(`${name} ${key}`, { signal }, async () => {
        await handover.wait(key, signal);
        // Another tab may have answered while this one waited.
        const arrived = entries.get(key);
        if (arrived !== undefined && now() < arrived.freshUntil) return arrived;
        post({ type: 'loading', key });
        try {
          const loaded = await load(signal);
          if (started === generation) post({ type: 'entry', key, loaded });
          return loaded;
        } catch (error) {
          post({ type: 'failed', key });
          throw error;
        }
      });
    } catch (error) {
      throw signal.aborted ? abortedError(signal) : error;
    }
  };

  return {
    get: (key, load, signal) => cache.get(key, lockedLoad(key, load), signal),
    clear() {
      generation++;
      cache.clear();
      post({ type: 'clear' });
    },
  };
}

/** Requests other tabs announced and have not answered yet, and the tabs' own waits for them. */
class Handover {
  readonly #announced = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  announce(key: string): void {
    this.#announced.add(key);
  }

  /** The answer (or failure) for `key`, or for every key, arrived. */
  settle(key: string | undefined): void {
    for (const settled of key === undefined ? [...this.#announced] : [key]) {
      this.#announced.delete(settled);
      for (const wake of this.#waiting.get(settled) ?? []) wake();
      this.#waiting.delete(settled);
    }
  }

  /** Resolves once no other tab is asking for `key` (or after HANDOVER_MS, or on abort). */
  wait(key: string, signal: AbortSignal): Promise<void> {
    if (!this.#announced.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, HANDOVER_MS);
      signal.addEventListener('abort', done, { once: true });
      this.#waiting.set(key, [...(this.#waiting.get(key) ?? []), done]);
    });
  }
}
