/**
 * Config problems carry the path inside the config (`model_list[2].litellm_params.rpm`)
 * and, when the config came from a YAML file, the line it sits on. Loading collects
 * every problem before failing, so a user fixes a broken file in one pass.
 */

export type ConfigPath = readonly (string | number)[];

export type IssueSeverity = 'error' | 'warning';

export interface ConfigIssue {
  readonly severity: IssueSeverity;
  /** Dotted path with bracketed indices, e.g. `router_settings.fallbacks[0].primary[1]`. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the source file, when the config came from YAML or JSON text. */
  readonly line?: number;
  readonly column?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

export function formatIssue(issue: ConfigIssue, source?: string): string {
  const where = issue.line === undefined ? '' : `${source ?? ''}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`} `;
  return `${where}${issue.path}: ${issue.message}`;
}

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

interface PendingIssue {
  readonly severity: IssueSeverity;
  readonly segments: ConfigPath;
  readonly message: string;
}

/** Collects issues while the loader walks the config; never throws on its own. */
export class IssueList {
  private readonly pending: PendingIssue[] = [];

  error(path: ConfigPath, message: string): void {
    this.pending.push({ severity: 'error', segments: path, message });
  }

  warn(path: ConfigPath, message: string): void {
    this.pending.push({ severity: 'warning', segments: path, message });
  }

  get hasErrors(): boolean {
    return this.pending.some((i) => i.severity === 'error');
  }

  /** Issues in the order found, placed in the source file when `locate` can place them. */
  toIssues(locate?: (path: ConfigPath) => SourcePosition | undefined): ConfigIssue[] {
    return this.pending.map((p) => {
      const position = locate?.(p.segments);
      const issue: ConfigIssue = { severity: p.severity, path: formatPath(p.segments), message: p.message };
      return position === undefined ? issue : { ...issue, line: position.line, column: position.column };
    });
  }
}

const CONFIG_ERROR_MARKER = Symbol.for('temporal-llm-router.ConfigError');

/** Thrown when a config has at least one error; `issues` holds every error and warning found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  readonly source: string | undefined;
  private readonly [CONFIG_ERROR_MARKER] = true;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const errors = issues.filter((i) => i.severity === 'error');
    const head = `invalid router config${source === undefined ? '' : ` ${source}`}: ${errors.length} problem${errors.length === 1 ? '' : 's'}`;
    super([head, ...errors.map((i) => `  - ${formatIssue(i, source)}`)].join('\n'));
    this.issues = issues;
    this.source = source;
  }

  static isInstance(value: unknown): value is ConfigError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CONFIG_ERROR_MARKER] === true;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return ConfigError.isInstance(value);
}
