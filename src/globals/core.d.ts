// Types for pages that load `auth0-aws-delegation.umd.min.js` with a <script> tag:
//   /// <reference types="auth0-aws-delegation/globals" />
// A script (no import or export), so its declarations are global. The build copies it to
// dist/globals.d.ts, with `import('../index')` pointing at `./index.mjs`.

/** What `auth0-aws-delegation.umd.min.js` puts on the page: the client and its errors. */
declare var Auth0AwsDelegation: {
  DelegationClient: typeof import('../index').DelegationClient;
  DelegationError: typeof import('../index').DelegationError;
  isDelegationError: typeof import('../index').isDelegationError;
};
