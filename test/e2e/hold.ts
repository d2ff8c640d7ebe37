// Holds chosen S3 requests in the sandbox until the test releases them (its `holdS3` hook): how a test
// sees a page mid-upload in every engine, however fast or slow the machine is, without a driver that
// can intercept the network (WebDriver classic cannot).
import type { IncomingMessage } from 'node:http';

export function requestHolds() {
  let held: { matches: (request: URL, method: string) => boolean; released: Promise<void>; waiting: number } | undefined;
  return {
    /** The sandbox's `holdS3` option. */
    async hook(request: IncomingMessage): Promise<void> {
      const url = new URL(request.url ?? '/', 'http://s3');
      const current = held;
      if (!current?.matches(url, request.method ?? 'GET')) return;
      current.waiting++;
      await current.released;
    },
    /** Holds every request that `matches` until the returned function is called (call it in `finally`). */
    hold(matches: (request: URL, method: string) => boolean): () => void {
      let release = (): void => undefined;
      held = { matches, released: new Promise<void>((resolve) => (release = resolve)), waiting: 0 };
      return () => {
        held = undefined;
        release();
      };
    },
    /** How many requests the current hold has stopped so far (0 when nothing is held). */
    waiting: (): number => held?.waiting ?? 0,
  };
}
