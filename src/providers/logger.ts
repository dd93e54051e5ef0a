/**
 * Where the provider SDKs' own log lines go. Both SDKs log through a
 * `{ error, warn, info, debug }` object filtered by a level, and by default
 * print to the console at 'warn', e.g. "Could not parse message into JSON"
 * for a malformed stream frame. The registry already classifies that
 * failure, so by default nothing is printed; a caller who wants the SDK's
 * detail passes a level (and optionally its own logger).
 */

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

type LogFn = (message: string, ...rest: unknown[]) => void;

/** The shape both SDKs accept; `console` is one. */
export interface Logger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
}

export interface ProviderLogOptions {
  /** Receives the SDKs' log lines, prefixed with provider and deployment (default `console`). */
  logger?: Logger;
  /** Lowest level passed on (default 'off': the SDKs stay silent; failures still surface as classified errors). */
  logLevel?: LogLevel;
}

/** Quiet by default: a library must not write to its users' stderr. */
export const DEFAULT_PROVIDER_LOG_LEVEL: LogLevel = 'off';

export const LOG_LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** What each SDK client is constructed with: our logger, labelled for one deployment, and the level. */
export interface SdkLogSettings {
  logger: Logger;
  logLevel: LogLevel;
}

export function sdkLogSettings(options: ProviderLogOptions, label: string): SdkLogSettings {
  const logLevel = options.logLevel ?? DEFAULT_PROVIDER_LOG_LEVEL;
  const target = options.logger ?? console;
  const prefix = `[temporal-llm-router] ${label}:`;
  // The SDKs filter by level themselves; the prefix tells a reader which deployment spoke.
  const logger: Logger = {
    error: (message, ...rest) => target.error(`${prefix} ${message}`, ...rest),
    warn: (message, ...rest) => target.warn(`${prefix} ${message}`, ...rest),
    info: (message, ...rest) => target.info(`${prefix} ${message}`, ...rest),
    debug: (message, ...rest) => target.debug(`${prefix} ${message}`, ...rest),
  };
  return { logger, logLevel };
}
