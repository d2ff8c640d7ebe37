// @ts-check
// The local sandbox in one process, on loopback only: an Auth0 stand-in (an OpenID provider as the app's
// tenant: /authorize with its login step, /oauth/token, JWKS, /v2/logout; and /delegation), S3 (s3rver behind the verifying gate, with the per-user IAM policy), and the example
// uploader's static files. Every port is configurable; 0 picks a free one (the tests do).
import { createServer } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDelegationEndpoint } from './delegation.mjs';
import { cors, guarded, readBody, requestUrl, sendFile, sendHtml, sendJson } from './http.mjs';
import { createIdentityProvider } from './identity.mjs';
import { policyAuthorizer } from './policy.mjs';
import { sandboxPolicies } from './template-policy.mjs';
import { bucketCors } from './template-cors.mjs';
import { startS3Gate } from './s3-gate.mjs';
import { createLoginRoutes } from './login.mjs';
import { createCognitoEndpoint } from './cognito.mjs';
import { createStsEndpoint } from './sts.mjs';
import { issueKey } from './issue.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
/** The example apps' pages: the tenant's Allowed Callback URLs and Allowed Logout URLs, on the app's origin. */
export const APP_PAGES = ['/s3-uploader/', '/spa/', '/lean/'];
/** Files of packages the pages load with a script tag, served by the app (no CDN): URL path -> file. */
const VENDOR = {
  '/vendor/auth0-spa-js.production.js': join(ROOT, 'node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'),
  // Uppy's styles (core, then the Dashboard): the uploader's pages link them.
  '/vendor/uppy-core.min.css': join(ROOT, 'node_modules/@uppy/core/dist/style.min.css'),
  '/vendor/uppy-dashboard.min.css': join(ROOT, 'node_modules/@uppy/dashboard/dist/style.min.css'),
};
/** What the tenant's login step says the user continues to (Auth0 shows the application's name). */
const CLIENT_NAME = 'the example uploader';
/** The Auth0 stand-in's routes that are the sandbox's own (the rest are the OpenID provider's). */
const OWN_ROUTES = new Set(['/delegation', '/sts', '/sts/', '/cognito', '/cognito/']);

/**
 * @typedef {object} SandboxOptions
 * @property {number} [appPort] the example uploader (default 4000)
 * @property {number} [authPort] the Auth0 stand-in (default 4001)
 * @property {number} [s3Port] S3 (default 4002)
 * @property {string} [clientID] (default 'sandbox-client')
 * @property {string} [bucket] (default 'uploads')
 * @property {string} [region] (default 'us-east-1')
 * @property {number} [credentialLifetimeSec] how long issued AWS credentials last (default 3600)
 * @property {number} [rateLimitPerMinute] delegation requests per user per minute (default 10, as Auth0)
 * @property {'delegation' | 'web-identity' | 'cognito'} [exchange] what the example's config.js tells it
 *   to use: Auth0's /delegation, STS AssumeRoleWithWebIdentity, or a Cognito identity pool (default
 *   'delegation'); all three stand-ins answer whatever the config says
 * @property {string[]} [webOrigins] more origins allowed to call the Auth0 stand-in and S3 (CORS), like
 *   Auth0's "Allowed Web Origins" and a bucket's CORS rules (default: only the example app's)
 * @property {string[]} [callbackUrls] more Allowed Callback (and Logout) URLs than the example pages, like
 *   Auth0's application settings: test pages on their own origins sign in with them (default: none)
 * @property {number} [idTokenLifetimeSec] how long the tenant's ID tokens (and access tokens) last
 *   (default 3600; renewal tests shorten it)
 * @property {() => number} [now] the clock of the AWS stand-ins: key lifetimes, request times,
 *   presigned URL expiry, the rate limit (default: Date.now; tests inject one instead of sleeping)
 * @property {import('./s3-gate.mjs').GateOptions['hold']} [holdS3] awaited before S3 reads a request
 *   (tests hold an upload part with it; default: none)
 * @property {string} [templates] the folder of the deployable templates whose role policies S3 enforces,
 *   one per exchange (default: deploy/)
 * @property {import('./s3-gate.mjs').GateOptions['fault']} [faultS3] asked after holdS3: drop a request or
 *   answer it 500 (tests make parts fail with it; default: none)
 * @property {Record<string, unknown>} [pageSettings] more settings for the pages' config.js, e.g. the
 *   uploader's `stallSeconds` (tests shorten it; default: none)
 * @property {(listening: { appOrigin: string, authOrigin: string }) => Promise<void> | void} [beforeReady]
 *   awaited once the app and Auth0 ports listen, before they serve (they answer 503 meanwhile): a test
 *   looks at a port mid-start with it (default: none)
 */

/** A port-in-use error in words, with the way out; other errors as they are. */
function friendly(/** @type {NodeJS.ErrnoException} */ error, /** @type {number} */ port) {
  return error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${HOST} is in use. Stop what uses it, or choose other ports (SANDBOX_APP_PORT, SANDBOX_AUTH_PORT, SANDBOX_S3_PORT).`) : error;
}

/** @param {number} port */
function listen(/** @type {import('node:http').Server} */ server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(friendly(error, port)));
    server.listen(port, HOST, () => resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port));
  });
}

/**
 * Reserves a port before its handler exists (the app's origin is what the Auth0 stand-in and S3 allow):
 * until `serve` hands it the handler, every request is answered 503, so a connection made while the
 * sandbox starts gets an answer instead of hanging until Node's request timeout.
 */
async function reserve(/** @type {number} */ port) {
  /** @type {import('node:http').RequestListener | undefined} */
  let handler;
  const server = createServer((req, res) => (handler ? handler(req, res) : starting(req, res)));
  const actual = /** @type {number} */ (await listen(server, port));
  return { server, origin: `http://${HOST}:${actual}`, serve: (/** @type {import('node:http').RequestListener} */ listener) => void (handler = listener) };
}

/** @type {import('node:http').RequestListener} */
function starting(req, res) {
  req.resume();
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1', 'cache-control': 'no-store' }).end('The sandbox is starting.');
}

/** @param {SandboxOptions} [options] */
export async function startSandbox(options = {}) {
  const { appPort = 4000, authPort = 4001, s3Port = 4002, clientID = 'sandbox-client', bucket = 'uploads', region = 'us-east-1', credentialLifetimeSec = 3600, rateLimitPerMinute = 10, now = () => Date.now() } = options;
  const app = await reserve(appPort);
  // A port in use must not leave the ports already taken behind.
  const auth = await reserve(authPort).catch((error) => closeAll([app.server], error));
  const authOrigin = auth.origin;
  const corsOrigins = [app.origin, ...(options.webOrigins ?? [])];
  const pages = [...APP_PAGES.map((path) => `${app.origin}${path}`), ...(options.callbackUrls ?? [])];
  const identity = await createIdentityProvider({ issuer: `${authOrigin}/`, clientID, clientName: CLIENT_NAME, redirectUris: pages, webOrigins: corsOrigins, ...(options.idTokenLifetimeSec ? { idTokenLifetimeSec: options.idTokenLifetimeSec } : {}) });
  const login = createLoginRoutes({ provider: identity.provider, clientID, clientName: CLIENT_NAME, logoutUrls: pages });
  const roleArn = 'arn:aws:iam::123456789012:role/auth0-s3-per-user';
  const identityPoolId = `${region}:00000000-0000-4000-8000-000000000001`;
  // The templates of deploy/ "deployed" with the sandbox's values: S3 enforces their role policies and
  // their bucket's CORS rules.
  let policies;
  let bucketRules;
  try {
    const values = { bucket, auth0Domain: new URL(authOrigin).host, clientID, region, allowedOrigins: corsOrigins, credentialLifetimeSec, identityPoolId, directory: options.templates };
    policies = sandboxPolicies(values);
    bucketRules = bucketCors(values);
  } catch (error) {
    closeAll([app.server, auth.server], error);
  }
  const gate = await startS3Gate({ host: HOST, port: s3Port, region, buckets: [bucket], cors: bucketRules, authorize: policyAuthorizer(policies), now, hold: options.holdS3, fault: options.faultS3 }).catch((error) => closeAll([app.server, auth.server], friendly(error, s3Port)));
  const delegation = createDelegationEndpoint({
    clientID,
    domain: new URL(authOrigin).host,
    identity,
    keys: gate.keys,
    credentialLifetimeSec,
    rateLimitPerMinute,
    now,
    aws: {
      role: roleArn,
      principal: 'arn:aws:iam::123456789012:saml-provider/auth0-provider',
      region,
      mappings: {
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier': 'name',
        'https://aws.amazon.com/SAML/Attributes/Role': 'awsrole',
        'https://aws.amazon.com/SAML/Attributes/RoleSessionName': 'rolesessionname',
      },
    },
  });
  const sts = createStsEndpoint({ roleArn, identity, keys: gate.keys, issuerHost: `${new URL(authOrigin).host}/`, maxSessionDurationSec: Math.max(900, credentialLifetimeSec), now });
  const stsEndpoint = `${authOrigin}/sts`;
  const cognito = createCognitoEndpoint({ identityPoolId, providerName: new URL(authOrigin).host, identity, keys: gate.keys, credentialLifetimeSec, now });
  const cognitoEndpoint = `${authOrigin}/cognito`;
  /** @type {Record<string, object | undefined>} */
  const exchanges = {
    delegation: undefined,
    'web-identity': { type: 'web-identity', roleArn, region, endpoint: stsEndpoint },
    cognito: { type: 'cognito', identityPoolId, region, endpoint: cognitoEndpoint },
  };
  // What the page's config.js says: the uploader makes the exchange value from it (see uploader.mjs).
  const config = { domain: authOrigin, clientID, bucket, region, s3Endpoint: gate.url, stsEndpoint, roleArn, ...(exchanges[options.exchange ?? 'delegation'] ? { exchange: exchanges[options.exchange ?? 'delegation'] } : {}), ...options.pageSettings };

  const authContext = { webOrigins: corsOrigins, tenant: identity.provider.callback(), login, delegation, sts, cognito };
  /** What the Auth0 stand-in saw: /delegation by method (a preflight costs a page a round trip), and token requests (sign-ins and renewals). */
  const authStats = { delegationPosts: 0, delegationPreflights: 0, tokenPosts: 0 };
  await Promise.resolve().then(() => options.beforeReady?.({ appOrigin: app.origin, authOrigin })).catch(async (error) => {
    await gate.stop();
    closeAll([app.server, auth.server], error);
  });
  auth.serve(guarded((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/delegation') {
      if (req.method === 'OPTIONS') authStats.delegationPreflights++;
      else if (req.method === 'POST') authStats.delegationPosts++;
    }
    if (path === '/oauth/token' && req.method === 'POST') authStats.tokenPosts++;
    // The Date header on the clock the Expiration fields are written with (Node's is always the real one).
    res.setHeader('date', new Date(now()).toUTCString());
    return handleAuth(req, res, authContext);
  }, (res) => sendJson(res, 500, { error: 'server_error', error_description: 'The sandbox failed.' })));
  app.serve(guarded((req, res) => serveApp(req, res, config), (res) => sendHtml(res, 500, 'The sandbox failed.')));

  return {
    appUrl: `${app.origin}/s3-uploader/`,
    spaUrl: `${app.origin}/spa/`,
    leanUrl: `${app.origin}/lean/`,
    authUrl: authOrigin,
    s3Url: gate.url,
    config,
    identity,
    keys: gate.keys,
    policies,
    stats: { delegation: delegation.stats, sts: sts.stats, cognito: cognito.stats, s3: gate.stats, auth: authStats },
    /** Credentials of the bucket's owner, beyond the per-user policy (tests seed and inspect S3 with them), valid for a year of `now`. */
    ownerCredentials() {
      const key = issueKey(gate.keys, { subject: 'bucket-owner', expiresAt: now() + 365 * 86_400_000 });
      gate.keys.set(key.accessKeyId, { ...(/** @type {import('./s3-gate.mjs').IssuedKey} */ (gate.keys.get(key.accessKeyId))), owner: true });
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken };
    },
    async stop() {
      for (const server of [app.server, auth.server]) server.closeAllConnections();
      await Promise.all([app.server, auth.server].map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))));
      await gate.stop();
    },
  };
}

/**
 * The example apps' files, and each app's config.js (where the sandbox's Auth0 and S3 stand-ins listen).
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {object} config
 */
function serveApp(req, res, config) {
  const path = requestUrl(req)?.pathname;
  if (path === undefined) return sendHtml(res, 400, 'Bad request');
  if (path.endsWith('/config.js')) {
    const text = `// Written by the sandbox: where its Auth0 and S3 stand-ins listen.\nwindow.UPLOADER_CONFIG = ${JSON.stringify(config, null, 2)};\n`;
    return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(text);
  }
  if (path === '/') return void res.writeHead(302, { location: '/s3-uploader/' }).end();
  if (path.startsWith('/dist/')) return sendFile(res, join(ROOT, 'dist'), path.slice('/dist/'.length));
  const vendor = VENDOR[/** @type {keyof typeof VENDOR} */ (path)];
  if (vendor) return sendFile(res, dirname(vendor), basename(vendor));
  return sendFile(res, join(ROOT, 'examples'), path.endsWith('/') ? `${path.slice(1)}index.html` : path.slice(1));
}

/**
 * The Auth0 stand-in: the sandbox's own routes (/delegation, STS, Cognito, with their CORS), the tenant's
 * login step and /v2/logout, and everything else for the OpenID provider.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {{ webOrigins: string[], tenant: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => unknown, login: ReturnType<typeof createLoginRoutes>, delegation: ReturnType<typeof createDelegationEndpoint>, sts: ReturnType<typeof createStsEndpoint>, cognito: ReturnType<typeof createCognitoEndpoint> }} context
 */
async function handleAuth(req, res, { webOrigins, tenant, login, delegation, sts, cognito }) {
  const url = requestUrl(req);
  if (url === undefined) return sendJson(res, 400, { error: 'invalid_request', error_description: 'The request target is not a URL path.' });
  if (!OWN_ROUTES.has(url.pathname)) {
    if (!(await login.handle(req, res, url))) await tenant(req, res);
    return;
  }
  if (cors(req, res, webOrigins)) return;
  if (req.method === 'POST' && url.pathname === '/delegation') {
    const text = await readBody(req);
    if (text === undefined) return sendJson(res, 413, { error: 'invalid_request', error_description: 'The body is larger than 64 KB.' });
    const answer = await delegation.handle(parseBody(req.headers['content-type'], text));
    return sendJson(res, answer.status, answer.body, answer.headers);
  }
  if (req.method === 'POST' && (url.pathname === '/sts' || url.pathname === '/sts/')) {
    const text = await readBody(req);
    const answer = text === undefined ? { status: 413, body: '<ErrorResponse><Error><Code>RequestEntityTooLarge</Code></Error></ErrorResponse>' } : await sts.handle(text);
    res.writeHead(answer.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(answer.body), 'cache-control': 'no-store' }).end(answer.body);
    return;
  }
  if (req.method === 'POST' && (url.pathname === '/cognito' || url.pathname === '/cognito/')) {
    const text = await readBody(req);
    const target = req.headers['x-amz-target'];
    const answer = text === undefined ? { status: 413, body: { __type: 'RequestEntityTooLarge', message: 'The body is larger than 64 KB.' } } : await cognito.handle(typeof target === 'string' ? target : undefined, text);
    return sendJson(res, answer.status, answer.body, { 'content-type': 'application/x-amz-json-1.1', ...('headers' in answer ? answer.headers : {}) });
  }
  sendJson(res, 404, { error: 'not_found', error_description: `No route for ${req.method} ${url.pathname}.` });
}

/**
 * Closes servers after a failed start, then rethrows its error.
 * @param {import('node:http').Server[]} servers @param {unknown} error @returns {never}
 */
function closeAll(servers, error) {
  for (const server of servers) server.close();
  throw error;
}

/**
 * A /delegation body as Auth0 reads it: a form (what auth0.js v7 and this SDK send, a CORS simple request)
 * or JSON. Form fields stay flat, as Auth0 sees them (`nested[a]=b` is the field `nested[a]`).
 * @param {string | undefined} contentType @param {string} text
 */
function parseBody(contentType, text) {
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
