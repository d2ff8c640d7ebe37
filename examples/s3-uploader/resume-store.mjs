// What the page remembers about an unfinished multipart upload, so that it can continue after a reload
// or a crash: the S3 key, the upload ID, the part size and the parts S3 confirmed (number and ETag),
// under an id made of the folder and the file's name, size and last-modified time. Never credentials or
// tokens: an upload ID lets nobody in without the user's own storage access. Kept in IndexedDB; in
// memory where the browser offers none (then a reload starts over).

const DATABASE = 'uploader-resume';
const STORE = 'uploads';

/** The id of a file's upload into `folder`: the same file picked again finds its record. */
export function uploadId(folder, file) {
  return [folder, file.name, file.size, file.lastModified].join('\n');
}

export function resumeStore() {
  return typeof indexedDB === 'undefined' ? memoryStore() : indexedDbStore();
}

function indexedDbStore() {
  const opening = new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  // One transaction per call: `use(store)` makes the request whose result is the answer.
  const run = (mode, use) => opening.then((db) => new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = use(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
  }));
  return {
    get: (id) => run('readonly', (store) => store.get(id)),
    put: (record) => run('readwrite', (store) => store.put(structuredClone(record))).then(() => undefined),
    remove: (id) => run('readwrite', (store) => store.delete(id)).then(() => undefined),
    all: () => run('readonly', (store) => store.getAll()),
    clear: () => run('readwrite', (store) => store.clear()).then(() => undefined),
  };
}

function memoryStore() {
  const records = new Map();
  return {
    get: async (id) => structuredClone(records.get(id)),
    put: async (record) => void records.set(record.id, structuredClone(record)),
    remove: async (id) => void records.delete(id),
    all: async () => [...records.values()].map((record) => structuredClone(record)),
    clear: async () => records.clear(),
  };
}
