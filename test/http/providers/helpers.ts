import type { FakeProviderServer } from '../../../src/testing';
import type { DeploymentParams } from '../../../src/providers/types';

export const TEST_ENV = { FAKE_KEY: 'sk-fake-test' };

/** The AWS keys the fake verifies Bedrock signatures with (AWS's documented example key pair). */
export const TEST_AWS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const TEST_AWS_REGION = 'us-west-2';

/** A deployment of the given model string pointed at a fake route, keyed through the environment. */
export function deploymentOn(fake: FakeProviderServer, route: string, model: string, extra: Partial<DeploymentParams> = {}): DeploymentParams {
  const provider = model.includes('/') ? model.slice(0, model.indexOf('/')) : 'openai';
  if (provider === 'bedrock') {
    return { id: route, model, apiBase: fake.bedrockEndpoint(route), aws: { regionName: TEST_AWS_REGION, accessKeyId: TEST_AWS.accessKeyId, secretAccessKey: 'os.environ/FAKE_AWS_SECRET' }, ...extra };
  }
  if (provider === 'vertex_ai') {
    return { id: route, model, apiBase: fake.vertexBaseUrl(route), vertex: { project: 'fake-project', location: 'us-east5', credentials: 'os.environ/FAKE_VERTEX_KEY' }, ...extra };
  }
  const apiBase =
    provider === 'anthropic' ? fake.anthropicBaseUrl(route) : provider === 'azure' ? fake.azureBaseUrl(route) : provider === 'gemini' ? fake.geminiBaseUrl(route) : fake.openaiBaseUrl(route);
  return { id: route, model, apiBase, apiKey: 'os.environ/FAKE_KEY', ...extra };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
