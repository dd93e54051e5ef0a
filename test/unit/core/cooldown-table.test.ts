// The cooldown decision table of docs/routing.md, one test per row. Row ids
// here and in the doc must match exactly (checked at the end), so the doc
// cannot promise a behaviour nobody tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  emptyRouterState,
  recordFailure,
  recordSuccess,
  type DeploymentInfo,
  type FailureOutcome,
  type RouterSettingsInput,
  type RouterState,
} from '../../../src/core';
import { NOW, config, dep } from './helpers';

type Prior = { at: number } & ({ ok: true } | ({ ok: false } & FailureOutcome));

interface Row {
  id: string;
  title: string;
  /** Deployments in the failing deployment's group (default 2). */
  groupSize?: number;
  deployment?: Partial<DeploymentInfo>;
  settings?: RouterSettingsInput;
  /** Earlier outcomes on the same deployment, `at` relative to NOW. */
  prior?: Prior[];
  failure: FailureOutcome;
  /** null: stays in rotation. */
  expect: null | { rule: 'immediate' | 'allowed-fails' | 'failure-rate' | 'probation'; untilOffsetMs: number; extended?: boolean };
  /** Whether the failure counted toward the window's failures. */
  counts?: boolean;
}

const fails = (n: number, f: FailureOutcome, at = -1000): Prior[] => Array.from({ length: n }, () => ({ at, ok: false, ...f }));
const oks = (n: number, at = -1000): Prior[] => Array.from({ length: n }, () => ({ at, ok: true as const }));
const E500: FailureOutcome = { errorClass: 'InternalServerError', status: 500 };

const ROWS: Row[] = [
  { id: 'C1', title: 'connection error, first in window: counted, no cooldown', failure: { errorClass: 'APIConnectionError' }, expect: null, counts: true },
  { id: 'C2', title: 'connection error past allowed_fails: cooled', prior: fails(3, { errorClass: 'APIConnectionError' }), failure: { errorClass: 'APIConnectionError' }, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C3', title: '5xx, first in window: no cooldown', failure: E500, expect: null, counts: true },
  { id: 'C4', title: '5xx past allowed_fails (3): cooled for cooldown_time', prior: fails(3, E500), failure: E500, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C5', title: 'failure rate above 50% with at least 5 requests: cooled', settings: { allowedFails: 10 }, prior: [...oks(2), ...fails(2, E500)], failure: E500, expect: { rule: 'failure-rate', untilOffsetMs: 5000 } },
  { id: 'C6', title: 'failure rate rule needs 5 requests', settings: { allowedFails: 10 }, prior: fails(3, E500), failure: E500, expect: null },
  { id: 'C7', title: 'timeouts past allowed_fails: cooled', prior: fails(3, { errorClass: 'Timeout', status: 408 }), failure: { errorClass: 'Timeout', status: 408 }, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C8', title: '429 in a multi-deployment group: cooled at once', failure: { errorClass: 'RateLimitError', status: 429 }, expect: { rule: 'immediate', untilOffsetMs: 5000 } },
  { id: 'C9', title: '429 with Retry-After longer than cooldown_time: cooled for Retry-After', failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 30_000 }, expect: { rule: 'immediate', untilOffsetMs: 30_000 } },
  { id: 'C10', title: '429 in a single-deployment group without Retry-After: counted only', groupSize: 1, failure: { errorClass: 'RateLimitError', status: 429 }, expect: null, counts: true },
  { id: 'C11', title: '429 in a single-deployment group with Retry-After: cooled for Retry-After', groupSize: 1, failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 20_000 }, expect: { rule: 'immediate', untilOffsetMs: 20_000 } },
  { id: 'C12', title: 'single-deployment group past allowed_fails: cooled too', groupSize: 1, prior: fails(3, E500), failure: E500, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C13', title: 'Retry-After is capped by maxCooldownTimeSec (300 s)', failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 86_400_000 }, expect: { rule: 'immediate', untilOffsetMs: 300_000 } },
  { id: 'C35', title: 'a Retry-After shorter than the router default cooldown_time replaces it', settings: { cooldownTimeSec: 30 }, failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 2_000 }, expect: { rule: 'immediate', untilOffsetMs: 2_000 } },
  { id: 'C14', title: 'Retry-After shorter than the deployment cooldown_time never shortens it', deployment: { cooldownTimeSec: 60 }, failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 10_000 }, expect: { rule: 'immediate', untilOffsetMs: 60_000 } },
  { id: 'C15', title: '401 cools at once, even a single-deployment group', groupSize: 1, failure: { errorClass: 'AuthenticationError', status: 401 }, expect: { rule: 'immediate', untilOffsetMs: 5000 } },
  { id: 'C16', title: '403 cools at once', failure: { errorClass: 'PermissionDeniedError', status: 403 }, expect: { rule: 'immediate', untilOffsetMs: 5000 } },
  { id: 'C17', title: '404 cools at once', failure: { errorClass: 'NotFoundError', status: 404 }, expect: { rule: 'immediate', untilOffsetMs: 5000 } },
  { id: 'C18', title: '400 never counts and never cools', prior: fails(10, { errorClass: 'BadRequestError', status: 400 }), failure: { errorClass: 'BadRequestError', status: 400 }, expect: null, counts: false },
  { id: 'C19', title: 'context-window error never counts or cools', prior: fails(5, { errorClass: 'ContextWindowExceededError', status: 400 }), failure: { errorClass: 'ContextWindowExceededError', status: 400 }, expect: null, counts: false },
  { id: 'C20', title: 'content-policy error never counts or cools', prior: fails(5, { errorClass: 'ContentPolicyViolationError', status: 400 }), failure: { errorClass: 'ContentPolicyViolationError', status: 400 }, expect: null, counts: false },
  { id: 'C21', title: '422 never counts or cools', failure: { errorClass: 'UnprocessableEntityError', status: 422 }, expect: null, counts: false },
  { id: 'C22', title: 'allowed_fails_policy for a class replaces allowed_fails for it', settings: { allowedFailsPolicy: { InternalServerError: 0 } }, failure: E500, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C23', title: 'allowed_fails_policy of a parent class applies to its subclasses (502 → InternalServerError)', settings: { allowedFailsPolicy: { InternalServerError: 0 } }, failure: { errorClass: 'BadGatewayError', status: 502 }, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C24', title: 'allowed_fails_policy counts only its own class', settings: { allowedFailsPolicy: { Timeout: 5 }, failureRateMinRequests: 100 }, prior: fails(3, { errorClass: 'Timeout', status: 408 }), failure: { errorClass: 'Timeout', status: 408 }, expect: null },
  { id: 'C25', title: 're-cooling during a cooldown extends its end', prior: [{ at: -3000, ok: false, errorClass: 'RateLimitError', status: 429 }], failure: { errorClass: 'RateLimitError', status: 429 }, expect: { rule: 'immediate', untilOffsetMs: 5000, extended: true } },
  { id: 'C26', title: 're-cooling never shortens a cooldown', prior: [{ at: -1000, ok: false, errorClass: 'RateLimitError', status: 429, retryAfterMs: 60_000 }], failure: { errorClass: 'RateLimitError', status: 429 }, expect: { rule: 'immediate', untilOffsetMs: 59_000, extended: false } },
  { id: 'C27', title: 'deployment cooldown_time: 0 never cools, not even on 401 or Retry-After', deployment: { cooldownTimeSec: 0 }, failure: { errorClass: 'AuthenticationError', status: 401, retryAfterMs: 30_000 }, expect: null, counts: true },
  { id: 'C28', title: 'router cooldown_time: 0 disables cooldowns', settings: { cooldownTimeSec: 0 }, failure: { errorClass: 'RateLimitError', status: 429, retryAfterMs: 30_000 }, expect: null },
  { id: 'C29', title: 'disable_cooldowns disables cooldowns', settings: { disableCooldowns: true }, prior: fails(5, E500), failure: { errorClass: 'AuthenticationError', status: 401 }, expect: null },
  { id: 'C30', title: 'counts reset with each window (one minute)', prior: fails(3, E500, -40_000), failure: E500, expect: null },
  // Back from cooldown with clean counts, on probation: its first failure before any success sends it straight back…
  { id: 'C31', title: 'a deployment back from cooldown that fails before any success is cooled again at once (probation)', prior: [...fails(4, E500, -20_000)], failure: E500, expect: { rule: 'probation', untilOffsetMs: 5000 } },
  // …and one success ends the probation: allowed_fails counts from the clean slate again.
  { id: 'C34', title: 'after a success back from cooldown, allowed_fails applies again', prior: [...fails(4, E500, -20_000), ...oks(1, -1000)], failure: E500, expect: null },
  { id: 'C32', title: 'an unknown class name is classified by status (503 → ServiceUnavailableError)', prior: fails(3, { errorClass: 'SomeNewError', status: 503 }), failure: { errorClass: 'SomeNewError', status: 503 }, expect: { rule: 'allowed-fails', untilOffsetMs: 5000 } },
  { id: 'C33', title: 'an unclassified 4xx (413) is the request\'s fault: no count, no cooldown', prior: fails(5, { errorClass: 'APIError', status: 413 }), failure: { errorClass: 'APIError', status: 413 }, expect: null, counts: false },
];

function run(row: Row) {
  const size = row.groupSize ?? 2;
  const deployments = [dep('d0', 'g', row.deployment ?? {})];
  for (let i = 1; i < size; i++) deployments.push(dep(`d${i}`, 'g'));
  const cfg = config(deployments, row.settings ?? {});
  let state: RouterState = emptyRouterState();
  for (const p of row.prior ?? []) {
    if (p.ok) state = recordSuccess(cfg, state, 'd0', { latencyMs: 100 }, NOW + p.at);
    else state = recordFailure(cfg, state, 'd0', { errorClass: p.errorClass, status: p.status, retryAfterMs: p.retryAfterMs }, NOW + p.at).state;
  }
  const before = state.deployments['d0'];
  const result = recordFailure(cfg, state, 'd0', row.failure, NOW);
  return { before, result };
}

describe('cooldown decision table (docs/routing.md)', () => {
  test.each(ROWS.map((r) => [r.id, r.title, r] as const))('%s: %s', (_id, _title, row) => {
    const { before, result } = run(row);
    const after = result.state.deployments['d0'];
    if (row.expect === null) {
      expect(result.cooldown).toBeNull();
      // Not cooled now (a cooldown from the prior events may still be running only in rows that expect one).
      expect(after?.cooldownUntil ?? 0).toBeLessThanOrEqual(NOW);
    } else {
      expect(result.cooldown).not.toBeNull();
      expect(result.cooldown?.reason.rule).toBe(row.expect.rule);
      expect(result.cooldown?.until).toBe(NOW + row.expect.untilOffsetMs);
      expect(after?.cooldownUntil).toBe(NOW + row.expect.untilOffsetMs);
      if (row.expect.extended !== undefined) expect(result.cooldown?.extended).toBe(row.expect.extended);
    }
    if (row.counts !== undefined && row.expect === null) {
      const beforeFailures = before !== undefined && before.window === after?.window ? before.failures : 0;
      expect(after?.failures).toBe(beforeFailures + (row.counts ? 1 : 0));
    }
  });

  test('every row of the table in docs/routing.md is tested here, and nothing else', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/routing.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Cooldown decision table'), doc.indexOf('\n## ', doc.indexOf('## Cooldown decision table') + 5));
    const docIds = [...section.matchAll(/^\|\s*(C\d+)\s*\|/gm)].map((m) => m[1]);
    expect(docIds).toEqual(ROWS.map((r) => r.id));
  });
});
