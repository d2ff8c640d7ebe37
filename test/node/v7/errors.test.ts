// Issue 24, point 13: what the v7 callback gets for an answer whose body is not a JSON object (an HTML
// error page from a proxy, a JSON array). v7 made that body the message; it is not kept here (it could
// hold anything), but an empty message said nothing: it now says what happened.
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { Auth0 } from '../../../src/index';
import type { Auth0DelegationError } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const PAGE = '<html><body><h1>502 Bad Gateway</h1><p>upstream secret-internal-host:8443</p></body></html>';

function errorFor(respond: Parameters<typeof delegationEndpoint>[0]): Promise<Auth0DelegationError> {
  server.use(delegationEndpoint(respond).handler);
  const auth0 = new Auth0({ clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy', retries: 0 });
  return new Promise((resolve) => auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, (error) => resolve(error as Auth0DelegationError)));
}

describe('a body that is not a JSON object', () => {
  it.each([
    ['a 502 HTML page', () => new HttpResponse(PAGE, { status: 502, headers: { 'content-type': 'text/html' } }), 502],
    ['a 400 JSON array', () => new HttpResponse('["invalid_request"]', { status: 400, headers: { 'content-type': 'application/json' } }), 400],
  ])('%s: v7\'s LoginError, its message saying the status and that the body was not kept', async (_name, respond, status) => {
    const error = await errorFor(respond);
    const message = `HTTP ${status} from /delegation, with a body that is not a JSON object (not kept: see cause).`;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(message);
    // As v7's LoginError: the message is the Error's own (not enumerable), the details carry it too.
    expect({ ...error }).toEqual({ status, name: undefined, code: undefined, details: { message, code: undefined } });
    expect(JSON.stringify(error) + error.message).not.toContain('secret-internal-host');
    expect(error.cause).toMatchObject({ status });
  });

  it('control: a JSON object body is handed over as v7 did, its own fields, the SDK\'s message', async () => {
    const error = await errorFor(() => jsonResponse({ error: 'server_error', error_description: 'try later' }, { status: 502 }));
    expect({ ...error }).toEqual({ error: 'server_error', error_description: 'try later', status: 502 });
    expect(error.message).toContain('502');
  });
});
