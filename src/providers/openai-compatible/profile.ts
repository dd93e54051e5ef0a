import type { UnsupportedParam } from '../params';
import type { ChatRequest } from '../types';

/**
 * What distinguishes one OpenAI-compatible provider from another. Most need
 * nothing beyond the catalog entry (base URL and key variable).
 */
export interface OpenAiCompatibleProfile {
  /** Parameters this provider rejects for this model. */
  unsupportedParams?(request: ChatRequest, model: string): UnsupportedParam[];
  /** Rewrites the outgoing body (renames, provider-only fields). */
  adjustBody?(body: Record<string, unknown>, model: string): Record<string, unknown>;
  /** Ask for `stream_options.include_usage` (not every server accepts it). Default true. */
  streamUsage?: boolean;
  /** Build an AzureOpenAI client (deployment URLs, `api-version`, `api-key` header). */
  azure?: boolean;
}
