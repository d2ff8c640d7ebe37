// @ts-check
// The per-user IAM policy the sandbox enforces, read out of the deployable templates in deploy/ (one per
// exchange) and resolved with the sandbox's own values: the same documents a real account gets, with the
// sandbox's bucket, Auth0 domain, client ID, region and account. There is no other copy of the policy.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTemplate, resolve } from './cloudformation.mjs';

export const DEPLOY_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'deploy');
/** @typedef {'delegation' | 'web-identity' | 'cognito'} Exchange */
/** @type {readonly Exchange[]} */
export const EXCHANGES = ['delegation', 'web-identity', 'cognito'];
/** The policy variable that holds the user in each exchange's sessions. */
const VARIABLES = {
  delegation: () => 'saml:sub',
  'web-identity': (/** @type {string} */ auth0Domain) => `${auth0Domain}/:sub`,
  cognito: () => 'cognito-identity.amazonaws.com:sub',
};

/**
 * @typedef {object} SandboxValues what the sandbox deploys the templates with
 * @property {string} bucket
 * @property {string} auth0Domain the ID tokens' issuer host (`127.0.0.1:4001` in the sandbox)
 * @property {string} clientID
 * @property {string} [region] (default 'us-east-1')
 * @property {string} [account] (default '123456789012')
 * @property {string[]} [allowedOrigins]
 * @property {number} [credentialLifetimeSec] (default: the template's)
 * @property {string} [roleName] (default 'auth0-s3-per-user')
 * @property {string} [identityPoolId]
 * @property {string} [directory] where the templates are (default: deploy/)
 * @property {Partial<Record<Exchange, string>>} [texts] a template's text instead of its file (tests)
 *
 * @typedef {{ Version?: string, Statement: object[] | object }} PolicyDocument
 * @typedef {{ variable: string, documents: PolicyDocument[] }} RolePolicy the documents of the role an
 *   exchange's users assume, and the policy variable their sessions carry
 */

/** @param {Exchange} exchange @param {SandboxValues} values */
export function templateText(exchange, values) {
  return values.texts?.[exchange] ?? readFileSync(join(values.directory ?? DEPLOY_DIR, `${exchange}.yaml`), 'utf8');
}

/**
 * Every exchange's role policy, resolved with the sandbox's values.
 * @param {SandboxValues} values @returns {Record<Exchange, RolePolicy>}
 */
export function sandboxPolicies(values) {
  return /** @type {Record<Exchange, RolePolicy>} */ (Object.fromEntries(EXCHANGES.map((exchange) => [exchange, rolePolicy(exchange, values)])));
}

/** @param {Exchange} exchange @param {SandboxValues} values @returns {RolePolicy} */
export function rolePolicy(exchange, values) {
  const template = parseTemplate(templateText(exchange, values));
  const documents = userRoleDocuments(template, values);
  const variable = VARIABLES[exchange](values.auth0Domain);
  checkVariables(documents, variable, exchange);
  return { variable, documents };
}

/**
 * The inline policies of the template's one role. Policies elsewhere (managed policy ARNs, AWS::IAM::Policy
 * resources) would be a second source the sandbox cannot see: they are refused.
 * @param {import('./cloudformation.mjs').Template} template @param {SandboxValues} values
 */
export function userRoleDocuments(template, values) {
  const resources = Object.entries(template.Resources ?? {});
  const roles = resources.filter(([, resource]) => resource.Type === 'AWS::IAM::Role');
  if (roles.length !== 1) throw new Error(`A template has one AWS::IAM::Role, the users' (found ${roles.length}).`);
  const elsewhere = resources.find(([, resource]) => /^AWS::IAM::(Policy|RolePolicy|ManagedPolicy)$/.test(resource.Type));
  const role = /** @type {{ Properties: { Policies?: { PolicyDocument: unknown }[], ManagedPolicyArns?: unknown[] } }} */ (roles[0]?.[1]);
  if (elsewhere || (role.Properties.ManagedPolicyArns ?? []).length > 0) throw new Error('The sandbox evaluates the role\'s inline Policies only: no managed or separate policies.');
  const scope = scopeOf(template, values);
  return (role.Properties.Policies ?? []).map(({ PolicyDocument }) => {
    const document = resolve(PolicyDocument, scope);
    return /** @type {PolicyDocument} */ (typeof document === 'string' ? JSON.parse(document) : document);
  });
}

/**
 * What Ref and Fn::GetAtt give in the sandbox's "account": its parameters and pseudo parameters, and the
 * names and ARNs of the template's resources.
 * @param {import('./cloudformation.mjs').Template} template @param {SandboxValues} values
 * @returns {import('./cloudformation.mjs').Scope}
 */
export function scopeOf(template, values) {
  const { region = 'us-east-1', account = '123456789012', roleName = 'auth0-s3-per-user' } = values;
  /** @type {Record<string, unknown>} */
  const given = {
    Auth0Domain: values.auth0Domain,
    Auth0ClientId: values.clientID,
    BucketName: values.bucket,
    AllowedOrigins: values.allowedOrigins,
    CredentialLifetime: values.credentialLifetimeSec,
    SamlMetadataDocument: '<EntityDescriptor/>',
  };
  const pseudo = { 'AWS::AccountId': account, 'AWS::Region': region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': 'sandbox' };
  /** @type {(name: string) => { Ref: unknown, [attribute: string]: unknown }} */
  const resource = (name) => {
    const { Type: type, Properties: properties = {} } = template.Resources[name] ?? { Type: '' };
    const property = (/** @type {string} */ key) => resolve(properties[key], scope);
    if (type === 'AWS::S3::Bucket') return { Ref: property('BucketName'), Arn: `arn:aws:s3:::${String(property('BucketName'))}` };
    if (type === 'AWS::IAM::Role') return { Ref: roleName, Arn: `arn:aws:iam::${account}:role/${roleName}` };
    if (type === 'AWS::IAM::OIDCProvider') return { Ref: `arn:aws:iam::${account}:oidc-provider/${String(property('Url')).replace(/^https:\/\//, '')}` };
    if (type === 'AWS::IAM::SAMLProvider') return { Ref: `arn:aws:iam::${account}:saml-provider/auth0-provider` };
    if (type === 'AWS::Cognito::IdentityPool') return { Ref: values.identityPoolId ?? `${region}:00000000-0000-4000-8000-000000000001` };
    throw new Error(`The sandbox has no value for the resource ${name}${type ? ` (${type})` : ''}.`);
  };
  /** @type {import('./cloudformation.mjs').Scope} */
  const scope = {
    ref(name) {
      if (Object.hasOwn(pseudo, name)) return pseudo[/** @type {keyof typeof pseudo} */ (name)];
      const parameter = template.Parameters?.[name];
      if (parameter) return parameterValue(name, parameter, given[name]);
      return resource(name).Ref;
    },
    getAtt(name, attribute) {
      const value = resource(name)[attribute];
      if (value === undefined) throw new Error(`The sandbox has no value for ${name}.${attribute}.`);
      return value;
    },
  };
  return scope;
}

/** @param {string} name @param {{ Type?: string, Default?: unknown }} parameter @param {unknown} given */
function parameterValue(name, parameter, given) {
  const value = given ?? parameter.Default;
  if (value === undefined) throw new Error(`The sandbox has no value for the parameter ${name}.`);
  if (parameter.Type === 'CommaDelimitedList') return Array.isArray(value) ? value : String(value).split(',');
  return String(value);
}

/**
 * A policy may hold only the variable of its exchange's sessions (and IAM's escapes `${*}`, `${?}`,
 * `${$}`): the sandbox has no value for any other, and IAM's would not be the sandbox's.
 * @param {PolicyDocument[]} documents @param {string} variable @param {string} exchange
 */
function checkVariables(documents, variable, exchange) {
  for (const [, name] of JSON.stringify(documents).matchAll(/\$\{([^}]*)\}/g)) {
    if (name !== variable && !['*', '?', '$'].includes(name ?? '')) throw new Error(`deploy/${exchange}.yaml: the sandbox knows only the policy variable \${${variable}} in this exchange, not \${${name}}.`);
  }
}
