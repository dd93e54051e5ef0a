import { convertMessages, toAnthropicBody } from '../../../src/providers/anthropic/convert-request';
import { convertMessage, convertUsage } from '../../../src/providers/anthropic/convert-response';
import { mapStopReason } from '../../../src/providers/anthropic/finish-reason';
import { AnthropicChunkTranslator } from '../../../src/providers/anthropic/stream';
import { resolveDeployment } from '../../../src/providers';
import type { ChatRequest } from '../../../src/providers/types';

const ctx = { provider: 'anthropic', deployment: 'd' };
const target = resolveDeployment({ id: 'd', model: 'anthropic/claude-3-5-haiku-latest', apiKey: 'k' }, {});

describe('convertMessages', () => {
  it('collects system and developer messages wherever they appear, as separate blocks', () => {
    const out = convertMessages(
      [
        { role: 'system', content: 'Rule one.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Rule two.' }] },
      ],
      ctx,
    );
    expect(out.system).toEqual([{ type: 'text', text: 'Rule one.' }, { type: 'text', text: 'Rule two.' }]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('maps images from data URLs and plain URLs', () => {
    const out = convertMessages(
      [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
      ctx,
    );
    expect(out.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
      { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
    ]);
  });

  it('merges consecutive tool results into one user turn and drops empty text', () => {
    const out = convertMessages(
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', tool_calls: [
          { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
          { id: 'b', type: 'function', function: { name: 'g', arguments: '' } },
        ] },
        { role: 'tool', tool_call_id: 'a', content: 'ra' },
        { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'rb' }] },
      ],
      ctx,
    );
    expect(out.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(out.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'a', name: 'f', input: { x: 1 } },
      { type: 'tool_use', id: 'b', name: 'g', input: {} },
    ]);
    expect(out.messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'a', content: 'ra' },
      { type: 'tool_result', tool_use_id: 'b', content: 'rb' },
    ]);
  });

  it('rejects tool arguments that are not JSON with a BadRequestError', () => {
    expect(() => convertMessages([{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{oops' } }] }], ctx)).toThrow(
      expect.objectContaining({ name: 'BadRequestError' }),
    );
  });
});

describe('toAnthropicBody', () => {
  const base: ChatRequest = { messages: [{ role: 'user', content: 'x' }] };

  it.each([
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
  ] as const)('maps tool_choice %s', (choice, expected) => {
    const { body } = toAnthropicBody({ ...base, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: choice }, target, false);
    expect(body.tool_choice).toEqual(expected);
    expect(body.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
  });

  it('maps parallel_tool_calls: false to disable_parallel_tool_use', () => {
    const { body } = toAnthropicBody({ ...base, tools: [{ type: 'function', function: { name: 'f' } }], parallel_tool_calls: false }, target, false);
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('lists every unsupported parameter at once', () => {
    expect(() => toAnthropicBody({ ...base, seed: 1, n: 2, presence_penalty: 1, temperature: 1.5 }, target, false)).toThrow(
      expect.objectContaining({ name: 'UnsupportedParamsError', params: ['seed', 'n', 'presence_penalty', 'temperature'] }),
    );
  });
});

describe('Anthropic responses', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to %s', (reason, finish) => {
    expect(mapStopReason(reason, false)).toBe(finish);
  });

  it('counts cached and cache-creation tokens inside prompt_tokens, as OpenAI does', () => {
    expect(convertUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 })).toEqual({
      prompt_tokens: 130,
      completion_tokens: 5,
      total_tokens: 135,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 },
    });
  });

  it('joins text blocks and keeps tool calls', () => {
    const response = convertMessage(
      { id: 'msg_1', model: 'claude', stop_reason: 'tool_use', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'tool_use', id: 't', name: 'f', input: { q: 1 } }], usage: { input_tokens: 1, output_tokens: 2 } },
      false,
      1700000000,
    );
    expect(response.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'ab', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('translates a stream event sequence into chunks ending in usage', () => {
    const t = new AnthropicChunkTranslator('claude', false, 1);
    const chunks = [
      { type: 'message_start', message: { id: 'm', model: 'claude-x', usage: { input_tokens: 7, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't1', name: 'f', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '2}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ].flatMap((e) => t.translate(e));
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      { tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '2}' } }] },
      {},
      null,
    ]);
    expect(chunks[5]?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks[6]?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 9 });
    expect(chunks.every((c) => c.id === 'm' && c.model === 'claude-x')).toBe(true);
  });
});
