// @ts-check
// The sandbox's sign-in page: pick or type a user name; the answer is an ID token, as Auth0's
// Universal Login returns one to the app (implicit flow, in the URL fragment).

/** @param {string} text */
export const escapeHtml = (text) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * @param {{ clientID: string, redirectUri: string, state: string, nonce: string, error?: string }} params
 */
export function signInPage({ clientID, redirectUri, state, nonce, error }) {
  const hidden = Object.entries({ client_id: clientID, redirect_uri: redirectUri, state, nonce })
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n      ');
  const quick = ['auth0|alice', 'auth0|bob', 'google-oauth2|113015401123457192604']
    .map((user) => `<button type="submit" name="user" value="${escapeHtml(user)}">${escapeHtml(user)}</button>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in - local sandbox</title>
  <link rel="icon" href="data:,">
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; display: grid; place-items: center; min-height: 100vh; margin: 0; }
    main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 4px 24px #0002; width: min(26rem, 90vw); }
    h1 { font-size: 1.3rem; margin: 0 0 .25rem; } p { margin: 0 0 1rem; color: #555; }
    label { display: block; font-weight: 600; margin-bottom: .25rem; }
    input[type=text] { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; border: 1px solid #aab; border-radius: 6px; }
    button { font: inherit; padding: .55rem 1rem; border-radius: 6px; border: 1px solid #3451b2; background: #3451b2; color: #fff; cursor: pointer; margin-top: .75rem; }
    .quick { margin-top: 1.5rem; border-top: 1px solid #dde; padding-top: 1rem; }
    .quick p { margin: 0; }
    .quick button { background: #fff; color: #3451b2; margin-right: .5rem; }
    button:focus-visible, input:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
    .error { color: #b00020; font-weight: 600; }
  </style>
</head>
<body>
  <main>
    <h1>Sign in</h1>
    <p>Local sandbox standing in for Auth0. Pick a user or type a user id.</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/authorize">
      ${hidden}
      <label for="user">User id</label>
      <input id="user" name="user" type="text" placeholder="auth0|carol" pattern="[\\w.@+=,\\|\\-]{2,64}" autocomplete="username" required>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="/authorize" class="quick" aria-label="Sample users">
      ${hidden}
      <p>Or sign in as a sample user:</p>
      ${quick}
    </form>
  </main>
</body>
</html>`;
}
