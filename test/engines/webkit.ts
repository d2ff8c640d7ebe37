// WebKitGTK (Safari's engine) through selenium-webdriver, WebDriver classic: MiniBrowser under an Xvfb of
// the test's own, driven by a WebKitWebDriver of its own (processes.ts). Binaries from Debian's packages
// (WEBKIT_DRIVER_PATH, WEBKIT_BROWSER_PATH, XVFB_PATH override). A session is one WebDriver session (a
// fresh MiniBrowser with its own ephemeral storage); its tabs are windows of it. WebDriver classic
// drives one window at a time, so every command of a session runs in turn, after switching to its tab.
// What WebDriver classic cannot see: page errors (no events), downloads (read from the offered blob).
import { writeFile } from 'node:fs/promises';
import { Builder, By, Key, until } from 'selenium-webdriver';
import type { WebDriver } from 'selenium-webdriver';
import { binaryPath } from './binaries.mjs';
import { readOfferedDownload } from './engine.ts';
import type { Engine, Session, Tab } from './engine.ts';
import { startWebKitDriver, startXvfb } from './processes.ts';

/** Bounds a script or a page load on a loaded machine (a hang bound, never a figure). */
const COMMAND_TIMEOUT_MS = 120_000;

/** Runs `fn` in the page through executeAsyncScript, so that a returned promise is awaited. */
function asyncScript(fn: (arg: never) => unknown): string {
  return `var arg = arguments[0], done = arguments[arguments.length - 1];
Promise.resolve().then(function () { return (${fn.toString()})(arg); }).then(
  function (value) { done({ value: value === undefined ? null : value }); },
  function (error) { done({ error: String(error && error.stack || error) }); });`;
}

/** One command at a time per WebDriver session, each in its own tab. */
function serialize(driver: WebDriver) {
  let queue: Promise<unknown> = Promise.resolve();
  let current = '';
  /** Runs `command` in the tab `handle`; with no handle, in whatever tab `command` leaves current. */
  return function inTab<T>(handle: string | undefined, command: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      if (handle !== undefined && current !== handle) await driver.switchTo().window(handle);
      const result = await command();
      current = handle ?? (await driver.getWindowHandle());
      return result;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}

function webDriverTab(driver: WebDriver, handle: string, inTab: ReturnType<typeof serialize>): Tab {
  /**
   * The element once it is in the page: WebDriver classic's findElement looks once, and on a loaded
   * machine the page may not have rendered it yet (a CI run at load 16 failed with NoSuchElementError).
   * Bounded by the hang bound. A file input is often hidden (Uppy's is): picking files waits for this only.
   */
  const located = (selector: string) => driver.wait(until.elementLocated(By.css(selector)), COMMAND_TIMEOUT_MS, `no ${selector}`);
  /** The element once it is there, shown and enabled, as Playwright's and puppeteer's click and type wait for it. */
  const element = async (selector: string) => {
    const found = await located(selector);
    await driver.wait(until.elementIsVisible(found), COMMAND_TIMEOUT_MS, `${selector} not shown`);
    await driver.wait(until.elementIsEnabled(found), COMMAND_TIMEOUT_MS, `${selector} not enabled`);
    return found;
  };
  const tab: Tab = {
    goto: (url) => inTab(handle, () => driver.get(url)),
    url: () => inTab(handle, () => driver.getCurrentUrl()),
    async evaluate(fn, arg) {
      const result = (await inTab(handle, () => driver.executeAsyncScript(asyncScript(fn as never), arg ?? null))) as { value?: never; error?: string };
      if (result.error !== undefined) throw new Error(`in the page: ${result.error}`);
      return result.value as never;
    },
    click: (selector) => inTab(handle, async () => (await element(selector)).click()),
    type: (selector, text, options) => inTab(handle, async () => (await element(selector)).sendKeys(text, ...(options?.enter ? [Key.ENTER] : []))),
    press: (key) => inTab(handle, async () => {
      const keys = { Tab: [Key.TAB], 'Shift+Tab': [Key.SHIFT, Key.TAB], Enter: [Key.ENTER], Space: [Key.SPACE], Escape: [Key.ESCAPE] }[key];
      const actions = driver.actions();
      for (const pressed of keys) actions.keyDown(pressed);
      for (const pressed of [...keys].reverse()) actions.keyUp(pressed);
      await actions.perform();
    }),
    setFiles: (selector, paths) => inTab(handle, async () => (await located(selector)).sendKeys(paths.join('\n'))),
    download: (selector) => readOfferedDownload(tab, selector),
    screenshot: (path) => inTab(handle, async () => writeFile(path, Buffer.from(await driver.takeScreenshot(), 'base64'))),
    errors: () => [],
    close: () => inTab(handle, () => driver.close()),
  };
  return tab;
}

async function webDriverSession(driverUrl: string): Promise<Session> {
  const driver = await new Builder()
    .usingServer(driverUrl)
    .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: binaryPath('MiniBrowser (WebKitGTK)'), args: ['--automation'] } })
    .build();
  await driver.manage().setTimeouts({ script: COMMAND_TIMEOUT_MS, pageLoad: COMMAND_TIMEOUT_MS });
  const inTab = serialize(driver);
  let first = true;
  return {
    async newTab(url) {
      const handle = await inTab(undefined, async () => {
        if (first) {
          first = false;
          return driver.getWindowHandle();
        }
        await driver.switchTo().newWindow('tab');
        return driver.getWindowHandle();
      });
      const tab = webDriverTab(driver, handle, inTab);
      await tab.goto(url);
      return tab;
    },
    close: () => driver.quit(),
  };
}

export async function launchWebKit(): Promise<Engine> {
  const xvfb = await startXvfb(binaryPath('Xvfb'));
  const driver = await startWebKitDriver(binaryPath('WebKitWebDriver'), xvfb.display).catch(async (error: unknown) => {
    await xvfb.stop();
    throw error;
  });
  const sessions = new Set<Session>();
  return {
    name: 'webkit',
    async newSession() {
      const session = await webDriverSession(driver.url);
      sessions.add(session);
      return { newTab: (url) => session.newTab(url), close: async () => void (sessions.delete(session) && (await session.close())) };
    },
    async close() {
      await Promise.allSettled([...sessions].map((session) => session.close()));
      await driver.stop();
      await xvfb.stop();
    },
  };
}
