// The small app every consumer builds: DelegationClient + fromDelegation + S3Client, one PutObject into
// the user's own folder and one into another user's (the negative control: the policy must deny it).
// The same code as a browser entry (JavaScript, for the bundlers) and as a typed module (for tsc).

/** What the app is told: the sandbox's endpoints and a signed-in user's ID token. */
export interface AppConfig {
  clientID: string;
  domain: string;
  idToken: string;
  sub: string;
  region: string;
  endpoint: string;
  bucket: string;
  roleArn: string;
  stsEndpoint: string;
}

/** What it reports: `ok`, or the name of the S3 error, or `delegation:<code>`. */
export interface AppResult {
  exchange: string;
  own: string;
  other: string;
}

const IMPORTS = `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DelegationClient, fromDelegation, isDelegationError } from 'auth0-aws-delegation';`;
/** The typed app with the AWS SDK: also the recovery plugin, and the provider as smithy's own type. */
const TYPED_S3_IMPORTS = `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { DelegationClient, fromDelegation, getExpiredTokenRecoveryPlugin, isDelegationError } from 'auth0-aws-delegation';`;

/** The browser entry: reads its config from the page's query, writes the result to window.__result. */
export function browserApp(exchange: 'delegation' | 'web-identity'): string {
  const webIdentity = exchange === 'web-identity';
  return `${IMPORTS}
${webIdentity ? "import { webIdentity } from 'auth0-aws-delegation/web-identity';" : ''}

async function run(config) {
  const client = new DelegationClient({
    clientID: config.clientID, domain: config.domain, retries: 0,
    ${webIdentity ? 'exchange: webIdentity({ roleArn: config.roleArn, region: config.region, endpoint: config.stsEndpoint }),' : ''}
  });
  const s3 = new S3Client({
    region: config.region, endpoint: config.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: fromDelegation(client, { idToken: () => config.idToken }),
  });
  const put = (key) => s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'from a consumer build' }))
    .then(() => 'ok', (error) => (isDelegationError(error) ? 'delegation:' + error.code : String(error && error.name)));
  return { exchange: '${exchange}', own: await put(config.sub + '/consumer.txt'), other: await put('auth0|someone-else/consumer.txt') };
}

run(JSON.parse(new URLSearchParams(location.search).get('config'))).then(
  (result) => { window.__result = result; },
  (error) => { window.__result = { error: String(error && error.name) + ': ' + String(error && error.message) }; },
);
`;
}

/**
 * The typed app for tsc. The `@ts-expect-error` lines are the control that the package's types are real:
 * were `fromDelegation` or `DelegationClient` typed `any` (a declaration that failed to resolve under
 * skipLibCheck), each directive would be unused, and tsc fails on an unused one (TS2578).
 * `untyped` swaps in `any` on purpose: the negative control that tsc does catch that.
 */
export function typedApp(options: { s3: boolean; untyped?: boolean }): string {
  const imports = options.s3 ? TYPED_S3_IMPORTS : "import { DelegationClient, fromDelegation, isDelegationError } from 'auth0-aws-delegation';";
  const any = options.untyped ? '\nconst anyFromDelegation: any = fromDelegation;' : '';
  const from = options.untyped ? 'anyFromDelegation' : 'fromDelegation';
  const body = options.s3
    ? `// The package's own structural types are the AWS SDK's where it takes them.
  const asSmithy: AwsCredentialIdentityProvider = provider;
  const asS3Option: S3ClientConfig['credentials'] = provider;
  void [asSmithy, asS3Option];
  const s3 = new S3Client({ region: config.region, endpoint: config.endpoint, forcePathStyle: true, credentials: provider });
  s3.middlewareStack.use(getExpiredTokenRecoveryPlugin(s3.config));
  const put = (key: string): Promise<string> => s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'from a consumer build' }))
    .then(() => 'ok', (error: unknown) => (isDelegationError(error) ? \`delegation:\${error.code}\` : error instanceof Error ? error.name : 'unknown'));
  return { exchange: 'delegation', own: await put(\`\${config.sub}/consumer.txt\`), other: await put('auth0|someone-else/consumer.txt') };`
    : `const credentials = await provider();
  return { exchange: 'delegation', own: credentials.accessKeyId.length > 0 ? 'ok' : 'empty', other: 'not tried' };`;
  return `${imports}
import type { DelegationErrorCode } from 'auth0-aws-delegation';${any}

export interface AppConfig { clientID: string; domain: string; idToken: string; sub: string; region: string; endpoint: string; bucket: string }
export interface AppResult { exchange: string; own: string; other: string }

export async function run(config: AppConfig): Promise<AppResult> {
  const client = new DelegationClient({ clientID: config.clientID, domain: config.domain, retries: 0 });
  // Type checks only, never called.
  const controls = (): void => {
    // @ts-expect-error retries is a number: DelegationClient's options are typed
    void new DelegationClient({ clientID: config.clientID, domain: config.domain, retries: 'two' });
    // @ts-expect-error idToken is a string or a function, never a number: fromDelegation is typed, not any
    void ${from}(client, { idToken: 42 });
    const code: DelegationErrorCode = 'cache_cleared';
    void code;
  };
  void controls;
  const provider = fromDelegation(client, { idToken: () => config.idToken });
  ${body}
}
`;
}
