// Names that differ only in case ("Report.txt" and "report.txt") are two files in S3, whose keys are
// case-sensitive, but one file to Uppy 6 when their type, size and time match: its file id is the
// lower-cased name with those. Picked together, the second was dropped without a word; picked after the
// first, it was refused as a "duplicate". Here a name with capitals gets an id of its own: Uppy's, with
// where its capitals are and which they are. An all-lower-case name keeps Uppy's id (and so do the
// records Golden Retriever kept before), so the two ids never meet.

/** `file.id` (Uppy's) for an all-lower-case name, else Uppy's with each capital's place and code point. */
export function caseSensitiveId(file) {
  const capitals = [...file.name].flatMap((character, index) => (character === character.toLowerCase() ? [] : [index.toString(36) + '.' + character.codePointAt(0).toString(36)]));
  return capitals.length === 0 ? file.id : file.id + '-case-' + capitals.join('-');
}

/**
 * Uppy's onBeforeFileAdded giving each file its case-sensitive id, around the page's own `check`.
 * With an id of its own a file is past Uppy's checks that read ids, so they are done here: a file
 * restored by Golden Retriever whose bytes are picked again continues where it was, and a second copy
 * of a file already in the list is refused with Uppy's own words.
 * @param {(file: object, files: object) => boolean} check the page's check (name-conflicts.mjs), given the file with its id
 * @param {() => object} uppy the Uppy instance, to say that a file is a duplicate
 */
export function withCaseSensitiveIds(check, uppy) {
  return (file, files) => {
    const id = caseSensitiveId(file);
    if (id === file.id) return check(file, files);
    const known = files[id];
    if (known?.isGhost) return { ...known, isGhost: false, data: file.data };
    if (known) {
      uppy().info(uppy().i18n('noDuplicates', { fileName: file.name }), 'error', uppy().opts.infoTimeout);
      return false;
    }
    const own = { ...file, id };
    return check(own, files) && own;
  };
}
