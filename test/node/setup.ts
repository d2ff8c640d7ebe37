// Every node test runs behind msw: a request no handler claims fails the test instead of leaving the
// machine (loopback excepted: the local verifying S3 the tests start), and handlers never leak from one
// test to the next.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';

export const server = setupServer();

beforeAll(() =>
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());
