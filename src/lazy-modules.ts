// Heavy dependencies, each loaded on its first use: the provider SDKs, the
// tokenizer, the HTML extractor and the YAML parser. A worker whose config
// names only OpenAI-shaped deployments never pays for Anthropic's, Google's
// or AWS's SDKs, a batch of small plain-text documents never loads the
// tokenizer's tables or the HTML parser, and a worker that reads no YAML
// never loads the parser: together over 100 MB of resident memory in every
// process that imported the package (docs/benchmarks.md, batch scale).
// Types still come from ordinary `import type`, which costs nothing at run time.
/* eslint-disable @typescript-eslint/no-require-imports */

function once<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

export const anthropicSdk = once(() => require('@anthropic-ai/sdk') as typeof import('@anthropic-ai/sdk'));
export const anthropicVertexSdk = once(() => require('@anthropic-ai/vertex-sdk') as typeof import('@anthropic-ai/vertex-sdk'));
export const bedrockSdk = once(() => require('@aws-sdk/client-bedrock-runtime') as typeof import('@aws-sdk/client-bedrock-runtime'));
export const genAiSdk = once(() => require('@google/genai') as typeof import('@google/genai'));
export const googleAuthLibrary = once(() => require('google-auth-library') as typeof import('google-auth-library'));
/** gpt-tokenizer's o200k tables: about 70 MB once loaded. */
export const tokenizer = once(() => require('gpt-tokenizer') as typeof import('gpt-tokenizer'));
export const htmlToTextLibrary = once(() => require('html-to-text') as typeof import('html-to-text'));
export const yamlLibrary = once(() => require('yaml') as typeof import('yaml'));
