import type { DataConverter } from '@temporalio/common';
import type { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { CodecKeyError, keyringFromEnv, routerDataConverter } from '../temporal/codec';
import { ObservabilitySettingsError, observabilitySettingsFromEnv, type ObservabilitySettings } from '../temporal/observability/settings';
import { CliError, EXIT } from './exit-codes';

/**
 * What every CLI client and the CLI worker add to their Temporal options, read
 * from the environment: the payload codec (LLM_ROUTER_CODEC_KEYS, so a worker
 * and a client started by the CLI exchange encrypted payloads) and the
 * observability settings (LLM_ROUTER_TRACES, LLM_ROUTER_METRICS_*).
 */
export interface CliTemporalExtras {
  dataConverter: DataConverter;
  /** Id of the key that encrypts, or null when encryption is off. */
  encryptionKeyId: string | null;
  observability: ObservabilitySettings;
  /** The tracing plugin when LLM_ROUTER_TRACES is on; one per process, shared by its client and worker. */
  plugins: OpenTelemetryPlugin[];
}

let cached: CliTemporalExtras | undefined;

/** Bad settings are the user's input: one line naming the variable, exit 2. */
export function cliTemporalExtras(env: NodeJS.ProcessEnv = process.env): CliTemporalExtras {
  if (cached !== undefined && env === process.env) return cached;
  let extras: CliTemporalExtras;
  try {
    const keyring = keyringFromEnv(env);
    const observability = observabilitySettingsFromEnv(env);
    let plugins: OpenTelemetryPlugin[] = [];
    if (observability.traces !== 'off') {
      // Loaded only when tracing is on: the OpenTelemetry SDK is not needed otherwise.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { tracingPlugin } = require('../temporal/observability/tracing') as typeof import('../temporal/observability/tracing');
      const plugin = tracingPlugin(observability);
      plugins = plugin === null ? [] : [plugin];
    }
    extras = { dataConverter: routerDataConverter(keyring), encryptionKeyId: keyring?.activeKeyId ?? null, observability, plugins };
  } catch (err) {
    if (err instanceof CodecKeyError || err instanceof ObservabilitySettingsError) throw new CliError(err.message.replace(/\s*\n\s*/g, '; '), EXIT.USAGE);
    throw err;
  }
  if (env === process.env) cached = extras;
  return extras;
}
