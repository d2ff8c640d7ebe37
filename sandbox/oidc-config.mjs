// @ts-check
// oidc-provider's configuration for the sandbox's Auth0 tenant: one first-party single-page app, Auth0's
// routes, Authorization Code with PKCE (S256) only, refresh tokens with rotation, Auth0's profile claims
// in the ID token, and the login step at /u/login/{uid} (login.mjs). What is not Auth0's is off.
// The in-memory store is oidc-provider's own (a fresh one per sandbox, so two sandboxes in one process
// share nothing); it is not part of the package's exports, hence the path into lib/ of the pinned version.
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { errorPage } from './sign-in-page.mjs';

/** Auth0's default absolute lifetime of a rotating refresh token: 30 days. */
const REFRESH_TOKEN_LIFETIME_SEC = 30 * 86_400;
const CLOCK_TOLERANCE_SEC = 15;

/**
 * @typedef {object} TenantSettings
 * @property {string} clientID the single-page app's client ID
 * @property {string} clientName what the login step says the user continues to
 * @property {string[]} redirectUris Allowed Callback URLs (exact match), also the Allowed Logout URLs
 * @property {string[]} webOrigins Allowed Web Origins: who may call /oauth/token with fetch (CORS)
 * @property {import('jose').JWK} signingKey the private RS256 JWK (with kid) the ID tokens are signed with
 * @property {string} cookieKey signs the tenant's cookies
 * @property {number} idTokenLifetimeSec the ID token's lifetime, and the access token's: auth0-spa-js renews
 *   both when the access token's `expires_in` runs out, so a short ID token is renewed only if they match
 * @property {typeof import('oidc-provider').interactionPolicy} interactionPolicy oidc-provider's export
 */

/**
 * Auth0's user profile for a sub of the login step: `nickname` and `name` from the id after the
 * connection (`auth0|alice` -> `alice`).
 * @param {string} sub
 */
export function profileOf(sub) {
  const nickname = sub.slice(sub.lastIndexOf('|') + 1);
  return { sub, name: nickname, nickname };
}

/**
 * A first-party app gets no consent screen at Auth0: the grant covers what the app asked for.
 * @param {import('oidc-provider').KoaContextWithOIDC} ctx
 */
async function grantWhatIsAsked(ctx) {
  const { oidc } = ctx;
  const accountId = /** @type {string} */ (oidc.session?.accountId);
  const clientId = /** @type {import('oidc-provider').Client} */ (oidc.client).clientId;
  const grantId = oidc.session?.grantIdFor(clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant = existing?.accountId === accountId ? existing : new oidc.provider.Grant({ accountId, clientId });
  grant.addOIDCScope(String(oidc.params?.['scope'] ?? 'openid'));
  await grant.save();
  return grant;
}

/**
 * Auth0 gives a first-party app with refresh token rotation its refresh token for `offline_access`
 * without a consent step. OpenID Connect (and oidc-provider, to the letter) drops `offline_access` unless
 * the request's `prompt` has `consent`, which auth0-spa-js never sends: so the tenant adds it to the
 * app's /authorize, and its consent prompt (interactionPolicy below) asks nothing of a first-party app.
 * A koa middleware, for `provider.use`.
 * @param {import('oidc-provider').KoaContextWithOIDC} ctx @param {() => Promise<void>} next
 */
export function offlineAccessAsAuth0(ctx, next) {
  const { scope, prompt = '' } = ctx.query;
  if (ctx.method === 'GET' && ctx.path === '/authorize' && typeof scope === 'string' && typeof prompt === 'string') {
    const prompts = prompt.split(' ').filter(Boolean);
    if (scope.split(' ').includes('offline_access') && !prompts.includes('none') && !prompts.includes('consent')) ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
  }
  return next();
}

/**
 * oidc-provider's prompts without "consent because it was asked for": a first-party app's grant covers
 * what it asks (grantWhatIsAsked), so no consent step is ever shown, as at Auth0.
 * @param {typeof import('oidc-provider').interactionPolicy} interactionPolicy
 */
function firstPartyPolicy(interactionPolicy) {
  const policy = interactionPolicy.base();
  policy.get('consent')?.checks.remove('consent_prompt');
  return policy;
}

/**
 * The error page, for what cannot go back to the app (the errors that can, go back in the redirect).
 * @param {import('oidc-provider').KoaContextWithOIDC} ctx @param {{ error: string, error_description?: string }} out
 */
function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = errorPage({ error: out.error, ...(out.error_description ? { description: out.error_description } : {}) });
}

/**
 * @param {TenantSettings} settings
 * @returns {import('oidc-provider').Configuration}
 */
export function tenantConfiguration({ clientID, clientName, redirectUris, webOrigins, signingKey, cookieKey, idTokenLifetimeSec, interactionPolicy }) {
  return {
    adapter: createMemoryAdapter(CLOCK_TOLERANCE_SEC),
    clockTolerance: CLOCK_TOLERANCE_SEC,
    clients: [{
      client_id: clientID,
      client_name: clientName,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    jwks: { keys: [/** @type {import('oidc-provider').JWK} */ (signingKey)] },
    cookies: { keys: [cookieKey] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'nickname', 'picture', 'updated_at'], email: ['email', 'email_verified'] },
    // Auth0 puts the profile in the ID token of the code flow; the OpenID default keeps it for /userinfo.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => profileOf(sub) }),
    loadExistingGrant: grantWhatIsAsked,
    rotateRefreshToken: () => true,
    clientBasedCORS: (_ctx, origin) => webOrigins.includes(origin),
    interactions: { policy: firstPartyPolicy(interactionPolicy), url: (_ctx, interaction) => `/u/login/${interaction.uid}` },
    routes: { authorization: '/authorize', token: '/oauth/token', jwks: '/.well-known/jwks.json', userinfo: '/userinfo', revocation: '/oauth/revoke' },
    features: {
      devInteractions: { enabled: false },
      // Auth0's /v2/logout (login.mjs) instead of RP-initiated logout's confirmation page.
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      dPoP: { enabled: false },
    },
    ttl: {
      AccessToken: idTokenLifetimeSec,
      IdToken: idTokenLifetimeSec,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 86_400,
      Grant: REFRESH_TOKEN_LIFETIME_SEC,
      // A rotated refresh token keeps what was left of the first one's lifetime (Auth0's absolute lifetime).
      RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? REFRESH_TOKEN_LIFETIME_SEC,
    },
    renderError,
  };
}
