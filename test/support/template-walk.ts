// Walking a parsed CloudFormation template: the names its intrinsic functions refer to, and the IAM policy
// documents it holds (trust policies and role policies), resolved with the sandbox's values.
import { resolve } from '../../sandbox/cloudformation.mjs';
import type { Template } from '../../sandbox/cloudformation.mjs';
import { scopeOf } from '../../sandbox/template-policy.mjs';

export interface Reference {
  kind: 'Ref' | 'GetAtt';
  name: string;
  attribute?: string;
  where: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every Ref, Fn::GetAtt and name inside a Fn::Sub string (its own variables excepted), with where it is. */
export function references(value: unknown, where = ''): Reference[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => references(item, `${where}[${index}]`));
  if (!isObject(value)) return [];
  if ('Ref' in value && typeof value['Ref'] === 'string') return [{ kind: 'Ref', name: value['Ref'], where }];
  if ('Fn::GetAtt' in value) {
    const [name, attribute] = value['Fn::GetAtt'] as [string, string];
    return [{ kind: 'GetAtt', name, attribute, where }];
  }
  if ('Fn::Sub' in value) {
    const argument = value['Fn::Sub'];
    const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [string, Record<string, unknown>?];
    const named: Reference[] = [...text.matchAll(/\$\{([^!}][^}]*)\}/g)]
      .map((match) => match[1]!)
      .filter((name) => !Object.hasOwn(variables, name))
      .map((name) => {
        const dot = name.indexOf('.');
        return dot < 0 || name.startsWith('AWS::') ? { kind: 'Ref', name, where } : { kind: 'GetAtt', name: name.slice(0, dot), attribute: name.slice(dot + 1), where };
      });
    return [...named, ...references(variables, `${where}/Fn::Sub`)];
  }
  return Object.entries(value).flatMap(([key, item]) => references(item, `${where}/${key}`));
}

export interface NamedDocument {
  where: string;
  document: { Version?: string; Statement: Record<string, unknown>[] | Record<string, unknown> };
}

/** Every IAM policy document of the template's roles, resolved with the sandbox's values. */
export function policyDocuments(template: Template): NamedDocument[] {
  const scope = scopeOf(template, { bucket: 'uploads', auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client', allowedOrigins: ['https://app.example.com'] });
  const parse = (value: unknown) => {
    const resolved = resolve(value, scope);
    return (typeof resolved === 'string' ? JSON.parse(resolved) : resolved) as NamedDocument['document'];
  };
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .flatMap(([name, resource]) => [
      { where: `${name}.AssumeRolePolicyDocument`, document: parse(resource.Properties.AssumeRolePolicyDocument) },
      ...((resource.Properties.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map((policy) => ({ where: `${name}.Policies.${policy.PolicyName}`, document: parse(policy.PolicyDocument) })),
    ]);
}

/** The statements of a document, as a list. */
export const statementsOf = (document: NamedDocument['document']) => [document.Statement].flat();

/** A single value or a list, as a list. */
export const listOf = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
