// What passes between "tabs": a BroadcastChannel that records every name the SDK opens and every message
// it posts or receives, so tests can read what the SDK puts there and forge what another (hostile or
// closed) tab could send. Works in Node and in Chromium; `vi.unstubAllGlobals()` removes it.
import { vi } from 'vitest';

const NativeChannel = globalThis.BroadcastChannel;

/** What the recording channel saw. */
export interface ChannelRecord {
  /** Every BroadcastChannel name the SDK opened. */
  readonly channelNames: string[];
  /** Every message the SDK posted, in order. */
  readonly posted: { name: string; data: unknown }[];
  /** Every message an SDK channel received (after its handler ran), in order. */
  readonly delivered: { name: string; data: unknown }[];
  /** Resolves once `condition()` holds, checked after each delivery, post and channel opening. */
  until(condition: () => boolean): Promise<void>;
  /** Resolves once every message posted so far reached every other SDK channel of its name. */
  settled(): Promise<void>;
  /**
   * Resolves once `count` answers (`entry` or `failed`) have been posted in all, and every message has
   * been delivered. A client names its key (SubtleCrypto, real I/O) and shares its answer beside its
   * request, so its call may resolve before it has said anything: tests wait for this instead.
   */
  answered(count?: number): Promise<void>;
  /** Resolves once `count` SDK channels are open (a client opens its channel when it is made). */
  opened(count: number): Promise<void>;
  /**
   * Posts `data` on `name` as another tab would (from a channel of its own); resolves once every SDK
   * channel of that name has received it and run its handler.
   */
  forge(name: string, data: unknown): Promise<void>;
}

/** Installs the recording BroadcastChannel on the global (for the current test; unstub it after). */
export function recordChannels(): ChannelRecord {
  const waiters = new Set<() => void>();
  let expected = 0;
  const receiversOf = (name: string) => record.channelNames.filter((opened) => opened === name).length;
  const recheck = () => {
    for (const check of [...waiters]) check();
  };
  const record: ChannelRecord = {
    channelNames: [],
    posted: [],
    delivered: [],
    until(condition) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    settled() {
      return record.until(() => record.delivered.length >= expected);
    },
    async answered(count = 1) {
      await record.until(() => record.posted.filter(({ data }) => ['entry', 'failed'].includes((data as { type?: string } | null)?.type ?? '')).length >= count);
      await record.settled();
    },
    opened(count) {
      return record.until(() => record.channelNames.length >= count);
    },
    async forge(name, data) {
      expected += receiversOf(name);
      const forger = new NativeChannel(name);
      forger.postMessage(data);
      await record.settled();
      forger.close();
    },
  };
  class RecordingChannel extends NativeChannel {
    constructor(name: string) {
      super(name);
      record.channelNames.push(name);
      queueMicrotask(recheck);
      // The SDK's `onmessage` handler runs here, and the delivery is recorded once it is done. (A listener
      // of its own that deferred the record to a microtask was not enough: browsers run microtasks between
      // an event's listeners, so a test went on before the SDK had read the message.)
      let handler: ((event: MessageEvent) => unknown) | null = null;
      Object.defineProperty(this, 'onmessage', { get: () => handler, set: (value: typeof handler) => (handler = value) });
      this.addEventListener('message', (event) => {
        handler?.call(this, event as MessageEvent);
        record.delivered.push({ name, data: (event as MessageEvent).data });
        recheck();
      });
      // An SDK channel is never closed; in Node it must not keep the test process alive either.
      (this as unknown as { unref?: () => void }).unref?.();
    }

    override postMessage(data: unknown): void {
      record.posted.push({ name: this.name, data });
      expected += receiversOf(this.name) - 1;
      super.postMessage(data);
      recheck();
    }
  }
  vi.stubGlobal('BroadcastChannel', RecordingChannel);
  return record;
}
