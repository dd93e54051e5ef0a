// A process's link to the routerHealth entity: one per router name per
// process (a worker, a gateway replica), shared by every call it makes.
//
//   - outcomes are reported here and shipped to the entity in batches (a
//     failure at once, successes within `flushDelayMs`), one signal each;
//   - the entity's state is polled by query every `pollIntervalMs` while the
//     agent is in use (a query writes no history);
//   - `state()` is the last snapshot with this process's own outcomes that
//     the snapshot does not hold yet laid on top, so a cooldown one call
//     here caused is seen by the next call here at once, and by other
//     processes within one flush and one poll.
//
// Routing never waits on or fails because of the entity: unreachable, it
// routes on what it has.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import { emptyRouterState } from '../../core/state';
import type { AttemptResult, RouterConfig, RouterState } from '../../core/types';
import {
  configQuery,
  reportOutcomesSignal,
  routerHealthWorkflowId,
  snapshotQuery,
  type HealthSnapshot,
  type OutcomeReport,
} from '../../../workflows/router-health-api';
import { applyAttempt } from '../../../workflows/router-health-state';

/** How stale another process's news may be here, at most (plus one flush delay there). */
export const DEFAULT_HEALTH_POLL_INTERVAL_MS = 200;
/** Successes wait this long to share a signal (one a second per process, however busy); failures go at once, so cooldowns spread fast. */
export const DEFAULT_HEALTH_FLUSH_DELAY_MS = 1_000;
/** An agent nobody used for this long stops polling until it is used again. */
export const HEALTH_AGENT_IDLE_MS = 30_000;
/** The first read waits at most this long before a call goes ahead on what is known. */
export const DEFAULT_HEALTH_FIRST_READ_WAIT_MS = 500;
/**
 * One read of the entity gives up after this long. The client retries a
 * refused query with backoff (a busy entity's query buffer answers
 * RESOURCE_EXHAUSTED, retried after 1 s, 1.7 s, ...); the next poll is a
 * better retry than a stale one, and close() waits for reads in flight, so
 * this bounds how long a stopping process waits.
 */
export const HEALTH_READ_DEADLINE_MS = 2_000;
/**
 * A call to a deployment not known to work (see `beginCall`) waits at most
 * this long for the probe another request of this process has in flight there. A dead deployment
 * answers a probe in milliseconds; one still busy after this long is
 * answering slowly, and holding the next request back longer than this costs
 * more than the second call it saves.
 */
export const PROBE_GATE_MAX_WAIT_MS = 1_000;

/** One call this process makes to a deployment; end it once its outcome has been reported. */
export interface CallLease {
  end(): void;
}

export interface HealthAgentOptions {
  client: Client;
  routerName: string;
  pollIntervalMs?: number;
  flushDelayMs?: number;
  /** Test hook for the clock. */
  now?: () => number;
}

export class HealthAgent {
  readonly reporter = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly routerName: string;
  private readonly client: Client;
  private readonly pollIntervalMs: number;
  private readonly flushDelayMs: number;
  private readonly now: () => number;
  private config: RouterConfig | null = null;
  private snapshot: HealthSnapshot | null = null;
  private seq = 0;
  /** Own outcomes no snapshot has confirmed yet, laid over each snapshot. */
  private pending: OutcomeReport[] = [];
  private unsent: OutcomeReport[] = [];
  private merged: RouterState | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private firstRead: Promise<void> | null = null;
  /** Entity reads under way: close() waits for them, so none outlives the client's connection. */
  private readonly reads = new Set<Promise<void>>();
  /** Calls this process has in flight, per deployment, and who waits for one of them to end (the probe gate). */
  private readonly calling = new Map<string, { count: number; waiters: Array<() => void> }>();
  private lastUsed = 0;
  private closed = false;
  /** False while the entity cannot be read (not started yet, or unreachable). */
  available = false;

  constructor(options: HealthAgentOptions) {
    this.client = options.client;
    this.routerName = options.routerName;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_HEALTH_POLL_INTERVAL_MS;
    this.flushDelayMs = options.flushDelayMs ?? DEFAULT_HEALTH_FLUSH_DELAY_MS;
    this.now = options.now ?? Date.now;
  }

  /** The routing tables the entity judges outcomes by; null until the first read succeeded. */
  routingConfig(): RouterConfig | null {
    return this.config;
  }

  /** Resolves once the first read has ended (or after `maxWaitMs`), so the first call of a process sees what others know. */
  ready(maxWaitMs = DEFAULT_HEALTH_FIRST_READ_WAIT_MS): Promise<void> {
    this.touch();
    this.firstRead ??= this.poll();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
      timer.unref();
    });
    return Promise.race([this.firstRead, timeout]).finally(() => clearTimeout(timer));
  }

  /** What this process knows: the entity's last snapshot plus its own outcomes the snapshot does not hold yet. */
  state(): RouterState {
    this.touch();
    if (this.merged !== null) return this.merged;
    let state = this.snapshot?.state ?? emptyRouterState();
    const config = this.config;
    if (config !== null) for (const o of this.pending) state = applyAttempt(config, state, o.deploymentId, o.result, o.at).state;
    this.merged = state;
    return state;
  }

  /** One finished call. Never waits, never throws: a lost report costs accuracy only. */
  report(deploymentId: string, result: AttemptResult, at: number = this.now()): void {
    if (this.closed) return;
    this.touch();
    const report: OutcomeReport = { reporter: this.reporter, seq: ++this.seq, deploymentId, result, at };
    this.pending.push(report);
    this.unsent.push(report);
    // Laid on the current view at once (O(1)); a new snapshot rebuilds it from scratch.
    if (this.merged !== null && this.config !== null) this.merged = applyAttempt(this.config, this.merged, deploymentId, result, at).state;
    this.scheduleFlush(result.ok ? this.flushDelayMs : 0);
  }

  /**
   * Starts a call to `id`. A deployment that is not known to work is probed
   * by one call at a time in this process: a *suspect* (its last outcome was
   * a failure, or it is back from a cooldown with no success since), as the
   * in-process Router's pick does, and an *unproven* one (the fleet has no
   * outcome for it at all: a new deployment, a new entity). While another
   * request of this process has a call in flight there, this one waits for
   * that call to end (at most `maxWaitMs`), so it learns the outcome (look
   * again with `skipByFleet`) instead of paying for the same failure; a cold
   * start with a dead deployment then costs it one call, not one per request
   * in flight. Several workflows on one worker share this gate; the
   * routerHealth entity spreads the outcome to other workers.
   */
  async beginCall(id: string, maxWaitMs = PROBE_GATE_MAX_WAIT_MS): Promise<CallLease> {
    const deadline = this.now() + maxWaitMs;
    for (;;) {
      const entry = this.calling.get(id);
      const left = deadline - this.now();
      if (entry === undefined || entry.count === 0 || left <= 0 || !this.unsure(id)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        timer.unref();
        entry.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // Counted before returning, with no await between the check and the count, so of several waiters
    // woken by one call's end only the first goes ahead as the next probe.
    const entry = this.calling.get(id) ?? { count: 0, waiters: [] };
    entry.count++;
    this.calling.set(id, entry);
    let ended = false;
    return {
      end: () => {
        if (ended) return;
        ended = true;
        entry.count--;
        const waiters = entry.waiters.splice(0);
        if (entry.count === 0 && waiters.length === 0) this.calling.delete(id);
        for (const wake of waiters) wake();
      },
    };
  }

  /**
   * Suspect, or unproven while the entity can be read (an unreachable entity
   * tells nothing, and routing never waits on it). Once a read has succeeded
   * the config is known, so this process's own outcomes are in `state()` too.
   */
  private unsure(id: string): boolean {
    const known = this.state().deployments[id];
    if (known !== undefined) return known.suspect === true;
    return this.available;
  }

  /** Ships what is unsent and stops polling; call it when the process stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.pollTimer = null;
    this.flushTimer = null;
    await Promise.all([this.flush(), ...this.reads]);
  }

  /** Reads the entity now (the poll timer does this on its own). The agent works for every request of the process, so it traces apart from any one of them. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const read = context.with(ROOT_CONTEXT, () => this.client.withDeadline(Date.now() + HEALTH_READ_DEADLINE_MS, () => this.read()));
    this.reads.add(read);
    void read.finally(() => this.reads.delete(read));
    return read;
  }

  private async read(): Promise<void> {
    const handle = this.client.workflow.getHandle(routerHealthWorkflowId(this.routerName));
    try {
      const snapshot = await handle.query(snapshotQuery, this.reporter);
      if (this.config === null || this.snapshot?.configFingerprint !== snapshot.configFingerprint) {
        this.config = await handle.query(configQuery);
      }
      this.snapshot = snapshot;
      this.pending = this.pending.filter((o) => o.seq > snapshot.seenSeq);
      this.merged = null;
      this.available = true;
    } catch {
      this.available = false;
    }
  }

  private touch(): void {
    this.lastUsed = this.now();
    if (this.pollTimer === null && !this.closed) this.schedulePoll();
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      void this.poll().finally(() => {
        this.pollTimer = null;
        if (!this.closed && this.now() - this.lastUsed < HEALTH_AGENT_IDLE_MS) this.schedulePoll();
      });
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer !== null) {
      if (delayMs > 0) return;
      clearTimeout(this.flushTimer);
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, delayMs);
    this.flushTimer.unref();
  }

  private flush(): Promise<void> {
    return context.with(ROOT_CONTEXT, () => this.send());
  }

  private async send(): Promise<void> {
    if (this.flushing !== null) await this.flushing;
    if (this.unsent.length === 0) return;
    const batch = this.unsent;
    this.unsent = [];
    const handle = this.client.workflow.getHandle(routerHealthWorkflowId(this.routerName));
    this.flushing = handle
      .signal(reportOutcomesSignal, batch)
      .catch((err: unknown) => {
        // No entity (yet): nobody to tell. Anything else: try again with the next batch; the entity drops repeats by seq.
        if ((err as { name?: unknown } | null)?.name !== 'WorkflowNotFoundError') this.unsent = [...batch, ...this.unsent];
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }
}

/** One agent per router name for a process; the worker's activities and a gateway each keep one of these. */
export class HealthAgents {
  private readonly agents = new Map<string, HealthAgent>();

  constructor(private readonly defaults: Omit<HealthAgentOptions, 'client' | 'routerName'> = {}) {}

  get(client: Client, routerName: string): HealthAgent {
    const key = `${client.options.namespace}/${routerName}`;
    let agent = this.agents.get(key);
    if (agent === undefined) {
      agent = new HealthAgent({ ...this.defaults, client, routerName });
      this.agents.set(key, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
    this.agents.clear();
  }
}
