import { existsSync } from 'node:fs';
import { assertNoLiteralSecrets, formatIssue, isConfigError, loadConfigFile, type ConfigError, type LoadedRouterConfig } from '../config';
import { CliError, EXIT } from './exit-codes';

export const DEFAULT_CONFIG_FILES = ['router.yaml', 'router.yml', 'router.json'];

/** `--config`, else LLM_ROUTER_CONFIG, else ./router.yaml (.yml, .json). */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.LLM_ROUTER_CONFIG ?? DEFAULT_CONFIG_FILES.find((f) => existsSync(f));
  if (!chosen) {
    throw new CliError(`no router config: pass --config <file>, set LLM_ROUTER_CONFIG, or create ${DEFAULT_CONFIG_FILES[0]}`, EXIT.USAGE);
  }
  return chosen;
}

/** Loads a config; a bad one is a usage error whose message lists every problem by path. */
export function loadCliConfig(path: string): LoadedRouterConfig {
  try {
    return loadConfigFile(path);
  } catch (err) {
    if (isConfigError(err)) throw new CliError(configErrorMessage(err, path), EXIT.USAGE);
    throw err;
  }
}

/**
 * Loads a config for a command that puts it in workflow history (a worker, a
 * durable `complete`, a batch, a schedule): a literal key is refused before any
 * connection is made, exit 2, naming the deployment as written.
 */
export function loadDurableCliConfig(path: string): LoadedRouterConfig {
  const config = loadCliConfig(path);
  try {
    assertNoLiteralSecrets(config);
  } catch (err) {
    if (isConfigError(err)) throw new CliError(configErrorMessage(err, path), EXIT.USAGE);
    throw err;
  }
  return config;
}

/** One line when there is one problem (the usual case: a missing file, a typo); the full list otherwise. */
export function configErrorMessage(err: ConfigError, path: string): string {
  const errors = err.issues.filter((i) => i.severity === 'error');
  const only = errors[0];
  if (errors.length === 1 && only) {
    return only.path === '(file)' ? `${only.message}` : `${path}: ${formatIssue(only, path)}`.replace(`${path}: ${path}:`, `${path}:`);
  }
  return err.message;
}
