// Types for pages that load `auth0-aws-delegation.v7.min.js` (or the S3 build) with a <script> tag:
//   /// <reference types="auth0-aws-delegation/globals-v7" />
// A script (no import or export), so its declarations are global. The build copies it to
// dist/globals-v7.d.ts, with `import('../index')` pointing at `./index.mjs`.

/** What `auth0-aws-delegation.v7.min.js` puts on the page: the whole SDK. */
declare var Auth0AwsDelegation: typeof import('../index');
/** auth0.js v7's `Auth0`, set by `auth0-aws-delegation.v7.min.js` unless the page already had one. */
declare var Auth0: typeof import('../index').Auth0;
