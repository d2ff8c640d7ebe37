/**
 * Calls a callback the page gave the SDK (a progress callback, `onClearedInAnotherTab`). Its exception is
 * the page's bug, not the SDK's: it is reported where the page sees uncaught errors (`reportError` in
 * browsers, the console elsewhere) and what the SDK was doing goes on.
 */
export function callSafely<A extends unknown[]>(callback: (...args: A) => void, ...args: A): void {
  try {
    callback(...args);
  } catch (error) {
    (globalThis.reportError ?? console.error)(error);
  }
}
