// The form body against the real reqwest 2.0.5 (what auth0.js v7 sent its body with), loaded from
// node_modules into a bare context: for any options a page could pass, the same bytes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createContext, runInContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formBody } from '../../../src/exchanges/form-body';

/** reqwest's own toQueryString (its module wants a browser: a stub XMLHttpRequest and document do). */
function loadReqwest(): { toQueryString(object: unknown): string } {
  const path = createRequire(import.meta.url).resolve('reqwest');
  const context: Record<string, unknown> = { XMLHttpRequest: function XMLHttpRequest() {}, setTimeout, document: { getElementsByTagName: () => [{}] } };
  context['window'] = context;
  createContext(context);
  runInContext(readFileSync(path, 'utf8'), context);
  return context['reqwest'] as { toQueryString(object: unknown): string };
}

const reqwest = loadReqwest();
const key = fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name !== '__proto__');
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3, noNullPrototype: true })),
}));
const options = fc.dictionary(key, value, { maxKeys: 6, noNullPrototype: true });

describe('formBody, as reqwest 2.0.5 encoded v7\'s request', () => {
  it('gives the same bytes as reqwest for 1,000 generated options', () => {
    fc.assert(fc.property(options, (fields) => formBody(fields) === reqwest.toQueryString(fields)), { numRuns: 1_000, seed: 7 });
  });

  it('negative control: the comparison sees a difference (JSON is not that encoding)', () => {
    const fields = { scope: 'openid email', role: undefined };
    expect(reqwest.toQueryString(fields)).toBe('scope=openid+email&role=');
    expect(JSON.stringify(fields)).not.toBe(reqwest.toQueryString(fields));
    expect(formBody(fields)).toBe('scope=openid+email&role=');
  });

  it.each<[string, Record<string, unknown>]>([
    ['a function (reqwest called it)', { scope: () => 'openid' }],
    ['a symbol', { scope: Symbol('s') }],
    ['a lone surrogate', { scope: '\uD800' }],
    ['a cycle', (() => {
      const loop: Record<string, unknown> = {};
      loop['self'] = loop;
      return { loop };
    })()],
  ])('refuses %s with invalid_configuration, never a raw error', (_name, fields) => {
    expect(() => formBody(fields)).toThrow(expect.objectContaining({ name: 'DelegationError', code: 'invalid_configuration' }));
  });
});
