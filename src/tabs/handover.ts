/**
 * How long a tab that got the lock waits for the answer another tab announced: the lock is free, so that
 * tab has answered (the answer is on its way) or closed (nothing will come). Once only: the wait uses
 * the announcement up, so a closed tab or a forged announcement costs at most this, once.
 */
export const HANDOVER_MS = 1_000;

/** Requests other tabs announced and have not answered yet, and this tab's waits for them. */
export class Handover {
  readonly #announced = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  announce(key: string): void {
    this.#announced.add(key);
  }

  /** The answer (or failure) for `key`, or for every key, arrived, or is no longer awaited. */
  settle(key: string | undefined): void {
    for (const settled of key === undefined ? [...this.#announced, ...this.#waiting.keys()] : [key]) {
      this.#announced.delete(settled);
      for (const wake of this.#waiting.get(settled) ?? []) wake();
      this.#waiting.delete(settled);
    }
  }

  /** Resolves once no other tab is asking for `key`, after HANDOVER_MS at most (once), or on abort. */
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
