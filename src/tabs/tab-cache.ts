import { callSafely } from '../callbacks';
import { SingleFlightCache, abortedError, cacheLimits } from '../cache/single-flight';
import type { CredentialCache, Loaded } from '../cache/single-flight';
import { fromShared, holding, toShared } from '../cache/cached-delegation';
import type { CachedDelegation } from '../cache/cached-delegation';
import { digest } from './digest';
import { inBrowser } from './environment';
import { Arrivals, Handover } from './handover';
import type { ResolvedOptions } from '../options';
import { readMessage } from './messages';
import type { EntryMessage, TabMessage } from './messages';

type Load = (signal: AbortSignal) => Promise<Loaded<CachedDelegation>>;

/** One load of a key: what it needs, and when it started (its generation, its time). */
interface Request {
  readonly key: string;
  readonly load: Load;
  readonly signal: AbortSignal;
  readonly generation: number;
  readonly since: number;
}

/** Another tab's answer, as this tab took it. */
interface Arrived {
  readonly loaded: Loaded<CachedDelegation>;
  readonly since: number;
}

const PREFIX = 'auth0-aws-delegation';

/** The page's timer as the module loaded (a page's or a test's fake clock installed later does not hold it). */
const { setTimeout: schedule, clearTimeout: unschedule } = globalThis;

/**
 * Resolves in a later task: after the current one and every microtask it queued. The tasks below are
 * sharing's own order of work, not a wait, and the lock is released in one of them while another tab may
 * be waiting on it: no timer of the page may hold them back. So the first of two: the timer captured
 * above (prompt in Node, where a port's message can lag behind I/O), and a message to itself, which no
 * fake clock fakes (one installed before the SDK loaded is the one captured) and no background tab
 * throttles (its timers wait for 1 s wake-ups).
 */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const done = (): void => {
      unschedule(timer);
      // Closed once used: an open port would keep Node alive.
      port1.close();
      resolve();
    };
    const timer = schedule(done, 0);
    port1.onmessage = done;
    port2.postMessage(undefined);
  });
}

/**
 * The client's cache, shared by every tab of the origin where the browser allows it (Web Locks,
 * BroadcastChannel and SubtleCrypto: a secure context) and `shareAcrossTabs` asks for it (by default,
 * in a page or a web worker: tabs/environment.ts); otherwise this tab's own. See `TabCache`.
 */
export function createCache(options: ResolvedOptions): CredentialCache<CachedDelegation> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  const wanted = options.shareAcrossTabs ?? inBrowser();
  const shared = wanted && typeof BroadcastChannel === 'function' && locks !== undefined && globalThis.crypto?.subtle !== undefined;
  return shared ? new TabCache(options, locks) : new SingleFlightCache<CachedDelegation>(options.now, cacheLimits(options));
}

/**
 * Everything that changes what credentials come back, as text: domain, clientID, and the exchange's `id`
 * (its kind and settings). Tabs share only under equal settings. No token: it names the channel as is.
 */
function settingsOf({ origin, clientID, exchange }: ResolvedOptions): string {
  return JSON.stringify([origin, clientID, exchange.id]);
}

/** The channel of these settings, open now; `undefined` where it cannot be opened (then nothing is shared). */
function openChannel(name: string, receive: (data: unknown) => void): BroadcastChannel | undefined {
  try {
    const channel = new BroadcastChannel(name);
    channel.onmessage = ({ data }: MessageEvent<unknown>) => receive(data);
    // Node has BroadcastChannel too: an open channel must not keep its process alive.
    (channel as { unref?: () => void }).unref?.();
    return channel;
  } catch {
    return undefined;
  }
}

/**
 * A request never waits for tab coordination unless there is someone to wait for: a tab that has heard
 * no other tab announce or hold anything sends at once, and names its key (SHA-256), announces it on the
 * BroadcastChannel, takes a Web Lock for it and shares its answer beside the request. A tab that heard
 * another announce that key waits for that request (its lock, then at most a moment for the answer) and
 * takes its answer; a tab that heard another hold a fresh answer asks for a copy. Two tabs that start
 * before either has heard the other may both send. An answer is taken only by a tab waiting on its key,
 * and only the first. `clear()` in one tab clears every tab, and wins over every answer in flight.
 * Messages are checked like responses. Lock names and messages carry SHA-256 digests of the client's
 * settings and the cache key, never a token; the cache key itself stays in this tab.
 */
class TabCache implements CredentialCache<CachedDelegation> {
  readonly #cache: SingleFlightCache<CachedDelegation>;
  readonly #handover = new Handover();
  readonly #arrivals = new Arrivals<Arrived>();
  /** The keys this tab holds answers for, by digest, and when their requests started: it answers asks. */
  readonly #held = new Map<string, { readonly key: string; readonly since: number }>();
  /** Digests another tab said it holds a fresh answer for, until when, and its key ID: worth an ask instead of a request. */
  readonly #heldElsewhere = new Map<string, { readonly freshUntil: number; readonly accessKeyId: string }>();
  readonly #now: () => number;
  readonly #onClearedElsewhere: (() => void) | undefined;
  readonly #settings: string;
  readonly #locks: LockManager;
  /** Undefined where the channel could not be opened: this tab then hears and says nothing. */
  readonly #channel: BroadcastChannel | undefined;
  /** Bumped by every clear, this tab's or another's: a request started before it shares nothing. */
  #generation = 0;
  /** When this tab last cleared or heard a clear: answers to requests started earlier are dropped. */
  #clearedAt = -Infinity;
  /** Whether another tab's clear reached this tab and it has asked for nothing since (`get`): its own clear stays here. */
  #toldOfClear = false;

  constructor(options: ResolvedOptions, locks: LockManager) {
    this.#now = options.now;
    this.#onClearedElsewhere = options.onClearedInAnotherTab;
    this.#settings = settingsOf(options);
    this.#locks = locks;
    this.#cache = new SingleFlightCache(options.now, cacheLimits(options));
    // Named synchronously, so that the first request never waits for the channel.
    this.#channel = openChannel(`${PREFIX} ${this.#settings}`, (data) => this.#receive(readMessage(data)));
  }

  get generation(): number {
    // Moved by every clear (#forget clears the cache) and every refusal made or heard (`#refuse`).
    return this.#cache.generation;
  }

  get clears(): number {
    // #forget clears the cache: this tab's clears and those heard from other tabs.
    return this.#cache.clears;
  }

  peek(key: string): CachedDelegation | undefined {
    return this.#cache.peek(key);
  }

  get(key: string, load: Load, signal?: AbortSignal): Promise<CachedDelegation> {
    this.#toldOfClear = false;
    return this.#cache.get(key, (flightSignal) => this.#load({ key, load, signal: flightSignal, generation: this.#generation, since: this.#now() }), signal);
  }

  /**
   * Forgets everything, and tells every other tab to, unless this tab has asked for nothing since
   * another tab's clear reached it (a page that signs out when told another tab did): every tab has
   * forgotten already, and sending it again would echo between two such pages without end, and sign out
   * a tab where the next user signed in meanwhile.
   */
  clear(): void {
    const echo = this.#toldOfClear;
    this.#forget();
    if (!echo) this.#post({ type: 'clear' });
  }

  /**
   * Forgets the credentials S3 refused (`key`'s entry first), and tells the other tabs to forget the
   * entries holding them (by access key ID: their caches are keyed alike, but keys never cross the
   * channel), unless this tab had made or heard that refusal already. Not a sign-out: nothing else is
   * forgotten, and no page is told.
   */
  refuse(id: string, holds: (value: CachedDelegation) => boolean, key?: string): void {
    if (this.#refuse(id, holds, key)) this.#post({ type: 'drop', accessKeyId: id });
  }

  refused(id: string): boolean {
    return this.#cache.refused(id);
  }

  async #load(request: Request): Promise<Loaded<CachedDelegation>> {
    // Nothing heard from another tab: nobody to wait for, so the request leaves now (the cold page).
    if (this.#heardNothing()) return this.#lead(request, undefined, true);
    const name = await this.#nameOf(request.key);
    if (this.#handover.announced(name)) return this.#follow(request, name);
    if (this.#heldElsewhere.has(name)) return (await this.#ask(request, name)) ?? this.#lead(request, name, true);
    return this.#lead(request, name, true);
  }

  /** Whether no other tab has announced a request or a fresh answer this tab could wait or ask for. */
  #heardNothing(): boolean {
    const now = this.#now();
    for (const [name, { freshUntil }] of this.#heldElsewhere) if (!(now < freshUntil)) this.#heldElsewhere.delete(name);
    return this.#heldElsewhere.size === 0 && !this.#handover.busy;
  }

  async #nameOf(key: string): Promise<string> {
    // Defined: this cache exists only where SubtleCrypto does.
    return (await digest(`${this.#settings}\n${key}`)) as string;
  }

  /**
   * Sends the request now; naming, announcing, the lock (`lock`) and sharing run beside it, each in a task
   * of its own after the one that sent it: on a cold page SubtleCrypto, the channel and the lock each cost
   * milliseconds the first time (figure 9 of `npm run bench`), and none of it may delay the request or,
   * once the answer is in, its callers.
   */
  #lead(request: Request, name: string | undefined, lock: boolean): Promise<Loaded<CachedDelegation>> {
    const loading = request.load(request.signal);
    // Its callers are answered by `loading` itself; a failure to name the key only means nothing is shared.
    this.#announce(request, name, loading, lock).catch(() => undefined);
    return loading;
  }

  async #announce(request: Request, known: string | undefined, loading: Promise<Loaded<CachedDelegation>>, lock: boolean): Promise<void> {
    await nextTask();
    const name = known ?? (await this.#nameOf(request.key));
    if (request.generation !== this.#generation) return;
    this.#post({ type: 'loading', key: name, since: request.since });
    // A task after the answer (or the failure): its callers, answered by `loading` in the microtasks
    // before it, have it by then. The lock is released and the answer shared in that one task.
    const answered = loading.then(nextTask, nextTask);
    if (lock) this.#holdLock(name, answered);
    const outcome = await loading.then((loaded) => ({ loaded }), () => undefined);
    await answered;
    if (outcome === undefined) return this.#post({ type: 'failed', key: name });
    // Cleared meanwhile: its own callers have it, nobody else.
    if (request.generation !== this.#generation) return;
    this.#hold(name, request.key, request.since);
    this.#post({ type: 'entry', key: name, since: request.since, ...toShared(outcome.loaded) });
  }

  /**
   * Holds the key's lock until `settled` (a task after the request ends), so that a tab waiting on this
   * request wakes when it ends or when this tab closes. Asked for beside the request: on a cold page the
   * first lock takes longer than the request itself. Withdrawn if the request ends before it is granted;
   * refused, it is not needed.
   */
  #holdLock(name: string, settled: Promise<void>): void {
    const ended = new AbortController();
    void settled.then(() => ended.abort());
    this.#locks.request(`${PREFIX} ${name}`, { signal: ended.signal }, () => settled).catch(() => undefined);
  }

  /** Waits on another tab's announced request: its lock, then at most HANDOVER_MS for its answer. */
  async #follow(request: Request, name: string): Promise<Loaded<CachedDelegation>> {
    const { signal } = request;
    this.#arrivals.want(name);
    let locked = false;
    let taken: Loaded<CachedDelegation> | undefined;
    try {
      const loaded = await this.#locks.request(`${PREFIX} ${name}`, { signal }, async () => {
        locked = true;
        await this.#handover.wait(name, signal);
        if (signal.aborted) throw abortedError(signal);
        // No answer (that tab failed or closed): this tab asks, holding the lock others wait on.
        return (taken = this.#taken(request, name)) ?? this.#lead(request, name, false);
      });
      // The browser answers a lock request a task or more after its callback: a drop heard meanwhile may
      // name the credentials taken. Not stored, nor handed to callers who would be refused them again.
      return loaded === taken && this.#cache.refused(loaded.value.credentials.accessKeyId) ? await this.#lead(request, name, true) : loaded;
    } catch (error) {
      if (signal.aborted) throw abortedError(signal);
      // The lock itself was refused (an opaque origin, a sandboxed frame): ask without it.
      if (!locked) return this.#taken(request, name) ?? this.#lead(request, name, true);
      throw error;
    } finally {
      // No longer waiting: a later answer for this key is not taken.
      this.#arrivals.take(name);
    }
  }

  /** Asks the other tabs for a copy of an answer one of them said it holds; at most HANDOVER_MS. */
  async #ask(request: Request, name: string): Promise<Loaded<CachedDelegation> | undefined> {
    // Asked once: if nobody answers, the tab that held it closed.
    this.#heldElsewhere.delete(name);
    this.#arrivals.want(name);
    this.#handover.announce(name);
    this.#post({ type: 'ask', key: name });
    try {
      await this.#handover.wait(name, request.signal);
      if (request.signal.aborted) throw abortedError(request.signal);
      return this.#taken(request, name);
    } finally {
      this.#arrivals.take(name);
    }
  }

  /** The answer another tab sent for this wait, while fresh, now held by this tab too. */
  #taken(request: Request, name: string): Loaded<CachedDelegation> | undefined {
    const arrived = this.#arrivals.take(name);
    if (arrived === undefined || !(this.#now() < arrived.loaded.freshUntil) || request.generation !== this.#generation) return undefined;
    this.#hold(name, request.key, arrived.since);
    return arrived.loaded;
  }

  /** Records that this tab holds `key`'s answer (it answers asks for `name`); forgets keys it no longer holds. */
  #hold(name: string, key: string, since: number): void {
    for (const [held, { key: heldKey }] of this.#held) if (this.#cache.entry(heldKey) === undefined) this.#held.delete(held);
    this.#held.set(name, { key, since });
  }

  #receive(message: TabMessage | undefined): void {
    if (message === undefined) return;
    if (message.type === 'clear') return this.#clearedElsewhere();
    if (message.type === 'drop') return void this.#refuse(message.accessKeyId);
    if (message.type === 'loading') {
      // A request started before a clear this tab saw shares nothing: nothing to wait for.
      if (message.since > this.#clearedAt) this.#handover.announce(message.key);
      return;
    }
    if (message.type === 'ask') return this.#answer(message.key);
    if (message.type === 'entry') this.#offer(message);
    this.#handover.settle(message.key);
  }

  /** Another tab's answer: noted as held there, and taken only if this tab waits on that key. */
  #offer(message: EntryMessage): void {
    // The answer to a request made before a sign-out this tab saw belongs to the signed-out user.
    if (message.since <= this.#clearedAt) return;
    const loaded = fromShared(message, this.#now());
    // Credentials S3 refused, sent before that tab heard of it: not worth asking for, nor taking.
    if (loaded === undefined || this.#cache.refused(loaded.value.credentials.accessKeyId)) return;
    this.#heldElsewhere.set(message.key, { freshUntil: loaded.freshUntil, accessKeyId: loaded.value.credentials.accessKeyId });
    this.#arrivals.offer(message.key, { loaded, since: message.since });
  }

  /** Sends a copy of this tab's fresh answer for `name` to the tab that asked. */
  #answer(name: string): void {
    const held = this.#held.get(name);
    const loaded = held === undefined ? undefined : this.#cache.entry(held.key);
    if (held === undefined || loaded === undefined) {
      this.#held.delete(name);
      return;
    }
    this.#post({ type: 'entry', key: name, since: held.since, ...toShared(loaded) });
  }

  /** Another tab cleared: this tab forgets too, then the page hears of it (`onClearedInAnotherTab`). */
  #clearedElsewhere(): void {
    this.#forget();
    this.#toldOfClear = true;
    // The page's callback failing must not undo the clear, nor go unseen.
    if (this.#onClearedElsewhere) callSafely(this.#onClearedElsewhere);
  }

  /**
   * Credentials S3 refused (in this tab or another): forgotten wherever this tab holds or heard of them,
   * and remembered (the latest few are enough: a late answer is one sent before the drop was heard).
   * @returns whether the refusal was new to this tab.
   */
  #refuse(accessKeyId: string, holds = holding(accessKeyId), key?: string): boolean {
    const fresh = this.#cache.refuse(accessKeyId, holds, key);
    for (const [name, held] of this.#heldElsewhere) if (held.accessKeyId === accessKeyId) this.#heldElsewhere.delete(name);
    // An answer that arrived before the drop, for a wait not yet over (its lock not yet granted): not taken.
    this.#arrivals.discard(({ loaded }) => holds(loaded.value));
    return fresh;
  }

  #forget(): void {
    this.#generation++;
    this.#clearedAt = this.#now();
    this.#cache.clear();
    this.#held.clear();
    this.#heldElsewhere.clear();
    this.#arrivals.clear();
    this.#handover.settle(undefined);
  }

  #post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }
}
