// Debian's Chromium driven by Playwright for the Chromium-only end-to-end tests (the same binary and
// flags as vitest's browser project and the engine driver), and where the screenshots go.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { launchChromiumBrowser } from '../engines/chromium';

export const ARTIFACTS = join(__dirname, '../../test-results/e2e');

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return launchChromiumBrowser();
}
