// The line the Temporal UI shows for each hop, e.g.
//   #2 anthropic/claude-sonnet-4-5 · fallback from openai/gpt-4o (ServiceUnavailableError ×3)
import type { AttemptStep } from '../src/core';
import type { HopRecord } from './types';

export function hopSummary(step: AttemptStep, previous: HopRecord | undefined, label?: string): string {
  let text = `#${step.attemptNo} ${step.deployment.model}`;
  if (previous !== undefined && previous.outcome === 'failure') {
    const times = previous.attempts > 1 ? ` ×${previous.attempts}` : '';
    const how = step.reason === 'fallback' ? 'fallback from' : previous.deployment === step.deploymentId ? 'retry of' : 'retry after';
    text += ` · ${how} ${previous.model} (${previous.errorClass ?? 'Error'}${times})`;
  }
  return label === undefined ? text : `${text} · ${label}`;
}
