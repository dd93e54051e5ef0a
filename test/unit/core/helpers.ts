// Builders shared by the core's unit tests.
import {
  buildRouterConfig,
  nextAttempt,
  onAttemptResult,
  startWalk,
  type AttemptResult,
  type AttemptStep,
  type DeploymentInfo,
  type GiveUpStep,
  type RouterConfig,
  type RouterSettingsInput,
  type RouterState,
  type RoutingRequest,
  type WalkState,
} from '../../../src/core';

export function dep(id: string, group: string, extra: Partial<DeploymentInfo> = {}): DeploymentInfo {
  return { id, group, model: `openai/${group}`, provider: 'openai', ...extra };
}

export function config(deployments: DeploymentInfo[], settings: RouterSettingsInput = {}): RouterConfig {
  return buildRouterConfig(deployments, settings);
}

/** Deterministic PRNG (mulberry32), so every test draws the same sequence from a seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mid-window epoch ms, so "earlier in the same minute" stays in the same window. */
export const NOW = 1_700_000_010_000 - (1_700_000_010_000 % 60_000) + 30_000;


export interface DriveResult {
  calls: AttemptStep[];
  end: GiveUpStep | { kind: 'success'; deploymentId: string };
  walk: WalkState;
  state: RouterState;
  steps: number;
  now: number;
}

/**
 * Drives the walker the way the Router does, advancing a fake clock by each
 * delay and by `callMs` per call. `outcome` scripts each call by number.
 */
export function drive(
  cfg: RouterConfig,
  state: RouterState,
  request: RoutingRequest,
  outcome: (call: AttemptStep, callNo: number) => AttemptResult,
  opts: { now?: number; random?: () => number; callMs?: number; maxSteps?: number } = {},
): DriveResult {
  let now = opts.now ?? NOW;
  const random = opts.random ?? seeded(1);
  let walk = startWalk(cfg, request, now);
  const calls: AttemptStep[] = [];
  const maxSteps = opts.maxSteps ?? 1000;
  for (let steps = 1; steps <= maxSteps; steps++) {
    const next = nextAttempt(cfg, state, walk, now, random);
    state = next.state;
    walk = next.walk;
    if (next.step.kind === 'give-up') return { calls, end: next.step, walk, state, steps, now };
    now += next.step.delayMs;
    if (next.step.kind === 'wait') {
      // Waiting on a probe: the other requests' calls in flight end meanwhile.
      if (next.step.reason === 'probe') state = withNothingInFlight(state);
      continue;
    }
    calls.push(next.step);
    now += opts.callMs ?? 10;
    const r = onAttemptResult(cfg, state, walk, outcome(next.step, calls.length), now);
    state = r.state;
    walk = r.walk;
    if (r.done) return { calls, end: { kind: 'success', deploymentId: next.step.deploymentId }, walk, state, steps, now };
  }
  throw new Error(`walker did not finish within ${maxSteps} steps`);
}

function withNothingInFlight(state: RouterState): RouterState {
  const deployments: RouterState['deployments'] = {};
  for (const [id, ds] of Object.entries(state.deployments)) deployments[id] = { ...ds, inFlight: 0 };
  return { deployments };
}
