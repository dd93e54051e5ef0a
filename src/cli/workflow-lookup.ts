import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { CliError, EXIT } from './exit-codes';

function isNotFound(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const name = (err as { name?: string } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  return name === 'WorkflowNotFoundError' || /not found/i.test(message);
}

/** Describes a workflow, turning "no such id" into one clear line and exit code 3. */
export async function describeOrNotFound(client: Client, workflowId: string, what: string): Promise<WorkflowExecutionDescription> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (isNotFound(err)) throw new CliError(`no ${what} with id "${workflowId}" in namespace "${client.options.namespace}"`, EXIT.NOT_FOUND);
    throw err;
  }
}
