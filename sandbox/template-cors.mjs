// @ts-check
// The bucket's CORS the sandbox's S3 applies, read out of deploy/*.yaml as the IAM policy is
// (template-policy.mjs): the bucket's CorsConfiguration.CorsRules, resolved with the sandbox's values
// (AllowedOrigins: the sandbox's origins). The three templates deploy one bucket each; the sandbox has
// one bucket for all three, so their rules must be the same, or the sandbox refuses to start.
import { isDeepStrictEqual } from 'node:util';
import { parseTemplate, resolve } from './cloudformation.mjs';
import { EXCHANGES, scopeOf, templateText } from './template-policy.mjs';

/**
 * The CORS rules of the templates' bucket, resolved.
 * @param {import('./template-policy.mjs').SandboxValues} values
 * @returns {import('./s3-cors.mjs').CorsRule[]}
 * @throws {Error} a template without one bucket with CORS rules, or templates whose rules differ
 * @example startS3Gate({ cors: bucketCors({ bucket: 'uploads', auth0Domain, clientID, allowedOrigins: [appOrigin] }) })
 */
export function bucketCors(values) {
  const [first, ...others] = EXCHANGES.map((exchange) => {
    const template = parseTemplate(templateText(exchange, values));
    const buckets = Object.values(template.Resources ?? {}).filter((resource) => resource.Type === 'AWS::S3::Bucket');
    const rules = buckets.length === 1 ? resolve(buckets[0]?.Properties?.CorsConfiguration?.CorsRules, scopeOf(template, values)) : undefined;
    if (!Array.isArray(rules) || rules.length === 0) throw new Error(`deploy/${exchange}.yaml: the sandbox needs one AWS::S3::Bucket with CorsConfiguration.CorsRules.`);
    return /** @type {import('./s3-cors.mjs').CorsRule[]} */ (rules);
  });
  if (!others.every((rules) => isDeepStrictEqual(rules, first))) throw new Error(`deploy/*.yaml: the buckets' CORS rules differ; the sandbox has one bucket (${EXCHANGES.join(', ')}).`);
  return /** @type {import('./s3-cors.mjs').CorsRule[]} */ (first);
}
