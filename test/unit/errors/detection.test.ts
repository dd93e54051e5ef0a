import { errorFromStatus, type ErrorClassName } from '../../../src/errors';

// Bodies as the providers send them (wordings collected from their public
// issue trackers and docs); the numbers vary, the wording does not.
const CASES: ReadonlyArray<[string, number, unknown, ErrorClassName]> = [
  ['openai context', 400, { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }, 'ContextWindowExceededError'],
  ['openai newer context', 400, { error: { message: 'Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 300000 tokens. Please reduce the length of the messages.', type: 'invalid_request_error', code: null } }, 'ContextWindowExceededError'],
  ['azure context', 400, { error: { message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }, 'ContextWindowExceededError'],
  ['anthropic context', 400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 208310 tokens > 200000 maximum' } }, 'ContextWindowExceededError'],
  ['anthropic context with max_tokens', 400, { type: 'error', error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 197202 + 21333 > 200000, decrease input length or `max_tokens` and try again' } }, 'ContextWindowExceededError'],
  ['gemini compatible context', 400, [{ error: { code: 400, message: 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } }], 'ContextWindowExceededError'],
  ['ollama context', 400, { error: { message: 'the input length exceeds the context length', type: 'api_error' } }, 'ContextWindowExceededError'],
  ['ollama context as bare string', 500, { error: 'input exceeds context length' }, 'ContextWindowExceededError'],
  ['vllm context', 400, { object: 'error', message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.", type: 'BadRequestError', param: null, code: 400 }, 'ContextWindowExceededError'],
  ['vllm v1 context', 400, { object: 'error', message: 'The decoder prompt (length 5000) is longer than the maximum model length of 4096. Make sure that `max_model_len` is no smaller than the number of text tokens.', type: 'BadRequestError', code: 400 }, 'ContextWindowExceededError'],
  ['mistral context', 400, { object: 'error', message: 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length', type: 'invalid_request_message_error' }, 'ContextWindowExceededError'],
  ['azure content filter', 400, { error: { code: 'content_filter', message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", status: 400, innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'medium' } } } } }, 'ContentPolicyViolationError'],
  ['openai safety system', 400, { error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } }, 'ContentPolicyViolationError'],
  ['openai invalid prompt', 400, { error: { message: 'Invalid prompt: your prompt was flagged as potentially violating our usage policy.', type: 'invalid_request_error', code: 'invalid_prompt' } }, 'ContentPolicyViolationError'],
  ['anthropic output filter', 400, { type: 'error', error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' } }, 'ContentPolicyViolationError'],
  ['plain bad request stays plain', 400, { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error' } }, 'BadRequestError'],
  ['plain 500 stays plain', 500, { error: { message: 'The server had an error while processing your request.' } }, 'InternalServerError'],
];

describe('context-window and content-policy detection', () => {
  it.each(CASES)('%s', (_label, status, body, expected) => {
    const err = errorFromStatus(status, body, new Headers(), { provider: 'p' });
    expect(err.name).toBe(expected);
    expect(err.status).toBe(status);
    expect(err.body).toBe(body);
    expect(err.retryable).toBe(expected === 'InternalServerError');
  });
});
