import { convertMessages as converseMessages, isClaude } from '../../../src/providers/bedrock/convert-request';
import { mediaOf, parseDataUrl, thinkingBudget } from '../../../src/providers/content';
import { estimateTokens } from '../../../src/providers/embeddings';
import { convertContents } from '../../../src/providers/gemini/convert-request';
import { mapFinishReason } from '../../../src/providers/gemini/finish-reason';
import { isVertexClaude } from '../../../src/providers/vertex_ai';

const ctx = { provider: 'p', deployment: 'd' };

describe('media parts', () => {
  it('reads data URLs with parameters and lower-cases the type', () => {
    expect(parseDataUrl('data:Image/PNG;name=x.png;base64,AAAA')).toEqual({ mimeType: 'image/png', data: 'AAAA' });
    expect(parseDataUrl('https://example.com/x.png')).toBeUndefined();
  });

  it('treats file parts as inline data, bare base64 (by file name) or a URL', () => {
    expect(mediaOf({ type: 'file', file: { file_data: 'JVBERi0=', filename: 'a.pdf' } })).toEqual({ kind: 'inline', mimeType: 'application/pdf', data: 'JVBERi0=' });
    expect(mediaOf({ type: 'file', file: { file_id: 'gs://bucket/report.pdf' } })).toEqual({ kind: 'url', url: 'gs://bucket/report.pdf', mimeType: 'application/pdf' });
    expect(mediaOf({ type: 'image_url', image_url: { url: 'https://x/y.webp?size=2' } })).toEqual({ kind: 'url', url: 'https://x/y.webp?size=2', mimeType: 'image/webp' });
    expect(mediaOf({ type: 'text', text: 'x' })).toBeUndefined();
  });
});

describe('thinking budget', () => {
  it('prefers an explicit thinking block over reasoning_effort, and says 0 for disabled', () => {
    expect(thinkingBudget({ messages: [], reasoning_effort: 'high', thinking: { type: 'enabled', budget_tokens: 1500 } })).toBe(1500);
    expect(thinkingBudget({ messages: [], reasoning_effort: 'minimal' })).toBe(1024);
    expect(thinkingBudget({ messages: [], thinking: { type: 'disabled' } })).toBe(0);
    expect(thinkingBudget({ messages: [] })).toBeUndefined();
  });
});

describe('Gemini contents', () => {
  it('names a function response after its call, falling back to the id for an unknown call', () => {
    const { contents } = convertContents(
      [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        { role: 'tool', tool_call_id: 'orphan', content: 'late' },
      ],
      ctx,
    );
    expect(contents).toEqual([
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'lookup', args: {} } }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'c1', name: 'lookup', response: { content: 'ok' } } },
          { functionResponse: { id: 'orphan', name: 'orphan', response: { content: 'late' } } },
        ],
      },
    ]);
  });

  it('refuses a URL whose media type it cannot tell', () => {
    expect(() => convertContents([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/no-extension' } }] }], ctx)).toThrow(/media type/);
  });

  it('maps safety-like stops to content_filter and a plain stop with calls to tool_calls', () => {
    expect(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION'].map((r) => mapFinishReason(r, false))).toEqual(Array(5).fill('content_filter'));
    expect(mapFinishReason('STOP', true)).toBe('tool_calls');
    expect(mapFinishReason('MAX_TOKENS', false)).toBe('length');
    expect(mapFinishReason(undefined, false)).toBeNull();
  });
});

describe('Converse messages', () => {
  it('puts a message-level cache point after a system message, and cleans document names', () => {
    const { system, messages } = converseMessages(
      [
        { role: 'system', content: 'Rules.', cache_control: { type: 'ephemeral' } },
        { role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'Q3: report (final).v2.pdf' } }] },
      ],
      ctx,
    );
    expect(system).toEqual([{ text: 'Rules.' }, { cachePoint: { type: 'default' } }]);
    const document = (messages[0]?.content[0] as { document: { name: string; format: string } }).document;
    expect(document).toMatchObject({ name: 'Q3- report (final)-v2', format: 'pdf' });
  });

  it('tells Claude models apart, including cross-region inference profiles', () => {
    expect(['anthropic.claude-3-5-sonnet-20240620-v1:0', 'us.anthropic.claude-3-5-haiku-20241022-v1:0'].map(isClaude)).toEqual([true, true]);
    expect(isClaude('meta.llama3-1-70b-instruct-v1:0')).toBe(false);
    expect(isVertexClaude('claude-sonnet-4-5@20250929')).toBe(true);
    expect(isVertexClaude('gemini-2.5-pro')).toBe(false);
  });
});

describe('embedding token estimate', () => {
  it('counts o200k tokens over all inputs', () => {
    expect(estimateTokens(['hello world', 'hello'])).toBe(3);
    expect(estimateTokens([])).toBe(0);
  });
});
