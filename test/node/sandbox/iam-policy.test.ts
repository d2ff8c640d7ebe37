// Issue 24, point 7: IAM's decision over whole documents (sandbox/iam-policy.mjs): Deny over Allow over
// the implicit deny, Action / NotAction, Resource / NotResource, conditions and policy variables, on the
// example policies of the IAM User Guide (pages named in each case).
import { describe, expect, it } from 'vitest';
import { decide, readPolicies } from '../../../sandbox/iam-policy.mjs';

type Document = Parameters<typeof readPolicies>[0][number];
type Context = Record<string, string | string[]>;
const decision = (documents: Document[], action: string, resource: string, context: Context = {}) => decide(readPolicies(documents), { action, resource, context });

describe('"IAM policy elements: Variables and tags": the per-user folder', () => {
  const policy: Document = {
    Version: '2012-10-17',
    Statement: [
      { Action: ['s3:ListBucket'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket'], Condition: { StringLike: { 's3:prefix': ['${aws:username}/*'] } } },
      { Action: ['s3:GetObject', 's3:PutObject'], Effect: 'Allow', Resource: ['arn:aws:s3:::mybucket/${aws:username}/*'] },
    ],
  };
  const david = { 'aws:username': 'David' };
  it.each<[string, string, Context, string]>([
    ['s3:GetObject', 'arn:aws:s3:::mybucket/David/report.txt', david, 'Allow'],
    ['s3:PutObject', 'arn:aws:s3:::mybucket/David/a/b', david, 'Allow'],
    ['s3:GetObject', 'arn:aws:s3:::mybucket/Bob/report.txt', david, 'ImplicitDeny'],
    ['s3:DeleteObject', 'arn:aws:s3:::mybucket/David/report.txt', david, 'ImplicitDeny'],
    ['s3:ListBucket', 'arn:aws:s3:::mybucket', { ...david, 's3:prefix': 'David/' }, 'Allow'],
    ['s3:ListBucket', 'arn:aws:s3:::mybucket', { ...david, 's3:prefix': 'Bob/' }, 'ImplicitDeny'],
    ['s3:ListBucket', 'arn:aws:s3:::mybucket', david, 'ImplicitDeny'],
    // A session without the variable's key: "any attempt to match it fails".
    ['s3:GetObject', 'arn:aws:s3:::mybucket/David/report.txt', {}, 'ImplicitDeny'],
  ])('%s %s with %j -> %s', (action, resource, context, expected) => {
    expect(decision([policy], action, resource, context)).toBe(expected);
  });

  it('without Version 2012-10-17 the variable is a literal string', () => {
    const old: Document = { Version: '2008-10-17', Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::mybucket/${aws:username}/*' }] };
    expect(decision([old], 's3:GetObject', 'arn:aws:s3:::mybucket/David/x', { 'aws:username': 'David' })).toBe('ImplicitDeny');
    expect(decision([old], 's3:GetObject', 'arn:aws:s3:::mybucket/${aws:username}/x', { 'aws:username': 'David' })).toBe('Allow');
  });
});

describe('"Condition operators": the home directory with an empty prefix, home/ and home/${aws:username}/', () => {
  const policy: Document = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetBucketLocation'], Resource: 'arn:aws:s3:::*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::BUCKET-NAME', Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/'] } } },
      { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::BUCKET-NAME/home/${aws:username}', 'arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*'] },
    ],
  };
  it.each<[string, string, Context, string]>([
    ['s3:ListBucket', 'arn:aws:s3:::BUCKET-NAME', { 's3:prefix': '' }, 'Allow'],
    ['s3:ListBucket', 'arn:aws:s3:::BUCKET-NAME', { 's3:prefix': 'home/' }, 'Allow'],
    ['s3:ListBucket', 'arn:aws:s3:::BUCKET-NAME', { 's3:prefix': 'home/bob/' }, 'Allow'],
    ['s3:ListBucket', 'arn:aws:s3:::BUCKET-NAME', { 's3:prefix': 'home/alice/' }, 'ImplicitDeny'],
    ['s3:DeleteObject', 'arn:aws:s3:::BUCKET-NAME/home/bob/x', {}, 'Allow'],
    ['s3:deleteobject', 'arn:aws:s3:::BUCKET-NAME/home/bob', {}, 'Allow'],
    ['s3:DeleteObject', 'arn:aws:s3:::BUCKET-NAME/home/bobby/x', {}, 'ImplicitDeny'],
    ['s3:GetBucketLocation', 'arn:aws:s3:::other-bucket', {}, 'Allow'],
  ])('bob: %s %s %j -> %s', (action, resource, context, expected) => {
    expect(decision([policy], action, resource, { 'aws:username': 'bob', ...context })).toBe(expected);
  });
});

describe('Deny, Allow and the implicit deny ("Policy evaluation logic")', () => {
  const allowAll: Document = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } };
  // "Boolean condition operators": deny every S3 action on the bucket unless the request came over TLS.
  const denyInsecure: Document = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'BooleanExample', Action: 's3:*', Effect: 'Deny', Resource: ['arn:aws:s3:::DOC-EXAMPLE-BUCKET', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
  };
  it.each<[Document[], Context, string]>([
    [[allowAll], { 'aws:SecureTransport': 'false' }, 'Allow'],
    [[denyInsecure], { 'aws:SecureTransport': 'true' }, 'ImplicitDeny'],
    [[allowAll, denyInsecure], { 'aws:SecureTransport': 'false' }, 'ExplicitDeny'],
    [[denyInsecure, allowAll], { 'aws:SecureTransport': 'false' }, 'ExplicitDeny'],
    [[allowAll, denyInsecure], { 'aws:SecureTransport': 'true' }, 'Allow'],
  ])('%#: an explicit Deny wins in any order', (documents, context, expected) => {
    expect(decision(documents, 's3:GetObject', 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/x', context)).toBe(expected);
  });

  it('NotAction allows everything but the actions it names ("IAM JSON policy elements: NotAction")', () => {
    const policy: Document = { Version: '2012-10-17', Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } };
    expect(decision([policy], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('Allow');
    expect(decision([policy], 'iam:CreateUser', 'arn:aws:iam::1:user/x')).toBe('ImplicitDeny');
  });

  it('NotResource denies everything but the resources it names ("IAM JSON policy elements: NotResource")', () => {
    const policy: Document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] },
      ],
    };
    expect(decision([policy], 's3:GetObject', 'arn:aws:s3:::HRBucket/Payroll/jan.csv')).toBe('Allow');
    expect(decision([policy], 's3:GetObject', 'arn:aws:s3:::HRBucket/Other/jan.csv')).toBe('ExplicitDeny');
  });

  it('the Null example ("the user must not be using temporary credentials")', () => {
    const policy: Document = { Version: '2012-10-17', Statement: { Action: 'ec2:*', Effect: 'Allow', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } } };
    expect(decision([policy], 'ec2:RunInstances', '*')).toBe('Allow');
    expect(decision([policy], 'ec2:RunInstances', '*', { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' })).toBe('ImplicitDeny');
  });

  it('the set-operator Deny (PutItem of ID or PostDateTime) next to an Allow', () => {
    const policy: Document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' },
        { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:REGION:ACCOUNT:table/Thread', Condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } } },
      ],
    };
    const put = (attributes: string[]) => decision([policy], 'dynamodb:PutItem', 'arn:aws:dynamodb:REGION:ACCOUNT:table/Thread', { 'dynamodb:requestedAttributes': attributes });
    expect([put(['UserName', 'Message', 'PostDateTime']), put(['UserName'])]).toEqual(['ExplicitDeny', 'Allow']);
  });
});

describe('readPolicies', () => {
  it.each<[string, unknown]>([
    ['an unknown element', { Effect: 'Allow', Action: '*', Resource: '*', Extra: 1 }],
    ['both Action and NotAction', { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' }],
    ['no Resource', { Effect: 'Allow', Action: '*' }],
    ['an Effect IAM does not have', { Effect: 'Maybe', Action: '*', Resource: '*' }],
    ['an unknown operator', { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringSounds: { 'x:y': 'z' } } }],
    ['a Principal (an identity policy has none)', { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
  ])('refuses a statement with %s', (_name, statement) => {
    expect(() => readPolicies([{ Version: '2012-10-17', Statement: statement }])).toThrow(/IAM would refuse or the sandbox cannot evaluate/);
  });

  it('takes a single statement or a list of them', () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
    expect(readPolicies([{ Version: '2012-10-17', Statement: statement }, { Version: '2012-10-17', Statement: [statement, statement] }])).toHaveLength(3);
  });
});
