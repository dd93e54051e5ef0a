// The gateway's pure parts: Anthropic <-> OpenAI translation, the error table,
// and gateway keys (constant-time lookup, rpm window, monthly budget).
import { mapStopReason } from '../../../src/providers/anthropic/finish-reason';
import { convertUsage } from '../../../src/providers/anthropic/convert-response';
import { toAnthropicStopReason, toAnthropicUsage } from '../../../src/providers/anthropic/inverse';
import { parseMessagesRequest } from '../../../src/gateway/anthropic-request';
import { toAnthropicMessage } from '../../../src/gateway/anthropic-response';
import { AnthropicEventWriter } from '../../../src/gateway/anthropic-stream';
import { GatewayKeys } from '../../../src/gateway/keys';
import { GatewayError } from '../../../src/gateway/gateway-error';
import { STATUS_BY_CLASS, errorBody, toWireError } from '../../../src/gateway/errors-to-wire';
import { ERROR_CLASS_NAMES, AuthenticationError, RateLimitError } from '../../../src/errors';
import { chunksOfResponse } from '../../../src/gateway/response-chunks';
import type { ChatResponse } from '../../../src/providers/types';

describe('inverse of the Anthropic adapter\'s tables', () => {
  it.each(['end_turn', 'max_tokens', 'tool_use', 'refusal'])('stop reason %s survives the round trip', (stop) => {
    expect(toAnthropicStopReason(mapStopReason(stop, false))).toBe(stop);
  });

  it('takes cache reads and writes back out of prompt_tokens', () => {
    const raw = { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 3, cache_creation_input_tokens: 2 };
    expect(toAnthropicUsage(convertUsage(raw))).toEqual(raw);
  });
});

describe('Anthropic request to the router\'s request', () => {
  it('turns system, tool uses and tool results into OpenAI messages', () => {
    const { request, stream } = parseMessagesRequest({
      model: 'g',
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.' }],
      stream: true,
      tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'call f' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: 'ok' }, { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }] }, { type: 'text', text: 'and now?' }] },
      ],
    });
    expect(stream).toBe(true);
    expect(request).toEqual({
      model: 'g',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'call f' },
        { role: 'assistant', content: 'ok', tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'done' },
        { role: 'user', content: 'and now?' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
    });
  });

  it('names the field at fault', () => {
    expect(() => parseMessagesRequest({ model: 'g', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] })).toThrow('messages[0].role: unknown value "system"; expected one of: user, assistant');
    expect(() => parseMessagesRequest({ model: 'g', max_tokens: 5, messages: [], tools: [{ type: 'web_search_20250305', name: 'w' }] })).toThrow(/^tools\[0\]\.type: server tools/);
  });
});

describe('router response to Anthropic', () => {
  const response: ChatResponse = {
    id: 'chatcmpl_1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":2}' } }] }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
  };

  it('as a message', () => {
    expect(toAnthropicMessage(response)).toEqual({
      id: 'msg_chatcmpl_1',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', id: 'c1', name: 'f', input: { x: 2 } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });

  it('as events, from the chunks a stream of the same answer would have', () => {
    const writer = new AnthropicEventWriter('m');
    const frames = chunksOfResponse(response).map((c) => writer.write(c)).join('') + writer.end();
    const events = frames.split('\n\n').filter((f) => f !== '').map((f) => JSON.parse(f.split('\ndata: ')[1] ?? '{}') as { type: string; index?: number; delta?: Record<string, unknown> });
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_stop',
      'message_delta', 'message_stop',
    ]);
    expect(events[5]?.delta).toEqual({ type: 'input_json_delta', partial_json: '{"x":2}' });
    expect(events[7]?.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });
});

describe('errors to the wire', () => {
  it('has a status for every error class', () => {
    for (const name of ERROR_CLASS_NAMES) expect(STATUS_BY_CLASS[name]).toBeGreaterThanOrEqual(400);
  });

  it('makes a provider refusing the gateway\'s own credentials a 502, never a 401 the caller would blame on its key', () => {
    expect(toWireError(new AuthenticationError('upstream said 401', { status: 401 })).status).toBe(502);
  });

  it('keeps a rate limit\'s Retry-After, and renders both formats', () => {
    const wire = toWireError(new RateLimitError('slow down', { status: 429, retryAfterMs: 2500 }));
    expect(wire).toMatchObject({ status: 429, retryAfterMs: 2500 });
    expect(errorBody(wire, 'openai')).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'RateLimitError' } });
    expect(errorBody(wire, 'anthropic')).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
  });

  it('hides the message of an unexpected error', () => {
    expect(toWireError(new TypeError('x is undefined at /srv/app.js'))).toMatchObject({ status: 500, message: 'internal gateway error; see the gateway log' });
  });
});

describe('gateway keys', () => {
  const config = {
    masterKey: 'os.environ/MASTER',
    keys: [{ key: 'team-key-1', name: 'team', models: ['chat'], rpmLimit: 2, monthlyBudgetUsd: 1, path: 'keys[0]' }],
    durableGroups: [],
  };

  it('resolves os.environ keys, refuses an unset one by path, and never puts a key in a message', () => {
    expect(() => GatewayKeys.fromConfig(config, {})).toThrow('general_settings.master_key: environment variable MASTER (os.environ/MASTER) is not set');
    expect(() => GatewayKeys.fromConfig(config, { MASTER: 'team-key-1' })).toThrow('keys[0].key: resolves to the same key as general_settings.master_key');
    const keys = GatewayKeys.fromConfig(config, { MASTER: 'master-1' });
    expect(keys.authenticate({ authorization: 'Bearer master-1' }).name).toBe('master_key');
    expect(keys.authenticate({ 'x-api-key': 'team-key-1' }).name).toBe('team');
    const wrong = (() => {
      try {
        keys.authenticate({ authorization: 'Bearer team-key-2' });
      } catch (e) {
        return e as GatewayError;
      }
      return undefined;
    })();
    expect(wrong?.status).toBe(401);
    expect(wrong?.message).not.toContain('team-key');
  });

  it('limits requests per minute in a sliding window, and spend per calendar month', () => {
    const keys = GatewayKeys.fromConfig(config, { MASTER: 'master-1' });
    const team = keys.authenticate({ authorization: 'Bearer team-key-1' });
    const t0 = Date.UTC(2026, 0, 31, 23, 57, 0);
    keys.admit(team, t0);
    keys.admit(team, t0 + 1_000);
    expect(() => keys.admit(team, t0 + 2_000)).toThrow(expect.objectContaining({ status: 429, code: 'rate_limited', retryAfterMs: 58_000 }));
    keys.admit(team, t0 + 60_001);
    keys.recordSpend(team, 1.5, t0 + 60_001);
    expect(() => keys.admit(team, t0 + 70_000)).toThrow(expect.objectContaining({ code: 'budget_exceeded' }));
    // A new month (UTC): the budget starts again.
    expect(() => keys.admit(team, Date.UTC(2026, 1, 1, 0, 5))).not.toThrow();
  });
});
