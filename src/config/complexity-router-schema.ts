import { z } from 'zod';
import { nonEmptyString, nonNegativeInt, nonNegativeNumber } from './schema-helpers';

export const COMPLEXITY_TIERS = ['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING'] as const;
export type ComplexityTier = (typeof COMPLEXITY_TIERS)[number];

/** The model string that marks a `model_list` entry as a complexity router rather than a deployment. */
export const COMPLEXITY_ROUTER_MODEL = 'auto_router/complexity_router';

/** A tier maps to one model group, or to a pool of groups LiteLLM picks from at random. */
const tierTarget = z.union([nonEmptyString(), z.array(nonEmptyString()).min(1)]);

export const complexityRouterConfigSchema = z.looseObject({
  tiers: z.looseObject({
    SIMPLE: tierTarget.optional(),
    MEDIUM: tierTarget.optional(),
    COMPLEX: tierTarget.optional(),
    REASONING: tierTarget.optional(),
  }),
  tier_boundaries: z
    .looseObject({
      simple_medium: nonNegativeNumber().max(1).optional(),
      medium_complex: nonNegativeNumber().max(1).optional(),
      complex_reasoning: nonNegativeNumber().max(1).optional(),
    })
    .optional(),
  token_thresholds: z
    .looseObject({
      simple: nonNegativeInt().optional(),
      complex: nonNegativeInt().optional(),
    })
    .optional(),
  dimension_weights: z
    .looseObject({
      tokenCount: nonNegativeNumber().optional(),
      codePresence: nonNegativeNumber().optional(),
      reasoningMarkers: nonNegativeNumber().optional(),
      technicalTerms: nonNegativeNumber().optional(),
      simpleIndicators: nonNegativeNumber().optional(),
      multiStepPatterns: nonNegativeNumber().optional(),
      questionComplexity: nonNegativeNumber().optional(),
    })
    .optional(),
  code_keywords: z.array(nonEmptyString()).optional(),
  reasoning_keywords: z.array(nonEmptyString()).optional(),
  technical_keywords: z.array(nonEmptyString()).optional(),
  simple_keywords: z.array(nonEmptyString()).optional(),
  custom_technical_keywords: z.array(nonEmptyString()).optional(),
  default_model: nonEmptyString().optional(),
  classifier_type: z.literal('heuristic').optional(),
});

export type ComplexityRouterConfigInput = z.infer<typeof complexityRouterConfigSchema>;
