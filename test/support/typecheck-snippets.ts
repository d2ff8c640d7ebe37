// Type-checks documentation snippets as a reader's files: each in its own module (so two snippets may both
// declare `client`), importing 'auth0-aws-delegation' as published (package.json "exports" -> dist/), the
// AWS SDK from node_modules, and the script-tag globals from dist/globals-v7.d.ts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './snippets';
import type { Snippet } from './snippets';

const CONTEXT = join(ROOT, 'test/snippets/context.d.ts');

/**
 * The file a snippet becomes: a module. An `expression` snippet initialises a constant declared with its
 * type: assignability, not a cast (a cast accepts what is merely comparable, such as a rule with a
 * parameter too many; and TypeScript files ignore JSDoc casts altogether).
 */
function source(snippet: Snippet): string {
  const type = snippet.type || 'never';
  const declaration = isTypeScript(snippet) ? `export const expression: ${type} = (` : `/** @type {${type}} */ export const expression = (`;
  const body = snippet.mode === 'expression' ? `${declaration}\n${snippet.code}\n);` : snippet.code;
  return `${body}\nexport {};\n`;
}

const isTypeScript = (snippet: Snippet): boolean => snippet.language.startsWith('t');

/**
 * The compiler's complaints about each snippet, as `where: message` lines (empty when all are clean).
 * @param folder a folder inside the project (package self-reference needs it), emptied first
 */
export function typecheckSnippets(snippets: readonly Snippet[], folder: string, context = CONTEXT): string[] {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const files = new Map<string, Snippet>();
  snippets.forEach((snippet, index) => {
    const file = join(folder, `snippet-${index}.${isTypeScript(snippet) ? 'ts' : 'js'}`);
    writeFileSync(file, source(snippet));
    files.set(file, snippet);
  });
  const program = ts.createProgram([context, ...files.keys()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    strict: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const snippet = diagnostic.file === undefined ? undefined : files.get(diagnostic.file.fileName);
    const line = diagnostic.file !== undefined && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : 0;
    const where = snippet === undefined ? (diagnostic.file?.fileName ?? 'options') : `${snippet.where} (+${line + 1 - (snippet.mode === 'expression' ? 1 : 0)})`;
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}
