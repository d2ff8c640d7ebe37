import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's Chromium (scripts/ensure-chromium.mjs installs it); CHROMIUM_PATH overrides.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
// Root on a machine without network: no sandbox, no background connections.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Time budgets sized for a loaded, shared 2-core machine (CI's). They only bound a hung test: no test
// asserts on how fast anything runs (timing figures live in `npm run bench`), and tests that move time do
// it with fake timers.
const NODE_BUDGET_MS = 60_000;
const BROWSER_BUDGET_MS = 120_000;
// A consumer test packs the package, installs it in scratch projects and runs bundlers and tsc over the
// AWS SDK: minutes of CPU on a loaded machine, bounded, never asserted on.
const CONSUMER_BUDGET_MS = 600_000;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          setupFiles: ['test/node/setup.ts'],
          testTimeout: NODE_BUDGET_MS,
          hookTimeout: NODE_BUDGET_MS,
        },
      },
      {
        test: {
          // Playwright driving Debian's Chromium through the example against the sandbox.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: BROWSER_BUDGET_MS,
          hookTimeout: BROWSER_BUDGET_MS,
        },
      },
      {
        // The packed tarball in scratch apps: esbuild, webpack, rollup, Vite (run in Chromium) and tsc
        // (run in Node), against the sandbox.
        test: {
          name: 'consumer',
          environment: 'node',
          include: ['test/consumer/**/*.test.ts'],
          globalSetup: ['test/consumer/global-setup.ts'],
          testTimeout: CONSUMER_BUDGET_MS,
          hookTimeout: CONSUMER_BUDGET_MS,
          // tsc checks run two at a time (two cores), each its own process of a few hundred MB.
          maxConcurrency: 2,
        },
      },
      {
        publicDir: 'public',
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: BROWSER_BUDGET_MS,
          hookTimeout: BROWSER_BUDGET_MS,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({ launchOptions: { executablePath, args } }),
          },
        },
      },
    ],
  },
});
