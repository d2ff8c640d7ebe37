// @ts-check
// CloudFormation templates as the sandbox reads them: YAML with the short-form tags (`!Ref`, `!Sub`,
// `!GetAtt`, ...) parsed into their long forms (`{ Ref }`, `{ 'Fn::Sub' }`, ...), and the intrinsic
// functions the deploy/ templates use resolved with values the caller supplies. Anything it cannot resolve
// (an unknown name, a function it does not implement) throws: a policy is never read half-resolved.
import { parse } from 'yaml';

/**
 * The short-form tags, each as its long form (`Ref`, `Fn::Name`), and what it may tag: a scalar only, a
 * sequence only, or any node.
 * @type {[string, 'scalar' | 'seq' | 'any'][]}
 */
const FUNCTIONS = [
  ['Ref', 'scalar'],
  ['Condition', 'scalar'],
  ['Fn::Base64', 'any'],
  ['Fn::Sub', 'any'],
  ['Fn::GetAtt', 'any'],
  ['Fn::GetAZs', 'any'],
  ['Fn::ImportValue', 'any'],
  ['Fn::Join', 'seq'],
  ['Fn::Select', 'seq'],
  ['Fn::Split', 'seq'],
  ['Fn::If', 'seq'],
  ['Fn::Equals', 'seq'],
  ['Fn::Not', 'seq'],
  ['Fn::And', 'seq'],
  ['Fn::Or', 'seq'],
  ['Fn::FindInMap', 'seq'],
  ['Fn::Cidr', 'seq'],
  ['Fn::Length', 'any'],
  ['Fn::ToJsonString', 'any'],
];

/** `!GetAtt Name.Attribute` is `{ 'Fn::GetAtt': ['Name', 'Attribute'] }`. @param {string} text */
const splitGetAtt = (text) => {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
};

/** yaml's custom tags for every short form, on scalars, sequences and mappings as CloudFormation allows. */
const TAGS = FUNCTIONS.flatMap(([name, kind]) => {
  const tag = `!${name.replace(/^Fn::/, '')}`;
  /** @param {unknown} value */
  const wrap = (value) => ({ [name]: name === 'Fn::GetAtt' && typeof value === 'string' ? splitGetAtt(value) : value });
  /** @type {import('yaml').Tags} */
  const tags = [];
  if (kind !== 'seq') tags.push({ tag, resolve: (/** @type {string} */ text) => wrap(text) });
  if (kind !== 'scalar') {
    for (const collection of /** @type {const} */ (['seq', 'map'])) {
      tags.push({ tag, collection, resolve: (/** @type {import('yaml').YAMLSeq | import('yaml').YAMLMap} */ node) => wrap(node.toJSON()) });
    }
  }
  return tags;
});

/**
 * A template's text as data, short forms in their long forms.
 * @param {string} text @returns {Template}
 */
export function parseTemplate(text) {
  return parse(text, { customTags: TAGS, schema: 'core', uniqueKeys: true, prettyErrors: false });
}

/**
 * @typedef {{ Parameters?: Record<string, any>, Resources: Record<string, { Type: string, Properties?: any }>, Outputs?: Record<string, any> }} Template
 * @typedef {object} Scope what names resolve to
 * @property {(name: string) => unknown} ref a parameter's, pseudo parameter's or resource's Ref value
 * @property {(resource: string, attribute: string) => unknown} getAtt
 */

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `value` with every intrinsic function replaced by its value.
 * @param {unknown} value @param {Scope} scope @returns {unknown}
 */
export function resolve(value, scope) {
  if (Array.isArray(value)) return value.map((item) => resolve(item, scope));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const name = keys[0] ?? '';
  if (keys.length === 1 && (name === 'Ref' || name.startsWith('Fn::'))) return intrinsic(name, value[name], scope);
  return Object.fromEntries(keys.map((key) => [key, resolve(value[key], scope)]));
}

/** @param {string} name @param {unknown} argument @param {Scope} scope */
function intrinsic(name, argument, scope) {
  if (name === 'Ref') return scope.ref(text(argument, 'Ref'));
  if (name === 'Fn::GetAtt') {
    const [resource, attribute] = /** @type {unknown[]} */ (resolve(argument, scope));
    return scope.getAtt(text(resource, 'Fn::GetAtt'), text(attribute, 'Fn::GetAtt'));
  }
  if (name === 'Fn::Sub') return substitute(argument, scope);
  if (name === 'Fn::Join') {
    const [delimiter, items] = /** @type {[unknown, unknown]} */ (resolve(argument, scope));
    if (!Array.isArray(items)) throw new Error('Fn::Join needs a list of values.');
    return items.map((item) => text(item, 'Fn::Join')).join(text(delimiter, 'Fn::Join'));
  }
  if (name === 'Fn::Select') {
    const [index, items] = /** @type {[unknown, unknown]} */ (resolve(argument, scope));
    if (!Array.isArray(items) || items[Number(index)] === undefined) throw new Error('Fn::Select: no such item.');
    return items[Number(index)];
  }
  if (name === 'Fn::Split') {
    const [delimiter, source] = /** @type {[unknown, unknown]} */ (resolve(argument, scope));
    return text(source, 'Fn::Split').split(text(delimiter, 'Fn::Split'));
  }
  throw new Error(`The sandbox does not resolve ${name}.`);
}

/**
 * Fn::Sub: `${Name}` and `${Resource.Attribute}` replaced, `${!Literal}` written as `${Literal}`.
 * @param {unknown} argument @param {Scope} scope
 */
function substitute(argument, scope) {
  const [template, variables = {}] = Array.isArray(argument) ? argument : [argument];
  const own = /** @type {Record<string, unknown>} */ (resolve(variables, scope));
  return text(template, 'Fn::Sub').replace(/\$\{([^}]*)\}/g, (_, /** @type {string} */ name) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (Object.hasOwn(own, name)) return text(own[name], 'Fn::Sub');
    const dot = name.indexOf('.');
    return text(dot < 0 || name.startsWith('AWS::') ? scope.ref(name) : scope.getAtt(name.slice(0, dot), name.slice(dot + 1)), 'Fn::Sub');
  });
}

/** @param {unknown} value @param {string} where @returns {string} */
function text(value, where) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`${where} needs a string, not ${JSON.stringify(value)}.`);
}
