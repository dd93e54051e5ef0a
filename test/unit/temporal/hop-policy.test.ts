import { ApplicationFailureCategory } from '@temporalio/common';
import { buildRouterConfig, type AttemptRecord, type AttemptStep, type DeploymentInfo } from '../../../src/core';
import { AuthenticationError, RateLimitError, ServiceUnavailableError } from '../../../src/errors';
import { toApplicationFailure } from '../../../src/temporal/to-application-failure';
import { chunkTokensFor, CHUNK_PROMPT_RESERVE_TOKENS, CHUNK_TOKENIZER_MARGIN, fallbackChainGroups } from '../../../workflows/chunking';
import { describeActivityFailure } from '../../../workflows/failure-info';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS, HOP_TIMEOUT_GRACE_MS, hopActivityOptions } from '../../../workflows/hop-policy';
import { hopSummary } from '../../../workflows/hop-summary';

const gpt: DeploymentInfo = { id: 'gpt', group: 'primary', model: 'openai/gpt-4o', provider: 'openai', numRetries: 2, maxInputTokens: 128_000 };
const claude: DeploymentInfo = { id: 'claude', group: 'backup', model: 'anthropic/claude-sonnet-4-5', provider: 'anthropic', maxInputTokens: 200_000 };
const mini: DeploymentInfo = { id: 'mini', group: 'tiny', model: 'openai/gpt-4o-mini', provider: 'openai', maxInputTokens: 4_000 };
const config = buildRouterConfig([gpt, claude, mini], { numRetries: 1, fallbacks: { primary: ['backup'], backup: ['tiny'] } });

function step(deployment: DeploymentInfo, candidates: string[], extra: Partial<AttemptStep> = {}): AttemptStep {
  return {
    kind: 'attempt', deploymentId: deployment.id, deployment, group: deployment.group, attemptNo: 1, isFallback: false, reason: 'initial',
    delayMs: 0, remainingMs: null, timeoutMs: 600_000, explanation: { strategy: 'simple-shuffle', group: deployment.group, candidates, skipped: [] }, ...extra,
  };
}

function record(deployment: DeploymentInfo, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attemptNo: 1, deploymentId: deployment.id, model: deployment.model, group: deployment.group, reason: 'initial', isFallback: false,
    startedAt: 0, durationMs: 10, outcome: 'failure', errorClass: 'ServiceUnavailableError', status: 503, message: 'down', cooldown: null, ...extra,
  };
}

describe('hop summaries', () => {
  test('the label (the document) comes first; a fallback names the deployment and model it left, the error, and how many calls failed there', () => {
    const twice = [record(gpt), record(gpt, { attemptNo: 2, reason: 'retry' }), record(claude, { attemptNo: 3, reason: 'fallback', outcome: 'in-flight' })];
    expect(hopSummary(step(claude, ['claude'], { attemptNo: 3, reason: 'fallback', isFallback: true }), twice, 'doc d7'))
      .toBe('doc d7 · #3 claude (anthropic/claude-sonnet-4-5) · fallback from gpt (openai/gpt-4o) after ServiceUnavailableError ×2');
  });
  test('a first hop is its number, deployment and model', () => {
    expect(hopSummary(step(gpt, ['gpt']), [record(gpt, { outcome: 'in-flight' })])).toBe('#1 gpt (openai/gpt-4o)');
  });
  test('a move to a peer reads "retry after", a second call to the same deployment "retry of"', () => {
    expect(hopSummary(step(claude, ['claude'], { attemptNo: 2, reason: 'retry' }), [record(gpt), record(claude, { outcome: 'in-flight' })]))
      .toBe('#2 claude (anthropic/claude-sonnet-4-5) · retry after gpt (openai/gpt-4o) after ServiceUnavailableError');
    expect(hopSummary(step(gpt, ['gpt'], { attemptNo: 2, reason: 'retry' }), [record(gpt), record(gpt, { outcome: 'in-flight' })]))
      .toBe('#2 gpt (openai/gpt-4o) · retry of gpt (openai/gpt-4o) after ServiceUnavailableError');
  });
  test('deployments passed over while cooling are named', () => {
    const cooling = step(claude, ['claude'], { explanation: { strategy: 'simple-shuffle', group: 'backup', candidates: ['claude'], skipped: [{ id: 'claude-2', reason: 'cooldown', until: 5 }] } });
    expect(hopSummary(cooling, [record(claude, { outcome: 'in-flight' })])).toBe('#1 claude (anthropic/claude-sonnet-4-5) · skipped cooling: claude-2');
  });
});

describe('hop activity options', () => {
  test('one call per hop: the RetryPolicy only re-runs hops a lost worker ended, without limit, with the named defaults', () => {
    const options = hopActivityOptions(step(gpt, ['gpt'], { timeoutMs: 5_000 }), { initialRetryIntervalMs: 50 });
    expect(options.startToCloseTimeout).toBe(5_000 + HOP_TIMEOUT_GRACE_MS);
    expect(options.heartbeatTimeout).toBe(DEFAULT_HEARTBEAT_TIMEOUT_MS);
    expect(DEFAULT_HEARTBEAT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(options.retry).toMatchObject({ maximumAttempts: Number.POSITIVE_INFINITY, initialInterval: 50 });
    // Provider errors arrive non-retryable, so the policy needs no list of classes.
    expect(options.retry?.nonRetryableErrorTypes).toBeUndefined();
    // No total_timeout: nothing bounds the re-runs as a whole.
    expect(options.scheduleToCloseTimeout).toBeUndefined();
  });
  test('a request deadline bounds the hop, re-runs included', () => {
    const options = hopActivityOptions(step(gpt, ['gpt'], { timeoutMs: 5_000, remainingMs: 7_000 }));
    expect(options.scheduleToCloseTimeout).toBe(7_000 + HOP_TIMEOUT_GRACE_MS);
  });
});

describe('the one translation to ApplicationFailure', () => {
  test('every provider error is non-retryable (the driver decides), a 429 is BENIGN, details carry status, provider, deployment, request id, Retry-After and retryability', () => {
    const failure = toApplicationFailure(new RateLimitError('slow down', { status: 429, provider: 'openai', deployment: 'gpt', requestId: 'req_1', retryAfterMs: 2_000 }));
    expect(failure.type).toBe('RateLimitError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.category).toBe(ApplicationFailureCategory.BENIGN);
    expect(failure.details).toEqual([{ errorClass: 'RateLimitError', status: 429, provider: 'openai', deployment: 'gpt', requestId: 'req_1', retryAfterMs: 2_000, retryable: true }]);
  });
  test('a 401 is not benign, and says the same deployment is not worth another call', () => {
    const failure = toApplicationFailure(new AuthenticationError('bad key', { status: 401 }));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.category).toBeUndefined();
    expect(failure.details).toEqual([{ errorClass: 'AuthenticationError', status: 401, retryable: false }]);
  });
  test('the workflow reads the failure back without instanceof; a timeout is a lost hop, not a provider failure', () => {
    const cause = toApplicationFailure(new ServiceUnavailableError('down', { status: 503, retryAfterMs: 1_000, retryable: false }));
    expect(describeActivityFailure({ message: 'Activity task failed', cause })).toEqual({ errorClass: 'ServiceUnavailableError', message: 'down', status: 503, retryAfterMs: 1_000, retryable: false });
    expect(describeActivityFailure({ message: 'Activity task timed out', cause: { timeoutType: 'HEARTBEAT', message: 'timeout' } }))
      .toMatchObject({ errorClass: 'Timeout', lost: 'heartbeat timeout' });
  });
  test('histories recorded before single-call hops still read their call count', () => {
    const old = { type: 'ServiceUnavailableError', message: 'down', details: [{ errorClass: 'ServiceUnavailableError', status: 503, attempt: 3 }] };
    expect(describeActivityFailure({ message: 'Activity task failed', cause: old })).toMatchObject({ attempt: 3 });
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
