import { ApiError } from '@google/genai';
import {
  AccessDeniedException,
  ModelErrorException,
  ModelTimeoutException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { classifyProviderError } from '../../../src/errors';

const ctx = { provider: 'bedrock', deployment: 'd' };
const metadata = (httpStatusCode?: number) => ({ $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });

describe('AWS SDK exceptions', () => {
  it.each([
    ['ThrottlingException on 429', new ThrottlingException({ message: 'Too many requests, please wait before trying again.', ...metadata(429) }), 'RateLimitError', 429, true],
    ['ModelTimeoutException', new ModelTimeoutException({ message: 'Model has timed out', ...metadata(408) }), 'Timeout', 408, true],
    ['ValidationException with context-window wording', new ValidationException({ message: 'Input is too long for requested model.', ...metadata(400) }), 'ContextWindowExceededError', 400, false],
    ['plain ValidationException', new ValidationException({ message: 'Malformed input request: #: extraneous key [foo]', ...metadata(400) }), 'BadRequestError', 400, false],
    ['AccessDeniedException', new AccessDeniedException({ message: 'You do not have access to the model', ...metadata(403) }), 'PermissionDeniedError', 403, false],
    ['ServiceUnavailableException', new ServiceUnavailableException({ message: 'unavailable', ...metadata(503) }), 'ServiceUnavailableError', 503, true],
    ['ModelErrorException (424)', new ModelErrorException({ message: 'The model failed', ...metadata(424) }), 'InternalServerError', 500, true],
    // Inside a ConverseStream the exception comes on the stream of a 200 response.
    ['ThrottlingException from an event stream', new ThrottlingException({ message: 'slow down', ...metadata(200) }), 'RateLimitError', 429, true],
  ])('%s', (_label, error, name, status, retryable) => {
    expect(classifyProviderError(error, ctx)).toMatchObject({ name, status, retryable, provider: 'bedrock', deployment: 'd' });
  });

  it('reads Retry-After from the raw response headers', () => {
    const error = Object.assign(new ThrottlingException({ message: 'slow down', ...metadata(429) }), { $response: { statusCode: 429, headers: { 'retry-after': '4' } } });
    expect(classifyProviderError(error, ctx)).toMatchObject({ name: 'RateLimitError', retryAfterMs: 4000 });
  });

  it('treats a missing credential chain as an authentication failure', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(classifyProviderError(error, ctx)).toMatchObject({ name: 'AuthenticationError', retryable: false });
  });
});

describe('@google/genai ApiError', () => {
  const gctx = { provider: 'gemini', deployment: 'g' };

  it('reads the status and the JSON body kept in the message', () => {
    const error = new ApiError({ message: JSON.stringify({ error: { code: 404, message: 'models/x is not found', status: 'NOT_FOUND' } }), status: 404 });
    expect(classifyProviderError(error, gctx)).toMatchObject({ name: 'NotFoundError', status: 404, message: 'gemini (g): 404 models/x is not found' });
  });

  it('takes the RetryInfo delay when no header gives one, and a header over it', () => {
    const body = { error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.5s' }] } };
    const error = new ApiError({ message: JSON.stringify(body), status: 429 });
    expect(classifyProviderError(error, gctx)).toMatchObject({ name: 'RateLimitError', retryAfterMs: 2500 });
    expect(classifyProviderError(error, { ...gctx, headers: { 'retry-after': '7' } })).toMatchObject({ retryAfterMs: 7000 });
  });

  it('recognises the context-window wording', () => {
    const body = { error: { code: 400, message: 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } };
    expect(classifyProviderError(new ApiError({ message: JSON.stringify(body), status: 400 }), gctx)).toMatchObject({ name: 'ContextWindowExceededError', retryable: false });
  });
});
