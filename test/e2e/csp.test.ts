// The script builds under a strict Content-Security-Policy: no eval, no inline code, network only to
// the endpoints the page allows. The endpoint is the sandbox's /delegation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite } from './site';

let site: Awaited<ReturnType<typeof startSite>>;
let connectSrc = '';

const dist = (file: string) => readFileSync(join(__dirname, '../../dist', file), 'utf8');

/** The page code, in a 'self' file (inline scripts are refused by the policy). */
function pageScript(build: string): string {
  const v7 = build === 'v7' ? `window.__v7 = typeof Auth0 === 'function' && new Auth0({ clientID: ${JSON.stringify(site.sandbox.config.clientID)}, domain: ${JSON.stringify(site.sandbox.authUrl)}, callbackURL: 'dummy' }) !== undefined;` : '';
  return `${v7}
var client = new Auth0AwsDelegation.DelegationClient({ clientID: ${JSON.stringify(site.sandbox.config.clientID)}, domain: ${JSON.stringify(site.sandbox.authUrl)}, retries: 0 });
client.getCredentials({ idToken: ${JSON.stringify(site.idToken)} }).then(
  function (c) { window.__result = { ok: true, accessKeyId: c.accessKeyId }; },
  function (e) { window.__result = { ok: false, code: e.code }; }
);`;
}

beforeAll(async () => {
  site = await startSite((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const build = new URLSearchParams(query).get('build') ?? 'umd';
    const files: Record<string, () => string> = {
      '/guard.js': () => "window.__violations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });",
      '/sdk.js': () => dist(build === 'v7' ? 'auth0-aws-delegation.v7.min.js' : 'auth0-aws-delegation.umd.min.js'),
      '/page.js': () => pageScript(build),
    };
    if (files[path]) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(files[path]!());
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': `default-src 'self'; connect-src ${connectSrc}` });
    res.end(`<!doctype html><title>CSP</title><script src="/guard.js"></script><script src="/sdk.js?build=${build}"></script><script src="/page.js?build=${build}"></script>`);
  }, 'auth0|csp');
});
afterAll(() => site?.stop());

async function run(build: string) {
  const page = await site.browser.newPage();
  await page.goto(`${site.origin}/?build=${build}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined);
  const outcome = await page.evaluate(() => {
    const w = window as unknown as { __result: unknown; __violations: string[]; __v7?: boolean };
    return { result: w.__result, violations: w.__violations, v7: w.__v7 };
  });
  await page.close();
  return outcome;
}

describe('a page served with default-src \'self\'; connect-src <the Auth0 domain>', () => {
  it.each(['umd', 'v7'])('runs the %s build without a single violation', async (build) => {
    connectSrc = site.sandbox.authUrl;
    const { result, violations, v7 } = await run(build);
    expect(violations).toEqual([]);
    expect(result).toEqual({ ok: true, accessKeyId: expect.stringMatching(/^ASIA/) });
    if (build === 'v7') expect(v7).toBe(true);
  });

  it('negative control: with the Auth0 domain left out of connect-src the request is blocked', async () => {
    connectSrc = "'self'";
    const { result, violations } = await run('umd');
    expect(result).toEqual({ ok: false, code: 'network_error' });
    expect(violations.some((violation) => violation.startsWith('connect-src'))).toBe(true);
  });
});
