// The lean uploader: sign in with Auth0 (or the sandbox), get AWS credentials through /delegation (or
// STS, or Cognito), and upload, list, download and delete files under `{sub}/` in the bucket, without
// the AWS SDK (the `fetch` entry, through storage-fetch.mjs). It is the basic flow only: the full
// uploader (examples/s3-uploader/: pause, resume after a reload, cancel, retries, share links, paging)
// needs multipart and presigned URLs, which the fetch entry does not offer. Signing in is auth0-spa-js's,
// which keeps the tokens in memory only.

import { offer } from '../s3-uploader/download.mjs';
import { auth0Client, exchangeFrom, idTokenOf } from '../s3-uploader/sign-in.mjs';

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
    <section id="signed-out" class="card">
      <h2>Welcome</h2>
      <p>Sign in to upload files into your own folder. Nobody else can read or change them.</p>
    </section>
    <section id="workspace" class="card" hidden>
      <h2>Upload</h2>
      <label id="drop" class="drop" for="files" tabindex="0">
        <strong>Choose files</strong> or drop them here
        <input id="files" type="file" multiple>
      </label>
      <ul id="uploads" class="uploads" aria-label="Uploads"></ul>
      <div class="list-header">
        <h2>Files in <code id="folder"></code></h2>
        <button id="refresh" type="button" class="secondary">Refresh</button>
      </div>
      <table>
        <thead><tr><th scope="col">Name</th><th scope="col" class="num">Size</th><th scope="col">Uploaded</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody id="listing"><tr><td colspan="4" class="muted">Loading...</td></tr></tbody>
      </table>
    </section>
  </main>
`;

/**
 * Renders the uploader into `root` and wires it to `sdk`.
 * @param {object} sdk DelegationClient, auth0-spa-js's createAuth0Client, and webIdentity /
 *   cognitoIdentityPool when config.exchange asks for them; what `storage` needs (the AWS SDK's S3Client and commands, or the fetch entry's functions)
 * @param {{ domain: string, clientID: string, bucket: string, region: string, s3Endpoint?: string, exchange?: object }} config
 * @param {HTMLElement} root
 * @param {Function} storage how files are stored: `fetchStorage` (storage-fetch.mjs),
 *   called with (sdk, client, config, { idToken, onRefreshError })
 */
export function startUploader(sdk, config, root, storage) {
  root.innerHTML = MARKUP;
  var $ = function (id) { return document.getElementById(id); };
  var session = null; // { sub, folder }
  var lastCredentials = null;
  var running = new Set(); // this page's uploads: { controller, settled }

  var auth = auth0Client(sdk.createAuth0Client, config, showMessage);
  var idToken = function () { return auth.then(idTokenOf); };
  var exchange = exchangeFrom(sdk, config.exchange);
  // A sign-out (or a user switch) in another tab of this site clears the credentials this tab shares:
  // this tab then signs out too (see signOut), or its next request would get credentials again with the
  // tokens auth0-spa-js still keeps here.
  var onClearedInAnotherTab = function () { signOut({ elsewhere: true }).catch(showError); };
  var client = new sdk.DelegationClient(Object.assign({ clientID: config.clientID, domain: config.domain, onClearedInAnotherTab: onClearedInAnotherTab }, exchange ? { exchange: exchange } : {}));
  var files = storage(sdk, client, config, {
    idToken: idToken,
    onRefreshError: function () { showMessage('Could not renew your storage access; still using the current one.', 'info'); },
  });

  // The user's folder: `{sub}/`, or with a Cognito identity pool `private/{identityId}/` (Amplify's layout),
  // which only the credentials tell.
  function findFolder() {
    return idToken().then(function (token) { return client.getCredentials({ idToken: token }); }).then(function (credentials) {
      lastCredentials = credentials;
      session.folder = credentials.identityId ? 'private/' + credentials.identityId + '/' : session.sub + '/';
    });
  }

  // Stops the uploads in progress and waits until each has settled (a multipart upload is aborted at S3,
  // signed with the credentials, so before they are dropped: after clearCache() that cleanup could not be
  // signed and the parts would stay on S3), then drops the credentials (in every tab of this site) and
  // signs out of Auth0, which ends the tenant's session and comes back to this page. When another tab
  // signed out (`elsewhere`), this tab does the same but stays: auth0-spa-js forgets the tokens it keeps
  // in this tab (`openUrl: false`: the other tab ended the tenant's session already) and the page shows
  // itself signed out, so the next thing the person does asks them to sign in.
  var signingOut = false;
  function signOut(options) {
    var elsewhere = Boolean(options && options.elsewhere);
    if (signingOut || (elsewhere && !session)) return Promise.resolve();
    signingOut = true;
    $('sign-out').disabled = true;
    var stopping = Array.from(running, function (upload) { upload.controller.abort(); return upload.settled; });
    return Promise.allSettled(stopping).then(function () { return finishSignOut(elsewhere); });
  }

  function finishSignOut(elsewhere) {
    // Not when another tab signed out: every tab has cleared already, and a clear now would reach a tab
    // where the next user signed in meanwhile and sign them out (the aborts above took their time).
    if (!elsewhere) client.clearCache();
    session = null;
    lastCredentials = null;
    $('uploads').textContent = '';
    return auth.then(function (auth0) {
      if (!elsewhere) return auth0.logout({ logoutParams: { returnTo: location.origin + location.pathname } });
      return auth0.logout({ openUrl: false }).then(function () {
        signingOut = false;
        $('sign-out').disabled = false;
        render();
        showMessage('You signed out in another tab. Sign in again to see your files.', 'info');
      });
    });
  }

  // ---- listing ----
  function refreshList() {
    var prefix = session.folder;
    return files.list(prefix)
      .then(function (contents) {
        showCredentials();
        var rows = contents.sort(function (a, b) { return b.LastModified - a.LastModified; });
        var body = $('listing');
        body.textContent = '';
        if (rows.length === 0) body.innerHTML = '<tr><td colspan="4" class="muted">No files yet.</td></tr>';
        rows.forEach(function (object) { body.append(fileRow(object, prefix)); });
      })
      .catch(showError);
  }

  function fileRow(object, prefix) {
    var name = object.Key.slice(prefix.length);
    var row = document.createElement('tr');
    row.innerHTML = '<td class="name"></td><td class="num"></td><td></td><td class="actions"><button type="button" class="secondary">Download</button><button type="button" class="danger">Delete</button></td>';
    row.cells[0].textContent = name;
    row.cells[1].textContent = formatSize(object.Size);
    row.cells[2].textContent = new Date(object.LastModified).toLocaleString();
    var buttons = row.querySelectorAll('button');
    buttons[0].setAttribute('aria-label', 'Download ' + name);
    buttons[1].setAttribute('aria-label', 'Delete ' + name);
    buttons[0].addEventListener('click', function () { download(object.Key, name); });
    buttons[1].addEventListener('click', function () { remove(object.Key, name, buttons[1]); });
    return row;
  }

  function download(key, name) {
    files.download(key)
      .then(function (blob) { offer(blob, name); })
      .catch(showError);
  }

  function remove(key, name, button) {
    button.disabled = true;
    files.remove(key)
      .then(refreshList)
      .then(function () { showMessage('Deleted ' + name + '.', 'info'); })
      .catch(function (error) { button.disabled = false; showError(error); });
  }

  // ---- uploads, each with its own progress bar ----
  function uploadAll(files) {
    if (!session || files.length === 0) return;
    hideMessage();
    var jobs = Array.prototype.map.call(files, uploadOne);
    // Not while signing out: the uploads end because of it, and the listing would ask for credentials
    // that are being dropped.
    Promise.allSettled(jobs).then(function () { if (session && !signingOut) return refreshList(); });
  }

  function uploadOne(file) {
    var item = document.createElement('li');
    item.innerHTML = '<span class="name"></span><progress max="100" value="0"></progress><span class="percent">0%</span>';
    item.firstChild.textContent = file.name;
    var bar = item.querySelector('progress');
    var percent = item.querySelector('.percent');
    bar.setAttribute('aria-label', 'Uploading ' + file.name);
    $('uploads').append(item);
    var onProgress = function (loaded, total) {
      var value = total ? Math.floor((loaded / total) * 100) : 0;
      bar.value = value;
      percent.textContent = value + '%';
    };
    var upload = { controller: new AbortController() };
    upload.settled = files.upload(session.folder + file.name, file, onProgress, upload.controller.signal).then(
      function () { bar.value = 100; percent.textContent = '100%'; percent.className = 'percent done'; },
      function (error) {
        percent.textContent = upload.controller.signal.aborted ? 'Stopped' : 'Failed';
        percent.className = 'percent failed';
        if (!upload.controller.signal.aborted) showError(error);
        throw error;
      },
    ).finally(function () { running.delete(upload); });
    running.add(upload);
    return upload.settled;
  }

  // ---- status, errors in words ----
  function showCredentials() {
    idToken().then(function (token) { return client.getCredentials({ idToken: token }); }).then(function (credentials) { lastCredentials = credentials; tick(); }, function () {});
  }

  function tick() {
    if (!lastCredentials) { $('lifetime').textContent = ''; return; }
    var minutes = Math.max(0, Math.round((lastCredentials.expiration - Date.now()) / 60000));
    $('lifetime').textContent = 'storage access valid for ' + minutes + ' min';
  }

  function explain(error) {
    var code = (error && (error.code || error.name)) || '';
    if (code === 'id_token_expired' || code === 'unauthorized' || code === 'invalid_token' || code === 'not_authorized' || code === 'invalid_identity_token') return 'Your sign-in has expired. Please sign in again.';
    if (code === 'network_error' || code === 'timeout') return 'Cannot reach the sign-in service. Check your connection and try again.';
    if (code === 'rate_limited' || code === 'too_many_requests') return 'Too many sign-in requests just now. Wait a minute and try again.';
    if (code === 'AccessDenied') return 'You do not have permission for that file or folder.';
    if (code === 'NoSuchKey' || code === 'NotFound') return 'That file no longer exists.';
    if (code === 'NoSuchBucket') return 'The storage for this site is not set up. Please tell the site\'s owner.';
    if (error instanceof TypeError) return 'Cannot reach the storage service. Check your connection and try again.';
    return 'Something went wrong' + (code ? ' (' + code + ')' : '') + '. Please try again.';
  }

  function showError(error) { showMessage(explain(error)); }

  function showMessage(text, kind) {
    var message = $('message');
    message.textContent = text;
    message.className = 'message' + (kind ? ' ' + kind : '');
    message.hidden = false;
  }

  function hideMessage() { $('message').hidden = true; }

  function render() {
    var signedIn = Boolean(session);
    $('who').textContent = signedIn ? 'Signed in as ' + session.sub : 'Not signed in';
    $('sign-in').hidden = signedIn;
    $('sign-out').hidden = !signedIn;
    $('signed-out').hidden = signedIn;
    $('workspace').hidden = !signedIn;
    if (!signedIn) { $('lifetime').textContent = ''; return; }
    $('folder').textContent = '';
    findFolder().then(function () {
      $('folder').textContent = session.folder;
      return refreshList();
    }, showError);
  }

  // ---- small helpers ----
  function formatSize(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  // ---- wiring ----
  $('sign-in').addEventListener('click', function () { auth.then(function (auth0) { return auth0.loginWithRedirect(); }).catch(showError); });
  $('sign-out').addEventListener('click', function () { signOut(); });
  $('refresh').addEventListener('click', function () { refreshList(); });
  $('files').addEventListener('change', function (event) { uploadAll(event.target.files); event.target.value = ''; });
  var drop = $('drop');
  drop.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); $('files').click(); }
  });
  ['dragenter', 'dragover'].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove('over'); });
  });
  drop.addEventListener('drop', function (event) { event.preventDefault(); uploadAll(event.dataTransfer.files); });
  setInterval(tick, 30000);

  render();
  auth.then(function (auth0) { return auth0.getIdTokenClaims(); }).then(function (claims) {
    session = claims ? { sub: claims.sub } : null;
    render();
  }, showError);
}
