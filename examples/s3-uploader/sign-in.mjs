// Signing in, for both uploaders (this folder's and examples/lean/): Auth0's implicit flow, where the ID
// token comes back in the URL fragment, and the exchange the page's config names. The token is kept in
// memory by the caller; only the sign-in's `state` passes through sessionStorage.

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
 * Sends the browser to the tenant's /authorize, remembering a random `state` to check on the way back.
 * @param {{ domain: string, clientID: string }} config
 */
export function signIn(config) {
  const origin = /^https?:\/\//.test(config.domain) ? config.domain : 'https://' + config.domain;
  const state = randomId();
  sessionStorage.setItem('uploader.state', state);
  const query = new URLSearchParams({ client_id: config.clientID, response_type: 'id_token', scope: 'openid profile', redirect_uri: location.origin + location.pathname, state, nonce: randomId() });
  location.assign(origin + '/authorize?' + query);
}

/**
 * The session the URL fragment brings back, `{ idToken, sub, exp }`, or null; a token whose `state` is
 * not the one this page sent is refused (`onRefused` says so in words).
 * @param {(text: string) => void} onRefused
 */
export function takeTokenFromUrl(onRefused) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const idToken = fragment.get('id_token');
  if (!idToken) return null;
  history.replaceState(null, '', location.pathname);
  const expected = sessionStorage.getItem('uploader.state');
  sessionStorage.removeItem('uploader.state');
  if (!expected || fragment.get('state') !== expected) {
    onRefused('That sign-in did not start here. Please sign in again.');
    return null;
  }
  const claims = decodeClaims(idToken);
  return claims && claims.sub ? { idToken, sub: claims.sub, exp: claims.exp } : null;
}

/** The token's claims, read (not verified: the exchange's server verifies it), or null. */
function decodeClaims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (char) => char.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
