// What the differential test compares, and how the intended differences (cases.ts) are allowed for.
import { isDeepStrictEqual } from 'node:util';
import { ERROR_ADDITIONS, INTENDED } from './cases';
import type { Case } from './cases';

/** A request as the tenant received it. */
export interface WireRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  accept: string | undefined;
  body: string | null;
}

type Serialized = unknown;
interface CallRecord { call: number; thisIsWindow: boolean; thisIsUndefined: boolean; argc: number; err: Serialized; result: Serialized }

/** What page-runner.js recorded, with the requests the tenant saw. */
export interface Observed {
  requests: WireRequest[];
  constructError: Serialized;
  syncErrors: { call: number; error: Serialized }[];
  calls: CallRecord[];
  uncaught: string[];
}

/** Fields a synchronous error of this SDK adds to v7's plain `Error`: it is a `DelegationError`. */
const SYNC_ERROR_ADDITIONS = ['name', 'code', 'status', 'description'];
const REDACTED = '[redacted]';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Differences between two serialized errors: v7's fields with v7's values, only `allowed` extra. */
function errorDifferences(where: string, v7: Serialized, ours: Serialized, allowed: string[], secrets: string[]): string[] {
  if (!isObject(v7) || '$undefined' in v7) return isDeepStrictEqual(v7, ours) ? [] : [`${where}: v7 ${JSON.stringify(v7)}, ours ${JSON.stringify(ours)}`];
  if (!isObject(ours) || ours['$isError'] !== true) return [`${where}: ours is not an Error: ${JSON.stringify(ours)}`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(v7)) {
    if (key === '$isError') continue;
    const expected = typeof value === 'string' ? secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value) : value;
    if (!isDeepStrictEqual(expected, ours[key])) problems.push(`${where}.${key}: v7 ${JSON.stringify(value)}, ours ${JSON.stringify(ours[key])}`);
  }
  for (const key of Object.keys(ours)) {
    if (!(key in v7) && !key.startsWith('$') && !allowed.includes(key)) problems.push(`${where}: ours has ${key} (${JSON.stringify(ours[key])}), v7 does not`);
  }
  return problems;
}

/** Consecutive identical requests folded into one (retries repeat the request as it was). */
const folded = (requests: WireRequest[]) => requests.filter((request, index) => index === 0 || !isDeepStrictEqual(request, requests[index - 1]));
/** Identical requests, wherever they are, folded into one (a cache answers the later ones). */
const distinct = (requests: WireRequest[]) => requests.filter((request, index) => requests.findIndex((other) => isDeepStrictEqual(other, request)) === index);

function requestDifferences(testCase: Case, v7: WireRequest[], ours: WireRequest[]): string[] {
  const intended = testCase.intended ?? [];
  // A token refused locally is never sent: v7 sent it.
  const expected = intended.includes(INTENDED.checkedLocally) ? [] : intended.includes(INTENDED.cache) ? distinct(v7) : v7;
  const actual = intended.includes(INTENDED.retries) ? folded(ours) : ours;
  if (isDeepStrictEqual(expected, actual)) return [];
  return [`requests: v7 ${JSON.stringify(expected, null, 1)}\nours ${JSON.stringify(actual, null, 1)}`];
}

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** What ours says where v7 had a body that is not kept (issue 24: an empty message said nothing). */
export const notKept = (status: number): string => `HTTP ${status} from /delegation, with a body that is not a JSON object (not kept: see cause).`;

/** v7's LoginError(status, text), serialized by page-runner.js, for a text that is not kept (`notKept`). */
const loginErrorWithoutBody = (status: number): Serialized => ({ $isError: true, $message: notKept(status), status, name: { $undefined: true }, code: { $undefined: true }, details: { message: notKept(status), code: { $undefined: true } } });

/**
 * v7's error as ours should be where the case's body is not kept: that text as `notKept(status)` wherever
 * v7 had it; and where v7 handed over JSON that is no object (an array, a string, `null`) as `err`, the
 * LoginError v7 made for a body it could not read, without that body.
 */
function withoutBody(testCase: Case, error: Serialized): Serialized {
  const raws = new Map((testCase.answers ?? []).flatMap((answer) => ('raw' in answer && answer.raw !== undefined ? [[answer.raw, answer.status] as const] : [])));
  if (!(testCase.intended ?? []).includes(INTENDED.bodyNotKept) || raws.size === 0) return error;
  for (const answer of testCase.answers ?? []) {
    if (!('raw' in answer) || answer.raw === undefined || isObject(parsed(answer.raw)) || parsed(answer.raw) === undefined) continue;
    if (isDeepStrictEqual(parsed(answer.raw), error)) return loginErrorWithoutBody(answer.status);
  }
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string' && raws.has(value)) return notKept(raws.get(value) as number);
    return isObject(value) ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replace(inner)])) : value;
  };
  return replace(error);
}

function callDifferences(testCase: Case, v7: Observed, ours: Observed, secrets: string[]): string[] {
  const intended = testCase.intended ?? [];
  const problems: string[] = [];
  testCase.calls.forEach((_call, index) => {
    // A call that threw at once has no callback (the synchronous errors are compared on their own).
    if (v7.syncErrors.some((error) => error.call === index)) return;
    const theirs = v7.calls.filter((record) => record.call === index);
    const mine = ours.calls.filter((record) => record.call === index);
    if (mine.length !== 1) problems.push(`call ${index}: ours called back ${mine.length} times`);
    if (theirs.length !== 1 && !(intended.includes(INTENDED.callbackOnce) && theirs.length === 2)) problems.push(`call ${index}: v7 called back ${theirs.length} times`);
    const [a, b] = [theirs[0], mine[0]];
    if (a === undefined || b === undefined) return;
    const where = `call ${index}`;
    if (a.thisIsWindow !== b.thisIsWindow || a.thisIsUndefined !== b.thisIsUndefined) problems.push(`${where}: this differs`);
    if (intended.includes(INTENDED.checkedLocally)) {
      // v7 handed over the tenant's refusal; ours refuses first, with the SDK's own error.
      if (!isObject(b.err) || b.err['$isError'] !== true || b.err['name'] !== 'DelegationError' || b.argc !== 1) problems.push(`${where}: ours did not refuse the token itself: ${JSON.stringify(b)}`);
      return;
    }
    if (intended.includes(INTENDED.awsValidated) && a.err === null) {
      // v7 handed a 200 without credentials to the page as a success; ours refuses it.
      if (!isObject(b.err) || b.err['$isError'] !== true || b.argc !== 1) problems.push(`${where}: ours did not refuse the answer: ${JSON.stringify(b)}`);
      return;
    }
    if (a.argc !== b.argc) problems.push(`${where}: v7 passed ${a.argc} arguments, ours ${b.argc}`);
    problems.push(...errorDifferences(`${where} err`, withoutBody(testCase, a.err), b.err, ERROR_ADDITIONS, intended.includes(INTENDED.redacted) ? secrets : []));
    if (!isDeepStrictEqual(a.result, b.result)) problems.push(`${where} result: v7 ${JSON.stringify(a.result)}, ours ${JSON.stringify(b.result)}`);
  });
  return problems;
}

/** Every difference between v7 and ours that the case does not name as intended. */
export function differences(testCase: Case, v7: Observed, ours: Observed, secrets: string[]): string[] {
  const problems = [...requestDifferences(testCase, v7.requests, ours.requests)];
  problems.push(...errorDifferences('constructor', v7.constructError, ours.constructError, SYNC_ERROR_ADDITIONS, []));
  if (v7.syncErrors.length !== ours.syncErrors.length) problems.push(`synchronous errors: v7 ${JSON.stringify(v7.syncErrors)}, ours ${JSON.stringify(ours.syncErrors)}`);
  v7.syncErrors.forEach((error, index) => problems.push(...errorDifferences(`synchronous error ${index}`, error.error, ours.syncErrors[index]?.error ?? null, SYNC_ERROR_ADDITIONS, [])));
  problems.push(...callDifferences(testCase, v7, ours, secrets));
  // Where v7 caught the callback's exception and called it again, ours lets the page see it, once.
  const expectedUncaught = (testCase.intended ?? []).includes(INTENDED.callbackOnce) ? ['a bug in the page'] : v7.uncaught;
  if (!isDeepStrictEqual(expectedUncaught, ours.uncaught)) problems.push(`uncaught: v7 ${JSON.stringify(v7.uncaught)}, ours ${JSON.stringify(ours.uncaught)}`);
  return problems;
}
