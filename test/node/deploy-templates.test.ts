// Issue 18: the deployable templates of deploy/, checked offline. Each parses with CloudFormation's
// short-form tags; every Ref, Fn::GetAtt and Fn::Sub name is a parameter, resource or pseudo parameter
// of the template; resource types, properties and attributes are CloudFormation's; every IAM action is a
// real one (test/support/iam-actions.json); the bucket, providers, trust policies and outputs are what
// the page and the issue need; and the one documented command per exchange deploys with valid values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTemplate, resolve } from '../../sandbox/cloudformation.mjs';
import type { Template } from '../../sandbox/cloudformation.mjs';
import { DEPLOY_DIR, EXCHANGES, rolePolicy, scopeOf } from '../../sandbox/template-policy.mjs';
import type { Exchange } from '../../sandbox/template-policy.mjs';
import iamActions from '../support/iam-actions.json';
import { PARAMETER_TYPES, PSEUDO_PARAMETERS, RESOURCE_TYPES } from '../support/cloudformation-spec';
import { listOf, policyDocuments, references, statementsOf } from '../support/template-walk';

const ROOT = join(__dirname, '../..');
const templates = Object.fromEntries(EXCHANGES.map((exchange) => [exchange, parseTemplate(readFileSync(join(DEPLOY_DIR, `${exchange}.yaml`), 'utf8'))])) as Record<Exchange, Template>;
const VALUES = { bucket: 'uploads', auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', allowedOrigins: ['https://app.example.com'] };
const resolved = (exchange: Exchange, value: unknown) => resolve(value, scopeOf(templates[exchange], VALUES));
const resourcesOf = (exchange: Exchange, type: string) => Object.entries(templates[exchange].Resources).filter(([, resource]) => resource.Type === type);
const only = (exchange: Exchange, type: string) => {
  const found = resourcesOf(exchange, type);
  expect(found, `${exchange}: one ${type}`).toHaveLength(1);
  return found[0]!;
};
const ACTION_LISTS = iamActions as unknown as Record<string, string[]>;
/** How long the uploader keeps an unfinished upload to continue (Golden Retriever's `expires` in uploads.mjs), in days. */
const UPLOADER_RESUME_DAYS = Number(/GoldenRetriever, \{ expires: (\d+) \* 24 \* 60 \* 60 \* 1000,/.exec(readFileSync(join(ROOT, 'examples/s3-uploader/uploads.mjs'), 'utf8'))?.[1]);

/** The bucket's enabled lifecycle rule that aborts incomplete multipart uploads, if it has one. */
function abortRule(properties: Record<string, unknown>): Record<string, unknown> | undefined {
  const lifecycle = properties['LifecycleConfiguration'] as { Rules?: Record<string, unknown>[] } | undefined;
  const rules = lifecycle?.Rules ?? [];
  return rules.find((rule) => rule['Status'] === 'Enabled' && rule['AbortIncompleteMultipartUpload'] !== undefined);
}

describe.each(EXCHANGES)('deploy/%s.yaml', (exchange) => {
  const template = templates[exchange];

  it('is CloudFormation: a format version, known parameter types, known resource types with their own properties', () => {
    expect(template).toMatchObject({ AWSTemplateFormatVersion: '2010-09-09' });
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      expect(PARAMETER_TYPES, `parameter ${name}`).toContain(parameter.Type);
      expect(parameter.Description, `parameter ${name}`).toEqual(expect.any(String));
    }
    for (const [name, resource] of Object.entries(template.Resources)) {
      const spec = RESOURCE_TYPES[resource.Type];
      expect(spec, `${name}: ${resource.Type}`).toBeDefined();
      expect(spec!.properties, `${name}'s properties`).toEqual(expect.arrayContaining(Object.keys(resource.Properties ?? {})));
      for (const required of spec!.required) expect(resource.Properties, `${name}.${required}`).toHaveProperty(required);
    }
  });

  it('refers only to its own parameters and resources, pseudo parameters and real attributes', () => {
    const found = references(template);
    expect(found.length).toBeGreaterThan(10);
    for (const reference of found) {
      const label = `${reference.kind} ${reference.name}${reference.attribute ? `.${reference.attribute}` : ''} at ${reference.where}`;
      if (reference.kind === 'Ref') {
        expect(Object.hasOwn(template.Parameters ?? {}, reference.name) || Object.hasOwn(template.Resources, reference.name) || PSEUDO_PARAMETERS.includes(reference.name), label).toBe(true);
      } else {
        const resource = template.Resources[reference.name];
        expect(resource, label).toBeDefined();
        expect(RESOURCE_TYPES[resource!.Type]?.attributes, label).toContain(reference.attribute);
      }
    }
  });

  it('uses every parameter it declares', () => {
    const used = new Set(references(template).filter((reference) => reference.kind === 'Ref').map((reference) => reference.name));
    for (const name of Object.keys(template.Parameters ?? {})) expect(used, name).toContain(name);
  });

  it('names only real IAM actions, in policies whose elements IAM knows', () => {
    const documents = policyDocuments(template);
    expect(documents.length).toBeGreaterThanOrEqual(2);
    for (const { where, document } of documents) {
      expect(document.Version, where).toBe('2012-10-17');
      for (const statement of statementsOf(document)) {
        expect(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'], where).toEqual(expect.arrayContaining(Object.keys(statement)));
        expect(['Allow', 'Deny'], where).toContain(statement['Effect']);
        for (const action of [...listOf(statement['Action'] as string | string[]), ...listOf(statement['NotAction'] as string | string[])]) {
          const [service = '', name = ''] = action.split(':');
          const pattern = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
          expect(ACTION_LISTS[service]?.some((known) => pattern.test(known)), `${where}: ${action}`).toBe(true);
        }
      }
    }
  });

  it('makes a private, encrypted bucket with CORS for the web origins that exposes ETag and Date', () => {
    const [, bucket] = only(exchange, 'AWS::S3::Bucket');
    const properties = bucket.Properties;
    expect(properties.BucketName).toEqual({ Ref: 'BucketName' });
    expect(properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/^(AES256|aws:kms)$/);
    const rules = properties.CorsConfiguration.CorsRules as Record<string, unknown>[];
    expect(rules).toHaveLength(1);
    expect(['AllowedHeaders', 'AllowedMethods', 'AllowedOrigins', 'ExposedHeaders', 'Id', 'MaxAge']).toEqual(expect.arrayContaining(Object.keys(rules[0]!)));
    expect(rules[0]).toMatchObject({ AllowedOrigins: { Ref: 'AllowedOrigins' }, AllowedMethods: expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']) });
    expect(rules[0]!['ExposedHeaders']).toEqual(expect.arrayContaining(['ETag', 'Date']));
    expect(resolved(exchange, rules[0]!['AllowedOrigins'])).toEqual(['https://app.example.com']);
  });

  it('aborts incomplete multipart uploads in the whole bucket, after the days the uploader offers to continue them', () => {
    const [, bucket] = only(exchange, 'AWS::S3::Bucket');
    const rule = abortRule(bucket.Properties);
    expect(rule, 'a LifecycleConfiguration rule with AbortIncompleteMultipartUpload').toBeDefined();
    // No Prefix, tag or size filter: every upload of every user's folder.
    expect(Object.keys(rule!).sort()).toEqual(['AbortIncompleteMultipartUpload', 'Id', 'Status']);
    expect(rule!['Status']).toBe('Enabled');
    expect(rule!['AbortIncompleteMultipartUpload']).toEqual({ DaysAfterInitiation: UPLOADER_RESUME_DAYS });
    // Control: the same bucket without the rule is caught.
    expect(abortRule({ ...bucket.Properties, LifecycleConfiguration: undefined })).toBeUndefined();
  });

  it('takes the Auth0 domain, client ID, bucket name and web origins as parameters', () => {
    expect(Object.keys(template.Parameters ?? {})).toEqual(expect.arrayContaining(['Auth0Domain', 'Auth0ClientId', 'BucketName', 'AllowedOrigins']));
    expect(template.Parameters!['AllowedOrigins'].Type).toBe('CommaDelimitedList');
  });

  it('gives the page its config in the outputs', () => {
    const config = JSON.parse(String(resolved(exchange, template.Outputs!['UploaderConfig'].Value))) as Record<string, unknown>;
    expect(config).toMatchObject({ domain: 'tenant.auth0.com', clientID: 'sandbox-client', bucket: 'uploads', region: 'us-east-1' });
    expect((config['exchange'] as { type?: string } | undefined)?.type).toBe(exchange === 'delegation' ? undefined : exchange);
    expect(resolved(exchange, template.Outputs!['BucketName'].Value)).toBe('uploads');
    expect(resolved(exchange, template.Outputs!['Region'].Value)).toBe('us-east-1');
  });
});

describe('each exchange\'s identity provider and role', () => {
  const trustOf = (exchange: Exchange) => statementsOf(policyDocuments(templates[exchange]).find(({ where }) => where.endsWith('AssumeRolePolicyDocument'))!.document);

  it('delegation: the SAML provider of the addon\'s metadata, and a role only it may assume, for AWS\'s SAML audience', () => {
    const [provider, saml] = only('delegation', 'AWS::IAM::SAMLProvider');
    expect(saml.Properties.SamlMetadataDocument).toEqual({ Ref: 'SamlMetadataDocument' });
    expect(trustOf('delegation')).toEqual([
      { Effect: 'Allow', Principal: { Federated: resolved('delegation', { Ref: provider }) }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } },
    ]);
    expect(resolved('delegation', templates.delegation.Outputs!['PrincipalArn'].Value)).toBe('arn:aws:iam::123456789012:saml-provider/auth0-provider');
    expect(resolved('delegation', templates.delegation.Outputs!['RoleArn'].Value)).toBe('arn:aws:iam::123456789012:role/auth0-s3-per-user');
  });

  it.each<Exchange>(['web-identity', 'cognito'])('%s: the tenant as an OIDC provider whose audience is the client ID', (exchange) => {
    const [, provider] = only(exchange, 'AWS::IAM::OIDCProvider');
    expect(resolved(exchange, provider.Properties)).toEqual({ Url: 'https://tenant.auth0.com/', ClientIdList: ['sandbox-client'] });
  });

  it('web-identity: a role only the OIDC provider may assume, for tokens whose aud is the client ID', () => {
    expect(trustOf('web-identity')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/tenant.auth0.com/' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'tenant.auth0.com/:aud': 'sandbox-client' } },
      },
    ]);
    expect(resolved('web-identity', templates['web-identity'].Outputs!['RoleArn'].Value)).toBe('arn:aws:iam::123456789012:role/auth0-s3-per-user');
  });

  it('cognito: a pool of the OIDC provider without guests, whose authenticated role only its signed-in identities may assume', () => {
    const [providerName] = only('cognito', 'AWS::IAM::OIDCProvider');
    const [poolName, pool] = only('cognito', 'AWS::Cognito::IdentityPool');
    expect(pool.Properties).toMatchObject({ AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [{ Ref: providerName }] });
    const [roleName] = only('cognito', 'AWS::IAM::Role');
    const [, attachment] = only('cognito', 'AWS::Cognito::IdentityPoolRoleAttachment');
    expect(attachment.Properties).toEqual({ IdentityPoolId: { Ref: poolName }, Roles: { authenticated: { 'Fn::GetAtt': [roleName, 'Arn'] } } });
    expect(trustOf('cognito')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:00000000-0000-4000-8000-000000000001' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
      },
    ]);
  });

  it.each<Exchange>(['delegation', 'web-identity'])('%s: the credential lifetime is the role\'s MaxSessionDuration, within what IAM allows', (exchange) => {
    const [, role] = only(exchange, 'AWS::IAM::Role');
    expect(role.Properties.MaxSessionDuration).toEqual({ Ref: 'CredentialLifetime' });
    expect(templates[exchange].Parameters!['CredentialLifetime']).toMatchObject({ Type: 'Number', Default: 3600, MinValue: 3600, MaxValue: 43200 });
  });
});

describe('the sandbox\'s own IAM actions', () => {
  it('are real action names too (each S3 request is evaluated as one of them)', () => {
    const text = readFileSync(join(ROOT, 'sandbox/policy.mjs'), 'utf8');
    const named = [...new Set([...text.matchAll(/'s3:(\w+)'/g)].map((match) => match[1]!))];
    expect(named.length).toBeGreaterThan(5);
    for (const name of named) expect(ACTION_LISTS['s3'], name).toContain(name);
    expect(ACTION_LISTS['s3']).not.toContain('DelObject');
  });
});

describe('the one command per exchange in examples/README.md', () => {
  const readme = readFileSync(join(ROOT, 'examples/README.md'), 'utf8');
  const commands = [...readme.matchAll(/```sh\n(aws cloudformation deploy[\s\S]*?)```/g)].map((match) => match[1]!.replace(/\\\n\s*/g, ' '));

  it.each(EXCHANGES)('deploys deploy/%s.yaml with every parameter it needs, valid values, and the IAM capability', (exchange) => {
    const command = commands.find((text) => text.includes(`--template-file deploy/${exchange}.yaml`));
    expect(command, `a command for deploy/${exchange}.yaml`).toBeDefined();
    expect(command).toContain('--capabilities CAPABILITY_IAM');
    expect(command).toMatch(/--stack-name \S+/);
    const overrides = command!.split('--parameter-overrides')[1] ?? '';
    const given = new Map([...overrides.matchAll(/(?:^|\s)(\w+)=("\$\([^)]*\)"|\S+)/g)].map((match) => [match[1]!, match[2]!]));
    const parameters = templates[exchange].Parameters ?? {};
    for (const name of given.keys()) expect(Object.keys(parameters), `${name} is a parameter`).toContain(name);
    for (const [name, parameter] of Object.entries(parameters)) {
      if (parameter.Default === undefined) expect([...given.keys()], `${name} is given`).toContain(name);
      const value = given.get(name);
      if (value === undefined || value.startsWith('"$(')) continue;
      if (parameter.AllowedPattern) expect(value, name).toMatch(new RegExp(parameter.AllowedPattern));
      if (parameter.Type === 'Number') expect(Number(value), name).toBeGreaterThanOrEqual(parameter.MinValue);
      if (parameter.Type === 'Number') expect(Number(value), name).toBeLessThanOrEqual(parameter.MaxValue);
    }
  });
});

describe('the policy examples/README.md shows for the console steps', () => {
  it('is deploy/delegation.yaml\'s, for a bucket named YOUR_BUCKET', () => {
    const readme = readFileSync(join(ROOT, 'examples/README.md'), 'utf8');
    const shown = /<!-- policy: delegation -->\n```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(shown).toBeDefined();
    const [document] = rolePolicy('delegation', { ...VALUES, bucket: 'YOUR_BUCKET' }).documents;
    expect(JSON.parse(shown!)).toEqual(document);
  });
});
