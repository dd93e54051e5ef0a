// The line the Temporal UI shows for each hop, the document (or label) first:
//   doc report-7 · #2 anthropic-backup (anthropic/claude-haiku-4-5) · fallback from openai-primary (openai/gpt-4o-mini) after ServiceUnavailableError ×2 · skipped cooling: openai-b
import type { AttemptRecord, AttemptStep } from '../src/core';

export function hopSummary(step: AttemptStep, attempts: readonly AttemptRecord[], label?: string): string {
  // `attempts` ends with this step's own record; the one before it says why we are here.
  const previous = attempts.length >= 2 ? attempts[attempts.length - 2] : undefined;
  let text = `#${step.attemptNo} ${step.deploymentId} (${step.deployment.model})`;
  if (previous !== undefined && previous.outcome === 'failure') {
    let times = 1;
    for (let i = attempts.length - 3; i >= 0 && attempts[i]?.deploymentId === previous.deploymentId && attempts[i]?.outcome === 'failure'; i--) times++;
    const how = step.reason === 'fallback' ? 'fallback from' : previous.deploymentId === step.deploymentId ? 'retry of' : 'retry after';
    text += ` · ${how} ${previous.deploymentId} (${previous.model}) after ${previous.errorClass ?? 'Error'}${times > 1 ? ` ×${times}` : ''}`;
  }
  const cooling = step.explanation.skipped.filter((s) => s.reason === 'cooldown').map((s) => s.id);
  if (cooling.length > 0) text += ` · skipped cooling: ${cooling.join(', ')}`;
  return label === undefined ? text : `${label} · ${text}`;
}
