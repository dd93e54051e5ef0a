import { Router } from '../../router';
import { configPath, loadCliConfig, loadDurableCliConfig } from '../config-file';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';
import type { ConnectionFlags } from '../connection-options';
import type { RoutingMetadata } from '../../core/types';
import { DURABILITY_MODES } from '../../../workflows/types';

/** What `complete` says on stderr about the route, the same for durable and direct calls. */
export function writeRouting(r: RoutingMetadata): void {
  process.stderr.write(`served by ${r.deployment} (${r.model}) after ${r.attempts} call(s), ${r.fallbacks} fallback(s), in ${Math.round(r.latencyMs)} ms\n`);
  for (const a of r.attemptLog) {
    if (a.outcome === 'failure') process.stderr.write(`  #${a.attemptNo} ${a.deploymentId} (${a.model}): ${a.errorClass ?? 'failed'}${a.status === null ? '' : ` ${a.status}`}\n`);
  }
}

export interface CompleteFlags extends ConnectionFlags {
  model: string;
  config?: string;
  direct?: boolean;
  system?: string;
  maxTokens?: number;
  json?: boolean;
  taskQueue?: string;
  router?: string;
  durability?: string;
  id?: string;
  /** Milliseconds (parsed from --timeout). */
  timeout?: number;
}

export async function complete(prompt: string, flags: CompleteFlags): Promise<void> {
  if (prompt.trim() === '') throw new CliError('the prompt is empty', EXIT.USAGE);
  const file = configPath(flags.config);
  const config = flags.direct ? loadCliConfig(file) : loadDurableCliConfig(file);
  if (!(flags.model in config.routing.groups)) {
    throw new CliError(`--model "${flags.model}": no such model group in ${file} (groups: ${Object.keys(config.routing.groups).join(', ')})`, EXIT.USAGE);
  }
  const messages = [
    ...(flags.system ? [{ role: 'system' as const, content: flags.system }] : []),
    { role: 'user' as const, content: prompt },
  ];
  if (flags.durability !== undefined && flags.direct) throw new CliError('--durability applies to durable requests only; drop it or --direct', EXIT.USAGE);
  if (flags.durability !== undefined && !(DURABILITY_MODES as readonly string[]).includes(flags.durability)) {
    throw new CliError(`--durability "${flags.durability}": expected one of ${DURABILITY_MODES.join(', ')}`, EXIT.USAGE);
  }
  const request = { model: flags.model, messages, ...(flags.maxTokens ? { max_tokens: flags.maxTokens } : {}) };
  if (flags.direct && (flags.id !== undefined || flags.timeout !== undefined)) {
    throw new CliError(`${flags.id !== undefined ? '--id' : '--timeout'} applies to durable requests only, not --direct`, EXIT.USAGE);
  }
  if (flags.direct) {
    const response = await new Router(config).completion(request);
    if (flags.json) return writeJson(response);
    process.stdout.write(`${response.choices[0]?.message.content ?? ''}\n`);
    writeRouting(response.routing);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only the durable path needs the Temporal client
  const { completeDurably } = require('./complete-durable') as typeof import('./complete-durable');
  await completeDurably(config, request, flags);
}
