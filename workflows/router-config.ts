// A routing config kept once per content version: its only content is its
// input, which sits in the first event of a history that stays small (it
// runs, so retention never deletes it, and does nothing). Request workflows
// carry the config's hash (`configRef`) instead of the config; the worker's
// payload codec (src/temporal/config-ref) reads it from here, once per
// worker process and version. No secrets: the config holds `os.environ/NAME`
// references only, as every workflow input does.
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import type { DurableRouterConfig } from './types';

export const ROUTER_CONFIG_WORKFLOW_TYPE = 'routerConfig';

export interface RouterConfigInput {
  /** Content hash of `config` (`configRefOf`), also in the workflow id. */
  hash: string;
  config: DurableRouterConfig;
}

/** The hash, for a look in the UI or with `temporal workflow query`. */
export const routerConfigHashQuery = defineQuery<string>('configHash');

export function routerConfigWorkflowId(hash: string): string {
  return `llm-router-config-${hash}`;
}

export async function routerConfig(input: RouterConfigInput): Promise<void> {
  setHandler(routerConfigHashQuery, () => input.hash);
  // Never ends on its own: an operator terminates versions no request uses any more.
  await condition(() => false);
}
