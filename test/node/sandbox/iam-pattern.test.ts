// Issue 24, point 7: IAM's wildcards, policy variables and ARN matching (sandbox/iam-pattern.mjs),
// checked against the examples of the IAM User Guide ("IAM JSON policy elements: Resource", "Condition
// operators", "IAM policy elements: Variables and tags").
import { describe, expect, it } from 'vitest';
import { arnMatches, compile, matches } from '../../../sandbox/iam-pattern.mjs';

const like = (pattern: string, subject: string, context?: Record<string, string>) => {
  const tokens = compile(pattern, { wildcards: true, ...(context ? { context: new Map(Object.entries(context)) } : {}) });
  return tokens !== undefined && matches(tokens, subject);
};

describe('wildcards', () => {
  it.each<[string, string, boolean]>([
    ['*', '', true],
    ['a*', 'a', true],
    ['a*c', 'abbbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['*a*a*a*a*a*a*b', `${'a'.repeat(5000)}`, false],
    // pbac's `*` stopped at a line end: IAM's is "any combination of characters".
    ['home/*', 'home/line\nbreak', true],
    ['a?b', 'a\nb', true],
    // One character is one code point, not one UTF-16 unit.
    ['?', '😀', true],
  ])('%j against %j -> %s', (pattern, subject, expected) => {
    expect(like(pattern, subject)).toBe(expected);
  });

  it('compares case-sensitively unless asked not to (StringEqualsIgnoreCase)', () => {
    const tokens = compile('Finance', { wildcards: false })!;
    expect([matches(tokens, 'finance'), matches(tokens, 'finance', { ignoreCase: true }), matches(tokens, 'Finance')]).toEqual([false, true, true]);
  });

  it('takes * and ? as characters where they are not wildcards (StringEquals)', () => {
    const tokens = compile('a*', { wildcards: false })!;
    expect([matches(tokens, 'a*'), matches(tokens, 'abc')]).toEqual([true, false]);
  });
});

describe('policy variables', () => {
  it('replace ${key} from the context, key names without regard to case ("aws:CurrentTime is equivalent to AWS:currenttime")', () => {
    expect(like('arn:aws:s3:::mybucket/${aws:username}/*', 'arn:aws:s3:::mybucket/David/x', { 'aws:username': 'David' })).toBe(true);
    expect(like('mybucket/${AWS:UserName}/*', 'mybucket/David/x', { 'aws:username': 'David' })).toBe(true);
    expect(like('mybucket/${aws:username}/*', 'mybucket/Bob/x', { 'aws:username': 'David' })).toBe(false);
  });

  it('a variable without a value matches nothing; its default stands in ("${aws:PrincipalTag/team, \'company-wide\'}")', () => {
    expect(compile('bucket/${aws:PrincipalTag/team}/*', { wildcards: true, context: new Map() })).toBeUndefined();
    expect(like("bucket/${aws:PrincipalTag/team, 'company-wide'}/*", 'bucket/company-wide/x', {})).toBe(true);
    expect(like("bucket/${aws:PrincipalTag/team, 'company-wide'}/*", 'bucket/blue/x', { 'aws:principaltag/team': 'blue' })).toBe(true);
  });

  it.each<[string, string, boolean]>([
    // "${*} - use where you need an * (asterisk) character", likewise ${?} and ${$}.
    ['sales${*}service', 'sales*service', true],
    ['sales${*}service', 'salesXservice', false],
    ['what${?}', 'what?', true],
    ['what${?}', 'whatX', false],
    ['${$}{aws:username}', '${aws:username}', true],
  ])('escape %j against %j -> %s', (pattern, subject, expected) => {
    expect(like(pattern, subject, { 'aws:username': 'David' })).toBe(expected);
  });

  it('are text without a context (a policy without Version 2012-10-17: "treated as literal strings")', () => {
    expect(like('mybucket/${aws:username}/x', 'mybucket/${aws:username}/x')).toBe(true);
    expect(like('mybucket/${aws:username}/x', 'mybucket/David/x')).toBe(false);
  });

  it('a substituted value keeps its wildcards: the reading that allows more (AWS does not say), so the templates must hold under it', () => {
    expect(like('uploads/${saml:sub}/*', 'uploads/auth0|alice/x', { 'saml:sub': 'auth0|a*' })).toBe(true);
    expect(like('uploads/${saml:sub}/*', 'uploads/auth0|bob/x', { 'saml:sub': 'auth0|a*' })).toBe(false);
  });
});

describe('ARNs', () => {
  // "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*" and the objects the page lists.
  it.each<[string, boolean]>([
    ['1/test/object.jpg', true],
    ['1/2/test/object.jpg', true],
    ['1/2/test/3/object.jpg', true],
    ['1/2/3/test/4/object.jpg', true],
    ['1///test///object.jpg', true],
    ['1/test/.jpg', true],
    ['/test/object.jpg', true],
    ['1/test/', true],
    ['1-test/object.jpg', false],
    ['test/object.jpg', false],
    ['1/2/test.jpg', false],
  ])('amzn-s3-demo-bucket/*/test/* and %j -> %s', (key, expected) => {
    expect(arnMatches('arn:aws:s3:::amzn-s3-demo-bucket/*/test/*', `arn:aws:s3:::amzn-s3-demo-bucket/${key}`, undefined)).toBe(expected);
  });

  it('matches component by component: the ArnLike example of the condition-operators page fails where StringLike succeeds', () => {
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    expect(like(pattern, value)).toBe(true);
    expect(arnMatches(pattern, value, undefined)).toBe(false);
    expect(arnMatches(pattern, 'arn:aws:someservice:us-east-2:111122223333:finance/document.txt', undefined)).toBe(true);
  });

  it('"*" is every resource; a trailing * of a last, shorter component takes the rest, colons included', () => {
    expect(arnMatches('*', 'arn:aws:s3:::b/k', undefined)).toBe(true);
    expect(arnMatches('arn:aws:s3:*', 'arn:aws:s3:::b/k', undefined)).toBe(true);
    expect(arnMatches('arn:aws:s3', 'arn:aws:s3:::b/k', undefined)).toBe(false);
    expect(arnMatches('arn:aws:sqs:*', 'arn:aws:s3:::b/k', undefined)).toBe(false);
  });

  it('reads variables in the resource part only ("only in the resource portion of the ARN")', () => {
    const context = new Map([['aws:username', 'David'], ['x:region', 'us-east-1']]);
    expect(arnMatches('arn:aws:s3:::mybucket/${aws:username}/*', 'arn:aws:s3:::mybucket/David/a', context)).toBe(true);
    expect(arnMatches('arn:aws:sqs:${x:region}:1:q', 'arn:aws:sqs:us-east-1:1:q', context)).toBe(false);
  });
});
