// @ts-check
// The size budgets, in bytes of `gzip -9` output, shared by the budget test (test/node/dist.test.ts) and
// the bench's size figure (test/bench/sizes.mjs).

/** The UMD core's budget (the README states it). */
export const UMD_CORE_BUDGET = 7_000;
