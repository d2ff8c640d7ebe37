// @ts-check
// `npm run token -- alice`: an ID token for `auth0|alice` from the running `npm start` sandbox, signed in
// over HTTP as a page would (sign-in-flow.mjs), printed alone on stdout, for the README's Node snippets.
// A name without a connection gets Auth0's database one (`alice` -> `auth0|alice`); `google-oauth2|123`
// stays as it is. SANDBOX_APP_PORT says where the sandbox's app is (default 4000), as for `npm start`.
import { signInOverHttp } from './sign-in-flow.mjs';

const appOrigin = `http://127.0.0.1:${process.env['SANDBOX_APP_PORT'] ?? 4000}`;
/** The uploader's page: its config.js names the tenant, and it is one of the tenant's callback URLs. */
const PAGE = '/s3-uploader/';

/** @param {string} text @returns {never} */
function fail(text) {
  console.error(`\n  ${text}\n`);
  process.exit(1);
}

/** Where the sandbox's tenant is and its client ID: what its pages' config.js says. */
async function pageConfig() {
  /** @type {Response} */
  let response;
  try {
    response = await fetch(`${appOrigin}${PAGE}config.js`);
  } catch {
    return fail(`No sandbox answers at ${appOrigin}. Start it with \`npm start\` (in another terminal), then run \`npm run token -- alice\` again. (SANDBOX_APP_PORT chooses another port.)`);
  }
  const json = /window\.UPLOADER_CONFIG = ([\s\S]*);\s*$/.exec(await response.text())?.[1];
  if (!response.ok || json === undefined) return fail(`${appOrigin} answers, but not as the sandbox does (no config.js). Is SANDBOX_APP_PORT the sandbox's app port?`);
  return /** @type {{ domain: string, clientID: string }} */ (JSON.parse(json));
}

const name = process.argv[2];
if (!name || name.startsWith('-')) fail('Which user? `npm run token -- alice` prints an ID token for auth0|alice.');
const user = /** @type {string} */ (name).includes('|') ? /** @type {string} */ (name) : `auth0|${name}`;
const config = await pageConfig();
try {
  const { id_token: idToken } = await signInOverHttp({ domain: config.domain, clientID: config.clientID, redirectUri: `${appOrigin}${PAGE}`, user });
  console.log(idToken);
} catch (error) {
  fail(/** @type {Error} */ (error).message);
}
