// A download with its progress in the file's row: GetObject, its body read chunk by chunk (the bar
// and "12.0 MB of 40.0 MB" move as the bytes arrive), then offered to the browser as a file to save.

import { formatSize } from './format.mjs';

/** Without a known size, the words say how much has arrived once per this many bytes. */
const SPOKEN_STEP = 10 * 1024 * 1024;

/**
 * Downloads `key` and offers it as `name`, showing the progress in `row` until it is done.
 * @param {{ sdk: object, s3: object, bucket: string, key: string, name: string, row: HTMLElement }} options
 */
export async function saveWithProgress({ sdk, s3, bucket, key, name, row }) {
  const shown = document.createElement('span');
  shown.className = 'download-progress';
  shown.innerHTML = '<progress max="100" value="0"></progress> <span role="status"></span>';
  const [bar, text] = shown.children;
  bar.setAttribute('aria-label', 'Downloading ' + name);
  text.textContent = 'Starting the download...';
  row.cells[1].append(shown); // under the file's name: the actions keep their place
  try {
    const result = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    const total = Number(result.ContentLength ?? 0);
    let said = 0;
    const chunks = await readAll(result.Body, (received) => {
      bar.value = total ? Math.floor((received / total) * 100) : 0;
      // The words are a live region (role=status): said once a tenth (or 10 MB when the size is not
      // known), not once a chunk, which is hundreds of times for a large file.
      const step = total ? Math.floor((received * 10) / total) : Math.floor(received / SPOKEN_STEP);
      if (step === said) return;
      said = step;
      text.textContent = 'Downloading: ' + formatSize(received) + (total ? ' of ' + formatSize(total) : '');
    });
    offer(new Blob(chunks, { type: result.ContentType }), name);
  } finally {
    shown.remove();
  }
}

/** The body's chunks, reporting the bytes received so far; a body without a reader is read whole. */
async function readAll(body, onProgress) {
  if (typeof body?.getReader !== 'function') return [await body.transformToByteArray()];
  const reader = body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received);
  }
}

/** Hands `blob` to the browser as a download named `name` (the lean uploader uses it too). */
export function offer(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
