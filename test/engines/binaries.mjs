// Where each engine's binaries are (Debian's packages), which Debian package brings them, and the
// environment variable that overrides each path. Read by scripts/ensure-browsers.mjs (install) and by the
// engine launchers in this folder (run), so that both agree.

/** Debian's multiarch folder for this machine (MiniBrowser lives under it). */
const MULTIARCH = process.arch === 'arm64' ? 'aarch64-linux-gnu' : process.arch === 'x64' ? 'x86_64-linux-gnu' : `${process.arch}-linux-gnu`;

/** @typedef {{ what: string, env: string, path: string, debianPackage: string }} EngineBinary */

/** @type {readonly EngineBinary[]} */
export const ENGINE_BINARIES = Object.freeze([
  { what: 'Chromium', env: 'CHROMIUM_PATH', path: '/usr/bin/chromium', debianPackage: 'chromium' },
  { what: 'Firefox ESR', env: 'FIREFOX_PATH', path: '/usr/bin/firefox-esr', debianPackage: 'firefox-esr' },
  { what: 'WebKitWebDriver', env: 'WEBKIT_DRIVER_PATH', path: '/usr/bin/WebKitWebDriver', debianPackage: 'webkit2gtk-driver' },
  { what: 'MiniBrowser (WebKitGTK)', env: 'WEBKIT_BROWSER_PATH', path: `/usr/lib/${MULTIARCH}/webkit2gtk-4.1/MiniBrowser`, debianPackage: 'webkit2gtk-driver' },
  { what: 'Xvfb', env: 'XVFB_PATH', path: '/usr/bin/Xvfb', debianPackage: 'xvfb' },
]);

/**
 * The path to run for the binary named `what`: its override when set, else Debian's path.
 * @param {string} what
 * @returns {string}
 */
export function binaryPath(what) {
  const binary = ENGINE_BINARIES.find((candidate) => candidate.what === what);
  if (!binary) throw new Error(`unknown engine binary ${what}`);
  return process.env[binary.env] || binary.path;
}
