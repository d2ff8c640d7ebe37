// @ts-check
// The sandbox's pages on the Auth0 stand-in: the login step of its OpenID provider (pick or type a user
// id, as Auth0's Universal Login asks for credentials) and its error page. Everything shown is escaped.

/** @param {string} text */
export const escapeHtml = (text) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** What the page accepts as a user id: an Auth0-style sub (`connection|id`), no IAM wildcards. */
export const USER_ID = /^[A-Za-z0-9|_.@+=,-]{2,128}$/;
/** The same rule for the field's `pattern` (browsers compile it with the v flag: "|" and "-" escaped). */
const USER_ID_PATTERN = '[A-Za-z0-9\\|_.@+=,\\-]{2,128}';

/** The sample users the page offers: Auth0 database users and a social one. */
export const SAMPLE_USERS = ['auth0|alice', 'auth0|bob', 'google-oauth2|113015401123457192604'];

const STYLE = `
    body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; display: grid; place-items: center; min-height: 100vh; margin: 0; }
    main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 4px 24px #0002; width: min(26rem, 90vw); }
    h1 { font-size: 1.3rem; margin: 0 0 .25rem; } p { margin: 0 0 1rem; color: #555; }
    label { display: block; font-weight: 600; margin-bottom: .25rem; }
    input[type=text] { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; border: 1px solid #aab; border-radius: 6px; }
    button { font: inherit; padding: .55rem 1rem; border-radius: 6px; border: 1px solid #3451b2; background: #3451b2; color: #fff; cursor: pointer; margin-top: .75rem; }
    .quick { margin-top: 1.5rem; border-top: 1px solid #dde; padding-top: 1rem; }
    .quick h2 { font-size: 1rem; margin: 0; }
    .quick button { background: #fff; color: #3451b2; margin-right: .5rem; }
    button:focus-visible, input:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
    .error { color: #b00020; font-weight: 600; }`;

/** A whole page around `body`. @param {string} title @param {string} body */
function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} - local sandbox</title>
  <link rel="icon" href="data:,">
  <style>${STYLE}
  </style>
</head>
<body>
  <main>
    ${body}
  </main>
</body>
</html>`;
}

/**
 * The login step: a user id typed (the field has the focus, and on a refusal says why) or a sample user.
 * @param {{ action: string, clientName: string, error?: string, user?: string }} params `action` is the
 *   interaction's URL; `user` the refused value, shown again in the field
 */
export function signInPage({ action, clientName, error, user = '' }) {
  const quick = SAMPLE_USERS.map((sample) => `<button type="submit" name="user" value="${escapeHtml(sample)}">${escapeHtml(sample)}</button>`).join('\n      ');
  const invalid = error ? ' aria-invalid="true" aria-describedby="user-error"' : '';
  return page('Sign in', `<h1>Sign in</h1>
    <p>to continue to ${escapeHtml(clientName)}. Local sandbox standing in for Auth0: pick a user or type a user id.</p>
    ${error ? `<p id="user-error" class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="${escapeHtml(action)}">
      <label for="user">User id</label>
      <input id="user" name="user" type="text" value="${escapeHtml(user)}" placeholder="auth0|carol" pattern="${escapeHtml(USER_ID_PATTERN)}" autocomplete="username" autofocus required${invalid}>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="${escapeHtml(action)}" class="quick" aria-labelledby="samples">
      <h2 id="samples">Or sign in as a sample user</h2>
      ${quick}
    </form>`);
}

/**
 * What the tenant shows when it cannot send the browser back to the app (unknown client, a redirect URI
 * it does not allow, an expired sign-in), as Auth0's error page does.
 * @param {{ error: string, description?: string }} params
 */
export function errorPage({ error, description }) {
  return page('Sign-in error', `<h1>Something went wrong</h1>
    <p class="error" role="alert">${escapeHtml(error)}</p>
    ${description ? `<p>${escapeHtml(description)}</p>` : ''}
    <p>Go back to the app and sign in again.</p>`);
}

/** What /v2/logout shows when the app gave no `returnTo`. */
export function signedOutPage() {
  return page('Signed out', `<h1>You are signed out</h1>
    <p>Go back to the app to sign in again.</p>`);
}
