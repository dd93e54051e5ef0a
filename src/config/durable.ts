import { ConfigError } from './issues';
import type { LoadedRouterConfig } from './types';

/**
 * Workflow inputs are written to Temporal history in the clear. Call this
 * before starting a workflow with a loaded config: it fails, naming each
 * place, if the config holds a literal secret instead of an `os.environ/NAME` reference.
 */
export function assertNoLiteralSecrets(config: LoadedRouterConfig): void {
  if (config.literalSecrets.length === 0) return;
  throw new ConfigError(
    config.literalSecrets.map((s) => ({
      severity: 'error' as const,
      path: s.path,
      message: `literal secret in ${s.deployment} would be written to workflow history; use "os.environ/NAME"`,
    })),
    config.source,
  );
}
