// One user's records in the browser: Uppy's id is made from the user's folder, so Golden Retriever's
// records (its snapshot of the uploads and the files' bytes, in IndexedDB) are that user's alone, and a
// sign-out can forget them without touching another user's unfinished uploads in the same browser.
// Golden Retriever 6 keeps them in the database "uppy-blobs": the snapshot in "metadata" under the id,
// the bytes in "files" under the index "store" = the id. It has no call that removes them. Two tabs of
// the same user would share them: one tab claims them (claimRecords) while its uploads are open.

const DATABASE = 'uppy-blobs';

/** Uppy's id for the uploads of `folder`: a SHA-256 digest of it, so that no user id is spelled out in storage. */
export async function userStoreId(folder) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(folder));
  return 'uploads-' + [...new Uint8Array(digest).slice(0, 12)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Forgets what Golden Retriever keeps for the uploads of Uppy id `id` (nothing of other ids). */
export function forgetRecords(id) {
  return new Promise((resolve) => {
    const opening = indexedDB.open(DATABASE);
    opening.onerror = () => resolve();
    opening.onsuccess = () => {
      const db = opening.result;
      const stores = ['metadata', 'files'].filter((name) => db.objectStoreNames.contains(name));
      if (stores.length === 0) return (db.close(), resolve());
      const transaction = db.transaction(stores, 'readwrite');
      if (stores.includes('metadata')) transaction.objectStore('metadata').delete(id);
      if (stores.includes('files')) {
        const keys = transaction.objectStore('files').index('store').getAllKeys(IDBKeyRange.only(id));
        keys.onsuccess = () => keys.result.forEach((key) => transaction.objectStore('files').delete(key));
      }
      transaction.oncomplete = transaction.onerror = transaction.onabort = () => (db.close(), resolve());
    };
  });
}

/**
 * Claims the records of Uppy id `id` for this tab while its uploads are open (a Web Lock, taken only if
 * free): the tab that holds them restores and keeps Golden Retriever's records; a second tab of the same
 * user goes without, or it would show the first tab's running uploads as its own unfinished ones and,
 * asked to continue one, fail on an upload the first tab has completed meanwhile. The lock ends with the
 * tab (closed, reloaded), so the next tab of that user restores what it left. Without Web Locks, every
 * tab has the claim (as before).
 * @param {string} id Uppy's id, from userStoreId
 * @returns {Promise<(() => void) | null>} the release, or null while another tab holds the records
 * @example const release = await claimRecords(await userStoreId(folder)); if (release) uppy.use(GoldenRetriever);
 */
export function claimRecords(id) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    locks.request('uploads-records ' + id, { ifAvailable: true }, (lock) => {
      if (!lock) return resolve(null);
      return new Promise((release) => resolve(release));
    }).catch(() => resolve(() => undefined));
  });
}
