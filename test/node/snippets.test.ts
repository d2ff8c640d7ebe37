// Every code block of README.md, docs/MIGRATION.md and examples/README.md, checked as a reader would use
// it (test/support/snippets.ts says how each kind is checked; test/e2e/snippets.test.ts runs some).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, ROOT, allSnippets, extractSnippets, inlineScripts, isCode, isUnderstood } from '../support/snippets';
import { typecheckSnippets } from '../support/typecheck-snippets';

const snippets = allSnippets();
const OUT = join(ROOT, 'test-results/snippets');

describe('documentation snippets', () => {
  it('finds the code blocks of every document', () => {
    expect(snippets.filter(isCode).length).toBeGreaterThanOrEqual(8);
    expect(new Set(snippets.map((snippet) => snippet.where.split(':')[0]))).toEqual(new Set(['README.md', 'docs/MIGRATION.md', 'examples/README.md']));
  });

  it('has no block in a language the checks do not understand (unless marked skip)', () => {
    expect(snippets.filter((snippet) => !isUnderstood(snippet)).map((snippet) => `${snippet.where}: "${snippet.language}"`)).toEqual([]);
  });

  it('type-checks every js/ts block, and every inline script of an html block, against the published types', () => {
    expect(typecheckSnippets([...snippets.filter(isCode), ...snippets.flatMap(inlineScripts)], join(OUT, 'all'))).toEqual([]);
  });

  it.each(snippets.filter((snippet) => snippet.language === 'json').map((snippet) => [snippet.where, snippet]))('%s parses as JSON', (_where, snippet) => {
    expect(() => JSON.parse(snippet.code)).not.toThrow();
  });

  it.each(snippets.filter((snippet) => snippet.language === 'html').map((snippet) => [snippet.where, snippet]))('%s loads only script files the package builds', (_where, snippet) => {
    // Any CDN, any version: unpkg.com/auth0-aws-delegation@0.1.0/dist/..., cdn.jsdelivr.net/npm/...
    const files = [...snippet.code.matchAll(/src="[^"]*\/auth0-aws-delegation(?:@[^/"]+)?\/(dist\/[^"]+)"/g)].map((match) => match[1]!);
    for (const file of files) expect(existsSync(join(ROOT, file)), file).toBe(true);
  });

  it.each(snippets.filter((snippet) => (LANGUAGES.sh as readonly string[]).includes(snippet.language)).map((snippet) => [snippet.where, snippet]))('%s names only npm scripts package.json has', (_where, snippet) => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = [...snippet.code.matchAll(/npm (?:run )?([\w:-]+)/g)].map((match) => match[1]!).filter((name) => !['install', 'ci', 'i', 'run', 'pack'].includes(name));
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

  const brokenBlocks = [
    ['indented in a list item', '1. Make the provider:\n\n   ```js\n   fromDelegation(client);\n   ```\n'],
    ['fenced with tildes', '~~~js\nfromDelegation(client);\n~~~\n'],
    ['with an info string after the language', '```js title="app.js"\nfromDelegation(client);\n```\n'],
    ['with the language in capitals', '```JS\nfromDelegation(client);\n```\n'],
    ['with a longer fence', '````js\nfromDelegation(client);\n````\n'],
  ] as const;

  it.each(brokenBlocks)('a block %s is found, as a renderer shows it (it was once left out)', (_name, markdown) => {
    // A second block after it: the fences must pair up as a renderer pairs them.
    const blocks = extractSnippets('probe.md', `${markdown}\n\`\`\`sh\nnpm test\n\`\`\`\n`);
    expect(blocks.map((block) => block.language)).toEqual(['js', 'sh']);
    expect(blocks[0]!.code).toBe('fromDelegation(client);');
  });

  it('each such block is type-checked: a broken one fails', () => {
    const blocks = brokenBlocks.flatMap(([name, markdown]) => extractSnippets(`${name}.md`, markdown)).filter(isCode);
    const errors = typecheckSnippets(blocks, join(OUT, 'fences')).join('\n');
    for (const [name] of brokenBlocks) expect(errors).toMatch(new RegExp(`${name}\\.md:\\d+ .*Cannot find name '(fromDelegation|client)'`));
  });

  it('a block in a language the checks do not understand is found, unless marked skip', () => {
    const blocks = extractSnippets('probe.md', '```mjs\nx;\n```\n\n```\nx;\n```\n\n<!-- snippet: skip pseudo-code -->\n```text\nx\n```\n\n```bash\nnpm test\n```\n');
    expect(blocks.map(isUnderstood)).toEqual([false, false, true, true]);
  });

  it('an inline script of an html block is type-checked; a script file is not code to check', () => {
    const [html] = extractSnippets('probe.md', '```html\n<script src="https://unpkg.com/auth0-aws-delegation/dist/auth0-aws-delegation.v7.min.js"></script>\n<script>\n  new Auth0({ clientID: 1 });\n</script>\n```\n');
    const scripts = inlineScripts(html!);
    expect(scripts).toHaveLength(1);
    expect(typecheckSnippets(scripts, join(OUT, 'inline')).join('\n')).toMatch(/probe\.md:1 \(inline script 1\).*Type 'number' is not assignable to type 'string'/);
  });

  it('an expression snippet in TypeScript is checked against its type too (a JSDoc cast is ignored there)', () => {
    const errors = check('<!-- snippet: expression Auth0Rule -->\n```ts\nfunction (user, context, callback) {\n  callback(null, user.user_id.toFixed(), context);\n}\n```\n');
    expect(errors.join('\n')).toMatch(/Property 'toFixed' does not exist on type 'string'/);
  });

  it('an expression must be assignable to its type, not merely comparable (a rule with a parameter too many)', () => {
    const errors = check('<!-- snippet: expression Auth0Rule -->\n```js\n/** @param {{ user_id: string }} user @param {any} context @param {Function} callback @param {{ x(): void }} extra */\nfunction (user, context, callback, extra) {\n  extra.x();\n  callback(null, user, context);\n}\n```\n');
    expect(errors.join('\n')).toMatch(/not assignable to type 'Auth0Rule'/);
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
