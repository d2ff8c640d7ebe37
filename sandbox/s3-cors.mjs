// @ts-check
// A bucket's CORS as S3 applies it (S3 User Guide, "How does Amazon S3 evaluate the CORS configuration
// on a bucket?", "Testing CORS"): the first rule whose AllowedOrigins match the Origin, whose
// AllowedMethods hold the method (a preflight's Access-Control-Request-Method) and, for a preflight,
// whose AllowedHeaders match every header of Access-Control-Request-Headers (each pattern with at most one
// `*`, without regard to case). A preflight no rule matches is 403 AccessForbidden ("CORSResponse: This
// CORS request is not allowed..."), one without Origin or a method 400 BadRequest; an actual request no
// rule matches is answered without CORS headers (so the browser hides it). A matched rule's
// ExposedHeaders are all a page may read. The rules are CloudFormation's CorsRules, as deploy/*.yaml
// write them (the sandbox passes the templates' own: template-policy.mjs).
import { s3Error } from './s3-errors.mjs';

/**
 * @typedef {object} CorsRule one of a bucket's CorsConfiguration.CorsRules
 * @property {string[]} AllowedOrigins
 * @property {string[]} AllowedMethods of GET, PUT, POST, DELETE, HEAD
 * @property {string[]} [AllowedHeaders] what a preflight may ask for (default: none)
 * @property {string[]} [ExposedHeaders] (default: none)
 * @property {number} [MaxAge] seconds a browser may keep the preflight's answer
 */

/**
 * The rule S3 applies, or undefined.
 * @param {CorsRule[]} rules @param {string} origin @param {string} method
 * @param {string[]} [requested] a preflight's Access-Control-Request-Headers, lower-case
 */
export function corsRule(rules, origin, method, requested = []) {
  return rules.find((rule) => rule.AllowedOrigins.some((pattern) => matches(pattern, origin)) && rule.AllowedMethods.includes(method) && requested.every((name) => (rule.AllowedHeaders ?? []).some((pattern) => matches(pattern.toLowerCase(), name))));
}

/**
 * Answers a preflight (OPTIONS) as S3 does: the rule's methods, the headers asked for, its MaxAge.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 * @param {CorsRule[]} rules
 * @throws {import('./s3-errors.mjs').S3Error} 400 BadRequest (no Origin, no method), 403 AccessForbidden
 */
export function answerPreflight(req, res, rules) {
  const origin = req.headers['origin'];
  const method = req.headers['access-control-request-method'];
  if (origin === undefined) throw s3Error(400, 'BadRequest', 'Insufficient information. Origin request header needed.');
  if (method === undefined) throw s3Error(400, 'BadRequest', 'Invalid Access-Control-Request-Method: null');
  const requested = (req.headers['access-control-request-headers'] ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const rule = corsRule(rules, origin, method, requested);
  if (rule === undefined) {
    throw s3Error(403, 'AccessForbidden', "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", { Method: method, ResourceType: 'OBJECT' });
  }
  res.writeHead(200, {
    ...ruleHeaders(rule, origin),
    ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
    ...(rule.MaxAge === undefined ? {} : { 'access-control-max-age': String(rule.MaxAge) }),
    'content-length': '0',
  }).end();
}

/**
 * The CORS headers of an actual request's answer (none when no rule matches its origin and method).
 * @param {CorsRule[]} rules @param {string | undefined} origin @param {string} method
 * @returns {Record<string, string>}
 */
export function corsHeaders(rules, origin, method) {
  const rule = origin === undefined ? undefined : corsRule(rules, origin, method);
  return rule === undefined || origin === undefined ? {} : ruleHeaders(rule, origin);
}

/**
 * What a matched rule's answers carry, preflight or not: the origin (`*` for a rule of any origin; the
 * origin, with credentials allowed, for one naming origins), its methods, its ExposedHeaders, and Vary.
 * @param {CorsRule} rule @param {string} origin @returns {Record<string, string>}
 */
function ruleHeaders(rule, origin) {
  return {
    ...(rule.AllowedOrigins.includes('*') ? { 'access-control-allow-origin': '*' } : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' }),
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    ...(rule.ExposedHeaders?.length ? { 'access-control-expose-headers': rule.ExposedHeaders.join(', ') } : {}),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** A CORS pattern (at most one `*`, matching any run of characters) against a value. @param {string} pattern @param {string} value */
function matches(pattern, value) {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}
