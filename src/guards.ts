import { configurationError } from './errors';

/** A non-null, non-array object: what a JSON object or an options bag looks like. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws `invalid_configuration` naming the first key of `options` that is not in `known`. Only the key
 * is named, never its value (it might be a token passed in the wrong place).
 */
export function rejectUnknownKeys(options: object, known: readonly string[], owner: string): void {
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw configurationError(`Unknown option "${unknown}" for ${owner}: check its spelling against the README.`);
  }
}
