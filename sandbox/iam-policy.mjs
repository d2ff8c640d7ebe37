// @ts-check
// IAM's evaluation of identity policies for one request (IAM User Guide: "Policy evaluation logic"):
// an explicit Deny in any statement wins; otherwise an Allow allows; otherwise the request is denied
// implicitly. A statement applies when its Action (or NotAction), its Resource (or NotResource) and
// every condition match. Documents are checked when they are read, so a policy the sandbox could not
// evaluate faithfully stops it from starting rather than denying at a user's first request.
import { conditionHolds, readOperator } from './iam-conditions.mjs';
import { arnMatches, compile, matches } from './iam-pattern.mjs';

/**
 * @typedef {object} Statement a policy statement, as IAM reads it (single values or lists)
 * @property {'Allow' | 'Deny'} Effect
 * @property {string | string[]} [Action]
 * @property {string | string[]} [NotAction]
 * @property {string | string[]} [Resource]
 * @property {string | string[]} [NotResource]
 * @property {Record<string, Record<string, unknown>>} [Condition]
 */

/**
 * @typedef {object} Request what is asked
 * @property {string} action e.g. 's3:GetObject'
 * @property {string} resource the resource's ARN
 * @property {Record<string, string | string[]>} context condition keys and their values (IAM reads key
 *   names without regard to case); policy variables are read from it too
 */

/** @typedef {'Allow' | 'ExplicitDeny' | 'ImplicitDeny'} Decision */

const KNOWN = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
/** @param {unknown} value @returns {string[]} */
const list = (value) => [value ?? []].flat().map(String);

/**
 * The statements of policy documents, checked: each has an Effect, exactly one of Action / NotAction
 * and of Resource / NotResource, and only condition operators IAM has.
 * @param {{ Version?: string, Statement: unknown }[]} documents
 * @returns {{ statement: Statement, variables: boolean }[]} each statement, and whether its document's
 *   version reads policy variables (2012-10-17; older versions take `${...}` as text)
 * @throws {Error} naming what IAM would refuse, or what the sandbox does not evaluate (Principal)
 * @example readPolicies([{ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }])
 */
export function readPolicies(documents) {
  return documents.flatMap((document) => [document.Statement].flat().map((item) => {
    const statement = /** @type {Statement} */ (item);
    const problem = statementProblem(statement);
    if (problem) throw new Error(`A policy statement IAM would refuse or the sandbox cannot evaluate: ${problem}.`);
    return { statement, variables: document.Version === '2012-10-17' };
  }));
}

/** @param {Statement} statement */
function statementProblem(statement) {
  if (statement === null || typeof statement !== 'object') return 'not an object';
  const unknown = Object.keys(statement).find((name) => !KNOWN.has(name));
  if (unknown) return `unknown element ${unknown}`;
  if ('Principal' in statement || 'NotPrincipal' in statement) return 'a Principal in an identity policy';
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return `Effect ${String(statement.Effect)}`;
  if (('Action' in statement) === ('NotAction' in statement)) return 'it needs exactly one of Action and NotAction';
  if (('Resource' in statement) === ('NotResource' in statement)) return 'it needs exactly one of Resource and NotResource';
  const operator = Object.keys(statement.Condition ?? {}).find((name) => readOperator(name) === undefined);
  return operator === undefined ? undefined : `unknown condition operator ${operator}`;
}

/**
 * IAM's decision for one request over the statements of readPolicies.
 * @param {ReturnType<typeof readPolicies>} statements @param {Request} request @returns {Decision}
 * @example decide(readPolicies(documents), { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} })
 */
export function decide(statements, request) {
  const context = new Map(Object.entries(request.context).map(([key, value]) => [key.toLowerCase(), value]));
  let allowed = false;
  for (const { statement, variables } of statements) {
    if (!applies(statement, request, context, variables)) continue;
    if (statement.Effect === 'Deny') return 'ExplicitDeny';
    allowed = true;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/**
 * @param {Statement} statement @param {Request} request
 * @param {import('./iam-pattern.mjs').Context} context @param {boolean} variables whether `${...}` are read
 */
function applies(statement, request, context, variables) {
  const variablesFrom = variables ? context : undefined;
  const actionHit = (/** @type {string[]} */ patterns) => patterns.some((pattern) => matches(/** @type {NonNullable<ReturnType<typeof compile>>} */ (compile(pattern, { wildcards: true })), request.action, { ignoreCase: true }));
  const resourceHit = (/** @type {string[]} */ patterns) => patterns.some((pattern) => arnMatches(pattern, request.resource, variablesFrom));
  const action = 'Action' in statement ? actionHit(list(statement.Action)) : !actionHit(list(statement.NotAction));
  const resource = 'Resource' in statement ? resourceHit(list(statement.Resource)) : !resourceHit(list(statement.NotResource));
  return action && resource && conditionHolds(statement.Condition, context, variables);
}
