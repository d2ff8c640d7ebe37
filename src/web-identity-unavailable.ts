// Stands in for web-identity.ts in the core script builds (rollup.config.mjs), which stay within their
// size budget by leaving STS out: there, "exchange" is an unknown option, refused at construction.

export const EXCHANGE_OPTIONS: string[] = [];

export function checkExchange(): void {}

// Never called: the option cannot be set.
export const assumeRoleWithWebIdentity = checkExchange;
