import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Debian's Chromium (scripts/ensure-chromium.mjs installs it); CHROMIUM_PATH overrides.
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
// Root on a machine without network: no sandbox, no background connections.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          setupFiles: ['test/node/setup.ts'],
        },
      },
      {
        test: {
          // Playwright driving Debian's Chromium through the example against the sandbox.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        publicDir: 'public',
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
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
