import { SingleFlightCache, abortedError, cacheLimits } from '../cache/single-flight';
import type { CredentialCache, Loaded } from '../cache/single-flight';
import { fromShared, toShared } from '../cache/cached-delegation';
import type { CachedDelegation } from '../cache/cached-delegation';
import { digest } from './digest';
import { Handover } from './handover';
import type { ResolvedOptions } from '../options';
import { readMessage } from './messages';
import type { EntryMessage, TabMessage } from './messages';

type Load = (signal: AbortSignal) => Promise<Loaded<CachedDelegation>>;

const PREFIX = 'auth0-aws-delegation';

/**
 * The client's cache, shared by every tab of the origin where the browser allows it (Web Locks,
 * BroadcastChannel and SubtleCrypto: a secure context) and `shareAcrossTabs` is not `false`; otherwise
 * this tab's own. See `TabCache`.
 */
export function createCache(options: ResolvedOptions): CredentialCache<CachedDelegation> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const shared = options.shareAcrossTabs && typeof BroadcastChannel === 'function' && locks !== undefined && globalThis.crypto?.subtle !== undefined;
  return shared ? new TabCache(options, locks) : new SingleFlightCache<CachedDelegation>(options.now, cacheLimits(options));
}

/**
 * Everything that changes what credentials come back, as text: domain, clientID, and the exchange's `id`
 * (its kind and settings). Tabs share only under equal settings.
 */
function settingsOf({ origin, clientID, exchange }: ResolvedOptions): string {
  return JSON.stringify([origin, clientID, exchange.id]);
}

/**
 * A Web Lock per cache key lets one tab at a time ask the endpoint; that tab announces its request on a
 * BroadcastChannel, then sends the answer (memory only, nothing stored). A tab that gets the lock after
 * an announcement waits a moment for that answer instead of asking again. `clear()` in one tab clears
 * every tab, and wins over every answer in flight. Messages are checked like responses. Lock names,
 * channel names and messages carry SHA-256 digests of the client's settings and the cache key, never a
 * token; the cache key itself stays in this tab.
 */
class TabCache implements CredentialCache<CachedDelegation> {
  readonly #cache: SingleFlightCache<CachedDelegation>;
  /** Other tabs' answers, by digest, until this tab asks for their key. */
  readonly #shared = new Map<string, Loaded<CachedDelegation>>();
  readonly #handover = new Handover();
  readonly #now: () => number;
  readonly #settings: string;
  readonly #locks: LockManager;
  /** Undefined where the channel could not be opened: this tab then shares nothing, and says nothing. */
  readonly #channel: Promise<BroadcastChannel | undefined>;
  /** Bumped by every clear, this tab's or another's: a request started before it shares nothing. */
  #generation = 0;
  /** When this tab last cleared or heard a clear: answers to requests started earlier are dropped. */
  #clearedAt = -Infinity;

  constructor(options: ResolvedOptions, locks: LockManager) {
    const settings = settingsOf(options);
    this.#now = options.now;
    this.#settings = settings;
    this.#locks = locks;
    this.#cache = new SingleFlightCache(options.now, cacheLimits(options));
    this.#channel = digest(settings).then((name) => {
      const channel = new BroadcastChannel(`${PREFIX} ${name}`);
      channel.onmessage = ({ data }: MessageEvent<unknown>) => this.#receive(readMessage(data));
      // Node has BroadcastChannel too: an open channel must not keep its process alive.
      (channel as { unref?: () => void }).unref?.();
      return channel;
    }, () => undefined);
  }

  get generation(): number {
    return this.#generation;
  }

  peek(key: string): CachedDelegation | undefined {
    return this.#cache.peek(key);
  }

  get(key: string, load: Load, signal?: AbortSignal): Promise<CachedDelegation> {
    return this.#cache.get(key, (flightSignal) => this.#lockedLoad(key, load, flightSignal), signal);
  }

  clear(): void {
    this.#forget();
    this.#post({ type: 'clear' });
  }

  #forget(): void {
    this.#generation++;
    this.#clearedAt = this.#now();
    this.#cache.clear();
    this.#shared.clear();
    this.#handover.settle(undefined);
  }

  #receive(message: TabMessage | undefined): void {
    if (message === undefined) return;
    if (message.type === 'clear') return this.#forget();
    if (message.type === 'loading') return this.#handover.announce(message.key);
    if (message.type === 'entry') this.#take(message);
    this.#handover.settle(message.key);
  }

  #take(message: EntryMessage): void {
    // The answer to a request made before a sign-out this tab saw belongs to the signed-out user.
    if (message.since <= this.#clearedAt) return;
    const now = this.#now();
    const loaded = fromShared(message, now);
    if (loaded === undefined) return;
    for (const [name, entry] of this.#shared) if (entry.expiresAt <= now) this.#shared.delete(name);
    this.#shared.set(message.key, loaded);
  }

  /** Another tab's answer for `name`, while fresh. */
  #fresh(name: string): Loaded<CachedDelegation> | undefined {
    const arrived = this.#shared.get(name);
    return arrived !== undefined && this.#now() < arrived.freshUntil ? arrived : undefined;
  }

  #post(message: TabMessage): void {
    void this.#channel.then((channel) => channel?.postMessage(message));
  }

  async #lockedLoad(key: string, load: Load, signal: AbortSignal): Promise<Loaded<CachedDelegation>> {
    const started = this.#generation;
    const since = this.#now();
    // Defined: this cache exists only where SubtleCrypto does.
    const name = (await digest(`${this.#settings}\n${key}`)) as string;
    let locked = false;
    try {
      return this.#fresh(name) ?? (await this.#locks.request(`${PREFIX} ${name}`, { signal }, async () => {
        locked = true;
        await this.#handover.wait(name, signal);
        // Another tab may have answered while this one waited.
        const arrived = this.#fresh(name);
        if (arrived !== undefined) return arrived;
        this.#post({ type: 'loading', key: name });
        try {
          const loaded = await load(signal);
          if (started === this.#generation) this.#post({ type: 'entry', key: name, since, ...toShared(loaded) });
          return loaded;
        } catch (error) {
          this.#post({ type: 'failed', key: name });
          throw error;
        }
      }));
    } catch (error) {
      if (signal.aborted) throw abortedError(signal);
      // The lock itself was refused (an opaque origin, a sandboxed frame): ask without sharing.
      if (!locked) return load(signal);
      throw error;
    }
  }
}
