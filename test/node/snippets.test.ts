// Every code block of README.md, docs/MIGRATION.md and examples/README.md, checked as a reader would use
// it (test/support/snippets.ts says how each kind is checked; test/e2e/snippets.test.ts runs some).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, allSnippets, extractSnippets, isCode } from '../support/snippets';
import { typecheckSnippets } from '../support/typecheck-snippets';

const snippets = allSnippets();
const OUT = join(ROOT, 'test-results/snippets');

describe('documentation snippets', () => {
  it('finds the code blocks of every document', () => {
    expect(snippets.filter(isCode).length).toBeGreaterThanOrEqual(8);
    expect(new Set(snippets.map((snippet) => snippet.where.split(':')[0]))).toEqual(new Set(['README.md', 'docs/MIGRATION.md', 'examples/README.md']));
  });

  it('type-checks every js/ts block against the published types', () => {
    expect(typecheckSnippets(snippets.filter(isCode), join(OUT, 'all'))).toEqual([]);
  });

  it.each(snippets.filter((snippet) => snippet.language === 'json').map((snippet) => [snippet.where, snippet]))('%s parses as JSON', (_where, snippet) => {
    expect(() => JSON.parse(snippet.code)).not.toThrow();
  });

  it.each(snippets.filter((snippet) => snippet.language === 'html').map((snippet) => [snippet.where, snippet]))('%s loads only script files the package builds', (_where, snippet) => {
    const files = [...snippet.code.matchAll(/src="https:\/\/unpkg\.com\/auth0-aws-delegation\/(dist\/[^"]+)"/g)].map((match) => match[1]!);
    for (const file of files) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it.each(snippets.filter((snippet) => snippet.language === 'sh').map((snippet) => [snippet.where, snippet]))('%s names only npm scripts package.json has', (_where, snippet) => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = [...snippet.code.matchAll(/npm (?:run )?([\w:-]+)/g)].map((match) => match[1]!).filter((name) => !['install', 'ci', 'i', 'run'].includes(name));
    for (const name of named) expect(Object.keys(scripts), name).toContain(name);
  });
});

describe('negative controls: the checks can fail', () => {
  const check = (markdown: string) => typecheckSnippets(extractSnippets('probe.md', markdown).filter(isCode), join(OUT, 'probe'));

  it('an undefined name fails the type check (MIGRATION step 3 once used `client` it never made)', () => {
    const errors = check("```js\nimport { fromDelegation } from 'auth0-aws-delegation';\nfromDelegation(client, { idToken });\n```\n");
    expect(errors.join('\n')).toMatch(/probe\.md:1 .*Cannot find name 'client'/);
  });

  it('an expression snippet is checked against its type', () => {
    const errors = check('<!-- snippet: expression Auth0Rule -->\n```js\nfunction (user, context, callback) {\n  callback(null, user.user_id.toFixed(), context);\n}\n```\n');
    expect(errors.join('\n')).toMatch(/Property 'toFixed' does not exist on type 'string'/);
  });

  it('a wrong option type fails it, against the published declarations', () => {
    const errors = check("```js\nimport { DelegationClient } from 'auth0-aws-delegation';\nnew DelegationClient({ clientID: 1, domain: 'tenant.auth0.com' });\n```\n");
    expect(errors.join('\n')).toMatch(/Type 'number' is not assignable to type 'string'/);
  });

  it('the core script build\'s global has no fromDelegation (the v7 build\'s has)', () => {
    const snippet = extractSnippets('probe.md', '```js\nAuth0AwsDelegation.fromDelegation;\nnew Auth0({ clientID: "c", domain: "d", callbackURL: "x" });\n```\n');
    expect(typecheckSnippets(snippet, join(OUT, 'v7'))).toEqual([]);
    const core = typecheckSnippets(snippet, join(OUT, 'core'), join(ROOT, 'dist/globals.d.ts')).join('\n');
    expect(core).toMatch(/Property 'fromDelegation' does not exist/);
    expect(core).toMatch(/Cannot find name 'Auth0'/);
  });
});
