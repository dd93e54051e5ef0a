import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Typed search attributes that make routing runs filterable in the Temporal UI
// list ("failed over", "served by Anthropic"). They must be registered on the
// server before use; the dev server module registers exactly this list.
export const LlmModelGroup = defineSearchAttributeKey('LlmModelGroup', SearchAttributeType.KEYWORD);
export const LlmServedBy = defineSearchAttributeKey('LlmServedBy', SearchAttributeType.KEYWORD);
export const LlmFallbackCount = defineSearchAttributeKey('LlmFallbackCount', SearchAttributeType.INT);
export const LlmFailedDeployments = defineSearchAttributeKey('LlmFailedDeployments', SearchAttributeType.KEYWORD_LIST);
/** Batches: every deployment that served at least one of its documents or chunks (`LlmBatchServedBy = "backup"` finds a batch the backup served part of). */
export const LlmBatchServedBy = defineSearchAttributeKey('LlmBatchServedBy', SearchAttributeType.KEYWORD_LIST);

export const ROUTER_SEARCH_ATTRIBUTES = [LlmModelGroup, LlmServedBy, LlmFallbackCount, LlmFailedDeployments, LlmBatchServedBy] as const;

/** The CLI's spelling of each type, for `temporal server start-dev --search-attribute Name=Type`. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function searchAttributeCliArgs(): string[] {
  return ROUTER_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}
