// @ts-check
// IAM's Condition element (IAM User Guide: "Condition operators", "Conditions with multiple context
// keys or values"): operators ANDed, the keys of one operator ANDed, the values of one key ORed (NORed
// for a negated operator); a key missing from the request makes a condition false, a negated one true;
// `...IfExists` makes a missing key true; `Null` tests presence; `ForAnyValue:` / `ForAllValues:` compare
// every value of a multivalued key. Policy variables are read in String, ARN and Bool values only.
import { BlockList, isIP } from 'node:net';
import { arnMatches, compile, matches } from './iam-pattern.mjs';

/**
 * How one operator compares a request value with a policy value.
 * @typedef {object} Operator
 * @property {(request: string, policy: string, context: import('./iam-pattern.mjs').Context | undefined) => boolean} test
 * @property {boolean} [negated] the key's values must match none of the policy's (and a missing key is true)
 */

/** @type {(compare: (a: number, b: number) => boolean) => Operator['test']} */
const numeric = (compare) => (request, policy) => {
  const [a, b] = [numberOf(request), numberOf(policy)];
  return a !== undefined && b !== undefined && compare(a, b);
};
/** @type {(compare: (a: number, b: number) => boolean) => Operator['test']} */
const date = (compare) => (request, policy) => {
  const [a, b] = [timeOf(request), timeOf(policy)];
  return a !== undefined && b !== undefined && compare(a, b);
};
/** @type {(options: { wildcards: boolean, ignoreCase?: boolean }) => Operator['test']} */
const string = ({ wildcards, ignoreCase = false }) => (request, policy, context) => {
  const tokens = compile(policy, { context, wildcards });
  return tokens !== undefined && matches(tokens, request, { ignoreCase });
};

/** @type {Record<string, Operator['test']>} */
const POSITIVE = {
  StringEquals: string({ wildcards: false }),
  StringEqualsIgnoreCase: string({ wildcards: false, ignoreCase: true }),
  StringLike: string({ wildcards: true }),
  NumericEquals: numeric((a, b) => a === b),
  NumericLessThan: numeric((a, b) => a < b),
  NumericLessThanEquals: numeric((a, b) => a <= b),
  NumericGreaterThan: numeric((a, b) => a > b),
  NumericGreaterThanEquals: numeric((a, b) => a >= b),
  DateEquals: date((a, b) => a === b),
  DateLessThan: date((a, b) => a < b),
  DateLessThanEquals: date((a, b) => a <= b),
  DateGreaterThan: date((a, b) => a > b),
  DateGreaterThanEquals: date((a, b) => a >= b),
  Bool: (request, policy, context) => string({ wildcards: false, ignoreCase: true })(request, policy, context),
  BinaryEquals: (request, policy) => Buffer.from(request, 'base64').equals(Buffer.from(policy, 'base64')),
  IpAddress: (request, policy) => inRange(request, policy),
  ArnEquals: (request, policy, context) => arnMatches(policy, request, context),
  ArnLike: (request, policy, context) => arnMatches(policy, request, context),
};
/** The negated operators and the positive one each negates. */
const NEGATED = { StringNotEquals: 'StringEquals', StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase', StringNotLike: 'StringLike', NumericNotEquals: 'NumericEquals', DateNotEquals: 'DateEquals', NotIpAddress: 'IpAddress', ArnNotEquals: 'ArnEquals', ArnNotLike: 'ArnLike' };
/** The operators whose values may hold policy variables. */
const WITH_VARIABLES = /^(String|Arn|Bool)/;

/**
 * An operator name read: its set operator, its comparison, whether it ends in IfExists.
 * @param {string} name e.g. 'ForAnyValue:StringLikeIfExists'
 * @returns {{ set: 'ForAnyValue' | 'ForAllValues' | undefined, base: string, ifExists: boolean, operator: Operator | 'Null' } | undefined}
 */
export function readOperator(name) {
  const match = /^(?:(ForAnyValue|ForAllValues):)?(\w+?)(IfExists)?$/.exec(name);
  if (!match) return undefined;
  const [, set, base = '', ifExists] = match;
  if (base === 'Null') return ifExists ? undefined : { set: /** @type {any} */ (set), base, ifExists: false, operator: 'Null' };
  const positive = Object.hasOwn(NEGATED, base) ? NEGATED[/** @type {keyof typeof NEGATED} */ (base)] : base;
  const test = Object.hasOwn(POSITIVE, positive) ? POSITIVE[positive] : undefined;
  if (test === undefined) return undefined;
  return { set: /** @type {any} */ (set), base, ifExists: ifExists !== undefined, operator: { test, negated: positive !== base } };
}

/**
 * Whether a statement's Condition element holds for the request.
 * @param {Record<string, Record<string, unknown>> | undefined} condition
 * @param {import('./iam-pattern.mjs').Context} context
 * @param {boolean} variables whether the policy's version reads policy variables (2012-10-17)
 * @throws {Error} an operator IAM does not have (the sandbox checks documents when it starts)
 */
export function conditionHolds(condition, context, variables) {
  return Object.entries(condition ?? {}).every(([name, keys]) => {
    const read = readOperator(name);
    if (read === undefined) throw new Error(`Unknown condition operator ${name}.`);
    return Object.entries(keys).every(([key, values]) => keyHolds(read, context.get(key.toLowerCase()), listOf(values), variables && WITH_VARIABLES.test(read.base) ? context : undefined));
  });
}

/**
 * One key of one operator.
 * @param {NonNullable<ReturnType<typeof readOperator>>} read @param {string | string[] | undefined} value
 * @param {string[]} policyValues @param {import('./iam-pattern.mjs').Context | undefined} context
 */
function keyHolds({ set, ifExists, operator }, value, policyValues, context) {
  const requestValues = value === undefined ? [] : [value].flat().filter((item) => item !== '' || set === undefined);
  if (operator === 'Null') return policyValues.some((expected) => (expected.toLowerCase() === 'true') === (requestValues.length === 0));
  if (requestValues.length === 0) {
    if (ifExists) return true;
    // ForAllValues over an empty set is true, ForAnyValue false (the set-operators page); without a set
    // operator, a missing key is false, and true for a negated operator (the condition-operators page).
    return set === 'ForAllValues' || (set === undefined && operator.negated === true);
  }
  const one = (/** @type {string} */ request) => {
    const hit = policyValues.some((policy) => operator.test(request, policy, context));
    return operator.negated ? !hit : hit;
  };
  return set === 'ForAllValues' ? requestValues.every(one) : operator.negated && set === undefined ? requestValues.every(one) : requestValues.some(one);
}

/** A policy value or list of them, as strings (JSON booleans and numbers included). */
const listOf = (/** @type {unknown} */ values) => [values].flat().map(String);

/** A number as IAM reads one: an integer or decimal, nothing else. */
function numberOf(/** @type {string} */ text) {
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim()) ? Number(text) : undefined;
}

/** A time: epoch seconds, or an ISO 8601 date or date-time (W3C's profile). */
function timeOf(/** @type {string} */ text) {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** Whether an IP address is in a CIDR range (a bare address is its /32 or /128). */
function inRange(/** @type {string} */ address, /** @type {string} */ range) {
  const [network = '', bits] = range.split('/');
  const family = isIP(network);
  if (family === 0 || isIP(address) === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}
