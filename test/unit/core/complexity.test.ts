// Complexity router: scoring, tiers, configuration and the explanation.
import {
  COMPLEXITY_ROUTER_MODEL,
  emptyRouterState,
  groupForTier,
  pick,
  scoreComplexity,
  type ComplexityRouterConfig,
} from '../../../src/core';
import fc from 'fast-check';
import { DEFAULT_COMPLEXITY_KEYWORDS } from '../../../src/core/complexity/keywords';
import { NOW, config, dep, seeded } from './helpers';

const TIERS: ComplexityRouterConfig = { tiers: { SIMPLE: 's', MEDIUM: 'm', COMPLEX: 'c', REASONING: 'r' } };

describe('complexity scoring', () => {
  test.each([
    ['SIMPLE', 'What is the capital of France?'],
    ['SIMPLE', 'hello, how are you'],
    ['MEDIUM', 'Write a Python function that reads a JSON file and returns the keys sorted.'],
    ['COMPLEX', 'Write the SQL for a database index on a distributed cache table, and a TypeScript class with async methods that uses it.'],
    // A design task on top of code and technical terms asks for a reasoning model.
    ['REASONING', 'Design a database schema with an index strategy for a distributed cache; write the SQL and a TypeScript class for the repository layer with async methods.'],
    ['REASONING', 'Think step by step and prove that the algorithm terminates; analyze every case.'],
  ])('%s: %s', (tier, text) => {
    expect(scoreComplexity(text, TIERS).tier).toBe(tier);
  });

  test("the seed's examples route as the README promises, and say why", () => {
    const simple = scoreComplexity('What is Python?', TIERS);
    expect(simple.tier).toBe('SIMPLE');
    expect(simple.matched).toEqual(expect.arrayContaining(['simple:what is']));
    const hard = scoreComplexity('Design a distributed consensus algorithm for 5 nodes with Byzantine fault tolerance.', TIERS);
    expect(['COMPLEX', 'REASONING']).toContain(hard.tier);
    expect(hard.matched).toEqual(expect.arrayContaining(['reasoning:design a', 'technical:distributed', 'technical:consensus', 'technical:byzantine']));
    expect(hard.signals.reasoningMarkers).toBeGreaterThan(0);
    expect(hard.signals.technicalTerms).toBe(1);
  });

  test('two reasoning markers force REASONING whatever the score', () => {
    const r = scoreComplexity('step by step, justify', TIERS);
    expect(r.score).toBeLessThan(0.6);
    expect(r.tier).toBe('REASONING');
  });

  test('keywords match whole words, not substrings', () => {
    const r = scoreComplexity('The classroom had a sqlite poster', TIERS);
    expect(r.matched.filter((m) => m.startsWith('code:'))).toEqual([]);
  });

  test('the one-pass keyword matcher finds exactly what a search per keyword finds', () => {
    // Oracle: search each keyword separately, word-bounded where the keyword starts or ends with a word character.
    const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
    const naive = (text: string, list: readonly string[], label: string): string[] =>
      list
        .filter((kw) => {
          if (kw === '') return false;
          for (let at = text.indexOf(kw); at >= 0; at = text.indexOf(kw, at + 1)) {
            const okStart = !word(kw[0]) || !word(text[at - 1]);
            const okEnd = !word(kw[kw.length - 1]) || !word(text[at + kw.length]);
            if (okStart && okEnd) return true;
          }
          return false;
        })
        .map((kw) => `${label}:${kw}`);
    const lists = {
      code: [...DEFAULT_COMPLEXITY_KEYWORDS.code],
      reasoning: [...DEFAULT_COMPLEXITY_KEYWORDS.reasoning],
      technical: [...DEFAULT_COMPLEXITY_KEYWORDS.technical, 'c++', 'é-mail', 'x'],
      simple: [...DEFAULT_COMPLEXITY_KEYWORDS.simple],
    };
    const fragments = [...Object.values(lists).flat(), ' ', '  ', '-', '_', 's', 'pre', '.', '?', '\n', 'É', '(', ')', 'def', 'trade', 'step'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const lower = text.toLowerCase();
        const expected = [
          ...naive(lower, lists.code, 'code'),
          ...naive(lower, lists.reasoning, 'reasoning'),
          ...naive(lower, lists.technical, 'technical'),
          ...naive(lower, lists.simple, 'simple'),
        ];
        const got = scoreComplexity(text, { ...TIERS, keywords: lists }).matched.filter((m) => !m.startsWith('multiStep:'));
        expect(got).toEqual(expected);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  test('the explanation lists every signal and what matched', () => {
    const r = scoreComplexity('First install the package, then run the unit test. Why? How? Where?', TIERS);
    expect(Object.keys(r.signals).sort()).toEqual(
      ['codePresence', 'multiStepPatterns', 'questionComplexity', 'reasoningMarkers', 'simpleIndicators', 'technicalTerms', 'tokenCount'].sort(),
    );
    expect(r.signals.multiStepPatterns).toBe(1);
    expect(r.signals.questionComplexity).toBe(1);
    expect(r.matched).toEqual(expect.arrayContaining(['code:unit test', 'multiStep:sequence']));
  });

  test('weights, boundaries, token thresholds and keyword lists are configurable', () => {
    const text = 'Summarise the quarterly ledger reconciliation';
    expect(scoreComplexity(text, TIERS).tier).toBe('SIMPLE');
    const custom: ComplexityRouterConfig = {
      ...TIERS,
      keywords: { technical: ['ledger', 'reconciliation'] },
      weights: { technicalTerms: 0.5 },
      boundaries: { mediumComplex: 0.3 },
    };
    const r = scoreComplexity(text, custom);
    expect(r.signals.technicalTerms).toBe(0.8);
    expect(r.tier).toBe('COMPLEX');
    expect(scoreComplexity('short', { ...TIERS, tokenThresholds: { simple: 0 } }).signals.tokenCount).toBe(0);
  });

  test('a tier without a group uses the default group, else the nearest tier above, else below', () => {
    expect(groupForTier({ tiers: { REASONING: 'r' }, defaultGroup: 'd' }, 'SIMPLE')).toBe('d');
    expect(groupForTier({ tiers: { SIMPLE: 's', COMPLEX: 'c' } }, 'MEDIUM')).toBe('c');
    expect(groupForTier({ tiers: { SIMPLE: 's' } }, 'REASONING')).toBe('s');
    expect(groupForTier({ tiers: {} }, 'SIMPLE')).toBeNull();
  });

  test('pick routes a complexity-router group to the tier group and explains it', () => {
    const cfg = config([
      dep('router', 'auto', { model: COMPLEXITY_ROUTER_MODEL, provider: 'auto_router', complexityRouterConfig: { tiers: { SIMPLE: 'mini', COMPLEX: 'big' } } }),
      dep('m1', 'mini'),
      dep('b1', 'big'),
    ]);
    const r = pick(cfg, emptyRouterState(), { group: 'auto', text: 'What is an API?' }, NOW, seeded(1));
    expect(r).toMatchObject({
      kind: 'picked',
      deployment: { id: 'm1' },
      explanation: { group: 'mini', complexity: { routerDeploymentId: 'router', tier: 'SIMPLE', targetGroup: 'mini' } },
    });
  });
});
