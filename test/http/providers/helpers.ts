import type { FakeProviderServer } from '../../../src/testing';
import type { DeploymentParams } from '../../../src/providers/types';

export const TEST_ENV = { FAKE_KEY: 'sk-fake-test' };

/** A deployment of the given model string pointed at a fake route, keyed through the environment. */
export function deploymentOn(fake: FakeProviderServer, route: string, model: string, extra: Partial<DeploymentParams> = {}): DeploymentParams {
  const provider = model.includes('/') ? model.slice(0, model.indexOf('/')) : 'openai';
  const apiBase = provider === 'anthropic' ? fake.anthropicBaseUrl(route) : provider === 'azure' ? fake.azureBaseUrl(route) : fake.openaiBaseUrl(route);
  return { id: route, model, apiBase, apiKey: 'os.environ/FAKE_KEY', ...extra };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
