// Holds chosen S3 requests in the sandbox until the test releases them (its `holdS3` hook): how a test
// sees a page mid-upload in every engine, however fast or slow the machine is, without a driver that
// can intercept the network (WebDriver classic cannot).
import type { IncomingMessage } from 'node:http';

export function requestHolds() {
  let held: { matches: (request: URL, method: string) => boolean; released: Promise<void> } | undefined;
  return {
    /** The sandbox's `holdS3` option. */
    async hook(request: IncomingMessage): Promise<void> {
      const url = new URL(request.url ?? '/', 'http://s3');
      if (held?.matches(url, request.method ?? 'GET')) await held.released;
    },
    /** Holds every request that `matches` until the returned function is called (call it in `finally`). */
    hold(matches: (request: URL, method: string) => boolean): () => void {
      let release = (): void => undefined;
      held = { matches, released: new Promise<void>((resolve) => (release = resolve)) };
      return () => {
        held = undefined;
        release();
      };
    },
  };
}
