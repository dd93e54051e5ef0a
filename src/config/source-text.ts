import type { Document, LineCounter } from 'yaml';
import { yamlLibrary } from '../lazy-modules';
import type { ConfigPath, SourcePosition } from './issues';

export type SourceFormat = 'yaml' | 'json';

export interface ParsedSource {
  readonly value: unknown;
  /** Where a config path sits in the text; undefined when it cannot be placed. */
  readonly locate: (path: ConfigPath) => SourcePosition | undefined;
}

export interface SyntaxProblem {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Parses YAML (or JSON, which YAML 1.2 reads too) keeping a line map, so that
 * schema errors found later can still point at a line. `<<` merge keys are on
 * because LiteLLM configs use anchors to share `litellm_params`.
 */
export function parseSourceText(text: string, format: SourceFormat): { ok: true; source: ParsedSource } | { ok: false; problems: SyntaxProblem[] } {
  if (format === 'json') {
    const problem = jsonSyntaxProblem(text);
    if (problem) return { ok: false, problems: [problem] };
  }
  const { LineCounter: Lines, parseDocument } = yamlLibrary();
  const lineCounter = new Lines();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        return { message, line, column: col };
      }),
    };
  }
  return { ok: true, source: { value: doc.toJS({ maxAliasCount: 1000 }), locate: (path) => locate(doc, lineCounter, path) } };
}

function locate(doc: Document, lineCounter: LineCounter, path: ConfigPath): SourcePosition | undefined {
  // The full path may not exist (a missing key); the nearest existing ancestor is the best place to point.
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (yamlLibrary().isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

/** JSON.parse is stricter than YAML (no comments, no trailing commas); report its complaint with a line. */
function jsonSyntaxProblem(text: string): SyntaxProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    if (at?.[1] === undefined) return { message };
    const offset = Number(at[1]);
    const before = text.slice(0, offset).split('\n');
    return { message, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
  }
}
