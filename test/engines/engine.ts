// The small engine-neutral driver the cross-engine tests speak: what the uploader flow, the tabs test and
// vitest's browser mode need from a browser, and nothing more. One implementation per engine: Chromium
// through Playwright, Firefox ESR through puppeteer-core (WebDriver BiDi), WebKitGTK through
// selenium-webdriver (WebDriver classic, WebKitWebDriver under Xvfb). Selectors are CSS.

/** The engines `npm test` runs, by the names vitest and the reports use. */
export const ENGINE_NAMES = ['chromium', 'firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** The keys a keyboard-only test presses. */
export type Key = 'Tab' | 'Shift+Tab' | 'Enter' | 'Space' | 'Escape';

/** A file the page downloaded (or offered for download: see `Tab.download`). */
export interface Download {
  name: string;
  bytes: Buffer;
}

/** One tab (a top-level browsing context). */
export interface Tab {
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /**
   * Runs `fn` in the page with `arg` (JSON) and returns its JSON result; a returned promise is awaited.
   * `fn` is sent as source text: it must not close over anything outside itself.
   */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  click(selector: string): Promise<void>;
  /** Types `text` into the element, as keystrokes, then presses Enter when `enter` is set. */
  type(selector: string, text: string, options?: { enter?: boolean }): Promise<void>;
  /** Presses one key on whatever has the focus, as a keyboard-only user does. */
  press(key: Key): Promise<void>;
  /** Picks these files (paths on this machine) in an `<input type=file>`. */
  setFiles(selector: string, paths: string[]): Promise<void>;
  /**
   * Clicks `selector` and returns the file the page downloads: a real download where the driver reports
   * one (Chromium), else the file the page offers through an `<a download>` link (read from its blob URL).
   */
  download(selector: string): Promise<Download>;
  screenshot(path: string): Promise<void>;
  /**
   * Uncaught page errors and console errors seen so far, as the engine's driver reports them: Playwright
   * and BiDi do; WebDriver classic (WebKit) reports none, so there this is always empty.
   */
  errors(): string[];
  close(): Promise<void>;
}

/** Tabs that share one storage (cookies, BroadcastChannel, Web Locks): a Playwright-style context. */
export interface Session {
  newTab(url: string): Promise<Tab>;
  close(): Promise<void>;
}

/** A launched engine; `close` ends every process it started. */
export interface Engine {
  readonly name: EngineName;
  newSession(): Promise<Session>;
  close(): Promise<void>;
}

/**
 * Polls `check` in the tab until it returns true, at most `timeoutMs` (a bound on a hung test, not a
 * figure: nothing asserts how fast it happens). A check that throws counts as false (the page may be
 * between two documents); the last error is in the timeout's message. The loop ends with the promise,
 * so it never outlives the test that awaits it.
 */
export async function waitUntil<A>(tab: Tab, check: (arg: A) => boolean, arg?: A, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await tab.evaluate(check, arg)) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`waitUntil: still false after ${timeoutMs} ms: ${check.toString().slice(0, 200)}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The page-side half of `Tab.download` where the driver sees no download: reads the offered blob. */
export function captureOfferedDownloads(): void {
  const page = window as unknown as { __offered?: Promise<{ name: string; base64: string }>[] };
  if (page.__offered) return;
  const offered: Promise<{ name: string; base64: string }>[] = (page.__offered = []);
  document.addEventListener('click', (event) => {
    const link = event.target;
    if (!(link instanceof HTMLAnchorElement) || !link.hasAttribute('download')) return;
    // No save dialog or file: the test reads what the page offered.
    event.preventDefault();
    offered.push(fetch(link.href).then((response) => response.arrayBuffer()).then((buffer) => {
      let binary = '';
      for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
      return { name: link.download, base64: btoa(binary) };
    }));
  }, true);
}

/** Clicks and waits for the file the page offers (see `captureOfferedDownloads`). */
export async function readOfferedDownload(tab: Tab, selector: string): Promise<Download> {
  await tab.evaluate(captureOfferedDownloads);
  const before = await tab.evaluate(() => (window as unknown as { __offered: unknown[] }).__offered.length);
  await tab.click(selector);
  await waitUntil(tab, (count) => (window as unknown as { __offered: unknown[] }).__offered.length > count, before);
  const file = await tab.evaluate((index) => (window as unknown as { __offered: Promise<{ name: string; base64: string }>[] }).__offered[index]!, before);
  return { name: file.name, bytes: Buffer.from(file.base64, 'base64') };
}
