import { InvalidArgumentError, type Command } from 'commander';
import type { ServeFlags } from '../actions/serve';
import { withConnectionOptions } from '../connection-options';
import { parseListenPort } from '../parse';

// Loaded on first use; see commands/batch.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof import('../actions/serve') => require('../actions/serve') as typeof import('../actions/serve');

/** LiteLLM's proxy port, so clients configured for it need no change. A literal here so `--help` loads no gateway code. */
export const DEFAULT_SERVE_PORT = 4000;
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

function positiveNumber(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${option} "${value}" is not a positive number.`);
    return n;
  };
}

function logLevel(value: string): string {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not one of ${LOG_LEVELS.join(', ')}.`);
  return value;
}

export function registerServe(program: Command): void {
  withConnectionOptions(
    program
      .command('serve')
      .description('Serve an OpenAI- and Anthropic-compatible HTTP gateway (/v1/chat/completions, /v1/messages, /v1/models) over the router, until interrupted')
      .option('--config <file>', 'router config, a LiteLLM proxy config.yaml (env LLM_ROUTER_CONFIG, default ./router.yaml)')
      .option('--port <port>', `port to listen on (0: any free port)`, parseListenPort, DEFAULT_SERVE_PORT)
      .option('--host <address>', 'address to bind (0.0.0.0 for every interface)', '127.0.0.1')
      .option('--temporal', 'share routing health with every replica and job through the routerHealth entity, and serve durable requests (x-llm-router-durable: true, gateway_settings.durable_groups) as routedCompletion workflows; readiness then needs the Temporal server')
      .option('--task-queue <name>', 'task queue of the workers that run durable requests (with --temporal)')
      .option('--router <name>', 'the routerHealth entity every replica and durable job shares cooldowns through (with --temporal; env LLM_ROUTER_NAME; default: one per task queue and config)')
      .option('--no-shared-health', 'with --temporal, keep in-process routing health to this replica (durable requests still share theirs)')
      .option('--health-poll-ms <ms>', 'with shared health, how often the replica reads the entity (default 200)', positiveNumber('--health-poll-ms'))
      .option('--max-request-size-mb <mb>', 'largest request body (default general_settings.max_request_size_mb, else 10)', positiveNumber('--max-request-size-mb'))
      .option('--shutdown-grace <seconds>', 'on SIGTERM, how long in-flight requests and streams may take to finish', positiveNumber('--shutdown-grace'), 30)
      .option('--log-level <level>', `${LOG_LEVELS.join(', ')}; info logs one line per request (never its headers or keys)`, logLevel, 'warn')
      .option('--json', 'print the URL and settings as one JSON line once listening'),
  ).action(async (flags: ServeFlags) => actions().runServe(flags));
}
