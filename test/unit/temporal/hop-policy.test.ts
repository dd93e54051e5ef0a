import { ApplicationFailureCategory } from '@temporalio/common';
import { buildRouterConfig, startWalk, type AttemptStep, type DeploymentInfo } from '../../../src/core';
import { AuthenticationError, RateLimitError, ServiceUnavailableError } from '../../../src/errors';
import { toApplicationFailure } from '../../../src/temporal/to-application-failure';
import { chunkTokensFor, CHUNK_PROMPT_RESERVE_TOKENS, CHUNK_TOKENIZER_MARGIN, fallbackChainGroups } from '../../../workflows/chunking';
import { describeActivityFailure } from '../../../workflows/failure-info';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, HOP_SCHEDULE_GRACE_MS, hopActivityOptions, hopMaximumAttempts, NON_RETRYABLE_ERROR_TYPES } from '../../../workflows/hop-policy';
import { hopSummary } from '../../../workflows/hop-summary';
import type { HopRecord } from '../../../workflows';

const gpt: DeploymentInfo = { id: 'gpt', group: 'primary', model: 'openai/gpt-4o', provider: 'openai', numRetries: 2, maxInputTokens: 128_000 };
const claude: DeploymentInfo = { id: 'claude', group: 'backup', model: 'anthropic/claude-sonnet-4-5', provider: 'anthropic', maxInputTokens: 200_000 };
const mini: DeploymentInfo = { id: 'mini', group: 'tiny', model: 'openai/gpt-4o-mini', provider: 'openai', maxInputTokens: 4_000 };
const config = buildRouterConfig([gpt, claude, mini], { numRetries: 1, fallbacks: { primary: ['backup'], backup: ['tiny'] } });

function step(deployment: DeploymentInfo, candidates: string[], extra: Partial<AttemptStep> = {}): AttemptStep {
  return {
    kind: 'attempt', deploymentId: deployment.id, deployment, group: deployment.group, attemptNo: 1, isFallback: false, reason: 'initial',
    delayMs: 0, remainingMs: null, timeoutMs: null, explanation: { strategy: 'simple-shuffle', group: deployment.group, candidates, skipped: [] }, ...extra,
  };
}

const failedGpt: HopRecord = {
  hop: 1, deployment: 'gpt', model: 'openai/gpt-4o', group: 'primary', reason: 'initial', outcome: 'failure', attempts: 3,
  errorClass: 'ServiceUnavailableError', durationMs: 10, summary: '#1 openai/gpt-4o',
};

describe('hop summaries', () => {
  test('a fallback names the model it left and the error with its attempt count', () => {
    expect(hopSummary(step(claude, ['claude'], { attemptNo: 2, reason: 'fallback', isFallback: true }), failedGpt))
      .toBe('#2 anthropic/claude-sonnet-4-5 · fallback from openai/gpt-4o (ServiceUnavailableError ×3)');
  });
  test('a first hop is just its number and model; a label (the document) goes last', () => {
    expect(hopSummary(step(gpt, ['gpt']), undefined)).toBe('#1 openai/gpt-4o');
    expect(hopSummary(step(gpt, ['gpt']), undefined, 'doc d7')).toBe('#1 openai/gpt-4o · doc d7');
  });
  test('a move to a peer reads "retry after", a second call to the same deployment "retry of"', () => {
    const once = { ...failedGpt, attempts: 1 };
    expect(hopSummary(step(claude, ['claude'], { attemptNo: 2, reason: 'retry' }), once)).toBe('#2 anthropic/claude-sonnet-4-5 · retry after openai/gpt-4o (ServiceUnavailableError)');
    expect(hopSummary(step(gpt, ['gpt'], { attemptNo: 2, reason: 'retry' }), once)).toBe('#2 openai/gpt-4o · retry of openai/gpt-4o (ServiceUnavailableError)');
  });
});

describe('per-deployment RetryPolicy', () => {
  const fresh = startWalk(config, { group: 'primary' }, 0);
  const inFlight = { ...fresh, attempts: [{ attemptNo: 1, deploymentId: 'gpt', group: 'primary', isFallback: false, startedAt: 0, durationMs: null, outcome: 'in-flight' as const, errorClass: null, status: null, cooldown: null }] };
  test('the only candidate gets its num_retries as Temporal retries; with a peer the walker moves on after one attempt', () => {
    expect(hopMaximumAttempts(config, inFlight, step(gpt, ['gpt']), false)).toBe(3);
    expect(hopMaximumAttempts(config, inFlight, step(claude, ['claude']), false)).toBe(2); // router num_retries: 1
    expect(hopMaximumAttempts(config, inFlight, step(gpt, ['gpt', 'claude']), false)).toBe(1);
  });
  test('a peer in a lower-priority order tier is a peer: the hop makes one attempt', () => {
    const tiered = step(gpt, ['gpt'], { explanation: { strategy: 'simple-shuffle', group: 'primary', candidates: ['gpt'], skipped: [{ id: 'gpt-2', reason: 'lower-priority' }], orderTier: 1 } });
    expect(hopMaximumAttempts(config, inFlight, tiered, false)).toBe(1);
  });
  test('a deployment under suspicion is probed once per hop', () => {
    expect(hopMaximumAttempts(config, inFlight, step(gpt, ['gpt']), true)).toBe(1);
  });
  test('options carry the taxonomy\'s non-retryable classes, the step timeout and the named defaults', () => {
    const options = hopActivityOptions(config, step(gpt, ['gpt'], { timeoutMs: 5_000 }), 3, { initialRetryIntervalMs: 50 });
    expect(options.startToCloseTimeout).toBe(5_000);
    expect(options.heartbeatTimeout).toBe(DEFAULT_HEARTBEAT_TIMEOUT_MS);
    expect(options.retry).toMatchObject({ maximumAttempts: 3, initialInterval: 50 });
    expect(options.retry?.nonRetryableErrorTypes).toEqual(expect.arrayContaining(['BadRequestError', 'AuthenticationError', 'ContextWindowExceededError']));
    expect(NON_RETRYABLE_ERROR_TYPES).not.toContain('RateLimitError');
    expect(NON_RETRYABLE_ERROR_TYPES).not.toContain('ServiceUnavailableError');
    // No total_timeout: nothing bounds the hop's retries as a whole.
    expect(options.scheduleToCloseTimeout).toBeUndefined();
  });
  test('a request deadline bounds the whole hop, retries and backoff included', () => {
    const options = hopActivityOptions(config, step(gpt, ['gpt'], { timeoutMs: 5_000, remainingMs: 7_000 }), 3);
    expect(options.scheduleToCloseTimeout).toBe(7_000 + HOP_SCHEDULE_GRACE_MS);
  });
});

describe('the one translation to ApplicationFailure', () => {
  test('a 429 with Retry-After: retryable, nextRetryDelay from the header, BENIGN, details with status, provider, deployment, request id and attempt', () => {
    const failure = toApplicationFailure(new RateLimitError('slow down', { status: 429, provider: 'openai', deployment: 'gpt', requestId: 'req_1', retryAfterMs: 2_000 }), 2);
    expect(failure.type).toBe('RateLimitError');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(2_000);
    expect(failure.category).toBe(ApplicationFailureCategory.BENIGN);
    expect(failure.details).toEqual([{ errorClass: 'RateLimitError', status: 429, provider: 'openai', deployment: 'gpt', requestId: 'req_1', retryAfterMs: 2_000, attempt: 2 }]);
  });
  test('a 401 is non-retryable and not benign', () => {
    const failure = toApplicationFailure(new AuthenticationError('bad key', { status: 401 }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.category).toBeUndefined();
  });
  test('the workflow reads the failure back without instanceof', () => {
    const cause = toApplicationFailure(new ServiceUnavailableError('down', { status: 503, retryAfterMs: 1_000 }), 3);
    expect(describeActivityFailure({ message: 'Activity task failed', cause })).toEqual({ errorClass: 'ServiceUnavailableError', message: 'down', status: 503, retryAfterMs: 1_000, attempt: 3 });
    expect(describeActivityFailure({ message: 'Activity task timed out', cause: { timeoutType: 2, message: 'timeout' } })).toMatchObject({ errorClass: 'Timeout' });
  });
});

describe('chunk size', () => {
  test('walks every fallback group and sizes chunks for the smallest window, leaving room for the prompt and tokenizer drift', () => {
    expect(fallbackChainGroups(config, 'primary')).toEqual(['primary', 'backup', 'tiny']);
    expect(chunkTokensFor(config, 'primary')).toBe(Math.floor((4_000 - CHUNK_PROMPT_RESERVE_TOKENS) * CHUNK_TOKENIZER_MARGIN));
    expect(chunkTokensFor(config, 'backup')).toBe(chunkTokensFor(config, 'primary'));
  });
  test('no known window anywhere in the chain: no chunking', () => {
    const unknown = buildRouterConfig([{ id: 'x', group: 'g', model: 'openai/custom', provider: 'openai' }]);
    expect(chunkTokensFor(unknown, 'g')).toBeNull();
  });
});
