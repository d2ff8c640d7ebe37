import { configurationError } from '../errors';

/** Deeper than any option a page sends; a cycle would otherwise recurse until the stack overflows. */
const MAX_DEPTH = 16;

/**
 * The request body auth0.js v7 sent: `application/x-www-form-urlencoded` as reqwest 2.0.5's
 * `toQueryString` wrote it. Keys in the object's order; `null` and `undefined` as empty values (`role=`);
 * nested objects as `a[b]=c`, arrays as `a[]=x&a[]=y` (`a[0][k]=v` for objects in arrays); spaces as `+`.
 * This encoding, with `Accept: application/json, text/javascript`, makes the POST a CORS simple request:
 * no preflight. (reqwest also called function values; options here are refused instead.)
 * @throws {DelegationError} `invalid_configuration` for a function, symbol or cycle in the options.
 * @example
 * formBody({ api_type: 'aws', role: undefined, scope: 'openid email' }); // 'api_type=aws&role=&scope=openid+email'
 */
export function formBody(fields: Readonly<Record<string, unknown>>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(fields)) addParams(pairs, key, fields[key], 0);
  return pairs.join('&').replace(/%20/g, '+');
}

function addParams(pairs: string[], prefix: string, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw configurationError(`Option "${prefix}" is nested too deeply (or refers to itself).`);
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      if (prefix.endsWith('[]')) addScalar(pairs, prefix, item);
      else addParams(pairs, `${prefix}[${typeof item === 'object' ? index : ''}]`, item, depth + 1);
    });
  } else if (typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Object]') {
    for (const name of Object.keys(value)) addParams(pairs, `${prefix}[${name}]`, (value as Record<string, unknown>)[name], depth + 1);
  } else {
    addScalar(pairs, prefix, value);
  }
}

function addScalar(pairs: string[], key: string, value: unknown): void {
  try {
    if (typeof value === 'function' || typeof value === 'symbol') throw new TypeError(typeof value);
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value == null ? '' : String(value))}`);
  } catch (cause) {
    // A function, a symbol, or a string with a lone surrogate (encodeURIComponent's URIError).
    throw configurationError(`Option "${key}" must hold strings, numbers, booleans, objects or arrays.`, cause);
  }
}
