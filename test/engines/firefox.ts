// Firefox ESR through puppeteer-core over WebDriver BiDi: Debian's binary (FIREFOX_PATH overrides), a
// throwaway profile that puppeteer makes and removes. Sessions are BiDi user contexts. Downloads: the
// file the page offers is read from its blob URL (see `Tab.download`).
import puppeteer from 'puppeteer-core';
import type { BrowserContext, Page } from 'puppeteer-core';
import { binaryPath } from './binaries.mjs';
import { readOfferedDownload } from './engine.ts';
import type { Engine, Session, Tab } from './engine.ts';

/** Bounds one protocol call; generous for a loaded machine (it bounds a hang, it measures nothing). */
const PROTOCOL_TIMEOUT_MS = 180_000;

function puppeteerTab(page: Page): Tab {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const tab: Tab = {
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    click: (selector) => page.click(selector),
    async type(selector, text, options) {
      await page.type(selector, text);
      if (options?.enter) await page.keyboard.press('Enter');
    },
    async press(key) {
      if (key !== 'Shift+Tab') return page.keyboard.press(key === 'Space' ? ' ' : key);
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
    },
    async setFiles(selector, paths) {
      const input = await page.$(selector);
      if (!input) throw new Error(`no ${selector}`);
      await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(...paths);
    },
    download: (selector) => readOfferedDownload(tab, selector),
    screenshot: async (path) => void (await page.screenshot({ path })),
    errors: () => errors,
    close: () => page.close(),
  };
  return tab;
}

function puppeteerSession(context: BrowserContext): Session {
  return {
    async newTab(url) {
      const page = await context.newPage();
      await page.setViewport({ width: 1100, height: 760 });
      const tab = puppeteerTab(page);
      await tab.goto(url);
      return tab;
    },
    close: () => context.close(),
  };
}

export async function launchFirefox(): Promise<Engine> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: binaryPath('Firefox ESR'), headless: true, protocolTimeout: PROTOCOL_TIMEOUT_MS });
  return {
    name: 'firefox',
    newSession: async () => puppeteerSession(await browser.createBrowserContext()),
    close: () => browser.close(),
  };
}
