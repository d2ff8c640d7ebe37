export { DelegationClient } from './client';
export type { CredentialsOptions } from './client';
export { Auth0 } from './compat-v7';
export type { Auth0Options, Auth0DelegationError, DelegationCallback } from './compat-v7';
export type { AwsCredentials, DelegationResult, StsCredentials } from './credentials';
export type { DelegationTokenOptions } from './delegation-request';
export { DelegationError, isDelegationError } from './errors';
export type { DelegationErrorCode, DelegationErrorInit } from './errors';
export type { DelegationClientOptions } from './options';
