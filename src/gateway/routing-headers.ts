import type { RouteSummary } from './backend';

/** Header values must be visible ASCII; a deployment id from a config could hold anything. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/** USD with enough digits for a fraction of a cent, never in exponent notation. */
export function formatCost(usd: number): string {
  return usd.toFixed(10).replace(/0+$/, '').replace(/\.$/, '.0');
}

/** Headers that say how a response was routed. Streams send the ones known only at the end as HTTP trailers. */
export const ROUTE_TRAILERS = ['x-llm-router-deployment', 'x-llm-router-attempts', 'x-llm-router-cost'] as const;

export function routeHeaders(route: RouteSummary): Record<string, string> {
  const headers: Record<string, string> = {
    'x-llm-router-deployment': headerSafe(route.deployment),
    'x-llm-router-attempts': String(route.attempts),
    'x-llm-router-group': headerSafe(route.group),
    'x-llm-router-model': headerSafe(route.model),
    'x-llm-router-path': route.path,
  };
  if (route.costUsd !== undefined) headers['x-llm-router-cost'] = formatCost(route.costUsd);
  if (route.fallbacks > 0) headers['x-llm-router-fallbacks'] = String(route.fallbacks);
  if (route.workflowId !== undefined) headers['x-llm-router-workflow-id'] = route.workflowId;
  return headers;
}
