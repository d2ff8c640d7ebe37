// @ts-check
// Small statistics for the benchmarks: medians and spread of repeated samples.

/** @param {number[]} values @param {number} fraction 0..1 */
export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))));
  return sorted[index] ?? Number.NaN;
}

/** @param {number[]} values */
export const median = (values) => percentile(values, 0.5);

/** `median (p10-p90)` with the given digits. @param {number[]} values @param {number} [digits] */
export function spread(values, digits = 2) {
  return `${median(values).toFixed(digits)} (${percentile(values, 0.1).toFixed(digits)}-${percentile(values, 0.9).toFixed(digits)})`;
}
