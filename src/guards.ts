/** A non-null, non-array object: what a JSON object or an options bag looks like. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
