// Keyword matching for the complexity scorer in one pass over the text.
// Searching each of ~100 keywords with indexOf costs ~0.7 ms on an 8,000-char
// prompt; walking the text's words once and looking each up by its leading
// word costs a tenth of that and keeps decisions well under the 1 ms budget.
//
// Match rule (unchanged from a per-keyword search): a keyword matches where it
// occurs verbatim, starting at a word boundary if its first character is a
// word character, and ending at one if its last character is.
import type { ComplexityKeywordList } from '../types';

export type KeywordLists = Readonly<Record<ComplexityKeywordList, readonly string[]>>;

export const KEYWORD_LIST_ORDER: readonly ComplexityKeywordList[] = ['code', 'reasoning', 'technical', 'simple'];

interface Entry {
  readonly list: ComplexityKeywordList;
  /** Position in its list, so matches are reported in list order. */
  readonly position: number;
  readonly keyword: string;
  readonly boundEnd: boolean;
}

export interface KeywordIndex {
  readonly lists: KeywordLists;
  /** Keywords starting with a word character, by their leading run of word characters. */
  readonly byLead: ReadonlyMap<string, readonly Entry[]>;
  /** Keywords starting with another character (e.g. "```", "=>"): searched directly. */
  readonly scanned: readonly Entry[];
}

export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

function wordRunEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
  return j;
}

export function buildKeywordIndex(lists: KeywordLists): KeywordIndex {
  const byLead = new Map<string, Entry[]>();
  const scanned: Entry[] = [];
  for (const list of KEYWORD_LIST_ORDER) {
    lists[list].forEach((keyword, position) => {
      if (keyword.length === 0) return;
      const entry: Entry = { list, position, keyword, boundEnd: isWordChar(keyword.charCodeAt(keyword.length - 1)) };
      if (!isWordChar(keyword.charCodeAt(0))) {
        scanned.push(entry);
        return;
      }
      const lead = keyword.slice(0, wordRunEnd(keyword, 0));
      const bucket = byLead.get(lead);
      if (bucket) bucket.push(entry);
      else byLead.set(lead, [entry]);
    });
  }
  return { lists, byLead, scanned };
}

function endsAtBoundary(text: string, entry: Entry, at: number): boolean {
  const end = at + entry.keyword.length;
  return !entry.boundEnd || end >= text.length || !isWordChar(text.charCodeAt(end));
}

/** Positions (in each list) of the keywords found in `text`. */
export function findKeywords(text: string, index: KeywordIndex): Record<ComplexityKeywordList, Set<number>> {
  const found: Record<ComplexityKeywordList, Set<number>> = { code: new Set(), reasoning: new Set(), technical: new Set(), simple: new Set() };
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const j = wordRunEnd(text, i + 1);
    const entries = index.byLead.get(text.slice(i, j));
    if (entries !== undefined) {
      for (const e of entries) {
        if (!found[e.list].has(e.position) && text.startsWith(e.keyword, i) && endsAtBoundary(text, e, i)) found[e.list].add(e.position);
      }
    }
    i = j;
  }
  for (const e of index.scanned) {
    for (let at = text.indexOf(e.keyword); at >= 0; at = text.indexOf(e.keyword, at + 1)) {
      if (endsAtBoundary(text, e, at)) {
        found[e.list].add(e.position);
        break;
      }
    }
  }
  return found;
}
