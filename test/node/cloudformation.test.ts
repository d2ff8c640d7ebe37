// The sandbox's reading of CloudFormation: short-form tags in their long forms, and the intrinsic
// functions it resolves (and those it refuses rather than guess).
import { describe, expect, it } from 'vitest';
import { parseTemplate, resolve } from '../../sandbox/cloudformation.mjs';

const scope = {
  ref: (name: string) => ({ Bucket: 'uploads', Domain: 'tenant.auth0.com', Origins: ['https://a.example', 'https://b.example'], 'AWS::Region': 'us-east-1' })[name] ?? (() => { throw new Error(`no ${name}`); })(),
  getAtt: (name: string, attribute: string) => (name === 'Bucket' && attribute === 'Arn' ? 'arn:aws:s3:::uploads' : (() => { throw new Error(`no ${name}.${attribute}`); })()),
};

describe('parseTemplate', () => {
  it('reads every short form as its long form, on scalars, sequences and mappings', () => {
    const parsed = parseTemplate(`
a: !Ref Bucket
b: !GetAtt Bucket.Arn
c: !GetAtt [Bucket, Arn]
d: !Sub 'x-\${Bucket}'
e: !Sub ['\${A}', { A: !Ref Domain }]
f: !Join ['', [!Ref Bucket, '/\${', !Ref Domain, '/:sub}']]
g: !If [IsProd, !Ref Bucket, !Ref AWS::NoValue]
h: !Select [0, !Split [',', 'p,q']]
i: !Base64 text
j: !ImportValue { 'Fn::Sub': 'x' }
`);
    expect(parsed).toEqual({
      a: { Ref: 'Bucket' },
      b: { 'Fn::GetAtt': ['Bucket', 'Arn'] },
      c: { 'Fn::GetAtt': ['Bucket', 'Arn'] },
      d: { 'Fn::Sub': 'x-${Bucket}' },
      e: { 'Fn::Sub': ['${A}', { A: { Ref: 'Domain' } }] },
      f: { 'Fn::Join': ['', [{ Ref: 'Bucket' }, '/${', { Ref: 'Domain' }, '/:sub}']] },
      g: { 'Fn::If': ['IsProd', { Ref: 'Bucket' }, { Ref: 'AWS::NoValue' }] },
      h: { 'Fn::Select': [0, { 'Fn::Split': [',', 'p,q'] }] },
      i: { 'Fn::Base64': 'text' },
      j: { 'Fn::ImportValue': { 'Fn::Sub': 'x' } },
    });
  });

  it('refuses a mapping with a key twice (CloudFormation would take one of them silently)', () => {
    expect(() => parseTemplate('a: 1\na: 2\n')).toThrow();
  });
});

describe('resolve', () => {
  it('resolves Ref, Fn::GetAtt, Fn::Join, Fn::Select and Fn::Split', () => {
    expect(resolve(parseTemplate(`
- !Ref Origins
- !Join ['', [!GetAtt Bucket.Arn, '/\${', !Ref Domain, '/:sub}/*']]
- !Select [1, !Split [',', 'p,q']]
`), scope)).toEqual([['https://a.example', 'https://b.example'], 'arn:aws:s3:::uploads/${tenant.auth0.com/:sub}/*', 'q']);
  });

  it('resolves Fn::Sub: names, Resource.Attribute, its own variables, and ${!Literal} as ${Literal}', () => {
    expect(resolve({ 'Fn::Sub': '${Bucket.Arn}/${!saml:sub}/${AWS::Region}' }, scope)).toBe('arn:aws:s3:::uploads/${saml:sub}/us-east-1');
    expect(resolve({ 'Fn::Sub': ['${Own}-${Bucket}', { Own: { Ref: 'Domain' } }] }, scope)).toBe('tenant.auth0.com-uploads');
  });

  it('throws on an unknown name, a list where a string belongs, or a function it does not implement', () => {
    expect(() => resolve({ Ref: 'Nope' }, scope)).toThrow('no Nope');
    expect(() => resolve({ 'Fn::Sub': '${Bucket.Nope}' }, scope)).toThrow('no Bucket.Nope');
    expect(() => resolve({ 'Fn::Sub': '${Origins}' }, scope)).toThrow(/needs a string/);
    expect(() => resolve({ 'Fn::If': ['IsProd', 'a', 'b'] }, scope)).toThrow('The sandbox does not resolve Fn::If.');
  });

  it('leaves plain strings alone, "${" included (only Fn::Sub substitutes)', () => {
    expect(resolve({ Resource: 'arn:aws:s3:::uploads/${saml:sub}/*' }, scope)).toEqual({ Resource: 'arn:aws:s3:::uploads/${saml:sub}/*' });
  });
});
