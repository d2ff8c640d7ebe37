// The upload half of the page, on Uppy 6: the Dashboard (pick or drop files, one row each with progress,
// pause, resume, retry, cancel, and the status bar with bytes and time left), @uppy/aws-s3 signing in
// the browser with the user's temporary credentials (`uppyCredentials` from this SDK) into the user's
// folder, and @uppy/golden-retriever (after a reload, the same user's unfinished uploads are back and
// continue without choosing the files again). One Uppy per signed-in user: its id, and so Golden
// Retriever's records, belong to that user's folder, and a sign-out removes (and aborts at S3) only
// those. What Uppy does not do is in the modules this one wires: name-conflicts.mjs (ask before
// replacing a file), case-ids.mjs ("Report.txt" and "report.txt" are two files), upload-guards.mjs (a
// warning before leaving, stalls, back online), progress-summary.mjs (total, speed, time left),
// user-records.mjs (forgetting one user's records).

import { withCaseSensitiveIds } from './case-ids.mjs';
import { nameConflicts } from './name-conflicts.mjs';
import { progressSummary } from './progress-summary.mjs';
import { uploadGuards } from './upload-guards.mjs';
import { claimRecords, forgetRecords, userStoreId } from './user-records.mjs';

/** S3's smallest part: files above it go in parts of this size, which pause and resume part by part. */
export const PART_SIZE = 5 * 1024 * 1024;

const NOTE = 'Large files go up in 5 MB parts: you can pause them, and if the page closes, they continue when you sign in again.';
const NOTE_SECOND_TAB = 'Large files go up in 5 MB parts: you can pause them. Your other tab of this page keeps its unfinished uploads; uploads in this tab do not continue if it closes.';

const STRINGS = {
  // Said to people, not developers: no "Uppy", and the file's name on the row buttons where Uppy allows.
  dashboardTitle: 'Upload files',
  removeFile: 'Remove %{file} from this list',
  dropPasteFiles: 'Drop files here or %{browseFiles}',
  browseFiles: 'choose files',
  recoveredAllFiles: 'Your unfinished uploads are back. Upload continues them.',
  recoveredXFiles: {
    0: 'Your unfinished upload is back, but this browser did not keep the file: choose it again to continue.',
    1: 'Your unfinished uploads are back, but this browser did not keep %{smart_count} of the files: choose them again to continue.',
  },
  sessionRestored: 'Unfinished uploads',
  done: 'Clear finished',
  uploadXFiles: { 0: 'Upload %{smart_count} file', 1: 'Upload %{smart_count} files' },
};

/**
 * Starts the uploads of one signed-in user.
 * @param {object} options
 * @param {object} options.sdk Uppy, Dashboard, AwsS3, GoldenRetriever, uppyCredentials, AbortMultipartUploadCommand
 * @param {object} options.client the DelegationClient
 * @param {object} options.s3 an S3Client on the same client (sign-out aborts unfinished uploads with it)
 * @param {{ bucket: string, region: string, s3Endpoint?: string, stallSeconds?: number }} options.config
 * @param {string} options.folder the user's folder, `{sub}/` or `private/{identityId}/`
 * @param {() => Promise<string>} options.idToken
 * @param {{ has(name: string): boolean }} options.names the names already in the folder
 * @param {{ status(text: string): void, showError(error: unknown): void }} options.ui `status('')` clears the note
 * @param {(key: string) => void} options.onUploaded a file is in the folder
 */
export async function startUploads({ sdk, client, s3, config, folder, idToken, names, ui, onUploaded }) {
  const conflicts = nameConflicts({ names, add: (file) => addAnswered(file) });
  const id = await userStoreId(folder);
  // Another tab of this user keeps the records: this one neither restores nor saves them.
  const releaseRecords = await claimRecords(id);
  const uppy = new sdk.Uppy({ id, autoProceed: true, onBeforeFileAdded: withCaseSensitiveIds(conflicts.check, () => uppy) });
  uppy.use(sdk.Dashboard, {
    target: '#uploader',
    inline: true,
    width: '100%',
    height: 340,
    proudlyDisplayPoweredByUppy: false,
    showRemoveButtonAfterComplete: true,
    note: releaseRecords ? NOTE : NOTE_SECOND_TAB,
    locale: { strings: STRINGS },
  });
  uppy.use(sdk.AwsS3, {
    s3Endpoint: bucketUrl(config),
    getCredentials: sdk.uppyCredentials(client, { idToken, region: config.region }),
    generateObjectKey: (file) => folder + file.name,
    shouldUseMultipart: (file) => file.size > PART_SIZE,
    getChunkSize: () => PART_SIZE,
    limit: 3,
  });
  // The files' bytes are kept (IndexedDB) up to 1 GB a file, 2 GB in all (Golden Retriever's own limits
  // are 10 MB and 300 MB): a larger file comes back after a reload as one to choose again.
  if (releaseRecords) uppy.use(sdk.GoldenRetriever, { expires: 7 * 24 * 60 * 60 * 1000, indexedDB: { maxFileSize: 1024 * 1024 * 1024, maxTotalSize: 2 * 1024 * 1024 * 1024 } });
  const listRole = keepListRole(document.getElementById('uploader'));
  uppy.on('upload-success', (file, response) => onUploaded(response.body?.key ?? folder + file.name));
  uppy.on('upload-error', (_file, error) => ui.showError(error));
  // A batch with no file failed (a retry, a file continued once back online): an earlier failure is over.
  uppy.on('complete', (result) => { if (result.failed.length === 0) ui.status(''); });
  const guards = uploadGuards({ uppy, ui, stallMs: (config.stallSeconds ?? 30) * 1000 });
  const summary = progressSummary({ uppy, element: document.getElementById('progress-summary') });

  /** A file the user chose to upload anyway: its finished row of the same name (the same file, to Uppy) goes first. */
  function addAnswered(file) {
    for (const row of uppy.getFiles()) if (row.name === file.name && row.progress.uploadComplete) uppy.removeFile(row.id);
    uppy.addFile(file);
  }

  /** Rows of a file deleted from the folder since it was uploaded leave the list: they no longer say "complete". */
  function forget(key) {
    for (const file of uppy.getFiles()) {
      if (file.progress.uploadComplete && (file.response?.body?.key ?? folder + file.name) === key) uppy.removeFile(file.id);
    }
  }

  /**
   * A sign-out: stops this user's uploads, aborts the unfinished ones at S3 (no parts left, billed, behind)
   * while the credentials are still there, and forgets this user's records, no one else's. The rows are
   * dropped from Uppy's state rather than removed one by one: a removal makes @uppy/aws-s3 send its own
   * abort, unawaited, after this one (a 404 for an upload already gone).
   */
  async function signOut() {
    guards.stop();
    summary.stop();
    listRole.disconnect();
    conflicts.clear();
    uppy.pauseAll();
    const unfinished = uppy.getFiles().filter((file) => file.s3Multipart && !file.progress.uploadComplete);
    await Promise.allSettled(unfinished.map(({ s3Multipart }) => s3.send(new sdk.AbortMultipartUploadCommand({ Bucket: config.bucket, Key: s3Multipart.key, UploadId: s3Multipart.uploadId }))));
    // Golden Retriever's last snapshot is then an empty one, whenever its throttled save runs.
    uppy.setState({ files: {}, currentUploads: {} });
    const keeper = uppy.getPlugin('GoldenRetriever');
    if (keeper) uppy.removePlugin(keeper);
    await forgetRecords(uppy.getID());
    releaseRecords?.();
  }

  return { uppy, forget, signOut };
}

/**
 * Dashboard 6.0.3 shows a single file's row (role=listitem) in a container without role=list (axe:
 * aria-required-parent, critical); many files are in a list. Gives that container its role.
 */
function keepListRole(root) {
  const fix = () => root.querySelectorAll('.uppy-Dashboard-files:not([role])').forEach((files) => files.setAttribute('role', 'list'));
  const observer = new MutationObserver(fix);
  observer.observe(root, { childList: true, subtree: true });
  return observer;
}

/** The bucket's URL, path-style on a custom endpoint (the sandbox), virtual-hosted on AWS. */
function bucketUrl({ bucket, region, s3Endpoint }) {
  return s3Endpoint ? s3Endpoint.replace(/\/+$/, '') + '/' + bucket : 'https://' + bucket + '.s3.' + region + '.amazonaws.com';
}
