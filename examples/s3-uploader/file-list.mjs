// The folder's files: every page of ListObjectsV2 (1,000 keys each, followed by continuation token),
// sorted, filtered by name, shown 100 rows at a time; per file Download (with its progress, once at a
// time), Share and Delete (asked in the row first); many at once with DeleteObjects (1,000 keys per
// request, as S3 allows) after a confirmation. Works on the elements of uploader.mjs's markup; `ui` is
// the page's message, status and focus helpers; `onDeleted` hears of every key deleted.

import { saveWithProgress } from './download.mjs';
import { formatSize } from './format.mjs';

const PAGE_ROWS = 100;
const DELETE_BATCH = 1000;
const SORTS = {
  newest: (a, b) => b.LastModified - a.LastModified,
  name: (a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0),
  largest: (a, b) => b.Size - a.Size,
};

export function fileList({ sdk, s3, bucket, ui, onShare, onDeleted = () => undefined }) {
  const $ = (id) => document.getElementById(id);
  let prefix = '';
  let objects = [];
  let shown = PAGE_ROWS;
  const selected = new Set();
  const downloading = new Set();

  /** Lists the whole folder, page by page. */
  async function load(folder) {
    prefix = folder;
    const all = [];
    let token;
    do {
      const page = await s3.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      all.push(...(page.Contents ?? []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    objects = all;
    for (const key of selected) if (!objects.some((object) => object.Key === key)) selected.delete(key);
    render();
  }

  function matching() {
    const words = $('filter').value.trim().toLowerCase();
    const found = words ? objects.filter((object) => object.Key.slice(prefix.length).toLowerCase().includes(words)) : objects.slice();
    return found.sort(SORTS[$('sort').value] ?? SORTS.newest);
  }

  function render() {
    const found = matching();
    const body = $('listing');
    body.textContent = '';
    if (objects.length === 0) body.innerHTML = '<tr><td colspan="5" class="muted">No files yet.</td></tr>';
    else if (found.length === 0) body.innerHTML = '<tr><td colspan="5" class="muted">No file name contains that.</td></tr>';
    for (const object of found.slice(0, shown)) body.append(fileRow(object));
    const total = objects.length.toLocaleString('en');
    $('count').textContent = found.length === objects.length ? total + (objects.length === 1 ? ' file' : ' files') : found.length.toLocaleString('en') + ' of ' + total + ' files match';
    $('show-more').hidden = found.length <= shown;
    $('show-more').textContent = 'Show ' + Math.min(PAGE_ROWS, found.length - shown) + ' more';
    $('select-all').checked = found.length > 0 && found.every((object) => selected.has(object.Key));
    $('select-all').setAttribute('aria-label', 'Select all ' + found.length.toLocaleString('en') + ' matching files');
    updateBulk();
  }

  function fileRow(object) {
    const name = object.Key.slice(prefix.length);
    const row = document.createElement('tr');
    row.innerHTML = '<td><input type="checkbox"></td><td class="name"></td><td class="num"></td><td></td><td class="actions">'
      + '<button type="button" class="secondary">Download</button><button type="button" class="secondary">Share</button><button type="button" class="danger">Delete</button></td>';
    const check = row.querySelector('input');
    check.checked = selected.has(object.Key);
    check.setAttribute('aria-label', 'Select ' + name);
    check.addEventListener('change', () => {
      if (check.checked) selected.add(object.Key);
      else selected.delete(object.Key);
      updateBulk();
    });
    row.cells[1].textContent = name;
    row.cells[2].textContent = formatSize(object.Size);
    row.cells[3].textContent = new Date(object.LastModified).toLocaleString();
    const [download, share, remove] = row.querySelectorAll('button');
    download.setAttribute('aria-label', 'Download ' + name);
    share.setAttribute('aria-label', 'Share ' + name);
    remove.setAttribute('aria-label', 'Delete ' + name);
    download.addEventListener('click', () => saveFile(object.Key, name, download));
    share.addEventListener('click', () => onShare(object.Key, name, share));
    remove.addEventListener('click', () => askToRemove(object.Key, name, row));
    if (downloading.has(object.Key)) download.disabled = true;
    return row;
  }

  /** One download of a file at a time: a second click while it runs starts nothing. */
  async function saveFile(key, name, button) {
    if (downloading.has(key)) return;
    downloading.add(key);
    button.disabled = true;
    try {
      await saveWithProgress({ sdk, s3, bucket, key, name, row: button.closest('tr') });
    } catch (error) {
      ui.showError(error);
    } finally {
      downloading.delete(key);
      button.disabled = false;
    }
  }

  /** A single Delete asks in its row first: "Delete notes.txt for good?" Yes, delete / Keep it. */
  function askToRemove(key, name, row) {
    const cell = row.cells[4];
    const buttons = [...cell.children];
    for (const button of buttons) button.hidden = true;
    const question = document.createElement('span');
    question.className = 'confirm-row';
    question.innerHTML = '<span></span> <button type="button" class="danger">Yes, delete</button> <button type="button" class="secondary">Keep it</button>';
    question.firstChild.textContent = 'Delete ' + name + ' for good?';
    const [yes, keep] = question.querySelectorAll('button');
    yes.setAttribute('aria-label', 'Yes, delete ' + name);
    keep.setAttribute('aria-label', 'Keep it: ' + name);
    cell.append(question);
    yes.focus();
    keep.addEventListener('click', () => {
      question.remove();
      for (const button of buttons) button.hidden = false;
      buttons[2].focus();
    });
    yes.addEventListener('click', () => removeOne(key, name, yes));
  }

  async function removeOne(key, name, button) {
    button.disabled = true;
    try {
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
      selected.delete(key);
      onDeleted(key);
      await load(prefix);
      ui.focusList();
      ui.status('Deleted ' + name + '.');
    } catch (error) {
      button.disabled = false;
      ui.showError(error);
    }
  }

  function updateBulk() {
    $('delete-selected').disabled = selected.size === 0;
    $('delete-selected').textContent = 'Delete selected (' + selected.size.toLocaleString('en') + ')';
  }

  function askToDeleteSelected() {
    $('confirm-text').textContent = 'Delete ' + selected.size.toLocaleString('en') + (selected.size === 1 ? ' file' : ' files') + ' for good?';
    $('confirm-delete').hidden = false;
    $('confirm-yes').focus();
  }

  function closeConfirm() {
    $('confirm-delete').hidden = true;
    $('delete-selected').focus();
  }

  /** DeleteObjects, 1,000 keys a request; S3 answers per key, so some may fail while others go. */
  async function deleteSelected() {
    $('confirm-delete').hidden = true;
    const keys = [...selected];
    let failed = 0;
    ui.announce('Deleting ' + keys.length.toLocaleString('en') + ' files...');
    try {
      for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const batch = keys.slice(start, start + DELETE_BATCH);
        const result = await s3.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
        failed += (result.Errors ?? []).length;
        for (const key of batch) {
          if ((result.Errors ?? []).some((error) => error.Key === key)) continue;
          selected.delete(key);
          onDeleted(key);
        }
      }
      await load(prefix);
      const deleted = (keys.length - failed).toLocaleString('en');
      ui.focusList();
      if (failed) ui.showMessage('Deleted ' + deleted + ' files; ' + failed + ' could not be deleted (no permission). They stay selected.');
      else ui.status('Deleted ' + deleted + (keys.length === 1 ? ' file.' : ' files.'));
    } catch (error) {
      ui.showError(error);
    }
  }

  function selectAll(on) {
    for (const object of matching()) {
      if (on) selected.add(object.Key);
      else selected.delete(object.Key);
    }
    render();
  }

  $('filter').addEventListener('input', () => { shown = PAGE_ROWS; render(); });
  $('sort').addEventListener('change', () => { shown = PAGE_ROWS; render(); });
  $('show-more').addEventListener('click', () => { shown += PAGE_ROWS; render(); });
  $('select-all').addEventListener('change', (event) => selectAll(event.target.checked));
  $('delete-selected').addEventListener('click', askToDeleteSelected);
  $('confirm-yes').addEventListener('click', deleteSelected);
  $('confirm-no').addEventListener('click', closeConfirm);

  return {
    load,
    /** The names in the folder now (for asking before an upload replaces one). */
    names: { has: (name) => objects.some((object) => object.Key === prefix + name) },
    clear() { objects = []; selected.clear(); shown = PAGE_ROWS; $('filter').value = ''; },
  };
}
