import { ERROR_CLASS_NAMES, LLM_ROUTER_ERROR_MARKER, type ErrorClassName, type LlmRouterError } from './classes';

export function isLlmRouterError(x: unknown): x is LlmRouterError {
  return typeof x === 'object' && x !== null && (x as { [LLM_ROUTER_ERROR_MARKER]?: unknown })[LLM_ROUTER_ERROR_MARKER] === true;
}

export function isErrorClassName(x: unknown): x is ErrorClassName {
  return typeof x === 'string' && (ERROR_CLASS_NAMES as readonly string[]).includes(x);
}

/**
 * The taxonomy class of anything: our errors, their plain-data form after
 * crossing a boundary (`{ name }`), or a Temporal ApplicationFailure (`{ type }`).
 */
export function errorClassOf(x: unknown): ErrorClassName | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { name, type } = x as { name?: unknown; type?: unknown };
  if (isErrorClassName(name)) return name;
  if (isErrorClassName(type)) return type;
  return undefined;
}
