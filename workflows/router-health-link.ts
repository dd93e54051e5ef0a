// Runs that started before the `engine-v2` patch share health through this
// hook (newer runs do it in each hop's activity, see activities/call-deployment.ts
// and src/temporal/health/agent.ts); it stays until no such run is left.
// Once, then two calls per hop:
//
//   const health = new RouterHealthLink({ routerName, config });
//   await health.sync(); state = health.merge(state);   // before the walker picks
//   health.report(deploymentId, attemptResult);          // after each attempt ends
//   await health.flush();                                // before the workflow closes or continues as new
//
// Failures travel to the entity inside the next hop's read, successes as a
// signal; see report().
//
// sync() reads the entity's snapshot (a query, through a local activity)
// and lays this workflow's own not-yet-applied outcomes on top, so a failure
// seen one hop ago is never forgotten just because the signal carrying it is
// still in flight. If the entity cannot be read, merge() returns the local
// state unchanged: routing never waits on, or fails because of, the entity.
import { condition, getExternalWorkflowHandle, patched, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { AttemptResult, RouterConfig, RouterState } from '../src/core/types';
import type { ProbeActivities } from '../activities/probe-activities';
import { reportOutcomeSignal, routerHealthWorkflowId, type HealthSnapshot, type OutcomeReport } from './router-health-api';
import { applyAttempt, configFingerprint } from './router-health-state';

/** A snapshot younger than this is reused by later hops of one workflow instead of read again (0: read at every hop). */
export const DEFAULT_HEALTH_MAX_STALENESS_MS = 0;
/** The read is a query answered by a cached workflow; give up quickly and route locally rather than stall a hop. */
export const DEFAULT_HEALTH_READ_TIMEOUT_MS = 2_000;

/** What a routing workflow's input carries to turn shared health on. */
export interface SharedHealthOptions {
  /** Names the routerHealth entity (`router-health:<routerName>`); every workflow of one router uses the same name. */
  routerName: string;
  /** Reuse a snapshot for this long across hops of this workflow (default 0: read at every hop). */
  maxStalenessMs?: number;
  /** Give up on a read after this long and route on local state (default 2 s). */
  readTimeoutMs?: number;
  /** Start the entity with this workflow's config if it is not running (default true). */
  startIfMissing?: boolean;
}

export interface RouterHealthLinkOptions extends SharedHealthOptions {
  config: RouterConfig;
}

export class RouterHealthLink {
  // Per run: a run after continue-as-new restarts its sequence at 1, which
  // the entity would otherwise drop as duplicates of the previous run's.
  private readonly reporter = `${workflowInfo().workflowId}/${workflowInfo().runId}`;
  private readonly fingerprint: string;
  private seq = 0;
  /** Outcomes not yet seen in a snapshot, replayed over each snapshot. */
  private pending: OutcomeReport[] = [];
  /** Failures waiting for the next read to carry them to the entity. */
  private unsent: OutcomeReport[] = [];
  private last: { snapshot: HealthSnapshot; at: number } | null = null;
  private reading: Promise<HealthSnapshot | null> | null = null;
  private current: HealthSnapshot | null = null;
  private started = false;
  /** Success signals sent and not yet acknowledged by the server. */
  private signalsInFlight = 0;
  /** False after a read or a report failed; the next successful read sets it again. */
  available = true;
  /** True when the entity's config differs from this workflow's (a reload not yet sent with `configure`). */
  configMismatch = false;

  constructor(private readonly options: RouterHealthLinkOptions) {
    this.fingerprint = configFingerprint(options.config);
  }

  /** Reads the entity's snapshot (or reuses a fresh enough one). Never throws: an unreachable entity means "route locally". */
  async sync(): Promise<void> {
    this.current = await this.snapshot();
  }

  /**
   * The state to route on: the last snapshot plus this workflow's outcomes it
   * does not hold yet, or `local` unchanged when there is no snapshot.
   * Synchronous, so `state = link.merge(state)` cannot interleave with another
   * request of the same workflow updating `state`.
   */
  merge(local: RouterState): RouterState {
    const snapshot = this.current;
    if (snapshot === null) return local;
    const config = this.options.config;
    this.pending = this.pending.filter((o) => o.seq > snapshot.seenSeq);
    let state = snapshot.state;
    for (const o of this.pending) state = applyAttempt(config, state, o.deploymentId, o.result, o.at).state;
    // Calls of this workflow still in flight are known only here (concurrent requests of a batch).
    for (const [id, ds] of Object.entries(local.deployments)) {
      if (ds.inFlight <= 0) continue;
      const shared = state.deployments[id];
      const merged = shared === undefined
        ? ds
        : { ...shared, inFlight: ds.inFlight, rpmUsed: shared.window === ds.window ? shared.rpmUsed + ds.inFlight : shared.rpmUsed };
      state = { ...state, deployments: { ...state.deployments, [id]: merged } };
    }
    return state;
  }

  /**
   * Records one finished attempt for the entity; never waits and never fails
   * the request (a lost report costs accuracy only). A failure is shipped by
   * the next sync(), which always follows one (the walker goes on after a
   * failure), inside the same local activity as the read, so it costs no
   * workflow task of its own. A success may end the workflow, so it goes out
   * at once as a signal, riding on the workflow's next completion.
   */
  report(deploymentId: string, result: AttemptResult): void {
    const report: OutcomeReport = { reporter: this.reporter, seq: ++this.seq, deploymentId, result, at: Date.now() };
    this.pending.push(report);
    if (!result.ok) {
      this.unsent.push(report);
      return;
    }
    const handle = getExternalWorkflowHandle(routerHealthWorkflowId(this.options.routerName));
    this.signalsInFlight++;
    void handle
      .signal(reportOutcomeSignal, report)
      .catch(() => {
        this.available = false;
      })
      .finally(() => {
        this.signalsInFlight--;
      });
  }

  /**
   * Delivers what has not reached the entity yet; call it before the workflow
   * completes, fails or continues as new. A signal the workflow initiated in
   * its last task is dropped by the server once the workflow has closed, so a
   * one-hop request's success would never be counted (and the shared failure
   * rate would be computed from failures alone). Failures not yet carried by a
   * read go with one more read. Never throws.
   */
  async flush(): Promise<void> {
    if (this.unsent.length === 0 && this.signalsInFlight === 0) return;
    // Histories written before this wait existed completed without it.
    if (!patched('health-flush-before-close')) return;
    if (this.unsent.length > 0) await this.snapshot();
    await condition(() => this.signalsInFlight === 0);
  }

  private async snapshot(): Promise<HealthSnapshot | null> {
    const maxAge = this.options.maxStalenessMs ?? DEFAULT_HEALTH_MAX_STALENESS_MS;
    const fresh = this.last !== null && maxAge > 0 && Date.now() - this.last.at < maxAge;
    // Unsent failures are the news other workflows most need: never sit on them for staleness' sake.
    if (fresh && this.unsent.length === 0) return this.last!.snapshot;
    // Concurrent requests of one workflow share one read.
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<HealthSnapshot | null> {
    const { readRouterHealth } = proxyLocalActivities<ProbeActivities>({
      startToCloseTimeout: this.options.readTimeoutMs ?? DEFAULT_HEALTH_READ_TIMEOUT_MS,
      retry: { maximumAttempts: 1 },
    });
    const startWith = !this.started && (this.options.startIfMissing ?? true) ? this.options.config : undefined;
    this.started = true;
    const reports = this.unsent;
    this.unsent = [];
    let snapshot: HealthSnapshot | null;
    try {
      snapshot = await readRouterHealth({
        routerName: this.options.routerName,
        reporter: this.reporter,
        ...(startWith ? { startWith } : {}),
        ...(reports.length > 0 ? { reports } : {}),
      });
    } catch {
      // Not delivered (or not known to be): try again with the next read; the entity drops duplicates by seq.
      this.unsent = [...reports, ...this.unsent];
      this.available = false;
      return null;
    }
    if (snapshot === null) return null;
    this.available = true;
    this.last = { snapshot, at: Date.now() };
    // State is keyed by deployment id, so a snapshot is usable even when the
    // entity runs another config version; the mismatch is kept for diagnosis.
    this.configMismatch = snapshot.configFingerprint !== this.fingerprint;
    return snapshot;
  }
}
