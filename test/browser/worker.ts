// msw's service worker stands in for Auth0 in the page. Requests to the fake tenant that no handler
// claims fail the test; the page's own module requests (served by vitest) pass through untouched.
import { setupWorker } from 'msw/browser';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DOMAIN } from '../support/delegation-endpoint';

export const worker = setupWorker();

export function useWorker(): void {
  beforeAll(async () => {
    await worker.start({
      serviceWorker: { url: '/mockServiceWorker.js' },
      quiet: true,
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname === DOMAIN) print.error();
      },
    });
  });
  afterEach(() => worker.resetHandlers());
  afterAll(() => worker.stop());
}
