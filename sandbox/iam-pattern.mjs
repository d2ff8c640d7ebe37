// @ts-check
// IAM's strings as patterns: `*` (any run of characters, a newline included) and `?` (any one
// character), policy variables `${key}` and `${key, 'default'}` replaced from the request context, and
// the escapes `${*}`, `${?}`, `${$}` for a literal `*`, `?` and `$` (IAM User Guide, "IAM policy
// elements: Variables and tags"). Matching walks the pattern once with backtracking to the last `*`
// (linear in practice, never exponential), so a hostile value cannot make the sandbox spin.

/** A token of a compiled pattern: one character to match as it is, or a wildcard. */
const ANY = Symbol('*');
const ONE = Symbol('?');
/** @typedef {string | typeof ANY | typeof ONE} Token */

/**
 * The request context: condition keys (lower-cased, as IAM reads key names case-insensitively) and
 * their values; a multivalued key has a list.
 * @typedef {Map<string, string | string[]>} Context
 */

const VARIABLE = /\$\{([^}]*)\}/g;
const NAMED = /^\s*([^,\s][^,]*?)\s*(?:,\s*'([^']*)'\s*)?$/;

/**
 * The tokens of an IAM string. With a context, `${...}` are variables and escapes; without one (a
 * policy without `Version: 2012-10-17`, or an element where IAM takes none) they are text.
 * @param {string} text
 * @param {{ context?: Context, wildcards: boolean }} options `wildcards`: whether `*` and `?` are
 *   wildcards (StringLike, ARNs, Resource) or plain characters (StringEquals)
 * @returns {Token[] | undefined} undefined when a variable has no value and no default: IAM then
 *   matches nothing with the string
 * @example compile('home/${aws:username}/*', { context: new Map([['aws:username', 'bob']]), wildcards: true })
 */
export function compile(text, { context, wildcards }) {
  /** @type {Token[]} */
  const tokens = [];
  const raw = (/** @type {string} */ part) => {
    for (const char of part) tokens.push(wildcards && char === '*' ? ANY : wildcards && char === '?' ? ONE : char);
  };
  if (context === undefined) {
    raw(text);
    return tokens;
  }
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    raw(text.slice(last, match.index));
    last = match.index + match[0].length;
    const inside = match[1] ?? '';
    if (inside === '*' || inside === '?' || inside === '$') {
      tokens.push(inside);
      continue;
    }
    const value = variableValue(inside, context);
    if (value === undefined) return undefined;
    // AWS does not document whether a `*` or `?` inside a substituted value is a wildcard. The
    // sandbox takes the reading that allows more, so a template that holds here holds under both.
    raw(value);
  }
  raw(text.slice(last));
  return tokens;
}

/**
 * A variable's value: its key's single value, else its default, else undefined. A multivalued key
 * cannot stand in a string (IAM: the variable has no value).
 * @param {string} inside what is between `${` and `}` @param {Context} context
 */
function variableValue(inside, context) {
  const named = NAMED.exec(inside);
  if (!named) return undefined;
  const value = context.get((named[1] ?? '').toLowerCase());
  return typeof value === 'string' ? value : named[2];
}

/**
 * Whether `subject` matches the tokens, whole.
 * @param {Token[]} tokens @param {string} subject @param {{ ignoreCase?: boolean }} [options]
 */
export function matches(tokens, subject, { ignoreCase = false } = {}) {
  const fold = (/** @type {Token} */ token) => (ignoreCase && typeof token === 'string' ? token.toLowerCase() : token);
  const pattern = tokens.map(fold);
  const chars = Array.from(ignoreCase ? subject.toLowerCase() : subject);
  let [t, c, star, resume] = [0, 0, -1, 0];
  while (c < chars.length) {
    const token = pattern[t];
    if (token === ANY) {
      [star, resume] = [t, c];
      t++;
    } else if (t < pattern.length && (token === ONE || token === chars[c])) {
      t++;
      c++;
    } else if (star >= 0) {
      // Let the last `*` take one more character and try again from there.
      t = star + 1;
      c = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[t] === ANY) t++;
  return t === pattern.length;
}

/**
 * Whether an ARN matches an IAM ARN pattern (a Resource entry, an ArnLike value): component by
 * component (`arn:partition:service:region:account:resource`), `*` and `?` within a component; a
 * pattern with fewer components ends in one that takes the rest of the ARN, colons included (IAM:
 * "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond
 * the colon boundaries"). `*` alone is every resource. Variables are read in the resource part only.
 * @param {string} pattern @param {string} arn @param {Context | undefined} context
 */
export function arnMatches(pattern, arn, context) {
  if (pattern === '*') return true;
  const parts = splitArn(pattern);
  const arnParts = splitArn(arn);
  return parts.every((part, index) => {
    const subject = index === parts.length - 1 ? arnParts.slice(index).join(':') : arnParts[index];
    const tokens = compile(part, { context: index === 5 ? context : undefined, wildcards: true });
    return subject !== undefined && tokens !== undefined && matches(tokens, subject);
  });
}

/** An ARN's six components: split at the first five colons that are not inside `${...}`. */
function splitArn(/** @type {string} */ text) {
  const parts = [];
  let [start, depth] = [0, 0];
  for (let index = 0; index < text.length && parts.length < 5; index++) {
    if (text.startsWith('${', index)) depth++;
    else if (text[index] === '}' && depth > 0) depth--;
    else if (text[index] === ':' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
