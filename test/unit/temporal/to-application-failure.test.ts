import { FallbacksExhaustedError, NoDeploymentsAvailableError } from '../../../src/core';
import type { GiveUp } from '../../../src/core';
import { RateLimitError, ServiceUnavailableError } from '../../../src/errors';
import { giveUpError, RouterFallbacksExhaustedError, routingOfError } from '../../../src/router/errors';
import { giveUpFailure, giveUpOfFailure, toApplicationFailure } from '../../../src/temporal/to-application-failure';

const attempt = (n: number, id: string, errorClass: string, status: number) => ({
  attemptNo: n, deploymentId: id, model: `openai/${id}`, group: 'g', reason: n === 1 ? 'initial' as const : 'retry' as const, isFallback: false,
  startedAt: 0, durationMs: 5, outcome: 'failure' as const, errorClass, status, message: `${id} failed`, cooldown: null,
});
const data = (attempts: ReturnType<typeof attempt>[]) => ({
  name: 'FallbacksExhaustedError' as const, reason: 'fallbacks-exhausted' as const, requestedGroup: 'g', groupPath: ['g'], attempts,
  lastError: { errorClass: 'ServiceUnavailableError', status: 503, retryAfterMs: null }, unavailable: [], complexity: null,
});

describe('toApplicationFailure', () => {
  test('a Retry-After travels in the details for the driver; the hop is never retried by Temporal for it', () => {
    const failure = toApplicationFailure(new RateLimitError('slow down', { status: 429, retryAfterMs: 3_600_000 }));
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ errorClass: 'RateLimitError', status: 429, retryAfterMs: 3_600_000, retryable: true }]);
  });
  test("a server's x-should-retry: false reaches the driver as retryable: false", () => {
    const failure = toApplicationFailure(new ServiceUnavailableError('down', { status: 503, retryable: false }));
    expect(failure.details).toEqual([{ errorClass: 'ServiceUnavailableError', status: 503, retryable: false }]);
  });
});

describe('a routing workflow give-up, there and back', () => {
  // Through JSON, as Temporal's payload converter carries it.
  const roundTrip = (giveUp: GiveUp) => giveUpOfFailure({ cause: JSON.parse(JSON.stringify({ details: giveUpFailure(giveUp).details })) });

  test('one failed attempt: the failure is that provider class and message, and the client rebuilds that class with its route', () => {
    const failure = { ok: false as const, errorClass: 'AuthenticationError', message: 'openai (a): 401 bad key', status: 401, latencyMs: 3, deployment: 'a', provider: 'openai' };
    const giveUp: GiveUp = { kind: 'provider', failure, data: data([attempt(1, 'a', 'AuthenticationError', 401)]) };
    const af = giveUpFailure(giveUp);
    expect(af.type).toBe('AuthenticationError');
    expect(af.message).toBe('openai (a): 401 bad key');
    const rebuilt = giveUpError(roundTrip(giveUp)!, 0);
    expect(rebuilt.name).toBe('AuthenticationError');
    expect(rebuilt.message).toBe('openai (a): 401 bad key');
    expect(rebuilt.status).toBe(401);
    expect(rebuilt.deployment).toBe('a');
    expect(routingOfError(rebuilt)?.attemptLog).toHaveLength(1);
  });

  test('several failures: FallbacksExhaustedError with every attempt and each attempt error rebuilt', () => {
    const failures = [
      { ok: false as const, errorClass: 'ServiceUnavailableError', message: 'a failed', status: 503, latencyMs: 3 },
      { ok: false as const, errorClass: 'InternalServerError', message: 'b failed', status: 500, latencyMs: 3 },
    ];
    const giveUp: GiveUp = { kind: 'exhausted', data: data([attempt(1, 'a', 'ServiceUnavailableError', 503), attempt(2, 'b', 'InternalServerError', 500)]), failures };
    const rebuilt = giveUpError(roundTrip(giveUp)!, 0) as RouterFallbacksExhaustedError;
    expect(FallbacksExhaustedError.isInstance(rebuilt)).toBe(true);
    expect(rebuilt.message).toBe(new FallbacksExhaustedError(giveUp.data).message);
    expect(rebuilt.errors.map((e) => [e.name, e.message])).toEqual([['ServiceUnavailableError', 'a failed'], ['InternalServerError', 'b failed']]);
  });

  test('nothing available: NoDeploymentsAvailableError with its retry hint', () => {
    const giveUp: GiveUp = { kind: 'no-deployments', data: { name: 'NoDeploymentsAvailableError', group: 'g', unknownGroup: false, deployments: [{ id: 'a', reason: 'cooldown', until: 5_000 }], earliestAvailableAt: 5_000 } };
    const rebuilt = giveUpError(roundTrip(giveUp)!, 1_000);
    expect(NoDeploymentsAvailableError.isInstance(rebuilt)).toBe(true);
    expect(rebuilt.retryAfterMs).toBe(4_000);
  });

  test('an error without the verdict is not mistaken for one', () => {
    expect(giveUpOfFailure(new Error('boom'))).toBeUndefined();
  });
});
