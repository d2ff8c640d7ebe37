// @ts-check
// The two routes of the sandbox's Auth0 tenant that are not oidc-provider's own: the login step of an
// authorization (/u/login/{uid}, the user picker, where Auth0 shows Universal Login) and Auth0's
// /v2/logout (end the tenant's session, then back to an allowed `returnTo`). Auth0's logout is not
// OpenID's RP-initiated logout: no confirmation page, `returnTo` instead of `post_logout_redirect_uri`,
// no id_token_hint; so it is this small route on oidc-provider's session store rather than end_session.
import { readBody, sendHtml } from './http.mjs';
import { USER_ID, errorPage, signInPage, signedOutPage } from './sign-in-page.mjs';

const LOGIN_PATH = /^\/u\/login\/([\w-]+)$/;
const EXPIRED = { error: 'This sign-in has expired or did not start in this browser.' };

/**
 * @typedef {object} LoginOptions
 * @property {import('oidc-provider').default} provider
 * @property {string} clientID
 * @property {string} clientName
 * @property {string[]} logoutUrls Allowed Logout URLs (exact match)
 */

/** @param {LoginOptions} options */
export function createLoginRoutes({ provider, clientID, clientName, logoutUrls }) {
  /** The interaction of this browser whose uid is in the path, or undefined (none, expired, another one). @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} uid */
  async function interactionOf(req, res, uid) {
    const interaction = await provider.interactionDetails(req, res).catch(() => undefined);
    return interaction?.uid === uid ? interaction : undefined;
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {string} uid */
  async function login(req, res, uid) {
    const action = `/u/login/${uid}`;
    const interaction = await interactionOf(req, res, uid);
    if (interaction === undefined) return sendHtml(res, 400, errorPage(EXPIRED));
    if (req.method === 'GET') return sendHtml(res, 200, signInPage({ action, clientName }));
    const user = (new URLSearchParams((await readBody(req)) ?? '').get('user') ?? '').trim();
    if (!USER_ID.test(user)) return sendHtml(res, 400, signInPage({ action, clientName, user, error: 'A user id is 2 to 128 letters, digits or | _ . @ + = , -' }));
    await provider.interactionFinished(req, res, { login: { accountId: user } }, { mergeWithLastSubmission: false });
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function logout(req, res, url) {
    const returnTo = url.searchParams.get('returnTo');
    const client = url.searchParams.get('client_id');
    if (client !== null && client !== clientID) return sendHtml(res, 400, errorPage({ error: 'invalid_request', description: 'Unknown client_id.' }));
    if (returnTo !== null && !logoutUrls.includes(returnTo)) return sendHtml(res, 400, errorPage({ error: 'invalid_request', description: 'The "returnTo" parameter is not one of the Allowed Logout URLs.' }));
    const ctx = provider.createContext(req, res);
    const session = await provider.Session.get(ctx);
    await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null);
    if (returnTo === null) return sendHtml(res, 200, signedOutPage());
    res.writeHead(302, { location: returnTo, 'cache-control': 'no-store' }).end();
  }

  /**
   * Answers the request when it is one of these routes.
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url
   * @returns {Promise<boolean>} false when it is not
   */
  async function handle(req, res, url) {
    const uid = LOGIN_PATH.exec(url.pathname)?.[1];
    if (uid !== undefined && (req.method === 'GET' || req.method === 'POST')) return login(req, res, uid).then(() => true);
    if (url.pathname === '/v2/logout' && req.method === 'GET') return logout(req, res, url).then(() => true);
    return false;
  }

  return { handle };
}
