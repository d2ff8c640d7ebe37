// Chromium through Playwright: Debian's binary (CHROMIUM_PATH overrides), the flags that work as root
// with no network. Sessions are Playwright contexts; downloads are real ones.
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { binaryPath } from './binaries.mjs';
import type { Engine, Session, Tab } from './engine.ts';

/** Root on a machine without network: no sandbox, no background connections. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromiumBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: binaryPath('Chromium'), args: CHROMIUM_ARGS });
}

function playwrightTab(page: Page): Tab {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return {
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    click: (selector) => page.click(selector),
    async type(selector, text, options) {
      await page.locator(selector).pressSequentially(text);
      if (options?.enter) await page.locator(selector).press('Enter');
    },
    press: (key) => page.keyboard.press(key === 'Space' ? ' ' : key),
    setFiles: (selector, paths) => page.setInputFiles(selector, paths),
    async download(selector) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      return { name: download.suggestedFilename(), bytes: await readFile((await download.path())!) };
    },
    screenshot: async (path) => void (await page.screenshot({ path })),
    errors: () => errors,
    close: () => page.close(),
  };
}

function playwrightSession(context: BrowserContext): Session {
  return {
    async newTab(url) {
      const tab = playwrightTab(await context.newPage());
      await tab.goto(url);
      return tab;
    },
    close: () => context.close(),
  };
}

export async function launchChromium(): Promise<Engine> {
  const browser = await launchChromiumBrowser();
  return {
    name: 'chromium',
    newSession: async () => playwrightSession(await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true })),
    close: () => browser.close(),
  };
}
