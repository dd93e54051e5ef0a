/**
 * What does the provider layer add per call? Each round makes the same call
 * through the bare SDK and through the registry, against the same in-process
 * fake server, interleaved call by call in alternating order; we report the median of the
 * per-round medians. Run: npx tsx bench/providers.ts [--rounds 20] [--calls 100] [--only gemini]
 */
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import { JWT } from 'google-auth-library';
import OpenAI from 'openai';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createProviderRegistry } from '../src/providers';
import type { ChatRequest, DeploymentParams } from '../src/providers/types';
import { startFakeProviderServer } from '../src/testing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const ROUNDS = arg('rounds', 20);
const CALLS = arg('calls', 100);
const WARMUP = 200;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Call = () => Promise<unknown>;
interface Scenario {
  name: string;
  direct: Call;
  adapter: Call;
}

async function timeCalls(call: Call, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await call();
    out.push(performance.now() - start);
  }
  return out;
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _item of iterable) {
    // consume every chunk, as a caller would
  }
}

/** A throwaway service account whose token exchange the fake answers. */
function benchServiceAccount(tokenUri: string): { json: string; jwt: () => JWT } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = { type: 'service_account', project_id: 'bench', client_email: 'bench@bench.iam.gserviceaccount.com', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), token_uri: tokenUri };
  const jwt = (): JWT =>
    new JWT({
      email: key.client_email,
      key: key.private_key,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      transporterOptions: { fetchImplementation: (input, init) => fetch(String(input) === 'https://oauth2.googleapis.com/token' ? tokenUri : input, init) },
    });
  return { json: JSON.stringify(key), jwt };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const fake = await startFakeProviderServer();
  const sa = benchServiceAccount(fake.googleTokenUri('bench-oauth'));
  const env = { BENCH_KEY: 'sk-bench', BENCH_AWS_SECRET: 'bench-secret', BENCH_VERTEX_KEY: sa.json };
  const registry = createProviderRegistry({ env });
  const request: ChatRequest = {
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: 'Give me a one-line answer about routing requests across model deployments.' },
    ],
    max_tokens: 64,
  };
  const openaiDep: DeploymentParams = { id: 'bench-openai', model: 'openai/gpt-4o-mini', apiBase: fake.openaiBaseUrl('bench-openai'), apiKey: 'os.environ/BENCH_KEY' };
  const anthropicDep: DeploymentParams = { id: 'bench-anthropic', model: 'anthropic/claude-3-5-haiku-latest', apiBase: fake.anthropicBaseUrl('bench-anthropic'), apiKey: 'os.environ/BENCH_KEY' };

  // Same SDKs, same settings (no retries), called directly.
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: fake.openaiBaseUrl('bench-openai'), maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: 'sk-bench', baseURL: fake.anthropicBaseUrl('bench-anthropic'), maxRetries: 0, timeout: 600_000 });
  const openaiBody = { model: 'gpt-4o-mini', messages: request.messages as OpenAI.Chat.ChatCompletionMessageParam[], max_tokens: 64 };
  const anthropicBody = { model: 'claude-3-5-haiku-latest', system: 'You are a concise assistant.', messages: [{ role: 'user' as const, content: 'Give me a one-line answer about routing requests across model deployments.' }], max_tokens: 64 };

  const system = 'You are a concise assistant.';
  const question = 'Give me a one-line answer about routing requests across model deployments.';

  // Gemini API: the same GoogleGenAI settings the adapter uses (no retryOptions).
  const geminiDep: DeploymentParams = { id: 'bench-gemini', model: 'gemini/gemini-2.5-flash', apiBase: fake.geminiBaseUrl('bench-gemini'), apiKey: 'os.environ/BENCH_KEY' };
  const genai = new GoogleGenAI({ apiKey: 'sk-bench', httpOptions: { baseUrl: fake.geminiBaseUrl('bench-gemini'), timeout: 600_000 } });
  const geminiParams = { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: question }] }], config: { systemInstruction: { role: 'user', parts: [{ text: system }] }, maxOutputTokens: 64 } };

  // Bedrock: the same client settings (maxAttempts 1, static keys, HTTP/2 to the fake).
  const bedrockDep: DeploymentParams = {
    id: 'bench-bedrock', model: 'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0', apiBase: fake.bedrockEndpoint('bench-bedrock'),
    aws: { regionName: 'us-east-1', accessKeyId: 'AKIDBENCH', secretAccessKey: 'os.environ/BENCH_AWS_SECRET' },
  };
  const bedrock = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.bedrockEndpoint('bench-bedrock'), maxAttempts: 1, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } });
  const converseInput = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', system: [{ text: system }], messages: [{ role: 'user' as const, content: [{ text: question }] }], inferenceConfig: { maxTokens: 64 } };

  // Vertex AI: both sides exchange their own token once, then reuse it.
  const vertex = { project: 'bench', location: 'us-east5', credentials: 'os.environ/BENCH_VERTEX_KEY' };
  const vertexGeminiDep: DeploymentParams = { id: 'bench-vertex-gemini', model: 'vertex_ai/gemini-2.5-flash', apiBase: fake.vertexBaseUrl('bench-vertex-gemini'), vertex };
  const vertexGenai = new GoogleGenAI({ vertexai: true, project: 'bench', location: 'us-east5', googleAuthOptions: { authClient: sa.jwt() }, httpOptions: { baseUrl: fake.vertexBaseUrl('bench-vertex-gemini'), timeout: 600_000 } });
  const vertexClaudeDep: DeploymentParams = { id: 'bench-vertex-claude', model: 'vertex_ai/claude-3-5-haiku@20241022', apiBase: fake.vertexBaseUrl('bench-vertex-claude'), vertex };
  const vertexClaude = new AnthropicVertex({ region: 'us-east5', projectId: 'bench', authClient: sa.jwt(), baseURL: `${fake.vertexBaseUrl('bench-vertex-claude')}/v1`, maxRetries: 0, timeout: 600_000 });
  const vertexClaudeBody = { ...anthropicBody, model: 'claude-3-5-haiku@20241022' };

  const scenarios: Scenario[] = [
    { name: 'openai JSON', direct: () => openai.chat.completions.create(openaiBody), adapter: () => registry.complete(openaiDep, request) },
    {
      name: 'openai stream',
      direct: async () => drain(await openai.chat.completions.create({ ...openaiBody, stream: true, stream_options: { include_usage: true } })),
      adapter: () => drain(registry.stream(openaiDep, request)),
    },
    { name: 'anthropic JSON', direct: () => anthropic.messages.create(anthropicBody), adapter: () => registry.complete(anthropicDep, request) },
    {
      name: 'anthropic stream',
      direct: async () => drain(await anthropic.messages.create({ ...anthropicBody, stream: true })),
      adapter: () => drain(registry.stream(anthropicDep, request)),
    },
    { name: 'gemini JSON', direct: () => genai.models.generateContent(geminiParams), adapter: () => registry.complete(geminiDep, request) },
    {
      name: 'gemini stream',
      direct: async () => drain(await genai.models.generateContentStream(geminiParams)),
      adapter: () => drain(registry.stream(geminiDep, request)),
    },
    { name: 'bedrock JSON', direct: () => bedrock.send(new ConverseCommand(converseInput)), adapter: () => registry.complete(bedrockDep, request) },
    {
      name: 'bedrock stream',
      direct: async () => {
        const { stream } = await bedrock.send(new ConverseStreamCommand(converseInput));
        if (stream) await drain(stream);
      },
      adapter: () => drain(registry.stream(bedrockDep, request)),
    },
    { name: 'vertex gemini JSON', direct: () => vertexGenai.models.generateContent(geminiParams), adapter: () => registry.complete(vertexGeminiDep, request) },
    { name: 'vertex claude JSON', direct: () => vertexClaude.messages.create(vertexClaudeBody), adapter: () => registry.complete(vertexClaudeDep, request) },
  ];

  const only = process.argv.indexOf('--only');
  const selected = only >= 0 ? scenarios.filter((x) => x.name.startsWith(process.argv[only + 1] ?? '')) : scenarios;
  console.log(`provider layer overhead: ${ROUNDS} rounds x ${CALLS} calls per side, after ${WARMUP} warm-up calls; node ${process.version}`);
  const rows: Array<Record<string, string>> = [];
  for (const scenario of selected) {
    await timeCalls(scenario.direct, WARMUP);
    await timeCalls(scenario.adapter, WARMUP);
    const direct: number[] = [];
    const adapter: number[] = [];
    const deltas: number[] = [];
    const paired: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Interleave call by call (ABBA), so load from other processes hits both sides alike.
      const roundDirect: number[] = [];
      const roundAdapter: number[] = [];
      for (let i = 0; i < CALLS; i += 1) {
        const order = (i + round) % 2 === 0 ? ['direct', 'adapter'] : ['adapter', 'direct'];
        for (const side of order) {
          const start = performance.now();
          await (side === 'direct' ? scenario.direct() : scenario.adapter());
          (side === 'direct' ? roundDirect : roundAdapter).push(performance.now() - start);
        }
      }
      const d = median(roundDirect);
      const r = median(roundAdapter);
      direct.push(d);
      adapter.push(r);
      deltas.push(r - d);
      // The two sides of call i ran back to back, under the same load.
      paired.push(median(roundAdapter.map((t, i) => t - (roundDirect[i] as number))));
    }
    const d = median(direct);
    const r = median(adapter);
    const added = median(deltas);
    rows.push({
      scenario: scenario.name,
      'direct SDK (ms)': d.toFixed(3),
      'registry (ms)': r.toFixed(3),
      'added (ms)': added.toFixed(3),
      'added (%)': ((added / d) * 100).toFixed(1),
      'added, paired (ms)': median(paired).toFixed(3),
    });
  }
  console.table(rows);
  console.log('"added" is the median over rounds of (registry round median - SDK round median); "added, paired" the median over rounds of the median per-call difference.');
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  console.log(`load average (1 / 5 / 15 min) at end ${fmt(loadavg())}, on ${availableParallelism()} CPUs`);
  await fake.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
