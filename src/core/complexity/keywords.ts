// Default keyword lists for the complexity scorer. Lower-case; single words
// match on word boundaries, phrases match as written. Each list is replaceable
// through `complexityRouterConfig.keywords`.
import type { ComplexityKeywordList } from '../types';

export const DEFAULT_COMPLEXITY_KEYWORDS: Readonly<Record<ComplexityKeywordList, readonly string[]>> = {
  code: [
    'function', 'class', 'method', 'interface', 'typescript', 'javascript', 'python', 'rust', 'golang', 'java',
    'sql', 'regex', 'compile', 'compiler', 'stack trace', 'traceback', 'refactor', 'debug', 'bug', 'unit test',
    'api', 'endpoint', 'json', 'yaml', 'async', 'await', 'import', 'return', 'variable', 'npm', 'git',
    '```', '=>', '();', 'def ', 'const ', 'let ',
  ],
  reasoning: [
    'step by step', 'think through', 'reason about', 'reasoning', 'prove', 'proof', 'derive', 'analyze', 'analyse',
    'trade-off', 'tradeoff', 'trade-offs', 'pros and cons', 'compare and contrast', 'justify', 'evaluate',
    'why does', 'root cause', 'implications', 'first principles', 'chain of thought',
    // Open-ended design work asks for reasoning as much as "prove" does.
    'design a', 'design an', 'architect a', 'devise',
  ],
  technical: [
    'algorithm', 'complexity', 'distributed', 'consensus', 'architecture', 'microservices', 'concurrency',
    'latency', 'throughput', 'database', 'index', 'transaction', 'kubernetes', 'encryption', 'protocol',
    'optimization', 'optimisation', 'scalability', 'memory', 'cache', 'neural', 'gradient', 'statistical',
    'theorem', 'integral', 'derivative', 'matrix', 'eigenvalue', 'quantum', 'compiler',
    'fault tolerance', 'fault-tolerant', 'byzantine', 'replication', 'paxos', 'raft', 'sharding', 'partition tolerance',
  ],
  simple: [
    'what is', 'who is', 'when is', 'where is', 'define', 'definition of', 'translate', 'hello', 'hi', 'thanks',
    'thank you', 'how are you', 'capital of', 'spell', 'synonym', 'meaning of',
  ],
};

export const DEFAULT_COMPLEXITY_WEIGHTS = {
  tokenCount: 0.1,
  codePresence: 0.3,
  reasoningMarkers: 0.25,
  technicalTerms: 0.25,
  simpleIndicators: 0.05,
  multiStepPatterns: 0.03,
  questionComplexity: 0.02,
} as const;

export const DEFAULT_COMPLEXITY_BOUNDARIES = { simpleMedium: 0.15, mediumComplex: 0.35, complexReasoning: 0.6 } as const;
export const DEFAULT_TOKEN_THRESHOLDS = { simple: 15, complex: 400 } as const;
/** Keyword scanning stops here: routing hints do not need the whole of a very long prompt. */
export const COMPLEXITY_SCAN_CHARS = 8_000;
/** Reasoning markers at or above this count force REASONING. */
export const FORCED_REASONING_MARKERS = 2;
