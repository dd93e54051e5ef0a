// Where a document too large for one call is cut: at headings and paragraphs
// first, then sentences, then words, never inside a word (unless one "word"
// alone exceeds a chunk), each chunk after the first repeating the last
// sentences of the one before as overlap. Pure and deterministic: the same
// text, limits and tokenizer always give the same ranges, so an activity that
// runs again after a crash cuts the same chunks. Token counts come from the
// caller (workflow code cannot load a tokenizer; the activities can).

/** A chunk: characters [start, end) of the document text, and its token count (overlap included). */
export type TextChunk = [start: number, end: number, tokens: number];

export interface SplitOptions {
  /** Most tokens in a chunk, overlap included. */
  maxTokens: number;
  /** Tokens of the previous chunk's end repeated at the start of the next (capped at `MAX_OVERLAP_SHARE` of a chunk). */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /** The text's token count when the caller already has it (saves counting a large text once more). */
  totalTokens?: number;
}

/**
 * Tokens of the end of one chunk repeated at the start of the next (whole
 * sentences when they fit), so a point made across a cut is seen whole by one
 * call. Capped at a quarter of a chunk (`MAX_OVERLAP_SHARE`). Set per batch with
 * `chunkOverlapTokens` / `--chunk-overlap`; 0 turns it off.
 */
export const DEFAULT_CHUNK_OVERLAP_TOKENS = 100;
/** Overlap never takes more than this share of a chunk, so every chunk moves the document on by most of its size. */
export const MAX_OVERLAP_SHARE = 0.25;
/** A chunk ends at a heading or paragraph break rather than mid-paragraph when that keeps it at least this full. */
export const PREFER_BREAK_FILL = 0.6;

/** How strongly a position breaks the text: a chunk prefers to start at the strongest break it can. */
const Break = { Word: 0, Sentence: 1, Paragraph: 2, Heading: 3 } as const;
type Break = (typeof Break)[keyof typeof Break];

interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** The break at this unit's start. */
  at: Break;
}

/** A Markdown heading (ATX or underlined), or a short line alone with no closing punctuation: how headings read once HTML or PDF is text. */
const HEADING_BLOCK = /^(?:#{1,6}[ \t][^\n]*|[^\n]{1,120}\n[ \t]*(?:=+|-+)[ \t]*|[^\n]{1,80}[^\s.!?:;,])\s*$/;
/** A blank line (paragraph break), or a line that starts a Markdown heading. */
const BLOCK_BREAK = /\n[ \t]*\n\s*|\n(?=#{1,6}[ \t])/g;
/** After sentence punctuation (and closing quotes or brackets) and the space after it; a single newline counts too. */
const SENTENCE_END = /[.!?…。！？]+["'”’»)\]]*[ \t]+|\n/g;
const WORD_END = /\s+/g;

/** Positions where `pattern` matches in text[from, to), each at the end of the match (where the next piece starts). */
function cutsAfter(text: string, from: number, to: number, pattern: RegExp): number[] {
  const cuts: number[] = [];
  const re = new RegExp(pattern.source, 'g');
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null && m.index < to; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
    else if (end > from && end < to) cuts.push(end);
  }
  return cuts;
}

function pieces(from: number, to: number, cuts: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = from;
  for (const c of cuts) {
    out.push([start, c]);
    start = c;
  }
  out.push([start, to]);
  return out;
}

/** A run with no break in it at all, cut by characters into pieces that fit (the one place a cut may fall inside a word). */
function hardPieces(text: string, from: number, to: number, budget: number, count: (s: string) => number): Unit[] {
  const out: Unit[] = [];
  let start = from;
  while (start < to) {
    // Grow a guess, then shrink it until it fits: tokens are at most one per character.
    let end = Math.min(to, start + budget * 4);
    while (end - start > 1 && count(text.slice(start, end)) > budget) end = start + Math.max(1, Math.floor((end - start) * 0.8));
    out.push({ start, end, tokens: count(text.slice(start, end)), at: Break.Word });
    start = end;
  }
  return out;
}

/** The units of one block: itself when it fits, else its sentences, words of a sentence that does not fit, characters of a word that does not. */
function blockUnits(text: string, from: number, to: number, at: Break, budget: number, count: (s: string) => number): Unit[] {
  const tokens = count(text.slice(from, to));
  if (tokens <= budget) return [{ start: from, end: to, tokens, at }];
  const units: Unit[] = [];
  for (const [i, [s, e]] of pieces(from, to, cutsAfter(text, from, to, SENTENCE_END)).entries()) {
    const sentenceAt = i === 0 ? at : Break.Sentence;
    const t = count(text.slice(s, e));
    if (t <= budget) {
      units.push({ start: s, end: e, tokens: t, at: sentenceAt });
      continue;
    }
    for (const [j, [ws, we]] of pieces(s, e, cutsAfter(text, s, e, WORD_END)).entries()) {
      const wordAt = j === 0 ? sentenceAt : Break.Word;
      const wt = count(text.slice(ws, we));
      if (wt <= budget) units.push({ start: ws, end: we, tokens: wt, at: wordAt });
      else units.push(...hardPieces(text, ws, we, budget, count).map((u, k) => (k === 0 ? { ...u, at: wordAt } : u)));
    }
  }
  return units;
}

/** Every unit of the text in order, covering it without gaps. */
function units(text: string, budget: number, count: (s: string) => number): Unit[] {
  const out: Unit[] = [];
  for (const [i, [s, e]] of pieces(0, text.length, cutsAfter(text, 0, text.length, BLOCK_BREAK)).entries()) {
    const heading = i === 0 || /^#{1,6}[ \t]/.test(text.slice(s, s + 8)) || (e - s <= 240 && HEADING_BLOCK.test(text.slice(s, e)));
    const at = heading ? Break.Heading : Break.Paragraph;
    out.push(...blockUnits(text, s, e, at, budget, count));
  }
  return out;
}

/**
 * Where the overlap before `to` starts: the earliest sentence start (else word
 * start) in text[from, to) whose tail up to `to` fits in `maxTokens`; `to`
 * itself when not even one word fits.
 */
function overlapStart(text: string, from: number, to: number, maxTokens: number, count: (s: string) => number): number {
  if (maxTokens <= 0) return to;
  // Tokens are rarely longer than eight characters: nothing further back can fit.
  const window = Math.max(from, to - maxTokens * 8);
  for (const pattern of [SENTENCE_END, WORD_END]) {
    let best = to;
    const cuts = cutsAfter(text, window, to, pattern);
    for (let i = cuts.length - 1; i >= 0; i--) {
      const c = cuts[i] as number;
      if (count(text.slice(c, to)) > maxTokens) break;
      best = c;
    }
    if (best < to) return best;
  }
  return to;
}

/**
 * Splits `text` into chunks of at most `maxTokens` tokens. Chunks cover the
 * whole text in order; each after the first starts with up to
 * `overlapTokens` of the end of the one before (whole sentences when they fit,
 * else whole words). A text that fits is one chunk.
 */
export function splitText(text: string, options: SplitOptions): TextChunk[] {
  const { countTokens: count } = options;
  const maxTokens = Math.max(1, Math.floor(options.maxTokens));
  const overlap = Math.max(0, Math.min(Math.floor(options.overlapTokens), Math.floor(maxTokens * MAX_OVERLAP_SHARE)));
  const total = options.totalTokens ?? count(text);
  if (total <= maxTokens) return [[0, text.length, total]];
  const budget = Math.max(1, maxTokens - overlap);
  const all = units(text, budget, count);
  const unit = (i: number) => all[i] as Unit;
  const bodies: Array<{ start: number; end: number; tokens: number }> = [];
  let first = 0;
  while (first < all.length) {
    let tokens = 0;
    let next = first;
    while (next < all.length && (next === first || tokens + unit(next).tokens <= budget)) tokens += unit(next++).tokens;
    if (next < all.length) next = betterEnd(all, first, next, tokens, budget);
    let body = 0;
    for (let k = first; k < next; k++) body += unit(k).tokens;
    bodies.push({ start: unit(first).start, end: unit(next - 1).end, tokens: body });
    first = next;
  }
  return bodies.map((b, i) => {
    if (i === 0) return [b.start, b.end, b.tokens];
    const from = overlapStart(text, (bodies[i - 1] as { start: number }).start, b.start, overlap, count);
    return [from, b.end, b.tokens + (from < b.start ? count(text.slice(from, b.start)) : 0)];
  });
}

/**
 * A full chunk of units [first, next) ends where it filled, unless a heading
 * (else a paragraph break) lies late enough in it to keep it
 * `PREFER_BREAK_FILL` full: then it ends there and the next starts with it.
 */
function betterEnd(all: readonly Unit[], first: number, next: number, tokens: number, budget: number): number {
  for (const wanted of [Break.Heading, Break.Paragraph]) {
    let filled = tokens;
    for (let k = next - 1; k > first; k--) {
      filled -= (all[k] as Unit).tokens;
      if (filled < budget * PREFER_BREAK_FILL) break;
      if ((all[k] as Unit).at >= wanted) return k;
    }
  }
  return next;
}
