// The per-user S3 folder uploader: sign in with Auth0 (or the sandbox), get AWS credentials through
// /delegation (or STS, or Cognito), and upload, list, share, download and delete files under the
// user's folder in the bucket, straight from the browser. One module serves both examples: the
// script-tag page passes the S3 bundle's global and Uppy's bundle, the SPA passes what it imported from
// npm. Signing in is auth0-spa-js's, which keeps the tokens in memory only. The pieces, one job each:
//   uploads.mjs       the uploads, on Uppy (Dashboard, @uppy/aws-s3 with this SDK's uppyCredentials,
//                     Golden Retriever), with name-conflicts.mjs, case-ids.mjs, upload-guards.mjs,
//                     progress-summary.mjs and user-records.mjs around it
//   file-list.mjs     the folder's listing (download.mjs: a download with its progress)
//   share-panel.mjs + share.mjs  links;  messages.mjs  errors in words
//   sign-in.mjs       Auth0 sign-in (auth0-spa-js) and the exchange config.js names (shared with examples/lean/)

import { fileList } from './file-list.mjs';
import { explain } from './messages.mjs';
import { sharePanel } from './share-panel.mjs';
import { auth0Client, exchangeFrom, idTokenOf } from './sign-in.mjs';
import { startUploads } from './uploads.mjs';

const MARKUP = `
  <header>
    <h1>My S3 folder</h1>
    <div id="session" class="session">
      <span id="who" aria-live="polite">Not signed in</span>
      <!-- Not a live region: it counts down every minute. -->
      <span id="lifetime" class="muted"></span>
      <button id="sign-in" type="button">Sign in</button>
      <button id="sign-out" type="button" hidden>Sign out</button>
    </div>
  </header>
  <main>
    <p id="message" class="message" role="alert" hidden></p>
    <div id="announcer" class="visually-hidden" aria-live="polite"></div>
    <section id="signed-out" class="card">
      <h2>Welcome</h2>
      <p>Sign in to upload files into your own folder. Nobody else can read or change them, unless you share a link.</p>
    </section>
    <section id="workspace" class="card" hidden>
      <h2 id="upload-title">Upload</h2>
      <div id="conflict" class="conflict" role="group" aria-labelledby="conflict-text" hidden>
        <p id="conflict-text"></p>
        <button id="conflict-replace" type="button" class="danger">Replace it</button>
        <button id="conflict-both" type="button">Keep both</button>
        <button id="conflict-skip" type="button" class="secondary">Skip this file</button>
      </div>
      <div id="uploader"></div>
      <p id="progress-summary" class="muted small"></p>
      <p id="upload-status" class="status" role="status"></p>
      <div class="list-header">
        <h2 id="files-title" tabindex="-1">Your files</h2>
        <button id="refresh" type="button" class="secondary">Refresh</button>
      </div>
      <div class="list-tools">
        <label>Filter by name <input id="filter" type="search" autocomplete="off"></label>
        <label>Sort by <select id="sort"><option value="newest">Newest first</option><option value="name">Name (A to Z)</option><option value="largest">Largest first</option></select></label>
        <span id="count" class="muted" aria-live="polite"></span>
      </div>
      <p id="list-status" class="status" role="status"></p>
      <div class="bulk">
        <button id="delete-selected" type="button" class="danger" disabled>Delete selected (0)</button>
        <span id="confirm-delete" hidden><span id="confirm-text"></span>
          <button id="confirm-yes" type="button" class="danger">Yes, delete</button>
          <button id="confirm-no" type="button" class="secondary">Keep them</button></span>
      </div>
      <section id="share" class="share" aria-labelledby="share-title" hidden>
        <h3 id="share-title" tabindex="-1">Share <span id="share-name"></span></h3>
        <p id="share-note" class="muted"></p>
        <label>Link works for <select id="share-lifetime"></select></label>
        <button id="share-create" type="button">Create link</button>
        <div id="share-result" hidden>
          <label>Link <input id="share-url" type="url" readonly></label>
          <button id="share-copy" type="button">Copy link</button> <span id="share-copied" class="status" role="status"></span>
          <p id="share-expiry"></p>
        </div>
        <button id="share-close" type="button" class="secondary">Close</button>
      </section>
      <table>
        <thead><tr><th scope="col"><input id="select-all" type="checkbox" aria-label="Select all matching files"></th><th scope="col">Name</th><th scope="col" class="num">Size</th><th scope="col">Uploaded</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody id="listing"><tr><td colspan="5" class="muted">Loading...</td></tr></tbody>
      </table>
      <button id="show-more" type="button" class="secondary" hidden>Show more</button>
    </section>
  </main>
`;

/**
 * Renders the uploader into `root` and wires it to `sdk`.
 * @param {object} sdk DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, uppyCredentials,
 *   S3Client, getSignedUrl, the S3 commands (ListObjectsV2, GetObject, HeadObject, DeleteObject,
 *   DeleteObjects, AbortMultipartUpload), Uppy's Uppy, Dashboard, AwsS3 and GoldenRetriever,
 *   webIdentity / cognitoIdentityPool when config.exchange asks for them, and auth0-spa-js's createAuth0Client
 * @param {{ domain: string, clientID: string, bucket: string, region: string, s3Endpoint?: string, exchange?: object, stallSeconds?: number }} config
 * @param {HTMLElement} root
 */
export function startUploader(sdk, config, root) {
  root.innerHTML = MARKUP;
  const $ = (id) => document.getElementById(id);
  let session = null; // { sub, name, folder }
  let lastCredentials = null;
  let uploads = null; // this user's uploads (uploads.mjs), once the folder is known

  const auth = auth0Client(sdk.createAuth0Client, config, showMessage);
  const idToken = () => auth.then(idTokenOf);
  const exchange = exchangeFrom(sdk, config.exchange);
  // A sign-out (or a user switch) in another tab of this site clears the credentials this tab shares:
  // this tab then signs out too (see signOut), or its next request would get credentials again with the
  // tokens auth0-spa-js still keeps here.
  const onClearedInAnotherTab = () => { signOut({ elsewhere: true }).catch(showError); };
  const client = new sdk.DelegationClient(Object.assign({ clientID: config.clientID, domain: config.domain, onClearedInAnotherTab }, exchange ? { exchange } : {}));
  const s3 = new sdk.S3Client({
    region: config.region,
    // Checksums only where S3 requires them: with the default, File and Blob bodies fail in browsers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    endpoint: config.s3Endpoint,
    forcePathStyle: Boolean(config.s3Endpoint),
    credentials: sdk.fromDelegation(client, {
      idToken,
      onRefreshError: () => showMessage('Could not renew your storage access; still using the current one.', 'info'),
    }),
  });
  s3.middlewareStack.use(sdk.getExpiredTokenRecoveryPlugin(s3.config));

  const ui = { showMessage, showError, announce, status: (text) => status('list-status', text), focusList: () => $('files-title').focus() };
  const files = fileList({ sdk, s3, bucket: config.bucket, ui, onShare: (key, name, opener) => share.open(key, name, opener), onDeleted: (key) => uploads?.forget(key) });
  const share = sharePanel({ sdk, s3, bucket: config.bucket, ui, credentials: currentCredentials });

  async function currentCredentials() {
    lastCredentials = await client.getCredentials({ idToken: await idToken() });
    tick();
    return lastCredentials;
  }

  // The user's folder: `{sub}/`, or with a Cognito identity pool `private/{identityId}/` (Amplify's layout),
  // which only the credentials tell. The page names it for the person, never by its path.
  async function findFolder() {
    const credentials = await currentCredentials();
    session.folder = credentials.identityId ? 'private/' + credentials.identityId + '/' : session.sub + '/';
  }

  // Signing out stops this user's uploads, aborts the unfinished ones on S3 (no parts left behind) and
  // forgets them (only this user's), drops the credentials (in every tab of this site), then signs out
  // of Auth0, which ends the tenant's session and comes back to this page. When another tab signed out
  // (`elsewhere`), this tab does the same but stays: auth0-spa-js forgets the tokens it keeps in this
  // tab (`openUrl: false`: the other tab ended the tenant's session already) and the page shows itself
  // signed out, so the next thing the person does asks them to sign in.
  let signingOut = false;
  async function signOut({ elsewhere = false } = {}) {
    if (signingOut || (elsewhere && !session)) return;
    signingOut = true;
    $('sign-out').disabled = true;
    await uploads?.signOut().catch(() => undefined);
    uploads = null;
    // Not when another tab signed out: every tab has cleared already, and a clear now would reach a tab
    // where the next user signed in meanwhile and sign them out (the aborts above took their time).
    if (!elsewhere) client.clearCache();
    session = null;
    lastCredentials = null;
    files.clear();
    share.close();
    const auth0 = await auth;
    if (!elsewhere) return auth0.logout({ logoutParams: { returnTo: location.origin + location.pathname } });
    await auth0.logout({ openUrl: false });
    signingOut = false;
    $('sign-out').disabled = false;
    await render();
    showMessage('You signed out in another tab. Sign in again to see your files.', 'info');
  }

  async function openUploads() {
    uploads = await startUploads({
      sdk, client, s3, config, folder: session.folder, idToken, names: files.names,
      ui: { status: (text) => status('upload-status', text), showError: (error) => status('upload-status', 'Upload failed: ' + explain(error)) },
      onUploaded: () => refreshList(),
    });
  }

  // ---- status, errors in words ----
  function tick() {
    if (!lastCredentials) { $('lifetime').textContent = ''; return; }
    const minutes = Math.max(0, Math.round((lastCredentials.expiration - Date.now()) / 60000));
    $('lifetime').textContent = 'storage access valid for ' + minutes + ' min';
  }

  function showError(error) { showMessage(explain(error)); }

  function showMessage(text, kind) {
    const message = $('message');
    message.textContent = text;
    message.className = 'message' + (kind ? ' ' + kind : '');
    message.hidden = false;
  }

  function hideMessage() { $('message').hidden = true; }

  /** A short note where the eye is: next to what it is about, visible, and read out (role=status); '' clears it. */
  function status(id, text) {
    const element = $(id);
    element.textContent = text;
    if (text) element.scrollIntoView({ block: 'nearest' });
  }

  function announce(text) { $('announcer').textContent = text; }

  async function refreshList() {
    try {
      await files.load(session.folder);
      // The storage answered: an error said before (cannot reach it, sign-in expired) is over.
      hideMessage();
      tick();
    } catch (error) {
      showError(error);
    }
  }

  async function render() {
    const signedIn = Boolean(session);
    $('who').textContent = signedIn ? 'Signed in as ' + session.sub : 'Not signed in';
    $('sign-in').hidden = signedIn;
    $('sign-out').hidden = !signedIn;
    $('signed-out').hidden = signedIn;
    $('workspace').hidden = !signedIn;
    if (!signedIn) { $('lifetime').textContent = ''; return; }
    $('files-title').textContent = 'Files of ' + session.name;
    try {
      await findFolder();
    } catch (error) {
      return showError(error);
    }
    $('workspace').dataset.folder = session.folder;
    await refreshList();
    if (!uploads) await openUploads().catch(showError);
  }

  // ---- wiring ----
  $('sign-in').addEventListener('click', () => auth.then((auth0) => auth0.loginWithRedirect()).catch(showError));
  $('sign-out').addEventListener('click', () => signOut());
  $('refresh').addEventListener('click', refreshList);
  setInterval(tick, 30000);

  render();
  auth.then((auth0) => auth0.getIdTokenClaims()).then((claims) => {
    session = claims ? { sub: claims.sub, name: claims.name || claims.nickname || claims.email || 'your account' } : null;
    render();
  }, showError);
}
