// The per-user S3 folder uploader: sign in with Auth0 (or the sandbox), get AWS credentials through
// /delegation (or STS, or Cognito), and upload, list, share, download and delete files under the
// user's folder in the bucket, straight from the browser. One module serves both examples: the
// script-tag page passes the S3 bundle's global, the SPA passes what it imported from npm. Signing in is
// auth0-spa-js's, which keeps the tokens in memory only. The pieces, one job each:
//   upload-job.mjs    one file's upload: PutObject, or multipart with pause, resume, cancel and retry
//   resume-store.mjs  what is remembered (IndexedDB) to continue an upload after a reload
//   retry.mjs         backoff for an upload request; messages.mjs  errors in words
//   upload-row.mjs    an upload's row; file-list.mjs  the folder's listing; share-panel.mjs + share.mjs  links
//   sign-in.mjs       Auth0 sign-in (auth0-spa-js) and the exchange config.js names (shared with examples/lean/)

import { fileList } from './file-list.mjs';
import { explain } from './messages.mjs';
import { resumeStore, uploadId } from './resume-store.mjs';
import { sharePanel } from './share-panel.mjs';
import { auth0Client, exchangeFrom, idTokenOf } from './sign-in.mjs';
import { uploadJob } from './upload-job.mjs';
import { uploadRow } from './upload-row.mjs';

const MARKUP = `
  <header>
    <h1>My S3 folder</h1>
    <div id="session" class="session" aria-live="polite">
      <span id="who">Not signed in</span>
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
      <h2>Upload</h2>
      <label id="drop" class="drop" for="files">
        <strong>Choose files</strong> or drop them here
        <input id="files" type="file" multiple>
      </label>
      <p class="muted small">Large files go up in 5 MB parts: you can pause them, and if the page closes, choose the same file again to continue.</p>
      <section id="unfinished" class="unfinished" aria-labelledby="unfinished-title" hidden>
        <h3 id="unfinished-title">Unfinished uploads</h3>
        <ul id="unfinished-list"></ul>
      </section>
      <ul id="uploads" class="uploads" aria-label="Uploads"></ul>
      <div class="list-header">
        <h2 id="files-title" tabindex="-1">Files in <code id="folder"></code></h2>
        <button id="refresh" type="button" class="secondary">Refresh</button>
      </div>
      <div class="list-tools">
        <label>Filter by name <input id="filter" type="search" autocomplete="off"></label>
        <label>Sort by <select id="sort"><option value="newest">Newest first</option><option value="name">Name (A to Z)</option><option value="largest">Largest first</option></select></label>
        <span id="count" class="muted" aria-live="polite"></span>
      </div>
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
          <button id="share-copy" type="button">Copy link</button>
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
 * @param {object} sdk DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, S3Client, getSignedUrl,
 *   the S3 commands (ListObjectsV2, GetObject, PutObject, DeleteObject, DeleteObjects, CreateMultipartUpload,
 *   UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts), webIdentity /
 *   cognitoIdentityPool when config.exchange asks for them, and auth0-spa-js's createAuth0Client
 * @param {{ domain: string, clientID: string, bucket: string, region: string, s3Endpoint?: string, exchange?: object }} config
 * @param {HTMLElement} root
 */
export function startUploader(sdk, config, root) {
  root.innerHTML = MARKUP;
  const $ = (id) => document.getElementById(id);
  let session = null; // { sub, folder }
  let lastCredentials = null;
  const jobs = new Map(); // upload id -> job, this page's uploads
  const store = resumeStore();

  const auth = auth0Client(sdk.createAuth0Client, config, showMessage);
  const idToken = () => auth.then(idTokenOf);
  const exchange = exchangeFrom(sdk, config.exchange);
  const client = new sdk.DelegationClient(Object.assign({ clientID: config.clientID, domain: config.domain }, exchange ? { exchange } : {}));
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

  const ui = { showMessage, showError, announce, focusList: () => $('files-title').focus() };
  const files = fileList({ sdk, s3, bucket: config.bucket, ui, onShare: (key, name, opener) => share.open(key, name, opener) });
  const share = sharePanel({ sdk, s3, bucket: config.bucket, ui, credentials: currentCredentials });

  async function currentCredentials() {
    lastCredentials = await client.getCredentials({ idToken: await idToken() });
    tick();
    return lastCredentials;
  }

  // The user's folder: `{sub}/`, or with a Cognito identity pool `private/{identityId}/` (Amplify's layout),
  // which only the credentials tell.
  async function findFolder() {
    const credentials = await currentCredentials();
    session.folder = credentials.identityId ? 'private/' + credentials.identityId + '/' : session.sub + '/';
  }

  // Signing out stops this page's uploads, aborts the unfinished ones on S3 (no parts left behind) and
  // forgets them, drops the credentials, then signs out of Auth0 (which comes back to this page).
  async function signOut() {
    $('sign-out').disabled = true;
    for (const job of jobs.values()) job.pause();
    const remembered = session?.folder ? (await store.all().catch(() => [])).filter((record) => record.id.startsWith(session.folder + '\n')) : [];
    await Promise.all(remembered.map((record) => s3.send(new sdk.AbortMultipartUploadCommand({ Bucket: config.bucket, Key: record.key, UploadId: record.uploadId })).catch(() => undefined)));
    await store.clear().catch(() => undefined);
    client.clearCache();
    session = null;
    lastCredentials = null;
    jobs.clear();
    files.clear();
    share.close();
    $('uploads').textContent = '';
    await (await auth).logout({ logoutParams: { returnTo: location.origin + location.pathname } });
  }

  // ---- uploads, each with its own row ----
  function uploadAll(picked) {
    if (!session || picked.length === 0) return;
    hideMessage();
    for (const file of picked) startUpload(file);
  }

  function startUpload(file) {
    const id = uploadId(session.folder, file);
    const existing = jobs.get(id);
    if (existing && (existing.state === 'paused' || existing.state === 'failed')) return existing.start();
    if (existing && existing.state === 'uploading') return announce(file.name + ' is already uploading.');
    let row;
    const job = uploadJob({
      sdk, s3, bucket: config.bucket, key: session.folder + file.name, file, id, store,
      onChange: (changed) => {
        row?.update();
        if (changed.state === 'done' || changed.state === 'cancelled') {
          showUnfinished();
          if (changed.state === 'done') files.load(session.folder).catch(showError);
        }
      },
    });
    jobs.set(id, job);
    row = uploadRow(job, announce);
    $('uploads').append(row.row);
    const started = job.start();
    showUnfinished(); // a remembered upload being continued is no longer listed as unfinished
    return started;
  }

  /** Uploads a previous page left unfinished in this folder: choose the same file to continue. */
  async function showUnfinished() {
    if (!session?.folder) return;
    const records = (await store.all().catch(() => [])).filter((record) => record.id.startsWith(session.folder + '\n') && ![...jobs.keys()].includes(record.id));
    const list = $('unfinished-list');
    list.textContent = '';
    for (const record of records) {
      const item = document.createElement('li');
      const parts = Math.ceil(record.size / record.partSize);
      item.innerHTML = '<span></span> <button type="button" class="secondary">Discard</button>';
      item.firstChild.textContent = record.name + ' (' + (record.size / 1024 / 1024).toFixed(1) + ' MB): ' + record.parts.length + ' of ' + parts + ' parts stored. Choose the same file to continue.';
      const discard = item.querySelector('button');
      discard.setAttribute('aria-label', 'Discard the unfinished upload of ' + record.name);
      discard.addEventListener('click', () => discardUnfinished(record));
      list.append(item);
    }
    $('unfinished').hidden = records.length === 0;
  }

  async function discardUnfinished(record) {
    try {
      await s3.send(new sdk.AbortMultipartUploadCommand({ Bucket: config.bucket, Key: record.key, UploadId: record.uploadId }));
    } catch (error) {
      if (error?.name !== 'NoSuchUpload') return showError(error);
    }
    await store.remove(record.id);
    await showUnfinished();
    $('files').focus();
    announce('Discarded the unfinished upload of ' + record.name + '.');
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

  function announce(text) { $('announcer').textContent = text; }

  async function refreshList() {
    try {
      await files.load(session.folder);
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
    $('folder').textContent = '';
    try {
      await findFolder();
    } catch (error) {
      return showError(error);
    }
    $('folder').textContent = session.folder;
    await Promise.all([refreshList(), showUnfinished()]);
  }

  // ---- wiring ----
  $('sign-in').addEventListener('click', () => auth.then((auth0) => auth0.loginWithRedirect()).catch(showError));
  $('sign-out').addEventListener('click', signOut);
  $('refresh').addEventListener('click', refreshList);
  $('files').addEventListener('change', (event) => { uploadAll([...event.target.files]); event.target.value = ''; });
  const drop = $('drop');
  for (const name of ['dragenter', 'dragover']) drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add('over'); });
  for (const name of ['dragleave', 'drop']) drop.addEventListener(name, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => { event.preventDefault(); uploadAll([...event.dataTransfer.files]); });
  setInterval(tick, 30000);

  render();
  auth.then((auth0) => auth0.getIdTokenClaims()).then((claims) => {
    session = claims ? { sub: claims.sub } : null;
    render();
  }, showError);
}
