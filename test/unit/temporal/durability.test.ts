// The `latency` durability mode's pure parts: which hops run as local
// activities, with which options, how a request's mode is resolved, and the
// config key that sets it per group.
import { ApplicationFailure, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { isConfigError, parseConfigObject } from '../../../src/config';
import type { AttemptStep, DeploymentInfo } from '../../../src/core';
import { resolveDurability } from '../../../src/temporal/client';
import { toDurableConfig } from '../../../src/temporal/durable-config';
import { configRefOf } from '../../../src/temporal/config-ref';
import { describeActivityFailure } from '../../../workflows/failure-info';
import { DEFAULT_LOCAL_HOP_LIMIT_MS, HOP_TIMEOUT_GRACE_MS, hopActivityOptions, hopRunsLocally, localHopActivityOptions } from '../../../workflows/hop-policy';

const dep: DeploymentInfo = { id: 'a', group: 'g', model: 'openai/gpt-4o-mini', provider: 'openai' };
function step(timeoutMs: number, remainingMs: number | null = null): AttemptStep {
  return {
    kind: 'attempt', deploymentId: 'a', deployment: dep, group: 'g', attemptNo: 1, isFallback: false, reason: 'initial',
    delayMs: 0, remainingMs, timeoutMs, explanation: { strategy: 'simple-shuffle', group: 'g', candidates: ['a'], skipped: [] },
  };
}

describe('which hops run as local activities', () => {
  test('only in latency mode, never a stream, and only while the call fits the local-activity limit', () => {
    expect(hopRunsLocally(step(30_000), false, {})).toBe(false);
    expect(hopRunsLocally(step(30_000), false, { durability: 'standard' })).toBe(false);
    expect(hopRunsLocally(step(30_000), false, { durability: 'latency' })).toBe(true);
    expect(hopRunsLocally(step(30_000), true, { durability: 'latency' })).toBe(false);
    // LiteLLM's default call timeout fits; an hour does not.
    expect(hopRunsLocally(step(600_000), false, { durability: 'latency' })).toBe(true);
    expect(hopRunsLocally(step(DEFAULT_LOCAL_HOP_LIMIT_MS - HOP_TIMEOUT_GRACE_MS + 1), false, { durability: 'latency' })).toBe(false);
    expect(hopRunsLocally(step(3_600_000), false, { durability: 'latency' })).toBe(false);
    expect(hopRunsLocally(step(30_000), false, { durability: 'latency', localHopLimitMs: 10_000 })).toBe(false);
  });

  test('a local hop keeps the timeouts and RetryPolicy of a normal one, without the heartbeat it cannot send', () => {
    const options = { durability: 'latency' as const, initialRetryIntervalMs: 50, heartbeatTimeoutMs: 1_000 };
    const normal = hopActivityOptions(step(30_000, 45_000), options);
    const local = localHopActivityOptions(step(30_000, 45_000), options);
    expect(normal.heartbeatTimeout).toBe(1_000);
    expect(local).not.toHaveProperty('heartbeatTimeout');
    expect(local).toEqual({ startToCloseTimeout: normal.startToCloseTimeout, scheduleToCloseTimeout: normal.scheduleToCloseTimeout, retry: normal.retry });
    expect(local.retry).toMatchObject({ initialInterval: 50, maximumAttempts: Number.POSITIVE_INFINITY });
  });
});

describe('a local activity\'s failure reads like a normal one\'s', () => {
  test('the bare ApplicationFailure carries class, status and details; a bare timeout reads as a lost hop', () => {
    const app = ApplicationFailure.create({ message: 'openai (a): 503 overloaded', type: 'ServiceUnavailableError', nonRetryable: true, details: [{ status: 503, retryAfterMs: 1000, requestId: 'r1' }] });
    expect(describeActivityFailure(app)).toEqual({ errorClass: 'ServiceUnavailableError', message: 'openai (a): 503 overloaded', status: 503, retryAfterMs: 1000, requestId: 'r1' });
    const wrapped = Object.assign(new Error('Activity task failed'), { activityType: 'callDeployment', cause: app });
    expect(describeActivityFailure(wrapped)).toEqual(describeActivityFailure(app));
    const timeout = new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE);
    expect(describeActivityFailure(timeout)).toMatchObject({ errorClass: 'Timeout', lost: 'start-to-close timeout' });
  });
});

describe('a request\'s mode', () => {
  const config = toDurableConfig(parseConfigObject({
    model_list: ['chat', 'summarise'].map((g) => ({ model_name: g, litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/K' }, model_info: { id: g } })),
    durable_settings: { group_durability: { summarise: 'standard', chat: 'latency' } },
  }));

  test('durable_settings.group_durability reaches the durable config', () => {
    expect(config.durability).toEqual({ summarise: 'standard', chat: 'latency' });
  });

  test('request, then the group\'s setting, then the caller\'s default, then the router\'s, then standard', () => {
    const bare = { ...config, durability: {} };
    expect(resolveDurability(bare, 'chat', {}, undefined)).toBe('standard');
    expect(resolveDurability(bare, 'chat', {}, 'latency')).toBe('latency');
    expect(resolveDurability(bare, 'chat', { defaultDurability: 'standard' }, 'latency')).toBe('standard');
    expect(resolveDurability(config, 'summarise', { defaultDurability: 'latency' }, undefined)).toBe('standard');
    expect(resolveDurability(config, 'summarise', { durability: 'latency', defaultDurability: 'standard' }, undefined)).toBe('latency');
    expect(resolveDurability(config, 'chat', { defaultDurability: 'standard' }, undefined)).toBe('latency');
  });

  test('an unknown group or mode is named by its path', () => {
    const errors = (durable_settings: unknown) => {
      try {
        parseConfigObject({ model_list: [{ model_name: 'chat', litellm_params: { model: 'openai/gpt-4o-mini' } }], durable_settings });
      } catch (err) {
        if (isConfigError(err)) return err.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
        throw err;
      }
      return [];
    };
    expect(errors({ group_durability: { chta: 'latency' } })).toEqual(['durable_settings.group_durability.chta: no model group "chta" (groups: chat)']);
    expect(errors({ group_durability: { chat: 'fast' } })).toEqual([expect.stringMatching(/^durable_settings\.group_durability\.chat: /)]);
    expect(errors({ durability: 'latency' })).toEqual([expect.stringMatching(/^durable_settings\.durability: unknown key/)]);
    expect(errors({ search_attributes: 'sometimes' })).toEqual([expect.stringMatching(/^durable_settings\.search_attributes: /)]);
  });

  test('durable_settings.search_attributes: `always` reaches the durable config; `failover` is the default and leaves it out', () => {
    const with_ = (search_attributes?: string) => toDurableConfig(parseConfigObject({
      model_list: [{ model_name: 'chat', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/K' } }],
      ...(search_attributes === undefined ? {} : { durable_settings: { search_attributes } }),
    }));
    expect(with_('always').searchAttributes).toBe('always');
    expect(with_('failover')).not.toHaveProperty('searchAttributes');
    expect(with_()).not.toHaveProperty('searchAttributes');
    // The default keeps the config's content, and so its reference, as it was.
    expect(configRefOf(with_('failover'))).toBe(configRefOf(with_()));
  });
});
