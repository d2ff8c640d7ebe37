// @ts-check
// Small statistics for the benchmarks: medians, spread and a bootstrap interval of repeated samples.

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

/**
 * A 95% interval of the median by bootstrap resampling, with a fixed-seed generator (the same data give
 * the same interval). @param {number[]} values @returns {[number, number]}
 */
export function bootstrapMedian(values, rounds = 1_000) {
  let seed = 0x2545f491;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const medians = Array.from({ length: rounds }, () => median(values.map(() => values[Math.floor(random() * values.length)] ?? 0)));
  return [percentile(medians, 0.025), percentile(medians, 0.975)];
}
