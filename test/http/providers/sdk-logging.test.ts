import { createProviderRegistry, type Logger } from '../../../src/providers';
import type { ChatRequest } from '../../../src/providers/types';
import { Router } from '../../../src/router';
import { startFakeProviderServer, type FakeProviderServer } from '../../../src/testing';
import { collect, deploymentOn, TEST_ENV } from './helpers';

// A malformed SSE frame makes both SDKs log "Could not parse message into JSON"
// before throwing; the registry classifies the failure, so the log line is noise
// unless the caller asks for it.
const MODELS = { openai: 'openai/gpt-4o-mini', anthropic: 'anthropic/claude-3-5-haiku-latest' } as const;
const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'hello' }] };

interface LogLine {
  level: keyof Logger;
  message: string;
}

function recordingLogger(): { lines: LogLine[]; logger: Logger } {
  const lines: LogLine[] = [];
  const at = (level: keyof Logger) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } };
}

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await startFakeProviderServer();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe.each(['openai', 'anthropic'] as const)('SDK log lines over the %s wire', (protocol) => {
  it('are silent by default: the malformed stream surfaces only as a classified error', async () => {
    const consoleError = jest.spyOn(console, 'error');
    const consoleWarn = jest.spyOn(console, 'warn');
    const route = `log-quiet-${protocol}`;
    fake.script(route, [{ malformedJson: true }]);
    const registry = createProviderRegistry({ env: TEST_ENV });
    const error = await collect(registry.stream(deploymentOn(fake, route, MODELS[protocol]), REQUEST)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('InternalServerError');
    expect(consoleError).not.toHaveBeenCalled();
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it('reach a caller-supplied logger at the chosen level, labelled with provider and deployment', async () => {
    const consoleError = jest.spyOn(console, 'error');
    const route = `log-loud-${protocol}`;
    fake.script(route, [{ malformedJson: true }]);
    const { lines, logger } = recordingLogger();
    const registry = createProviderRegistry({ env: TEST_ENV, logger, logLevel: 'error' });
    const error = await collect(registry.stream(deploymentOn(fake, route, MODELS[protocol]), REQUEST)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('InternalServerError');
    const parseLine = lines.find((l) => l.message.includes('Could not parse message into JSON'));
    expect(parseLine).toEqual({ level: 'error', message: `[temporal-llm-router] ${protocol} (${route}): Could not parse message into JSON:` });
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('Router', () => {
  it('passes logger and logLevel to the provider SDKs it creates', async () => {
    const route = 'log-router';
    fake.script(route, [{ malformedJson: true }]);
    const { lines, logger } = recordingLogger();
    const router = new Router(
      {
        model_list: [{ model_name: 'chat', litellm_params: { model: MODELS.openai, api_base: fake.openaiBaseUrl(route), api_key: 'os.environ/FAKE_KEY' }, model_info: { id: route } }],
        router_settings: { num_retries: 0 },
      },
      { env: TEST_ENV, logger, logLevel: 'error' },
    );
    const error = await collect(router.stream({ model: 'chat', ...REQUEST })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('InternalServerError');
    expect(lines.some((l) => l.level === 'error' && l.message.startsWith(`[temporal-llm-router] openai (${route}): Could not parse`))).toBe(true);
  });
});
