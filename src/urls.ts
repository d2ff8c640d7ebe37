import { configurationError } from './errors';

/** `localhost`, `127.x.y.z` and `[::1]`: the hosts that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return /^(localhost|\[::1\]|127(\.\d+){3})$/.test(hostname);
}

/** `text` as a URL, or undefined when it is not one. */
export function tryParseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** https, or http on a loopback host (local sandboxes), and no user name or password. */
export function isTrustedUrl(url: URL | undefined): url is URL {
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && isLoopbackHost(url.hostname));
  return secure && url.username === '' && url.password === '';
}

/**
 * Checks a URL option a token is sent to: an absolute https URL (a path is allowed), or http on loopback.
 * @throws {DelegationError} `invalid_configuration`, naming `field` (never quoting the value).
 */
export function checkTokenUrl(value: unknown, field: string): void {
  if (!isTrustedUrl(typeof value === 'string' ? tryParseUrl(value) : undefined)) {
    throw configurationError(`"${field}" must be an https URL (http on localhost, 127.0.0.0/8 or [::1] only), with no user name or password.`);
  }
}
