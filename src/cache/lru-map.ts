/** A value and its place in the recency list. */
interface Node<V> {
  readonly key: string;
  value: V;
  /** Toward the most recently used end. */
  newer: Node<V> | undefined;
  /** Toward the least recently used end. */
  older: Node<V> | undefined;
}

/**
 * A `Map` bounded to `maxSize` keys that drops the least recently used one. Recency is a doubly linked
 * list beside the Map, so a use moves two pointers and never writes the Map: a V8 `Map` that is made to
 * delete and re-insert a key on every hit (the usual way to keep LRU order in its insertion order) slowed
 * down 14x between 1,000 and 100,000 keys (issue 26); this one stays flat (figure 8 of `npm run bench`).
 * Every operation is O(1) but iteration.
 */
export class LruMap<V> {
  readonly #nodes = new Map<string, Node<V>>();
  readonly #maxSize: number;
  #newest: Node<V> | undefined;
  #oldest: Node<V> | undefined;

  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  get size(): number {
    return this.#nodes.size;
  }

  /** The value for `key`, without counting as a use. */
  get(key: string): V | undefined {
    return this.#nodes.get(key)?.value;
  }

  /** Marks `key` most recently used (nothing if absent). */
  use(key: string): void {
    const node = this.#nodes.get(key);
    if (node === undefined || node === this.#newest) return;
    this.#unlink(node);
    this.#pushNewest(node);
  }

  /** Stores `value` as the most recently used; past `maxSize`, the least recently used key goes. */
  set(key: string, value: V): void {
    const node = this.#nodes.get(key);
    if (node !== undefined) {
      node.value = value;
      this.use(key);
      return;
    }
    const added: Node<V> = { key, value, newer: undefined, older: undefined };
    this.#nodes.set(key, added);
    this.#pushNewest(added);
    if (this.#nodes.size > this.#maxSize && this.#oldest !== undefined) this.delete(this.#oldest.key);
  }

  delete(key: string): void {
    const node = this.#nodes.get(key);
    if (node === undefined) return;
    this.#unlink(node);
    this.#nodes.delete(key);
  }

  clear(): void {
    this.#nodes.clear();
    this.#newest = undefined;
    this.#oldest = undefined;
  }

  /** Deletes every key whose value `drop` picks; O(size). */
  deleteWhere(drop: (value: V) => boolean): void {
    for (const [key, node] of this.#nodes) if (drop(node.value)) this.delete(key);
  }

  #unlink(node: Node<V>): void {
    if (node.newer === undefined) this.#newest = node.older;
    else node.newer.older = node.older;
    if (node.older === undefined) this.#oldest = node.newer;
    else node.older.newer = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }

  #pushNewest(node: Node<V>): void {
    node.older = this.#newest;
    if (this.#newest === undefined) this.#oldest = node;
    else this.#newest.newer = node;
    this.#newest = node;
  }
}
