// `auth0-aws-delegation/cognito`: the Cognito identity pool exchange. Its own entry, so that the main
// entry references no optional package (@aws-sdk/credential-provider-cognito-identity).
export { cognitoIdentityPool } from '../exchanges/cognito';
export type { CognitoIdentityPoolOptions } from '../exchanges/cognito';
