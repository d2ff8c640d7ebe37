/**
 * How long a tab waits for an answer another tab owes it, once that tab's lock is free (it answered or
 * closed) or once it asked for a copy of an answer another tab holds. Once only: the wait uses the
 * announcement up, so a closed tab or a forged announcement costs at most this, once.
 */
export const HANDOVER_MS = 1_000;

/** Answers this tab is owed (other tabs' announced requests, its own asks), and its waits for them. */
export class Handover {
  readonly #announced = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  /** Whether an answer is owed for any key. */
  get busy(): boolean {
    return this.#announced.size > 0;
  }

  announce(key: string): void {
    this.#announced.add(key);
  }

  announced(key: string): boolean {
    return this.#announced.has(key);
  }

  /** The answer (or failure) for `key`, or for every key, arrived, or is no longer awaited. */
  settle(key: string | undefined): void {
    for (const settled of key === undefined ? [...this.#announced, ...this.#waiting.keys()] : [key]) {
      this.#announced.delete(settled);
      for (const wake of this.#waiting.get(settled) ?? []) wake();
      this.#waiting.delete(settled);
    }
  }

  /** Resolves once no answer is owed for `key`, after HANDOVER_MS at most (once), or on abort. */
  wait(key: string, signal: AbortSignal): Promise<void> {
    if (!this.#announced.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      // Unanswered in time: that tab closed (its lock is free) or never meant to answer.
      const timer = setTimeout(() => this.settle(key), HANDOVER_MS);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.#waiting.set(key, [...(this.#waiting.get(key) ?? []), done]);
    });
  }
}

/**
 * Other tabs' answers for the keys this tab is waiting on. Only those are taken, and only the first
 * for each: an answer this tab did not ask for, or a second one, is never kept (a same-origin page can
 * post well-formed answers of its choosing on the channel).
 */
export class Arrivals<T> {
  readonly #wanted = new Set<string>();
  readonly #arrived = new Map<string, T>();

  want(key: string): void {
    this.#wanted.add(key);
  }

  /** Keeps `value` when `key` is wanted and nothing arrived for it yet. */
  offer(key: string, value: T): void {
    if (this.#wanted.has(key) && !this.#arrived.has(key)) this.#arrived.set(key, value);
  }

  /** What arrived for `key`, if anything; `key` is no longer wanted. */
  take(key: string): T | undefined {
    const value = this.#arrived.get(key);
    this.#wanted.delete(key);
    this.#arrived.delete(key);
    return value;
  }

  /** Forgets what arrived that `pick` picks (credentials refused since): the key is still wanted, and the next answer for it is taken. */
  discard(pick: (value: T) => boolean): void {
    for (const [key, value] of this.#arrived) if (pick(value)) this.#arrived.delete(key);
  }

  clear(): void {
    this.#wanted.clear();
    this.#arrived.clear();
  }
}
