// Router errors are identified by marker or name, never instanceof, because
// they cross the workflow sandbox and may come from another copy of the package.
import { FallbacksExhaustedError, NoDeploymentsAvailableError, type FallbacksExhaustedData } from '../../../src/core';
import { NOW } from './helpers';

const exhausted: FallbacksExhaustedData = {
  name: 'FallbacksExhaustedError',
  reason: 'fallbacks-exhausted',
  requestedGroup: 'g',
  groupPath: ['g'],
  attempts: [
    { attemptNo: 1, deploymentId: 'a', model: 'openai/gpt-4o', group: 'g', reason: 'initial', isFallback: false, startedAt: NOW, durationMs: 12, outcome: 'failure', errorClass: 'InternalServerError', status: 500, message: 'boom', cooldown: null },
  ],
  lastError: { errorClass: 'InternalServerError', status: 500, retryAfterMs: null },
  unavailable: [],
  complexity: null,
};

describe('router errors', () => {
  test('identity by marker, and by name for errors that crossed a serialisation boundary', () => {
    const e = new FallbacksExhaustedError(exhausted);
    expect(FallbacksExhaustedError.isInstance(e)).toBe(true);
    expect(NoDeploymentsAvailableError.isInstance(e)).toBe(false);
    const crossed = JSON.parse(JSON.stringify({ name: e.name, message: e.message, data: e.data })) as unknown;
    expect(FallbacksExhaustedError.isInstance(crossed)).toBe(true);
    expect(FallbacksExhaustedError.isInstance(new Error('x'))).toBe(false);
    expect(FallbacksExhaustedError.isInstance(null)).toBe(false);
  });

  test('NoDeploymentsAvailableError says which group, why each deployment is out, and when one returns', () => {
    const e = new NoDeploymentsAvailableError(
      {
        group: 'g',
        unknownGroup: false,
        deployments: [{ id: 'a', reason: 'cooldown', until: NOW + 4000, cooldown: { errorClass: 'RateLimitError', status: 429, rule: 'immediate' } }],
        earliestAvailableAt: NOW + 4000,
      },
      NOW,
    );
    expect(NoDeploymentsAvailableError.isInstance(e)).toBe(true);
    expect(e.status).toBe(503);
    expect(e.retryAfterMs).toBe(4000);
    expect(e.message).toBe(
      `No deployments available for model group "g" (earliest back at ${new Date(NOW + 4000).toISOString()}): ` +
        `a: cooling down after RateLimitError 429 (immediate) until ${new Date(NOW + 4000).toISOString()}`,
    );
  });

  test('FallbacksExhaustedError lists each attempt in its message', () => {
    const e = new FallbacksExhaustedError(exhausted);
    expect(e.message).toBe('All deployments failed for model group "g" (fallbacks-exhausted; groups tried: g): #1 g/a: InternalServerError 500 after 12 ms');
    expect(e.status).toBe(503);
    expect(e.data.lastError?.status).toBe(500);
  });
});
