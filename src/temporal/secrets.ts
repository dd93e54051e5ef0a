import type { DeploymentParams } from '../providers/types';

export const ENV_REFERENCE_PREFIX = 'os.environ/';

/** Raised before a workflow starts when its input would carry a literal API key into history. */
export class SecretInWorkflowInputError extends Error {
  override readonly name = 'SecretInWorkflowInputError';
}

/**
 * Workflow inputs are stored in history, readable by anyone with UI access.
 * A deployment bound for a workflow may carry an API key only as an
 * `os.environ/NAME` reference, which the activity resolves at call time.
 */
export function assertNoLiteralSecrets(deployments: readonly DeploymentParams[], path = 'deployments'): void {
  const bad = deployments
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.apiKey !== undefined && !d.apiKey.startsWith(ENV_REFERENCE_PREFIX));
  if (bad.length > 0) {
    throw new SecretInWorkflowInputError(
      bad.map(({ d, i }) => `${path}[${i}] (${d.id}).apiKey: a literal API key would be written to workflow history; use "os.environ/NAME"`).join('\n'),
    );
  }
}
