import { DelegationError } from './errors';

/** What a loader hands the cache: the value and, on the local clock, until when it may be served. */
export interface Loaded<T> {
  readonly value: T;
  /** Served without a request until this time. */
  readonly freshUntil: number;
  /** After this time the entry is dropped. */
  readonly expiresAt: number;
}

/** What the client needs of its cache: the single-flight `get` and `clear` (`SingleFlightCache`, or tabs.ts's). */
export interface CredentialCache<T> {
  /** The fresh value for `key`, or the load in flight for it, or a new `load`. */
  get(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T>;
  /** Forgets every entry; a load in flight stores nothing. */
  clear(): void;
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
 * Keyed values with single-flight loading. Concurrent callers of one key share one load; a failed load
 * rejects all of them and stores nothing; `clear()` empties the cache and keeps a load that is already
 * under way from storing its result. A caller's `AbortSignal` ends only that caller's wait: the shared
 * load is aborted once every caller waiting on it has aborted.
 */
export class SingleFlightCache<T> {
  readonly #entries: Map<string, Loaded<T>>;
  readonly #flights = new Map<string, Flight<T>>();
  readonly #now: () => number;
  /** Bumped by `clear()`; a load started under an older generation does not store. */
  #generation = 0;

  /** @param entries where entries live; given by tabs.ts, which also fills it with other tabs' answers. */
  constructor(now: () => number, entries = new Map<string, Loaded<T>>()) {
    this.#now = now;
    this.#entries = entries;
  }

  /**
   * The fresh value for `key`, or the result of the load in flight for it, or of a new `load`.
   * @throws {DelegationError} `aborted` when `signal` aborts first; whatever `load` throws.
   */
  get(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.#now() < entry.freshUntil) return Promise.resolve(entry.value);
    const flight = this.#flights.get(key) ?? this.#start(key, load);
    return this.#wait(flight, signal);
  }

  /** Empties the cache; a load in flight still answers its callers but stores nothing. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#flights.clear();
  }

  #start(key: string, load: (signal: AbortSignal) => Promise<Loaded<T>>): Flight<T> {
    const generation = this.#generation;
    const controller = new AbortController();
    const promise = load(controller.signal).then((loaded) => {
      if (generation === this.#generation) this.#store(key, loaded);
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
    const now = this.#now();
    for (const [other, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(other);
    }
    this.#entries.set(key, loaded);
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
