// Script-tag entry: rollup exposes these exports on the global `Auth0AwsDelegation`. The v7 facade
// `Auth0` lives in the v7 build (global-v7.ts) only, which keeps this core file within its size budget.
export { DelegationClient } from './client';
export { DelegationError, isDelegationError } from './errors';
