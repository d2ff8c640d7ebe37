/**
 * The latest `maxSize` strings added, oldest forgotten first; adding one already held makes it the latest.
 * Refused access key IDs: a cache remembers the latest few so that nothing serves them again.
 */
export class RecentSet {
  readonly #values = new Set<string>();
  readonly #maxSize: number;

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** Adds `value` as the latest. @returns whether it was new (not held already). */
  add(value: string): boolean {
    const held = this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > this.#maxSize) this.#values.delete(this.#values.values().next().value as string);
    return !held;
  }

  has(value: string): boolean {
    return this.#values.has(value);
  }
}
