import { Context } from '@temporalio/activity';
import type { ProviderRegistry } from '../src/providers';
import type { ChatMessage, ChatRequest, ChatResponse, DeploymentParams } from '../src/providers/types';
import { documentFailure, providerFailure } from '../src/temporal/to-application-failure';
import type { DocumentPrompt } from '../workflows/batch-types';
import { documentText, type DocumentDeps } from './documents';

export const DEFAULT_SUMMARY_INSTRUCTIONS = 'You summarise documents faithfully and concisely.';
export const DEFAULT_SUMMARY_MAX_TOKENS = 256;

/** Either a whole request, or a document prompt the activity builds from a reference (so no document enters history). */
export type CallDeploymentInput =
  | { deployment: DeploymentParams; request: ChatRequest }
  | { deployment: DeploymentParams; document: DocumentPrompt };

export interface CallDeploymentDeps extends Partial<DocumentDeps> {
  providers: Pick<ProviderRegistry, 'complete'>;
}

async function promptRequest(deps: CallDeploymentDeps, prompt: DocumentPrompt): Promise<ChatRequest> {
  const instructions = prompt.instructions ?? DEFAULT_SUMMARY_INSTRUCTIONS;
  const max_tokens = prompt.maxTokens ?? DEFAULT_SUMMARY_MAX_TOKENS;
  let user: string;
  if (prompt.kind === 'combine') {
    user = `Summarise document ${prompt.docId} from these summaries of its parts, in order:\n\n${prompt.partials.map((p, i) => `Part ${i + 1}: ${p}`).join('\n\n')}`;
  } else {
    if (deps.documents === undefined) throw new Error('callDeployment: document prompts need a document store (createActivities({ documents }))');
    let text: string;
    try {
      text = await documentText({ documents: deps.documents }, prompt.source, prompt.doc, prompt.tokenRange);
    } catch (err) {
      throw documentFailure('DocumentUnreadableError', `${prompt.doc.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const part = prompt.part !== undefined && prompt.part.of > 1 ? ` (part ${prompt.part.index + 1} of ${prompt.part.of})` : '';
    user = `Summarise this document${part}:\n\n${text}`;
  }
  const messages: ChatMessage[] = [{ role: 'system', content: instructions }, { role: 'user', content: user }];
  return { messages, max_tokens };
}

/**
 * One provider call, exactly one HTTP attempt: the provider layer builds SDK
 * clients with `maxRetries: 0`, so Temporal's RetryPolicy is the only retry
 * layer. API keys are resolved here, inside the activity, from
 * `os.environ/NAME` references, so they never reach workflow history.
 */
export function createCallDeployment(deps: CallDeploymentDeps) {
  return async function callDeployment(input: CallDeploymentInput): Promise<ChatResponse> {
    const ctx = Context.current();
    const request = 'request' in input ? input.request : await promptRequest(deps, input.document);
    // Heartbeats let Temporal notice a dead worker long before the call's own timeout.
    const heartbeatMs = ctx.info.heartbeatTimeoutMs;
    const timer = heartbeatMs ? setInterval(() => ctx.heartbeat(), Math.max(100, Math.floor(heartbeatMs / 3))) : undefined;
    try {
      // Cancelling the activity (or its timeout) aborts the HTTP request.
      const response = await deps.providers.complete(input.deployment, request, { signal: ctx.cancellationSignal });
      if (response.routing !== undefined) response.routing.attempts = ctx.info.attempt;
      return response;
    } catch (err) {
      throw providerFailure(err, ctx.info.attempt);
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
  };
}
