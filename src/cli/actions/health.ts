import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { cooldownDeployment, getRouterHealthReport, restoreDeployment, routerHealthWorkflowId, type RouterHealthReport } from '../../temporal/health';
import { parseDuration } from '../../temporal/schedules';
import { connectClient } from '../connection';
import type { ConnectionFlags } from '../connection-options';
import { CliError, EXIT } from '../exit-codes';
import { writeJson } from '../output';

export const DEFAULT_ROUTER_NAME = 'default';

export interface HealthFlags extends ConnectionFlags {
  router?: string;
  json?: boolean;
  for?: string;
  note?: string;
}

function routerName(flags: HealthFlags): string {
  return flags.router ?? process.env.LLM_ROUTER_NAME ?? DEFAULT_ROUTER_NAME;
}

async function withHealth<T>(flags: HealthFlags, run: (client: Client, name: string) => Promise<T>): Promise<T> {
  const { client, close } = await connectClient(flags);
  const name = routerName(flags);
  try {
    return await run(client, name);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError') {
      throw new CliError(`no shared health for router "${name}" (workflow ${routerHealthWorkflowId(name)} not found); it starts with "llm-router worker --router ${name}" or the first routed request of that router`, EXIT.NOT_FOUND);
    }
    // An Update the entity rejected (unknown deployment, bad duration) is the operator's input.
    if (/unknown deployment|rejected|validator/i.test(message)) throw new CliError(message.split('\n')[0] ?? message, EXIT.USAGE);
    throw err;
  } finally {
    await close();
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export function formatReport(r: RouterHealthReport, now = Date.now()): string {
  const lines = [`router "${r.routerName}" (${r.workflowId})`];
  const latency = new Map(r.latency.map((l) => [l.deploymentId, l]));
  const usage = new Map(r.usage.map((u) => [u.deploymentId, u]));
  const width = Math.max(10, ...r.deployments.map((d) => d.deploymentId.length));
  lines.push(`  ${'deployment'.padEnd(width)}  status    ok  fail  latency      rpm used   tpm used`);
  for (const d of r.deployments) {
    const l = latency.get(d.deploymentId);
    const u = usage.get(d.deploymentId);
    const status = d.status === 'cooling' && d.cooldownUntil ? `cooling (${seconds(d.cooldownUntil - now)} left)` : d.status;
    lines.push(
      `  ${d.deploymentId.padEnd(width)}  ${status.padEnd(8)}  ${String(d.successes).padStart(2)}  ${String(d.failures).padStart(4)}  ` +
        `${l?.meanMs == null ? '-'.padEnd(11) : `${l.meanMs.toFixed(1)} ms`.padEnd(11)}  ${String(u?.rpmUsed ?? 0).padStart(8)}   ${String(u?.tpmUsed ?? 0).padStart(8)}`,
    );
  }
  for (const c of r.cooldowns) {
    lines.push(`  cooldown ${c.deploymentId}: ${c.manual ? 'by hand' : `${c.reason?.errorClass ?? '?'} (${c.reason?.rule ?? '?'})`}, ${seconds(c.remainingMs)} left${c.probeFailures ? `, ${c.probeFailures} failed probe(s)` : ''}`);
  }
  return lines.join('\n');
}

export async function healthShow(flags: HealthFlags): Promise<void> {
  await withHealth(flags, async (client, name) => {
    const report = await getRouterHealthReport(client, name);
    if (flags.json) return writeJson(report);
    process.stdout.write(`${formatReport(report)}\n`);
  });
}

export async function healthCooldown(deploymentId: string, flags: HealthFlags): Promise<void> {
  const parsed = parseDuration(flags.for ?? '');
  if ('problem' in parsed || parsed.ms <= 0) {
    throw new CliError(`--for "${flags.for ?? ''}": ${'problem' in parsed ? parsed.problem : 'must be longer than 0'}`, EXIT.USAGE);
  }
  await withHealth(flags, async (client, name) => {
    const view = await cooldownDeployment(client, name, { deploymentId, durationMs: parsed.ms, by: 'llm-router cli', ...(flags.note ? { note: flags.note } : {}) });
    if (flags.json) return writeJson(view);
    process.stdout.write(`${deploymentId} cooled down by hand for ${seconds(view.remainingMs)} (router "${name}")\n`);
  });
}

export async function healthRestore(deploymentId: string, flags: HealthFlags): Promise<void> {
  await withHealth(flags, async (client, name) => {
    const view = await restoreDeployment(client, name, { deploymentId, by: 'llm-router cli', ...(flags.note ? { note: flags.note } : {}) });
    if (flags.json) return writeJson(view);
    process.stdout.write(`${deploymentId} restored: ${view.status} (router "${name}")\n`);
  });
}
