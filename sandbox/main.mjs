// @ts-check
// `npm start`: the sandbox with the example uploader. Ctrl-C stops it and removes its data.
import { startSandbox } from './server.mjs';

const port = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(process.env[name] ?? fallback);
const EXCHANGE_NAMES = { delegation: 'Auth0 /delegation', 'web-identity': 'STS AssumeRoleWithWebIdentity', cognito: 'Cognito identity pool' };
/** @param {string | undefined} value @returns {keyof typeof EXCHANGE_NAMES} */
const exchangeFrom = (value) => (value === 'web-identity' || value === 'cognito' ? value : 'delegation');

const exchange = exchangeFrom(process.env['SANDBOX_EXCHANGE']);
try {
  const sandbox = await startSandbox({
    appPort: port('SANDBOX_APP_PORT', 4000),
    authPort: port('SANDBOX_AUTH_PORT', 4001),
    s3Port: port('SANDBOX_S3_PORT', 4002),
    credentialLifetimeSec: port('SANDBOX_CREDENTIAL_LIFETIME', 3600),
    idTokenLifetimeSec: port('SANDBOX_ID_TOKEN_LIFETIME', 3600),
    exchange,
  });
  console.log(`
  Sandbox running (loopback only):
    Auth0 stand-in  ${sandbox.authUrl}   (OpenID provider: code + PKCE sign-in, /oauth/token, JWKS; /delegation)
    S3              ${sandbox.s3Url}   (bucket "${sandbox.config.bucket}", per-user IAM policy)
    Exchange        ${EXCHANGE_NAMES[exchange]} (SANDBOX_EXCHANGE=delegation|web-identity|cognito)
    Policy          deploy/${exchange}.yaml's role policy, as that template deploys it

  Open the uploader:  ${sandbox.appUrl}
  (the same app as an SPA bundled by rollup: ${sandbox.spaUrl}; without the AWS SDK: ${sandbox.leanUrl})
  An ID token for Node snippets:  npm run token --silent -- alice

  Ctrl-C to stop.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n  Stopping the sandbox...');
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`\n  The sandbox could not start: ${/** @type {Error} */ (error).message}\n`);
  process.exit(1);
}
