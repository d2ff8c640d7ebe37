// `auth0-aws-delegation/web-identity`: the STS AssumeRoleWithWebIdentity exchange. Its own entry, so that
// the main entry references no optional package (@aws-sdk/credential-provider-web-identity).
export { webIdentity } from '../exchanges/web-identity';
export type { WebIdentityOptions } from '../exchanges/web-identity';
export { sessionNameFor } from '../exchanges/session-name';
