/** The env variable that names the router whose shared health CLI commands use (`--router` wins). */
export const ROUTER_NAME_ENV = 'LLM_ROUTER_NAME';

/**
 * The router name for shared health, or undefined when shared health is off
 * (no `--router`, LLM_ROUTER_NAME unset or empty). Every worker, batch and
 * completion started with the same name shares one routerHealth entity.
 */
export function sharedHealthRouterName(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = (flag ?? env[ROUTER_NAME_ENV] ?? '').trim();
  return name === '' ? undefined : name;
}
