// Rule-based complexity scoring for `auto_router/complexity_router`. Each
// signal is a number in [-1, 1]; the score is their weighted sum, and tier
// boundaries cut it into SIMPLE / MEDIUM / COMPLEX / REASONING. No model
// call, no regex backtracking on user text beyond two small bounded patterns.
import type { ComplexityRouterConfig, ComplexitySignal, ComplexityTier } from '../types';
import {
  COMPLEXITY_SCAN_CHARS,
  DEFAULT_COMPLEXITY_BOUNDARIES,
  DEFAULT_COMPLEXITY_KEYWORDS,
  DEFAULT_COMPLEXITY_WEIGHTS,
  DEFAULT_TOKEN_THRESHOLDS,
  FORCED_REASONING_MARKERS,
} from './keywords';

export interface ComplexityScore {
  score: number;
  tier: ComplexityTier;
  signals: Record<ComplexitySignal, number>;
  /** Keywords and patterns that fired, prefixed by their list, e.g. 'code:python'. */
  matched: string[];
}

export const TIER_ORDER: readonly ComplexityTier[] = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'];

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/** Distinct keywords found; word-bounded where the keyword itself starts/ends with a word character. */
function findKeywords(text: string, keywords: readonly string[], label: string, matched: string[]): number {
  let count = 0;
  for (const kw of keywords) {
    if (kw.length === 0) continue;
    const boundStart = isWordChar(kw.charCodeAt(0));
    const boundEnd = isWordChar(kw.charCodeAt(kw.length - 1));
    let from = 0;
    for (;;) {
      const at = text.indexOf(kw, from);
      if (at < 0) break;
      const end = at + kw.length;
      const okStart = !boundStart || at === 0 || !isWordChar(text.charCodeAt(at - 1));
      const okEnd = !boundEnd || end >= text.length || !isWordChar(text.charCodeAt(end));
      if (okStart && okEnd) {
        count++;
        matched.push(`${label}:${kw}`);
        break;
      }
      from = at + 1;
    }
  }
  return count;
}

function graded(count: number, one: number, two: number): number {
  return count === 0 ? 0 : count === 1 ? one : count === 2 ? two : 1;
}

// Bounded patterns: "first … then/next/finally", and two or more numbered list items.
const SEQUENCE = /\b(first|firstly|to begin)\b[\s\S]{0,400}?\b(then|next|after that|finally)\b/;
// Built per call: a /g regex carries lastIndex, and the core keeps no shared mutable state.
const NUMBERED_ITEM_SOURCE = '(?:^|\\n)\\s{0,8}(?:\\d{1,2}[.)]|step \\d{1,2}\\b)';

export function scoreComplexity(text: string, cfg: ComplexityRouterConfig, estimatedTokens?: number): ComplexityScore {
  const weights = { ...DEFAULT_COMPLEXITY_WEIGHTS, ...cfg.weights };
  const bounds = { ...DEFAULT_COMPLEXITY_BOUNDARIES, ...cfg.boundaries };
  const thresholds = { ...DEFAULT_TOKEN_THRESHOLDS, ...cfg.tokenThresholds };
  const kw = cfg.keywords ?? {};
  const lower = (text.length > COMPLEXITY_SCAN_CHARS ? text.slice(0, COMPLEXITY_SCAN_CHARS) : text).toLowerCase();
  const matched: string[] = [];

  // ~4 characters per token is close enough for a routing hint and costs nothing.
  const tokens = estimatedTokens ?? Math.ceil(text.length / 4);
  const tokenCount = tokens < thresholds.simple ? -1 : tokens > thresholds.complex ? 1 : 0;
  const code = findKeywords(lower, kw.code ?? DEFAULT_COMPLEXITY_KEYWORDS.code, 'code', matched);
  const reasoning = findKeywords(lower, kw.reasoning ?? DEFAULT_COMPLEXITY_KEYWORDS.reasoning, 'reasoning', matched);
  const technical = findKeywords(lower, kw.technical ?? DEFAULT_COMPLEXITY_KEYWORDS.technical, 'technical', matched);
  const simple = findKeywords(lower, kw.simple ?? DEFAULT_COMPLEXITY_KEYWORDS.simple, 'simple', matched);
  let multiStep = 0;
  if (SEQUENCE.test(lower)) { multiStep = 1; matched.push('multiStep:sequence'); }
  else {
    const items = lower.match(new RegExp(NUMBERED_ITEM_SOURCE, 'g'));
    if (items !== null && items.length >= 2) { multiStep = 1; matched.push('multiStep:numbered'); }
  }
  let questions = 0;
  for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) === 63) questions++;

  const signals: Record<ComplexitySignal, number> = {
    tokenCount,
    codePresence: graded(code, 0.5, 1),
    reasoningMarkers: graded(reasoning, 0.6, 1),
    technicalTerms: graded(technical, 0.5, 0.8),
    simpleIndicators: simple > 0 ? -1 : 0,
    multiStepPatterns: multiStep,
    questionComplexity: questions >= 3 ? 1 : questions === 2 ? 0.5 : 0,
  };
  let score = 0;
  for (const k of Object.keys(signals) as ComplexitySignal[]) score += (weights[k] ?? 0) * signals[k];
  score = Math.round(score * 1e6) / 1e6;

  let tier: ComplexityTier;
  if (reasoning >= FORCED_REASONING_MARKERS) tier = 'REASONING';
  else if (score < bounds.simpleMedium) tier = 'SIMPLE';
  else if (score < bounds.mediumComplex) tier = 'MEDIUM';
  else if (score < bounds.complexReasoning) tier = 'COMPLEX';
  else tier = 'REASONING';
  return { score, tier, signals, matched };
}

/**
 * The group for a tier: its own, else `defaultGroup` (LiteLLM `default_model`),
 * else the nearest configured tier above, else below — so a partial tier map
 * never leaves a request unroutable.
 */
export function groupForTier(cfg: ComplexityRouterConfig, tier: ComplexityTier): string | null {
  const own = cfg.tiers[tier];
  if (own !== undefined) return own;
  if (cfg.defaultGroup !== undefined) return cfg.defaultGroup;
  const at = TIER_ORDER.indexOf(tier);
  for (let i = at + 1; i < TIER_ORDER.length; i++) {
    const g = cfg.tiers[TIER_ORDER[i] as ComplexityTier];
    if (g !== undefined) return g;
  }
  for (let i = at - 1; i >= 0; i--) {
    const g = cfg.tiers[TIER_ORDER[i] as ComplexityTier];
    if (g !== undefined) return g;
  }
  return null;
}
