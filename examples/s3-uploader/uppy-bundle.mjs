// The four Uppy plugins the uploader uses, as one ES module for the script-tag page (rollup bundles it:
// examples/s3-uploader/rollup.config.mjs, run by `npm run build`). Uppy ships ES modules to npm and no
// browser build of these versions, so a page without a build step loads this file the way it would load
// a CDN's copy. The SPA imports the same four from npm instead.
export { default as Uppy } from '@uppy/core';
export { default as Dashboard } from '@uppy/dashboard';
export { default as AwsS3 } from '@uppy/aws-s3';
export { default as GoldenRetriever } from '@uppy/golden-retriever';
