// Issue 24, point 7: IAM's Condition element (sandbox/iam-conditions.mjs), table by table, against
// the rules and examples of the IAM User Guide's "Condition operators" and "Conditions with multiple
// context keys or values" pages. pbac, which the sandbox used before, read only the first key of an
// operator and had Null backwards.
import { describe, expect, it } from 'vitest';
import { conditionHolds } from '../../../sandbox/iam-conditions.mjs';

type Context = Record<string, string | string[]>;
const holds = (condition: Record<string, Record<string, unknown>>, context: Context) => conditionHolds(condition, new Map(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value])), true);

describe('several keys and values', () => {
  // "multiple context keys attached to a single condition operator ... logical AND"; "multiple values
  // for a context key ... logical OR"; "negated matching condition operator ... logical NOR".
  const condition = { StringEquals: { 'aws:PrincipalTag/department': 'finance', 'aws:PrincipalTag/role': ['audit', 'security'] } };
  it.each<[Context, boolean]>([
    [{ 'aws:PrincipalTag/department': 'finance', 'aws:PrincipalTag/role': 'audit' }, true],
    [{ 'aws:PrincipalTag/department': 'finance', 'aws:PrincipalTag/role': 'security' }, true],
    [{ 'aws:PrincipalTag/department': 'finance', 'aws:PrincipalTag/role': 'sales' }, false],
    [{ 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'audit' }, false],
    [{ 'aws:PrincipalTag/department': 'finance' }, false],
  ])('keys ANDed, values ORed: %j -> %s', (context, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });

  it.each<[Context, boolean]>([
    [{ 'aws:PrincipalTag/role': 'audit' }, false],
    [{ 'aws:PrincipalTag/role': 'security' }, false],
    [{ 'aws:PrincipalTag/role': 'sales' }, true],
    // "If the policy condition requires that the key is not matched ... and the right key is not present, the condition is true."
    [{}, true],
  ])('a negated operator NORs its values: StringNotEquals role [audit, security] with %j -> %s', (context, expected) => {
    expect(holds({ StringNotEquals: { 'aws:PrincipalTag/role': ['audit', 'security'] } }, context)).toBe(expected);
  });

  it('operators are ANDed', () => {
    const condition = { StringLike: { 's3:prefix': 'home/*' }, NumericLessThanEquals: { 's3:max-keys': '10' } };
    expect(holds(condition, { 's3:prefix': 'home/a', 's3:max-keys': '10' })).toBe(true);
    expect(holds(condition, { 's3:prefix': 'home/a', 's3:max-keys': '11' })).toBe(false);
  });
});

describe('a missing key', () => {
  it.each<[string, boolean]>([
    ['StringEquals', false],
    ['StringLike', false],
    ['NumericLessThan', false],
    ['DateGreaterThan', false],
    ['Bool', false],
    ['ArnLike', false],
    ['IpAddress', false],
    ['StringNotLike', true],
    ['ArnNotLike', true],
    ['NotIpAddress', true],
    ['StringLikeIfExists', true],
    ['NumericLessThanIfExists', true],
    ['StringNotEqualsIfExists', true],
  ])('%s -> %s', (operator, expected) => {
    expect(holds({ [operator]: { 'x:absent': '1' } }, {})).toBe(expected);
  });

  it('Null: "true" when the key is absent, "false" when it is present (the TokenIssueTime example)', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, {})).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' })).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, {})).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': false } }, { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' })).toBe(true);
  });

  it('IfExists still compares a present key (the ec2:InstanceType example)', () => {
    const condition = { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } };
    expect([holds(condition, {}), holds(condition, { 'ec2:InstanceType': 't2.micro' }), holds(condition, { 'ec2:InstanceType': 'c5.large' })]).toEqual([true, true, false]);
  });
});

describe('set operators (the dynamodb:requestedAttributes examples)', () => {
  const allowed = { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } };
  const denied = { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } };
  it.each<[string[] | undefined, boolean, boolean]>([
    [['PostDateTime', 'Message'], true, true],
    [['PostDateTime', 'UserName'], false, true],
    [['UserName', 'Message', 'PostDateTime'], false, true],
    [['UserName'], false, false],
    // "If the key values in the request resolve to an empty data set (for example, an empty string), ...
    // ForAllValues returns true, and ... ForAnyValue returns false."
    [[], true, false],
    [[''], true, false],
    [undefined, true, false],
  ])('requested %j: ForAllValues (allow list) %s, ForAnyValue (deny list) %s', (attributes, all, any) => {
    const context: Context = attributes === undefined ? {} : { 'dynamodb:requestedAttributes': attributes };
    expect([holds(allowed, context), holds(denied, context)]).toEqual([all, any]);
  });

  it('a negated operator under a set operator: ForAllValues:StringNotLike holds when no value matches', () => {
    const condition = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['secret*'] } };
    expect([holds(condition, { 'aws:TagKeys': ['a', 'b'] }), holds(condition, { 'aws:TagKeys': ['a', 'secretx'] })]).toEqual([true, false]);
  });
});

describe('each kind of operator', () => {
  it.each<[string, string, unknown, boolean]>([
    ['StringEquals', 'Finance', 'Finance', true],
    ['StringEquals', 'finance', 'Finance', false],
    ['StringEquals', 'abc', 'a*', false],
    ['StringEqualsIgnoreCase', 'finance', 'FINANCE', true],
    ['StringNotEqualsIgnoreCase', 'finance', 'FINANCE', false],
    ['StringLike', 'home/a\nb', 'home/*', true],
    ['StringNotLike', 'home/x', 'home/*', false],
    ['NumericLessThanEquals', '10', '10', true],
    ['NumericLessThanEquals', '11', 10, false],
    ['NumericGreaterThan', '2.5', '2', true],
    ['NumericEquals', 'ten', '10', false],
    ['DateGreaterThan', '2020-06-01T00:00:00Z', '2020-01-01T00:00:01Z', true],
    ['DateGreaterThan', '2019-12-31T23:59:59Z', '2020-01-01T00:00:01Z', false],
    ['DateLessThan', '1577836800', '2020-01-01T00:00:01Z', true],
    ['DateEquals', 'yesterday', '2020-01-01', false],
    ['Bool', 'false', 'false', true],
    ['Bool', 'true', false, false],
    ['BinaryEquals', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', true],
    ['IpAddress', '203.0.113.77', '203.0.113.0/24', true],
    ['IpAddress', '203.0.114.1', '203.0.113.0/24', false],
    ['IpAddress', '2001:db8:1234:5678::1', '2001:DB8:1234:5678::/64', true],
    ['IpAddress', '203.0.113.7', '203.0.113.7', true],
    ['NotIpAddress', '198.51.100.1', '203.0.113.0/24', true],
    ['ArnEquals', 'arn:aws:sns:us-east-1:123456789012:topic', 'arn:aws:sns:*:123456789012:topic', true],
    ['ArnLike', 'arn:aws:sns:us-east-1:999:x:123456789012:topic', 'arn:aws:sns:*:123456789012:topic', false],
    ['ArnNotLike', 'arn:aws:sns:us-east-1:123456789012:topic', 'arn:aws:sns:*:123456789012:*', false],
  ])('%s: request %j, policy %j -> %s', (operator, request, policy, expected) => {
    expect(holds({ [operator]: { 'x:key': policy } }, { 'x:key': request })).toBe(expected);
  });

  it('reads policy variables in String and ARN values, not in Numeric ones ("You can not use a policy variable with the Numeric condition operator")', () => {
    const context = { 'aws:username': 'bob', 's3:prefix': 'home/bob/', 'x:limit': '5', 's3:max-keys': '5' };
    expect(holds({ StringLike: { 's3:prefix': 'home/${aws:username}/' } }, context)).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'home/${aws:username}/' } }, { ...context, 'aws:username': 'alice' })).toBe(false);
    expect(holds({ NumericEquals: { 's3:max-keys': '${x:limit}' } }, context)).toBe(false);
  });

  it('throws on an operator IAM does not have', () => {
    expect(() => holds({ StringSimilar: { 'x:key': 'a' } }, {})).toThrow(/Unknown condition operator StringSimilar/);
    expect(() => holds({ NullIfExists: { 'x:key': 'true' } }, {})).toThrow(/NullIfExists/);
  });
});
