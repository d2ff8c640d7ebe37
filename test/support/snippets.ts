// The code blocks of the project's documentation, as a reader copies them. Each block may be preceded by
// an HTML comment that says how the tests treat it (invisible where the Markdown is rendered):
//   <!-- snippet: run -->          type-checked, then run against the sandbox (test/e2e/snippets.test.ts)
//   <!-- snippet: expression TYPE -->  type-checked as one expression of TYPE (test/snippets/context.d.ts):
//                                  an Auth0 rule is an anonymous function, not a statement
//   <!-- snippet: skip REASON -->  not checked, for the reason given
// Other js/ts blocks are type-checked; json blocks are parsed; html blocks' script files must exist in
// dist/; sh blocks may only name npm scripts that package.json has.
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

const FENCE = /^```(\S*)\s*$/;
const MARKER = /^<!--\s*snippet:\s*(run|expression|skip)\b\s*(\w*).*-->\s*$/;

/** The fenced code blocks of one Markdown text, with the marker before each (if any). */
export function extractSnippets(document: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (open === null) continue;
    const start = index;
    const end = lines.findIndex((line, at) => at > start && line.trimEnd() === '```');
    if (end === -1) throw new Error(`${document}:${start + 1}: a code block that is never closed`);
    const marker = MARKER.exec(lines[start - 1] ?? '');
    const mode = (marker?.[1] as SnippetMode | undefined) ?? 'check';
    snippets.push({ where: `${document}:${start + 1}`, language: open[1] ?? '', code: lines.slice(start + 1, end).join('\n'), mode, ...(mode === 'expression' ? { type: marker?.[2] } : {}) });
    index = end;
  }
  return snippets;
}

/** Every code block of every document. */
export function allSnippets(): Snippet[] {
  return DOCUMENTS.flatMap((document) => extractSnippets(document, readFileSync(join(ROOT, document), 'utf8')));
}

export const isCode = (snippet: Snippet): boolean => ['js', 'ts', 'javascript', 'typescript'].includes(snippet.language) && snippet.mode !== 'skip';
