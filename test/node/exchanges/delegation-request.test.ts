import { describe, expect, it } from 'vitest';
import { DelegationClient } from '../../../src/index';
import type { DelegationTokenOptions } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint } from '../../support/delegation-endpoint';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

/** reqwest 2.0.5's `toQueryString`, transliterated (test/e2e/v7-differential.test.ts runs the real one). */
function reqwestQueryString(object: Record<string, unknown>): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown) => pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value == null ? '' : String(value))}`);
  const build = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item: unknown, index) => (/\[\]$/.test(prefix) ? add(prefix, item) : build(`${prefix}[${typeof item === 'object' ? index : ''}]`, item)));
    else if (value && String(value) === '[object Object]') for (const name in value as object) build(`${prefix}[${name}]`, (value as Record<string, unknown>)[name]);
    else add(prefix, value);
  };
  for (const key in object) if (Object.prototype.hasOwnProperty.call(object, key)) build(key, object[key]);
  return pairs.join('&').replace(/%20/g, '+');
}

/** auth0.js v7.6.1's query building, transliterated: xtend(defaults, options) minus three keys, form-encoded. */
function v7Body(clientID: string, options: Record<string, unknown>): string {
  const query: Record<string, unknown> = {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    client_id: clientID,
    target: options['targetClientId'] || clientID,
    api_type: options['api'],
  };
  for (const key in options) if (Object.prototype.hasOwnProperty.call(options, key)) query[key] = options[key];
  delete query['hasOwnProperty'];
  delete query['targetClientId'];
  delete query['api'];
  return reqwestQueryString(query);
}

async function sentBody(options: DelegationTokenOptions): Promise<{ bodyText: string; contentType: string | null }> {
  const endpoint = delegationEndpoint();
  server.use(endpoint.handler);
  await new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }).getDelegationToken(options);
  expect(endpoint.requests).toHaveLength(1);
  return endpoint.requests[0]!;
}

const idToken = makeIdToken();

describe('the request body, byte for byte as auth0.js v7.6.1 sent it', () => {
  it('sends the v7 defaults for { id_token, api: "aws" } as a form, as v7 did (a CORS simple request)', async () => {
    const { bodyText, contentType } = await sentBody({ id_token: idToken, api: 'aws' });
    expect(bodyText).toBe(`grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&client_id=${CLIENT_ID}&target=${CLIENT_ID}&api_type=aws&id_token=${idToken}`);
    expect(contentType).toBe('application/x-www-form-urlencoded');
  });

  it.each<[string, Record<string, unknown>]>([
    ['targetClientId, role, principal and scope', { id_token: idToken, api: 'aws', targetClientId: 'other-client', role: 'arn:aws:iam::1:role/r', principal: 'arn:aws:iam::1:saml-provider/p', scope: 'openid' }],
    ['explicit api_type, target and client_id overriding the defaults in place', { api_type: 'aws', id_token: idToken, target: 'explicit-target', client_id: 'override' }],
    ['api_type winning over api', { id_token: idToken, api: 'firebase', api_type: 'aws' }],
    ['caller keys in the caller\'s order', { scope: 'openid profile', id_token: idToken, api: 'aws', custom_param: 7 }],
    ['a refresh_token instead of an id_token', { refresh_token: 'rt-0123456789abcdef', api: 'aws' }],
    ['a hasOwnProperty option, which v7 deleted', { id_token: idToken, api: 'aws', hasOwnProperty: 'x', scope: 'openid' }],
    ['undefined options sent empty (role=&principal=)', { id_token: idToken, api: 'aws', role: undefined, principal: undefined }],
    ['spaces, reserved characters, numbers, null, nested objects and arrays', { id_token: idToken, api: 'aws', state: 'a b&c=d+e/é', n: 3, off: false, none: null, nested: { a: { b: 'c' } }, list: ['x', 'y'], objects: [{ k: 'v' }] }],
  ])('matches v7 with %s', async (_name, options) => {
    const { bodyText } = await sentBody(options);
    expect(bodyText).toBe(v7Body(CLIENT_ID, options));
    expect(bodyText).not.toContain('targetClientId');
    expect(new URLSearchParams(bodyText).has('api')).toBe(false);
  });

  it('does not send the signal option', async () => {
    const { bodyText } = await sentBody({ id_token: idToken, api: 'aws', signal: new AbortController().signal });
    expect(bodyText).toBe(v7Body(CLIENT_ID, { id_token: idToken, api: 'aws' }));
  });
});

describe('requests that are refused before anything is sent', () => {
  const client = () => new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });

  it.each<[string, unknown, string]>([
    ['no token', { api: 'aws' }, 'missing_token'],
    ['empty tokens', { id_token: '', refresh_token: '', api: 'aws' }, 'missing_token'],
    ['no options at all', undefined, 'missing_token'],
    ['a string instead of options', 'token', 'missing_token'],
    ['a refresh_token that is not a string', { refresh_token: 12345, api: 'aws' }, 'missing_token'],
    ['no api', { id_token: idToken }, 'invalid_configuration'],
    ['another api', { id_token: idToken, api: 'firebase' }, 'invalid_configuration'],
    ['a signal that is not an AbortSignal', { id_token: idToken, api: 'aws', signal: 'stop' }, 'invalid_configuration'],
    ['a function option', { id_token: idToken, api: 'aws', scope: () => 'openid' }, 'invalid_configuration'],
    ['an option that contains itself', (() => {
      const loop: Record<string, unknown> = {};
      loop['self'] = loop;
      return { id_token: idToken, api: 'aws', loop };
    })(), 'invalid_configuration'],
    ['a string with a lone surrogate', { id_token: idToken, api: 'aws', scope: '\uD800' }, 'invalid_configuration'],
  ])('%s -> %s', async (_name, options, code) => {
    const endpoint = delegationEndpoint();
    server.use(endpoint.handler);
    await expect(client().getDelegationToken(options as DelegationTokenOptions)).rejects.toMatchObject({ name: 'DelegationError', code, status: 0 });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('uses v7\'s wording when both tokens are missing', async () => {
    await expect(client().getDelegationToken({ api: 'aws' })).rejects.toThrow('You must send either an id_token or a refresh_token to get a delegation token.');
  });
});
