// @ts-check
// The size budgets, in bytes of `gzip -9` output, shared by the budget test (test/node/dist.test.ts) and
// the bench's size figures (test/bench/sizes.mjs, app-sizes.mjs).

/**
 * auth0.js v7.6.1's own release build (`build/auth0.min.js` at the repository's tag v7.6.1, sha256
 * df23e84572ad8775730952b696b032f384bee1f07a5ff5545c3c2b34e91f6c52; not on the npm registry, so not re-measured in each run): gzip -9 bytes. The bench also
 * weighs, in every run, the npm package's standalone.js bundled with its release-era dependencies.
 */
export const AUTH0_V7_RELEASE_GZIP = 19_652;
/** The UMD core may weigh at most this share of auth0.js v7 (issue 22: ky and jwt-decode included). */
export const UMD_CORE_SHARE_OF_V7 = 0.6;
/** The UMD core's budget in bytes: 0.6 x the v7 release build. */
export const UMD_CORE_BUDGET = Math.floor(UMD_CORE_SHARE_OF_V7 * AUTH0_V7_RELEASE_GZIP);
/** The upload app on the fetch entry (with uploadMultipart) may weigh at most this share of Amplify's (same run). */
export const UPLOAD_APP_SHARE_OF_AMPLIFY = 0.45;
