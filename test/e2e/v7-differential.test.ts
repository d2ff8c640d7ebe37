// Byte for byte auth0.js v7: every case of v7/cases.ts runs against the real auth0-js@7.6.1 and against
// this SDK's v7 script build, in Chromium, with the tenant intercepted at the network (v7 used XHR). The
// requests (method, URL, Content-Type, Accept, body), the callback calls (count, `this`, arguments) and the
// synchronous errors must be the same, but for the differences each case names (v7/cases.ts: INTENDED).
import type { Browser, BrowserContext, Route } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdToken } from '../support/tokens';
import { launchChromium } from './browser';
import { BASE, DOMAIN, cases } from './v7/cases';
import type { Answer, Case } from './v7/cases';
import { differences, notKept } from './v7/compare';
import type { Observed, WireRequest } from './v7/compare';
import { IMPLEMENTATIONS, startOracleSite } from './v7/oracle';
import type { Implementation } from './v7/oracle';

const TOKENS = { id_token: makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 }), refresh_token: 'v7diffREFRESHtokenVALUE0123', expired_id_token: makeIdToken({ exp: 1 }) };
let browser: Browser;
let site: Awaited<ReturnType<typeof startOracleSite>>;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), startOracleSite()]);
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** The tenant: records each request and answers with the case's answers in order (the last repeats). */
async function interceptTenant(context: BrowserContext, answers: Answer[], requests: WireRequest[]): Promise<void> {
  await context.route(`https://${DOMAIN}/**`, async (route: Route) => {
    const request = route.request();
    const headers = await request.allHeaders();
    requests.push({ method: request.method(), url: request.url(), contentType: headers['content-type'], accept: headers['accept'], body: request.postData() });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    if (answer === undefined || 'network' in answer) return route.abort('connectionrefused');
    const body = answer.raw ?? JSON.stringify(answer.body).replaceAll('$id_token', TOKENS.id_token);
    await route.fulfill({ status: answer.status, body, headers: { 'content-type': answer.contentType ?? 'application/json', 'access-control-allow-origin': '*' } });
  });
}

async function observe(implementation: Implementation, testCase: Case): Promise<Observed> {
  const context = await browser.newContext();
  const requests: WireRequest[] = [];
  try {
    await interceptTenant(context, testCase.answers ?? [], requests);
    const page = await context.newPage();
    await page.goto(site.pageUrl(implementation));
    if (testCase.offline) await context.setOffline(true);
    const spec = { construct: { withNew: testCase.construct?.withNew ?? true, options: testCase.construct?.options ?? BASE }, calls: testCase.calls };
    const record = await page.evaluate(([caseSpec, tokens]) => (window as unknown as { runCase(spec: unknown, tokens: unknown): Promise<Omit<Observed, 'requests'>> }).runCase(caseSpec, tokens), [spec, TOKENS] as const);
    return { ...record, requests };
  } finally {
    await context.close();
  }
}

describe('the v7 facade against auth0-js@7.6.1', () => {
  it.each(cases().map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const [v7, ours] = await Promise.all(IMPLEMENTATIONS.map((implementation) => observe(implementation, testCase)));
    expect(differences(testCase, v7!, ours!, Object.values(TOKENS))).toEqual([]);
    // The oracle ran: a case that sends must have reached the tenant from v7 too.
    if (testCase.answers !== undefined) expect(v7!.requests.length).toBeGreaterThan(0);
  });
});

describe('negative control: the comparison finds what differs', () => {
  const request = { method: 'POST', url: `https://${DOMAIN}/delegation`, contentType: 'application/x-www-form-urlencoded', accept: 'application/json, text/javascript', body: 'a=1' };
  const observed = (changes: Partial<Observed> = {}): Observed => ({ requests: [request], constructError: null, syncErrors: [], uncaught: [], calls: [{ call: 0, thisIsWindow: true, thisIsUndefined: false, argc: 1, err: { error: 'unauthorized', error_description: 'no' }, result: { $undefined: true } }], ...changes });
  const testCase: Case = { name: 'probe', calls: [{ method: 'getDelegationToken', args: [] }] };
  const oursAsError = (err: Record<string, unknown>) => observed({ calls: [{ call: 0, thisIsWindow: true, thisIsUndefined: false, argc: 1, err: { $isError: true, $message: 'm', ...err }, result: { $undefined: true } }] });

  it('identical observations (ours an Error with the same fields and status) show nothing', () => {
    expect(differences(testCase, observed(), oursAsError({ error: 'unauthorized', error_description: 'no', status: 401 }), [])).toEqual([]);
  });

  it.each<[string, Observed]>([
    ['a JSON body', observed({ requests: [{ ...request, contentType: 'application/json', body: '{"a":"1"}' }] })],
    ['a missing error field', oursAsError({ error: 'unauthorized', status: 401 })],
    ['a field v7 did not have', oursAsError({ error: 'unauthorized', error_description: 'no', code: 'unauthorized' })],
    ['a plain object where v7 had one too (not an Error)', observed()],
    ['another this', observed({ calls: [{ call: 0, thisIsWindow: false, thisIsUndefined: true, argc: 1, err: { $isError: true, $message: '', error: 'unauthorized', error_description: 'no' }, result: { $undefined: true } }] })],
    ['a second callback', observed({ calls: [...observed().calls, ...observed().calls] })],
  ])('%s', (_name, ours) => {
    expect(differences(testCase, observed(), ours, []).length).toBeGreaterThan(0);
  });

  describe('the allowances for "checked locally" and "body not kept" are narrow', () => {
    const local: Case = { ...testCase, answers: [{ status: 401, body: { error: 'unauthorized' } }], intended: ['checked locally'] };
    const refusedHere = oursAsError({ name: 'DelegationError', code: 'id_token_expired', status: 0, description: '' });
    const array: Case = { ...testCase, answers: [{ status: 400, raw: '["invalid_request"]' }], intended: ['body not kept'] };
    const v7Array = observed({ calls: [{ ...observed().calls[0]!, err: ['invalid_request'] }] });
    const loginError = (status: number) => observed({ calls: [{ ...observed().calls[0]!, err: { $isError: true, $message: notKept(status), status, name: { $undefined: true }, code: { $undefined: true }, details: { message: notKept(status), code: { $undefined: true } } } }] });

    it('allowed: a token refused before sending, with the SDK\'s error; v7\'s JSON array as the LoginError of a body not kept', () => {
      expect(differences(local, observed(), { ...refusedHere, requests: [] }, [])).toEqual([]);
      expect(differences(array, v7Array, loginError(400), [])).toEqual([]);
    });

    it.each<[string, Case, Observed, Observed]>([
      ['checked locally, but sent anyway', local, observed(), refusedHere],
      ['checked locally, but the tenant\'s error', local, observed(), { ...oursAsError({ error: 'unauthorized', error_description: 'no', status: 401 }), requests: [] }],
      ['body not kept, but another status', array, v7Array, loginError(401)],
      ['body not kept, but the message says nothing', array, v7Array, observed({ calls: [{ ...observed().calls[0]!, err: { $isError: true, $message: '', status: 400, name: { $undefined: true }, code: { $undefined: true }, details: { message: '', code: { $undefined: true } } } }] })],
      ['body not kept, but the array kept', array, v7Array, observed({ calls: [{ ...observed().calls[0]!, err: ['invalid_request'] }] })],
      ['body not kept, without the intention', { ...array, intended: [] }, v7Array, loginError(400)],
    ])('found: %s', (_name, probe, v7, ours) => {
      expect(differences(probe, v7, ours, []).length).toBeGreaterThan(0);
    });
  });
});
