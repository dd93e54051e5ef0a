// One engine, two paths: the same config and the same scripted faults, once
// through the in-process Router and once through DurableRouter (a
// routedCompletion workflow on a real dev server, shared health on, as by
// default). Both must make the same provider calls per deployment, raise the
// same error class and message, and return the same routing metadata.
import type { Worker } from '@temporalio/worker';
import { parseConfigObject, type LoadedRouterConfig } from '../../../src/config';
import type { RoutingMetadata } from '../../../src/core';
import { createProviderRegistry } from '../../../src/providers';
import { Router, type RouterRequest } from '../../../src/router';
import { DurableRouter } from '../../../src/temporal/client';
import { startFakeProviderServer, type FakeProviderServer, type FakeStep, type ScriptOptions } from '../../../src/testing';
import { OPENAI_CONTENT_POLICY, OPENAI_CONTEXT_WINDOW } from '../../fixtures/providers/error-bodies';
import { FAKE_KEY_ENV } from '../../support/router-config';
import { connectToTestServer, createTestWorker, uniqueWorkflowId, type TemporalTestContext } from '../../support/temporal';

const env = { [FAKE_KEY_ENV]: 'fake-parity-key' };
let ctx: TemporalTestContext;
let fake: FakeProviderServer;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  ctx = await connectToTestServer();
  fake = await startFakeProviderServer();
  worker = await createTestWorker(ctx, createProviderRegistry({ env }));
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await fake.close();
  await ctx.close();
});

interface Dep {
  id: string;
  group: string;
  model?: string;
  params?: Record<string, unknown>;
}

interface Scenario {
  name: string;
  deployments: Dep[];
  settings?: Record<string, unknown>;
  script: Record<string, [FakeStep[], ScriptOptions?]>;
  model: string;
  stream?: boolean;
  calls: Record<string, number>;
  /** 'ok', or the class of the error both paths raise. */
  outcome: string;
}

const scenarios: Scenario[] = [
  {
    name: "a lone deployment's 429 with Retry-After 2 s",
    deployments: [{ id: 'solo', group: 'g', params: { num_retries: 2 } }],
    script: { solo: [[{ status: 429, headers: { 'retry-after': '2' }, errorMessage: 'slow down' }]] },
    model: 'g', calls: { solo: 2 }, outcome: 'ok',
  },
  {
    name: '503 on one of two',
    deployments: [{ id: 'cheap', group: 'g', params: { input_cost_per_token: 0.0000001 } }, { id: 'dear', group: 'g', params: { input_cost_per_token: 0.00001 } }],
    settings: { routing_strategy: 'cost-based-routing' },
    script: { cheap: [[{ status: 503, errorMessage: 'down' }]] },
    model: 'g', calls: { cheap: 1, dear: 1 }, outcome: 'ok',
  },
  {
    name: '401 on one',
    deployments: [{ id: 'cheap', group: 'g', params: { input_cost_per_token: 0.0000001, num_retries: 3 } }, { id: 'dear', group: 'g', params: { input_cost_per_token: 0.00001 } }],
    settings: { routing_strategy: 'cost-based-routing' },
    script: { cheap: [[], { after: { status: 401, errorMessage: 'invalid api key' } }] },
    model: 'g', calls: { cheap: 1, dear: 1 }, outcome: 'ok',
  },
  {
    name: 'context window exceeded, then the context-window fallback',
    deployments: [{ id: 'narrow', group: 'small' }, { id: 'wide', group: 'big' }, { id: 'elsewhere', group: 'other' }],
    settings: { context_window_fallbacks: [{ small: ['big'] }], fallbacks: [{ small: ['other'] }] },
    script: { narrow: [[{ status: 400, body: OPENAI_CONTEXT_WINDOW }]] },
    model: 'small', calls: { narrow: 1, wide: 1, elsewhere: 0 }, outcome: 'ok',
  },
  {
    name: 'content policy, then the content-policy fallback',
    deployments: [{ id: 'strict', group: 'chat' }, { id: 'lenient', group: 'moderated' }],
    settings: { content_policy_fallbacks: [{ chat: ['moderated'] }] },
    script: { strict: [[{ status: 400, body: OPENAI_CONTENT_POLICY }]] },
    model: 'chat', calls: { strict: 1, lenient: 1 }, outcome: 'ok',
  },
  {
    name: 'all down',
    deployments: [{ id: 'first', group: 'a', params: { num_retries: 1 } }, { id: 'second', group: 'b', params: { num_retries: 1 } }],
    settings: { fallbacks: [{ a: ['b'] }] },
    script: { first: [[], { after: { status: 500, errorMessage: 'broken' } }], second: [[], { after: { status: 503, errorMessage: 'down' } }] },
    model: 'a', calls: { first: 2, second: 2 }, outcome: 'FallbacksExhaustedError',
  },
  {
    name: 'a call that fails twice, then succeeds',
    deployments: [{ id: 'flaky', group: 'g', params: { num_retries: 2 } }],
    script: { flaky: [[{ status: 503, errorMessage: 'blip' }, { status: 502, errorMessage: 'blip' }]] },
    model: 'g', calls: { flaky: 3 }, outcome: 'ok',
  },
  {
    name: 'a stream cut after 3 chunks, with a fallback',
    deployments: [{ id: 'streamer', group: 's' }, { id: 'rescuer', group: 'rescue' }],
    settings: { fallbacks: [{ s: ['rescue'] }] },
    script: { streamer: [[{ text: 'alpha bravo charlie delta echo', cutAfterChunks: 3 }]], rescuer: [[{ text: 'The complete answer.' }]] },
    model: 's', stream: true, calls: { streamer: 1, rescuer: 1 }, outcome: 'ok',
  },
];

function configOf(s: Scenario): LoadedRouterConfig {
  const model_list = s.deployments.map((d) => {
    const model = d.model ?? 'openai/gpt-4o-mini';
    return {
      model_name: d.group,
      litellm_params: {
        model, api_base: fake.openaiBaseUrl(d.id), api_key: `os.environ/${FAKE_KEY_ENV}`,
        input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, ...d.params,
      },
      model_info: { id: d.id },
    };
  });
  return parseConfigObject({ model_list, router_settings: s.settings ?? {} }, { pricing: null });
}

function script(s: Scenario): void {
  fake.reset();
  for (const [route, [steps, options]] of Object.entries(s.script)) fake.script(route, steps, options);
}

function calls(s: Scenario): Record<string, number> {
  return Object.fromEntries(s.deployments.map((d) => [d.id, fake.count(d.id)]));
}

/** The metadata fields both paths promise, with times taken out. */
function shape(r: RoutingMetadata) {
  return {
    requestedGroup: r.requestedGroup, group: r.group, deployment: r.deployment, provider: r.provider, model: r.model,
    attempts: r.attempts, fallbacks: r.fallbacks, fallbackPath: r.fallbackPath,
    attemptLog: r.attemptLog.map((a) => [a.deploymentId, a.model, a.group, a.reason, a.outcome, a.errorClass, a.status, a.cooldown !== null]),
    cooldowns: r.cooldowns.map((c) => [c.deploymentId, c.reason.errorClass, c.reason.rule]),
    decision: { strategy: r.decision.strategy, group: r.decision.group, candidates: r.decision.candidates },
    complexity: r.complexity?.tier, costUsd: r.costUsd,
  };
}

const timeless = (m: string) => m.replace(/after \d+ ms/g, 'after N ms').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');

interface Run {
  calls: Record<string, number>;
  routing?: ReturnType<typeof shape>;
  text?: string;
  error?: { name: string; message: string; attempts?: string[] };
  gapMs?: number;
}

function errorOf(err: unknown): Run['error'] {
  const e = err as { name: string; message: string; errors?: Array<{ name: string }> };
  return { name: e.name, message: timeless(e.message), ...(e.errors ? { attempts: e.errors.map((x) => x.name) } : {}) };
}

function gap(s: Scenario): number | undefined {
  const route = s.deployments[0]!.id;
  const [first, second] = fake.requests(route);
  return first && second ? second.receivedAt - first.receivedAt : undefined;
}

async function inProcess(s: Scenario): Promise<Run> {
  script(s);
  const router = new Router(configOf(s), { env });
  const request: RouterRequest = { model: s.model, messages: [{ role: 'user', content: `parity: ${s.name}` }] };
  try {
    if (s.stream === true) {
      let text = '';
      let routing: RoutingMetadata | undefined;
      for await (const chunk of router.stream(request)) {
        for (const c of chunk.choices) text += c.delta.content ?? '';
        if (chunk.routing) routing = chunk.routing;
      }
      return { calls: calls(s), routing: shape(routing!), text, gapMs: gap(s) };
    }
    const response = await router.completion(request);
    return { calls: calls(s), routing: shape(response.routing), text: response.choices[0]?.message.content ?? '', gapMs: gap(s) };
  } catch (err) {
    return { calls: calls(s), error: errorOf(err) };
  }
}

async function durable(s: Scenario): Promise<Run> {
  script(s);
  const router = new DurableRouter({
    client: ctx.client, config: configOf(s), taskQueue: ctx.taskQueue,
    // Shared health on, as by default, on an entity of this run's own.
    options: { sharedHealth: { routerName: uniqueWorkflowId('parity') } },
  });
  const request = { model: s.model, messages: [{ role: 'user' as const, content: `parity: ${s.name}` }], ...(s.stream ? { stream: true } : {}) };
  try {
    const result = await router.complete(request, { workflowId: uniqueWorkflowId('parity') });
    return { calls: calls(s), routing: shape(result.routing), text: result.response.choices[0]?.message.content ?? '', gapMs: gap(s) };
  } catch (err) {
    return { calls: calls(s), error: errorOf(err) };
  }
}

describe.each(scenarios)('$name', (s) => {
  let a: Run;
  let b: Run;
  beforeAll(async () => {
    a = await inProcess(s);
    b = await durable(s);
  }, 60_000);

  test('the same provider calls per deployment, on both paths', () => {
    expect(a.calls).toEqual(s.calls);
    expect(b.calls).toEqual(s.calls);
  });

  test('the same outcome: the same routing metadata, or the same error class, message and attempts', () => {
    if (s.outcome === 'ok') {
      expect(a.error).toBeUndefined();
      expect(b.error).toBeUndefined();
      if (s.stream === true) {
        // In-process the continuation carries the delivered text as a prefill, so its prompt (and cost) is larger.
        expect(b.routing?.costUsd).toBeLessThan(a.routing?.costUsd ?? 0);
        expect({ ...b.routing, costUsd: 0 }).toEqual({ ...a.routing, costUsd: 0 });
      } else {
        expect(b.routing).toEqual(a.routing);
      }
    } else {
      expect(a.error?.name).toBe(s.outcome);
      expect(b.error).toEqual(a.error);
    }
  });

  if (s.name.includes('Retry-After')) {
    test('the second call waits out the Retry-After: 2.0-2.5 s after the first, on both paths', () => {
      for (const run of [a, b]) {
        expect(run.gapMs).toBeGreaterThanOrEqual(2_000);
        expect(run.gapMs).toBeLessThanOrEqual(2_500);
      }
    });
  }

  if (s.stream === true) {
    test("the caller gets the fallback's answer once and nothing twice", () => {
      // In-process the caller already had the first chunks; durably nothing reached it before the cut.
      expect(a.text?.split('The complete answer.').length).toBe(2);
      expect(a.text?.startsWith('alpha')).toBe(true);
      expect(b.text).toBe('The complete answer.');
    });
  }
});
