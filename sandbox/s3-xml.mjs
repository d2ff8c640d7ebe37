// @ts-check
// The XML of S3's answers, written by the gate: element text escaped, text read back from a request's
// XML, and an answer with S3's XML declaration.

/** Whether XML 1.0 can hold the character (tab, line ends, and the planes minus surrogates, FFFE, FFFF). */
const xmlChar = (/** @type {number} */ code) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;

/**
 * Text as XML element content: markup escaped, characters XML cannot hold replaced by U+FFFD.
 * @param {string} text @example xml('a<b') // 'a&#60;b'
 */
export const xml = (text) =>
  Array.from(text, (char) => (xmlChar(char.codePointAt(0) ?? 0) ? char : '\ufffd'))
    .join('')
    .replace(/[<>&]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * Element text of a request's XML with its entities and character references read, or undefined when
 * a reference names no character.
 * @param {string} text @example unxml('a&lt;b') // 'a<b'
 */
export function unxml(text) {
  let valid = true;
  const result = text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_, /** @type {string} */ name) => {
    const named = /** @type {Record<string, string>} */ ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[name];
    if (named !== undefined) return named;
    const code = Number(name.startsWith('#x') || name.startsWith('#X') ? `0x${name.slice(2)}` : name.slice(1));
    if (!(code <= 0x10ffff) || !xmlChar(code)) valid = false;
    return valid ? String.fromCodePoint(code) : '';
  });
  return valid ? result : undefined;
}

/**
 * Answers `status` with an XML body.
 * @param {import('node:http').ServerResponse} res @param {number} status @param {string} body
 */
export function sendXml(res, status, body) {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) }).end(text);
}
