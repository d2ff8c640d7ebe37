// Asking before an upload replaces a file: a file picked with the name of one already in the folder is
// held back (Uppy's onBeforeFileAdded) and the page asks: replace it, keep both (the new one under a
// free name, "notes (2).txt"), or skip it. Several such files are asked about one after the other.

/**
 * @param {{ names: { has(name: string): boolean }, add: (file: object) => void }} options `names`: the
 *   folder's file names now; `add`: adds a file to Uppy (once answered, it is not asked about again)
 */
export function nameConflicts({ names, add }) {
  const $ = (id) => document.getElementById(id);
  const waiting = [];

  /** Uppy's onBeforeFileAdded: false holds a file back until the user answers. */
  function check(file, files) {
    if (file.meta?.nameChecked || file.isGhost || !names.has(file.name)) return !Object.hasOwn(files, file.id);
    waiting.push(file);
    if (waiting.length === 1) ask();
    return false;
  }

  function ask() {
    const file = waiting[0];
    if (!file) {
      $('conflict').hidden = true;
      return;
    }
    $('conflict-text').textContent = '\u201c' + file.name + '\u201d is already in your folder.';
    $('conflict-both').textContent = 'Keep both (upload as \u201c' + freeName(file.name) + '\u201d)';
    $('conflict').hidden = false;
    $('conflict-replace').focus();
  }

  function answer(choice) {
    const file = waiting.shift();
    if (file && choice !== 'skip') {
      add({ name: choice === 'both' ? freeName(file.name) : file.name, type: file.type, data: file.data, source: file.source, meta: { nameChecked: true } });
    }
    ask();
    if (waiting.length === 0) document.querySelector('#uploader button')?.focus();
  }

  /** The name with " (2)", " (3)", ... before its extension, the first that is not taken. */
  function freeName(name) {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let copy = 2; ; copy++) {
      const candidate = stem + ' (' + copy + ')' + extension;
      if (!names.has(candidate)) return candidate;
    }
  }

  $('conflict-replace').onclick = () => answer('replace');
  $('conflict-both').onclick = () => answer('both');
  $('conflict-skip').onclick = () => answer('skip');
  return { check, clear() { waiting.length = 0; ask(); } };
}
