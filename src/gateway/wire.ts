/** The wire format a route speaks: requests, responses, streams and errors alike. */
export type Wire = 'openai' | 'anthropic';
