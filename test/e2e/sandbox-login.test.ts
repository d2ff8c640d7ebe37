// Issue 23, point 1: the tenant's login step (the sandbox's user picker at /u/login/{uid}) and its error
// page, in Chromium as a user meets them from the uploader: a heading, a labelled field that has the
// focus, named sample users; a refused (hostile) id shown back as text with the reason announced and
// tied to the field; axe-core finds nothing serious on any of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import type { Engine, Session } from '../engines/engine';
import { launchEngine } from '../engines/launch';
import { axeViolations, focused, nameOf, onLoginStep, press, shows } from './uploader-steps';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let engine: Engine;
let session: Session;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0 });
  engine = await launchEngine('chromium');
  session = await engine.newSession();
});
afterAll(async () => {
  await session?.close();
  await engine?.close();
  await sandbox?.stop();
});

const HOSTILE = '"><img src=x onerror="window.__owned=1">';

describe('the login step of the sandbox tenant', () => {
  it('has a heading, a labelled field with the focus and named sample users; axe finds nothing serious', async () => {
    const tab = await session.newTab(sandbox.appUrl);
    await press(tab, '#sign-in', 'Sign in');
    await onLoginStep(tab);
    expect(await tab.evaluate(() => document.querySelector('h1')?.textContent)).toBe('Sign in');
    expect(await tab.evaluate(() => document.title)).toBe('Sign in - local sandbox');
    expect(await nameOf(tab, '#user')).toBe('User id');
    expect((await focused(tab)).id).toBe('user');
    expect(await tab.evaluate(() => [...document.querySelectorAll('.quick button')].map((button) => button.textContent))).toEqual(['auth0|alice', 'auth0|bob', 'google-oauth2|113015401123457192604']);
    expect(await tab.evaluate(() => document.querySelector('.quick')?.getAttribute('aria-labelledby'))).toBe('samples');
    expect(await axeViolations(tab)).toEqual([]);
    await tab.close();
  });

  it('shows a refused, hostile id back as text, says why in an alert tied to the field, runs none of it; a sample user then signs in (control)', async () => {
    const tab = await session.newTab(sandbox.appUrl);
    await press(tab, '#sign-in', 'Sign in');
    await onLoginStep(tab);
    // The field's pattern would stop the browser from sending it: a user who edits the page, or a script.
    await tab.evaluate(() => document.querySelector('#user')?.removeAttribute('pattern'));
    await tab.type('#user', HOSTILE, { enter: true });
    await shows(tab, 'A user id is 2 to 128 letters');
    expect(await tab.evaluate(() => (document.querySelector('#user') as HTMLInputElement).value)).toBe(HOSTILE);
    expect(await tab.evaluate(() => ({ images: document.querySelectorAll('img').length, owned: (window as unknown as { __owned?: number }).__owned ?? 0 }))).toEqual({ images: 0, owned: 0 });
    expect(await tab.evaluate(() => {
      const field = document.querySelector('#user');
      return { invalid: field?.getAttribute('aria-invalid'), describedBy: document.getElementById(field?.getAttribute('aria-describedby') ?? '')?.getAttribute('role') };
    })).toEqual({ invalid: 'true', describedBy: 'alert' });
    expect(await axeViolations(tab)).toEqual([]);
    await press(tab, '.quick button[value="auth0|bob"]', 'auth0|bob');
    await shows(tab, 'Signed in as auth0|bob');
    await tab.close();
  });

  it("the tenant's error page (a redirect URI it does not allow) says what went wrong; axe finds nothing serious", async () => {
    const authorize = new URL('/authorize', sandbox.authUrl);
    authorize.search = new URLSearchParams({ client_id: sandbox.config.clientID, redirect_uri: 'http://127.0.0.1:1/elsewhere/', response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
    const tab = await session.newTab(authorize.href);
    await shows(tab, 'Something went wrong');
    expect(await tab.evaluate(() => document.querySelector('[role="alert"]')?.textContent)).toBe('invalid_redirect_uri');
    expect(await axeViolations(tab)).toEqual([]);
    await tab.close();
  });
});
