// The code blocks of the project's documentation, as a reader copies them. Each block may be preceded by
// an HTML comment that says how the tests treat it (invisible where the Markdown is rendered):
//   <!-- snippet: run -->          type-checked, then run against the sandbox (test/e2e/snippets.test.ts)
//   <!-- snippet: expression TYPE -->  type-checked as one expression of TYPE (test/snippets/context.d.ts):
//                                  an Auth0 rule is an anonymous function, not a statement
//   <!-- snippet: skip REASON -->  not checked, for the reason given
// Other js/ts blocks are type-checked; json blocks are parsed; html blocks' script files must exist in
// dist/ and their inline scripts are type-checked; sh blocks may only name npm scripts that package.json
// has. A block in any other language (or none) fails the tests unless it is marked `skip`: a block the
// checks do not understand is never silently left out. Fences are read as CommonMark reads them:
// indented (inside a list item), of backticks or tildes, with an info string after the language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
/** The documents whose code blocks readers copy. */
export const DOCUMENTS = ['README.md', 'docs/MIGRATION.md', 'examples/README.md'];

export type SnippetMode = 'check' | 'run' | 'expression' | 'skip';

export interface Snippet {
  /** `README.md:38`: the document and the line of the opening fence. */
  readonly where: string;
  readonly language: string;
  readonly code: string;
  readonly mode: SnippetMode;
  /** For `expression` snippets: the type (from test/snippets/context.d.ts) the expression must have. */
  readonly type?: string;
}

/** An opening fence: any indentation, three or more backticks or tildes, then the info string. */
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const MARKER = /^\s*<!--\s*snippet:\s*(run|expression|skip)\b\s*(\w*).*-->\s*$/;

/** The languages the checks understand (lower case); `LANGUAGES.code` are type-checked. */
export const LANGUAGES = { code: ['js', 'javascript', 'ts', 'typescript'], json: ['json'], html: ['html'], sh: ['sh', 'bash', 'shell'], diff: ['diff'] } as const;
const KNOWN: readonly string[] = Object.values(LANGUAGES).flat();

/** Whether a block is in a language the checks understand, or marked `skip` (with its reason). */
export const isUnderstood = (snippet: Snippet): boolean => snippet.mode === 'skip' || KNOWN.includes(snippet.language);

/** The fenced code blocks of one Markdown text, with the marker before each (if any). */
export function extractSnippets(document: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (open === null) continue;
    const [, indent = '', fence = '```', info = ''] = open;
    // A backtick fence's info string has no backtick (CommonMark): then this is inline code, not a fence.
    if (fence.startsWith('`') && info.includes('`')) continue;
    const start = index;
    // Closed by the same character, at least as many, and nothing else on the line.
    const closing = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`);
    const end = lines.findIndex((line, at) => at > start && closing.test(line));
    if (end === -1) throw new Error(`${document}:${start + 1}: a code block that is never closed`);
    const marker = MARKER.exec(lines[start - 1] ?? '');
    const mode = (marker?.[1] as SnippetMode | undefined) ?? 'check';
    // The language is the info string's first word (`js title="x"`), as renderers read it.
    const language = (/^\s*([^\s{]*)/.exec(info)?.[1] ?? '').toLowerCase();
    // A fence indented inside a list item: its lines lose that indentation, as a reader copies them.
    const code = lines.slice(start + 1, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart())).join('\n');
    snippets.push({ where: `${document}:${start + 1}`, language, code, mode, ...(mode === 'expression' ? { type: marker?.[2] } : {}) });
    index = end;
  }
  return snippets;
}

/**
 * The inline scripts of an html block (a `<script>` without `src`), as js snippets of their own: they are
 * code a reader copies too.
 */
export function inlineScripts(snippet: Snippet): Snippet[] {
  if (snippet.language !== 'html' || snippet.mode === 'skip') return [];
  return [...snippet.code.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .filter((match) => !/\bsrc\s*=/i.test(match[1]!) && match[2]!.trim() !== '')
    .map((match, index) => ({ where: `${snippet.where} (inline script ${index + 1})`, language: 'js', code: match[2]!, mode: 'check' as const }));
}

/** Every code block of every document. */
export function allSnippets(): Snippet[] {
  return DOCUMENTS.flatMap((document) => extractSnippets(document, readFileSync(join(ROOT, document), 'utf8')));
}

export const isCode = (snippet: Snippet): boolean => (LANGUAGES.code as readonly string[]).includes(snippet.language) && snippet.mode !== 'skip';
