// Signing in, for both uploaders (this folder's and examples/lean/): Auth0's SPA SDK, @auth0/auth0-spa-js
// (Authorization Code with PKCE; its tokens kept in memory and renewed with a rotating refresh token),
// and the exchange the page's config names.

/**
 * The exchange `config.exchange` names, made by the SDK's factory: leave it out for Auth0's /delegation;
 * `{ type: 'web-identity', roleArn, region }` for STS AssumeRoleWithWebIdentity; `{ type: 'cognito',
 * identityPoolId }` for a Cognito identity pool (optional in both: region, endpoint).
 * @param {{ webIdentity?: Function, cognitoIdentityPool?: Function }} sdk
 * @param {{ type: string } | undefined} settings
 */
export function exchangeFrom(sdk, settings) {
  if (!settings) return undefined;
  const rest = Object.assign({}, settings);
  delete rest.type;
  if (settings.type === 'web-identity') return sdk.webIdentity(rest);
  if (settings.type === 'cognito') return sdk.cognitoIdentityPool(rest);
  throw new Error('config.exchange.type must be "web-identity" or "cognito"');
}

/**
 * The page's Auth0 client, once it has finished a sign-in that brought the browser back here (`code` and
 * `state` in the query); a sign-in this page did not start, or that failed, is refused (`onRefused` says
 * so in words) and the user stays signed out.
 * @param {Function} createAuth0Client auth0-spa-js's: the script tag's `auth0.createAuth0Client` or the npm import
 * @param {{ domain: string, clientID: string }} config
 * @param {(text: string) => void} onRefused
 */
export async function auth0Client(createAuth0Client, config, onRefused) {
  const page = location.origin + location.pathname;
  const auth0 = await createAuth0Client({ domain: config.domain, clientId: config.clientID, authorizationParams: { redirect_uri: page }, useRefreshTokens: true, cacheLocation: 'memory' });
  const query = new URLSearchParams(location.search);
  if (query.has('state') && (query.has('code') || query.has('error'))) {
    try {
      await auth0.handleRedirectCallback();
    } catch {
      onRefused('That sign-in did not complete here. Please sign in again.');
    }
    history.replaceState(null, '', location.pathname);
  }
  return auth0;
}

/**
 * The signed-in user's ID token, or '' when nobody is signed in: `getTokenSilently()` first, so that
 * auth0-spa-js renews its tokens (with the rotating refresh token) once they are about to expire, then
 * the ID token it holds. The SDK calls this before each credential request: a renewed token is
 * exchanged once, and the same token is answered from the SDK's cache.
 */
export async function idTokenOf(auth0) {
  if (!(await auth0.isAuthenticated())) return '';
  await auth0.getTokenSilently();
  const claims = await auth0.getIdTokenClaims();
  return claims ? claims.__raw : '';
}
