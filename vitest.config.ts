import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import type { BrowserInstanceOption, BrowserProviderOption } from 'vitest/node';
import { binaryPath } from './test/engines/binaries.mjs';
import { CHROMIUM_ARGS } from './test/engines/chromium.ts';
import { enginesToRun } from './test/engines/launch.ts';
import { engineProvider } from './test/engines/vitest-provider.ts';

// The three engines from Debian's packages (scripts/ensure-browsers.mjs installs them; CHROMIUM_PATH,
// FIREFOX_PATH, WEBKIT_DRIVER_PATH, WEBKIT_BROWSER_PATH and XVFB_PATH override). Chromium through
// vitest's Playwright provider; Firefox ESR and WebKitGTK through the engine driver in test/engines/
// (Playwright's own builds of those cannot be downloaded here). ENGINES=chromium,... narrows a local run.
const engines = enginesToRun();
const otherEngines = engines.filter((name) => name !== 'chromium').map((name) => ({ browser: name }));

// Time budgets sized for a loaded, shared 2-core machine (CI's). They only bound a hung test: no test
// asserts on how fast anything runs (timing figures live in `npm run bench`), and tests that move time do
// it with fake timers.
const NODE_BUDGET_MS = 60_000;
const BROWSER_BUDGET_MS = 120_000;
// A consumer test packs the package, installs it in scratch projects and runs bundlers and tsc over the
// AWS SDK: minutes of CPU on a loaded machine, bounded, never asserted on.
const CONSUMER_BUDGET_MS = 600_000;
// `expect.poll` waits on what another process or the event loop does next; vitest's default (1 s) was a
// bet on how fast a loaded machine gets there. Half a budget bounds a hang only, and still fails inside
// the test's own budget with the condition that was awaited.
const pollFor = (budgetMs: number) => ({ poll: { timeout: budgetMs / 2 } });

/** The in-page tests (test/browser/), real engine, msw's service worker, one set of files for every engine. */
function browserProject(name: string, instances: BrowserInstanceOption[], provider: BrowserProviderOption): TestProjectInlineConfiguration {
  return {
    publicDir: 'public',
    test: {
      name,
      // One file at a time: files of one origin share its service worker, Web Locks and BroadcastChannel.
      fileParallelism: false,
      include: ['test/browser/**/*.test.ts'],
      globalSetup: ['test/browser/global-setup.ts'],
      testTimeout: BROWSER_BUDGET_MS,
      hookTimeout: BROWSER_BUDGET_MS,
      expect: pollFor(BROWSER_BUDGET_MS),
      browser: { enabled: true, headless: true, screenshotFailures: false, instances, provider },
    },
  };
}

export default defineConfig({
  test: {
    // Two files at once, even on a 2-core machine: most of a browser test's time is spent waiting for
    // another process (a browser, the sandbox), and the tests bound waits, never measure them.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          setupFiles: ['test/node/setup.ts'],
          testTimeout: NODE_BUDGET_MS,
          hookTimeout: NODE_BUDGET_MS,
          expect: pollFor(NODE_BUDGET_MS),
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
          expect: pollFor(BROWSER_BUDGET_MS),
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
      ...(engines.includes('chromium') ? [browserProject('browser', [{ browser: 'chromium' }], playwright({ launchOptions: { executablePath: binaryPath('Chromium'), args: CHROMIUM_ARGS } }))] : []),
      // The same files in Firefox ESR and WebKitGTK.
      ...(otherEngines.length > 0 ? [browserProject('browser-engines', otherEngines, engineProvider())] : []),
    ],
  },
});
