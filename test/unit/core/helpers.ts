// Builders shared by the core's unit tests.
import { buildRouterConfig, type DeploymentInfo, type RouterConfig, type RouterSettingsInput } from '../../../src/core';

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
