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
import { buildKeywordIndex, findKeywords, KEYWORD_LIST_ORDER, type KeywordIndex } from './keyword-index';

export interface ComplexityScore {
  score: number;
  tier: ComplexityTier;
  signals: Record<ComplexitySignal, number>;
  /** Keywords and patterns that fired, prefixed by their list, e.g. 'code:python'. */
  matched: string[];
}

export const TIER_ORDER: readonly ComplexityTier[] = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'];

function graded(count: number, one: number, two: number): number {
  return count === 0 ? 0 : count === 1 ? one : count === 2 ? two : 1;
}

// Built once: the default lists never change. Custom lists get their own index per call.
const DEFAULT_INDEX: KeywordIndex = buildKeywordIndex(DEFAULT_COMPLEXITY_KEYWORDS);

function indexFor(cfg: ComplexityRouterConfig): KeywordIndex {
  const custom = cfg.keywords;
  if (custom === undefined || KEYWORD_LIST_ORDER.every((list) => custom[list] === undefined)) return DEFAULT_INDEX;
  return buildKeywordIndex({
    code: custom.code ?? DEFAULT_COMPLEXITY_KEYWORDS.code,
    reasoning: custom.reasoning ?? DEFAULT_COMPLEXITY_KEYWORDS.reasoning,
    technical: custom.technical ?? DEFAULT_COMPLEXITY_KEYWORDS.technical,
    simple: custom.simple ?? DEFAULT_COMPLEXITY_KEYWORDS.simple,
  });
}

// Bounded patterns: "first … then/next/finally", and two or more numbered list items.
const SEQUENCE = /\b(first|firstly|to begin)\b[\s\S]{0,400}?\b(then|next|after that|finally)\b/;
// Built per call: a /g regex carries lastIndex, and the core keeps no shared mutable state.
const NUMBERED_ITEM_SOURCE = '(?:^|\\n)\\s{0,8}(?:\\d{1,2}[.)]|step \\d{1,2}\\b)';

export function scoreComplexity(text: string, cfg: ComplexityRouterConfig, estimatedTokens?: number): ComplexityScore {
  const weights = { ...DEFAULT_COMPLEXITY_WEIGHTS, ...cfg.weights };
  const bounds = { ...DEFAULT_COMPLEXITY_BOUNDARIES, ...cfg.boundaries };
  const thresholds = { ...DEFAULT_TOKEN_THRESHOLDS, ...cfg.tokenThresholds };
  const lower = (text.length > COMPLEXITY_SCAN_CHARS ? text.slice(0, COMPLEXITY_SCAN_CHARS) : text).toLowerCase();
  const matched: string[] = [];

  // ~4 characters per token is close enough for a routing hint and costs nothing.
  const tokens = estimatedTokens ?? Math.ceil(text.length / 4);
  const tokenCount = tokens < thresholds.simple ? -1 : tokens > thresholds.complex ? 1 : 0;
  const index = indexFor(cfg);
  const found = findKeywords(lower, index);
  for (const list of KEYWORD_LIST_ORDER) {
    const keywords = index.lists[list];
    for (const position of [...found[list]].sort((a, b) => a - b)) matched.push(`${list}:${keywords[position] ?? ''}`);
  }
  const code = found.code.size;
  const reasoning = found.reasoning.size;
  const technical = found.technical.size;
  const simple = found.simple.size;
  let multiStep = 0;
  if (SEQUENCE.test(lower)) { multiStep = 1; matched.push('multiStep:sequence'); }
  else {
    const items = lower.match(new RegExp(NUMBERED_ITEM_SOURCE, 'g'));
    if (items !== null && items.length >= 2) { multiStep = 1; matched.push('multiStep:numbered'); }
  }
  let questions = 0;
  // Only 0, 1, 2 and "3 or more" matter.
  for (let at = lower.indexOf('?'); at >= 0 && questions < 3; at = lower.indexOf('?', at + 1)) questions++;

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
