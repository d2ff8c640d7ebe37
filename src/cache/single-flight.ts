import { DelegationError } from '../errors';
import { LruMap } from './lru-map';
import { RecentSet } from './recent-set';

/** How many refused access key IDs a cache remembers (see `refuse`). */
export const MAX_REFUSED = 16;

/** What a loader hands the cache: the value and, on the local clock, until when it may be served. */
export interface Loaded<T> {
  readonly value: T;
  /** Served without a request until this time; after it the entry is dead weight and may be evicted. */
  readonly freshUntil: number;
  /** When the credentials themselves expire (what other tabs are told). */
  readonly expiresAt: number;
}

/** How many entries a cache keeps, and how often it looks for stale ones. */
export interface CacheLimits {
  /** The most entries kept; the least recently used one goes first. */
  readonly maxEntries: number;
  /** Time between sweeps that drop entries no longer fresh (while any entry is held). */
  readonly sweepIntervalMs: number;
}

/** What the client needs of its cache: `peek`, the single-flight `get` and `clear` (`SingleFlightCache`, or tabs.ts's). */
export interface CredentialCache<T> {
  /** The fresh value for `key`, if this cache holds one; no load. */
  peek(key: string): T | undefined;
  /** The fresh value for `key`, or the load in flight for it, or a new `load`. */
  get(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T>;
  /** Forgets every entry; a load in flight stores nothing. */
  clear(): void;
  /**
   * S3 refused the credentials `id`: forgets the entries holding them (`holds`), `key`'s first, in every
   * tab of a shared cache, and remembers `id` (`refused`). Not a sign-out (tabs: no
   * `onClearedInAnotherTab`): every other entry (another user's), and any load in flight, stays.
   */
  refuse(id: string, holds: (value: T) => boolean, key?: string): void;
  /** Whether the credentials `id` are among the latest refused (made or, in a shared cache, heard). */
  refused(id: string): boolean;
  /** How many times the cache was cleared: by `clear()` and, in a shared cache, by another tab's. */
  readonly clears: number;
  /**
   * Bumped by every `clear()`, every `drop()` that forgot something and every refusal of credentials not
   * refused before, one that found no entry to forget included (a provider may hold credentials whose
   * entry was evicted); in a shared cache, another tab's too: a value had before may be stale.
   */
  readonly generation: number;
}

/** One request in flight, shared by every caller of its key. */
interface Flight<T> {
  readonly key: string;
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  /** Callers still waiting (not aborted); the request is aborted when this reaches 0. */
  waiting: number;
}

/**
 * A client's limits: its `maxEntries`, and a sweep every `refreshWindowMs` (at least 1 s, at most what a
 * timer holds), so an entry leaves memory within one window of going stale, before it expires.
 */
export function cacheLimits({ maxEntries, refreshWindowMs }: { maxEntries: number; refreshWindowMs: number }): CacheLimits {
  return { maxEntries, sweepIntervalMs: Math.min(Math.max(refreshWindowMs, 1_000), 2_147_483_647) };
}

/** No bound, a sweep every 10 minutes: what a cache made without limits does. */
const UNLIMITED: CacheLimits = { maxEntries: Number.MAX_SAFE_INTEGER, sweepIntervalMs: 600_000 };

/**
 * Keyed values with single-flight loading. Concurrent callers of one key share one load; a failed load
 * rejects all of them and stores nothing; `clear()` empties the cache and keeps a load that is already
 * under way from storing its result. A caller's `AbortSignal` ends only that caller's wait: the shared
 * load is aborted once every caller waiting on it has aborted.
 *
 * Storing and serving are O(1), and a hit writes no Map (`LruMap`): the least recently used entry goes
 * when the bound is reached. Entries past `freshUntil` are never served again; a sweep (a timer that
 * runs only while entries are held, and does not keep Node alive) drops them every `sweepIntervalMs`,
 * without waiting for a miss.
 */
export class SingleFlightCache<T> implements CredentialCache<T> {
  readonly #entries: LruMap<Loaded<T>>;
  readonly #flights = new Map<string, Flight<T>>();
  readonly #now: () => number;
  readonly #limits: CacheLimits;
  #sweep: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by `clear()`; a load started before a clear does not store. */
  #clears = 0;
  /** Bumped by `clear()`, a `drop()` that forgot an entry and a refusal of new credentials. */
  #generation = 0;
  /** The latest refused access key IDs: nothing serves them again. */
  readonly #refused = new RecentSet(MAX_REFUSED);

  constructor(now: () => number, limits: CacheLimits = UNLIMITED) {
    this.#now = now;
    this.#limits = limits;
    this.#entries = new LruMap(limits.maxEntries);
  }

  /** Bumped by `clear()`, a `drop()` that forgot an entry and a refusal of new credentials. */
  get generation(): number {
    return this.#generation;
  }

  /** How many entries are held (fresh or not yet swept). */
  get size(): number {
    return this.#entries.size;
  }

  /** The fresh value for `key`, or `undefined`; a hit counts as a use (the bound evicts it last). */
  peek(key: string): T | undefined {
    const entry = this.entry(key);
    if (entry === undefined) return undefined;
    this.#entries.use(key);
    return entry.value;
  }

  /** The fresh entry for `key` (its value and times), or `undefined`; not counted as a use. */
  entry(key: string): Loaded<T> | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#now() < entry.freshUntil ? entry : undefined;
  }

  /**
   * The fresh value for `key`, or the result of the load in flight for it, or of a new `load`.
   * @throws {DelegationError} `aborted` when `signal` aborts first; whatever `load` throws.
   */
  get(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    const value = this.peek(key);
    if (value !== undefined) return Promise.resolve(value);
    const flight = this.#flights.get(key) ?? this.#start(key, load);
    return this.#wait(flight, signal);
  }

  get clears(): number {
    return this.#clears;
  }

  /** Empties the cache; a load in flight still answers its callers but stores nothing. */
  clear(): void {
    this.#clears++;
    this.#generation++;
    this.#entries.clear();
    this.#flights.clear();
    this.#stopSweeping();
  }

  /**
   * Forgets `key`'s entry (fresh or not) if `refused` picks its value; O(1). Other entries and loads in
   * flight stay: one user's refused credentials cost no other user a request.
   * @returns the value forgotten, if any.
   */
  drop(key: string, refused: (value: T) => boolean): T | undefined {
    const value = this.#entries.get(key)?.value;
    if (value === undefined || !refused(value)) return undefined;
    this.#entries.delete(key);
    this.#generation++;
    return value;
  }

  /** Forgets every entry whose value `refused` picks (another tab's drop, which names no key); O(entries). */
  dropWhere(refused: (value: T) => boolean): void {
    const before = this.#entries.size;
    this.#entries.deleteWhere((entry) => refused(entry.value));
    if (this.#entries.size < before) this.#generation++;
  }

  /**
   * S3 refused the credentials `id`: forgets `key`'s entry if it holds them (O(1)); when it does not (no
   * key named, as in another tab's drop; an entry evicted; credentials held for another token) and `id` is
   * new, every entry `holds` picks (O(entries)). A new `id` moves the generation even with nothing to
   * forget: a provider may still hold the credentials.
   * @returns whether `id` was new (not among the latest refused already).
   */
  refuse(id: string, holds: (value: T) => boolean, key?: string): boolean {
    const fresh = this.#refused.add(id);
    const generation = this.#generation;
    const dropped = key !== undefined && this.drop(key, holds) !== undefined;
    if (!fresh) return false;
    if (!dropped) this.dropWhere(holds);
    // Once, and even with nothing forgotten.
    if (this.#generation === generation) this.#generation++;
    return true;
  }

  refused(id: string): boolean {
    return this.#refused.has(id);
  }

  /** Drops every entry that is no longer fresh; O(entries), once per `sweepIntervalMs`. */
  sweep(): void {
    const now = this.#now();
    this.#entries.deleteWhere((entry) => !(now < entry.freshUntil));
  }

  #start(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>): Flight<T> {
    const clears = this.#clears;
    const controller = new AbortController();
    const promise = load(controller.signal).then((loaded) => {
      if (clears === this.#clears) this.#store(key, loaded);
      return loaded.value;
    });
    const flight: Flight<T> = { key, promise, controller, waiting: 0 };
    this.#flights.set(key, flight);
    const forget = (): void => this.#forget(flight);
    // Handled here so that a load whose callers all aborted never becomes an unhandled rejection.
    promise.then(forget, forget);
    return flight;
  }

  /** Later callers must not join a flight that settled or was abandoned. */
  #forget(flight: Flight<T>): void {
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
  }

  #store(key: string, loaded: Loaded<T>): void {
    this.#entries.set(key, loaded);
    this.#startSweeping();
  }

  #startSweeping(): void {
    if (this.#sweep !== undefined) return;
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      this.sweep();
      if (this.#entries.size > 0) this.#startSweeping();
    }, this.#limits.sweepIntervalMs);
    // A server's cache must not keep its process alive.
    (this.#sweep as { unref?: () => void }).unref?.();
  }

  #stopSweeping(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
  }

  #wait(flight: Flight<T>, signal: AbortSignal | undefined): Promise<T> {
    flight.waiting++;
    if (signal === undefined) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        reject(abortedError(signal));
        if (--flight.waiting === 0) {
          this.#forget(flight);
          flight.controller.abort(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
        (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
      );
    });
  }
}

/** The error a caller gets when its own signal aborted its wait or its request. */
export function abortedError(signal: AbortSignal): DelegationError {
  return new DelegationError({
    code: 'aborted',
    message: 'Aborted by its AbortSignal.',
    cause: signal.reason,
  });
}
