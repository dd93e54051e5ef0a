import { createProviderRegistry, type ProviderRegistry } from '../../../src/providers';
import type { ChatRequest } from '../../../src/providers/types';
import { startFakeProviderServer, type FakeProviderServer, type FakeStep } from '../../../src/testing';
import * as bodies from '../../fixtures/providers/error-bodies';
import { generateKeyPairSync } from 'node:crypto';
import { collect, deploymentOn, TEST_AWS, TEST_ENV } from './helpers';

// A whole second, so an HTTP date (second precision) converts to an exact delay.
const NOW = Date.parse('2030-01-01T00:00:00Z');
// Only the hang cases wait for it; generous enough for a cold first call.
const SHORT_TIMEOUT_MS = 400;

const MODELS = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-3-5-haiku-latest',
  gemini: 'gemini/gemini-2.5-flash',
  bedrock: 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0',
  'vertex_ai-gemini': 'vertex_ai/gemini-2.5-flash',
  'vertex_ai-claude': 'vertex_ai/claude-3-5-haiku@20241022',
} as const;
type Wire = keyof typeof MODELS;
const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'one two three four five six seven eight' }] };

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
let fake: FakeProviderServer;
let env: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeProviderServer({ aws: TEST_AWS, googleServiceAccountPublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const serviceAccount = {
    type: 'service_account',
    project_id: 'fault-project',
    private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'faults@fault-project.iam.gserviceaccount.com',
    token_uri: fake.googleTokenUri('oauth'),
  };
  env = { ...TEST_ENV, FAKE_AWS_SECRET: TEST_AWS.secretAccessKey, FAKE_VERTEX_KEY: JSON.stringify(serviceAccount) };
  // Load every SDK once, so no case pays module start-up inside its deadline.
  const warm = createProviderRegistry({ env });
  for (const [wire, model] of Object.entries(MODELS)) await warm.complete(deploymentOn(fake, `warm-${wire}`, model), REQUEST);
});
afterAll(async () => {
  await fake.close();
});

interface FaultCase {
  kind: string;
  step: FakeStep;
  stream?: boolean;
  expected: { name: string; status: number | undefined; retryable: boolean; retryAfterMs?: number };
}

const CONTEXT_BODIES: Record<Wire, unknown> = {
  openai: bodies.OPENAI_CONTEXT_WINDOW,
  anthropic: bodies.ANTHROPIC_CONTEXT_WINDOW,
  gemini: bodies.GEMINI_NATIVE_CONTEXT_WINDOW,
  bedrock: bodies.BEDROCK_CONTEXT_WINDOW,
  'vertex_ai-gemini': bodies.GEMINI_NATIVE_CONTEXT_WINDOW,
  'vertex_ai-claude': bodies.ANTHROPIC_CONTEXT_WINDOW,
};

/**
 * How each wire says "refused on content grounds": a 400 from OpenAI and
 * Anthropic; Gemini answers 200 with the prompt blocked (promptFeedback) and
 * Bedrock 200 with `content_filtered` and no text, which the registry turns
 * into the same error (with no HTTP status, since the call itself succeeded).
 */
function contentPolicy(wire: Wire): FaultCase {
  const kind = 'content policy';
  if (wire === 'openai') return { kind, step: { status: 400, body: bodies.OPENAI_CONTENT_POLICY }, expected: { name: 'ContentPolicyViolationError', status: 400, retryable: false } };
  if (wire === 'anthropic' || wire === 'vertex_ai-claude') return { kind, step: { status: 400, body: bodies.ANTHROPIC_CONTENT_POLICY }, expected: { name: 'ContentPolicyViolationError', status: 400, retryable: false } };
  if (wire === 'bedrock') return { kind, step: { finishReason: 'content_filtered', text: '' }, expected: { name: 'ContentPolicyViolationError', status: undefined, retryable: false } };
  return { kind, step: { finishReason: 'PROMPT_BLOCKED' }, expected: { name: 'ContentPolicyViolationError', status: undefined, retryable: false } };
}

function faults(wire: Wire): FaultCase[] {
  return [
    { kind: '400 context length (real wording)', step: { status: 400, body: CONTEXT_BODIES[wire] }, expected: { name: 'ContextWindowExceededError', status: 400, retryable: false } },
    contentPolicy(wire),
    { kind: '400 other', step: { status: 400, errorMessage: 'temperature must be a number' }, expected: { name: 'BadRequestError', status: 400, retryable: false } },
    { kind: '401', step: { status: 401, errorMessage: 'invalid x-api-key' }, expected: { name: 'AuthenticationError', status: 401, retryable: false } },
    { kind: '403', step: { status: 403 }, expected: { name: 'PermissionDeniedError', status: 403, retryable: false } },
    { kind: '404', step: { status: 404, errorMessage: 'model not found' }, expected: { name: 'NotFoundError', status: 404, retryable: false } },
    { kind: '408', step: { status: 408 }, expected: { name: 'Timeout', status: 408, retryable: true } },
    { kind: '422', step: { status: 422 }, expected: { name: 'UnprocessableEntityError', status: 422, retryable: false } },
    { kind: '429 with retry-after: 2', step: { status: 429, headers: { 'retry-after': '2' } }, expected: { name: 'RateLimitError', status: 429, retryable: true, retryAfterMs: 2000 } },
    { kind: '429 with an HTTP date', step: { status: 429, headers: { 'retry-after': new Date(NOW + 3000).toUTCString() } }, expected: { name: 'RateLimitError', status: 429, retryable: true, retryAfterMs: 3000 } },
    { kind: '429 with a one-hour retry-after', step: { status: 429, headers: { 'retry-after': '3600' } }, expected: { name: 'RateLimitError', status: 429, retryable: true, retryAfterMs: 3_600_000 } },
    { kind: '429 with retry-after beyond a day', step: { status: 429, headers: { 'retry-after': '90000' } }, expected: { name: 'RateLimitError', status: 429, retryable: true } },
    { kind: '500', step: { status: 500 }, expected: { name: 'InternalServerError', status: 500, retryable: true } },
    { kind: '502', step: { status: 502 }, expected: { name: 'BadGatewayError', status: 502, retryable: true } },
    { kind: '503 with retry-after-ms', step: { status: 503, headers: { 'retry-after-ms': '250' } }, expected: { name: 'ServiceUnavailableError', status: 503, retryable: true, retryAfterMs: 250 } },
    { kind: '529 overloaded', step: { status: 529, body: bodies.ANTHROPIC_OVERLOADED }, expected: { name: 'ServiceUnavailableError', status: 529, retryable: true } },
    { kind: '503 with x-should-retry: false', step: { status: 503, headers: { 'x-should-retry': 'false' } }, expected: { name: 'ServiceUnavailableError', status: 503, retryable: false } },
    { kind: 'connection reset', step: { reset: true }, expected: { name: 'APIConnectionError', status: undefined, retryable: true } },
    { kind: 'timeout (hung server)', step: { hang: true }, expected: { name: 'Timeout', status: 408, retryable: true } },
    { kind: 'timeout after headers (stream stalls)', step: { firstTokenDelayMs: 5_000 }, stream: true, expected: { name: 'Timeout', status: 408, retryable: true } },
    // Not retryable on the deployment that cut it: a peer continues from the delivered text instead.
    { kind: 'cut mid-stream', step: { cutAfterChunks: 3 }, stream: true, expected: { name: 'MidStreamError', status: undefined, retryable: false } },
    { kind: 'cut JSON body', step: { cutAfterChunks: 20 }, expected: { name: 'APIConnectionError', status: undefined, retryable: true } },
    { kind: 'malformed JSON', step: { malformedJson: true }, expected: { name: 'InternalServerError', status: undefined, retryable: true } },
    { kind: 'malformed SSE', step: { malformedJson: true }, stream: true, expected: { name: 'InternalServerError', status: undefined, retryable: true } },
    { kind: '503 on a stream', step: { status: 503 }, stream: true, expected: { name: 'ServiceUnavailableError', status: 503, retryable: true } },
  ];
}


/** Failures only some wires have: Google's RetryInfo delay, and errors sent inside a stream. */
function wireFaults(wire: Wire): FaultCase[] {
  const google = wire === 'gemini' || wire === 'vertex_ai-gemini';
  const claude = wire === 'vertex_ai-claude';
  const out: FaultCase[] = [
    { kind: 'error event before any content (stream)', step: { streamError: { status: 429 } }, stream: true, expected: { name: 'RateLimitError', status: 429, retryable: true } },
    // Anthropic has no in-stream 503; its overload error is 529.
    // Not retryable on the deployment that cut the stream: a peer continues from the delivered text.
    { kind: 'error event mid-stream', step: { streamError: { status: claude ? 529 : 503 }, cutAfterChunks: 3 }, stream: true, expected: { name: 'MidStreamError', status: claude ? 529 : 503, retryable: false } },
  ];
  if (google) out.push({ kind: '429 with a RetryInfo delay in the body', step: { status: 429, body: bodies.GEMINI_RATE_LIMIT_WITH_RETRY_INFO }, expected: { name: 'RateLimitError', status: 429, retryable: true, retryAfterMs: 17_000 } });
  if (wire === 'bedrock') {
    out.push({ kind: 'Claude context wording in a ValidationException', step: { status: 400, body: bodies.BEDROCK_CLAUDE_CONTEXT_WINDOW }, expected: { name: 'ContextWindowExceededError', status: 400, retryable: false } });
    out.push({ kind: '424 ModelErrorException', step: { status: 424 }, expected: { name: 'InternalServerError', status: 500, retryable: true } });
  }
  return out;
}

const PROVIDER_OF: Record<Wire, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gemini', bedrock: 'bedrock', 'vertex_ai-gemini': 'vertex_ai', 'vertex_ai-claude': 'vertex_ai' };

describe.each(Object.keys(MODELS) as Wire[])('fault classification over the %s wire', (protocol) => {
  let registry: ProviderRegistry;
  beforeAll(() => {
    registry = createProviderRegistry({ env, now: () => NOW });
  });

  it.each([...faults(protocol), ...(protocol === 'openai' || protocol === 'anthropic' ? [] : wireFaults(protocol))].map((f) => [f.kind, f] as const))('%s', async (_kind, fault) => {
    const route = `faults-${protocol}`;
    fake.script(route, [fault.step]);
    const deployment = deploymentOn(fake, route, MODELS[protocol], { timeoutMs: SHORT_TIMEOUT_MS });
    const call = fault.stream ? collect(registry.stream(deployment, REQUEST)) : registry.complete(deployment, REQUEST);
    const error = await call.then(
      () => undefined,
      (e: unknown) => e as Record<string, unknown>,
    );
    expect(error).toBeDefined();
    expect({ name: error?.name, status: error?.status, retryable: error?.retryable, retryAfterMs: error?.retryAfterMs }).toEqual({
      name: fault.expected.name,
      status: fault.expected.status,
      retryable: fault.expected.retryable,
      retryAfterMs: fault.expected.retryAfterMs,
    });
    expect(error?.provider).toBe(PROVIDER_OF[protocol]);
    expect(error?.deployment).toBe(route);
    if (fault.expected.name === 'MidStreamError') expect(String(error?.partialText)).toMatch(/^Hello from /);
    // Exactly one HTTP request per call: the SDKs never retry behind our back.
    expect(fake.count(route)).toBe(1);
  });
});

describe('context-window wording of OpenAI-compatible providers', () => {
  const registry = createProviderRegistry({ env: TEST_ENV });
  it.each([
    ['azure', 'azure/my-gpt4o', bodies.AZURE_CONTEXT_WINDOW, 'ContextWindowExceededError'],
    ['azure content filter', 'azure/my-gpt4o', bodies.AZURE_CONTENT_FILTER, 'ContentPolicyViolationError'],
    ['gemini compatible endpoint', 'openai_compatible/gemini-2.0-flash', bodies.GEMINI_CONTEXT_WINDOW, 'ContextWindowExceededError'],
    ['vllm', 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct', bodies.VLLM_CONTEXT_WINDOW, 'ContextWindowExceededError'],
    ['ollama', 'ollama/llama3.2', bodies.OLLAMA_CONTEXT_WINDOW, 'ContextWindowExceededError'],
  ])('%s', async (label, model, body, expected) => {
    const route = `wording-${label.replace(/\s+/g, '-')}`;
    fake.script(route, [{ status: 400, body }]);
    const error = await registry.complete(deploymentOn(fake, route, model), REQUEST).then(
      () => undefined,
      (e: unknown) => e as Record<string, unknown>,
    );
    expect(error?.name).toBe(expected);
    expect(error?.status).toBe(400);
    expect(error?.retryable).toBe(false);
    expect(error?.body).toEqual(body);
  });
});
