import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROUTER_SEARCH_ATTRIBUTES } from '../../../src/temporal/search-attributes';

// No Docker engine runs here, so the compose file is checked structurally:
// the services, images, wiring and published ports the README promises.
interface ComposeService {
  image?: string;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  command?: string[];
}
const compose = parse(readFileSync(join(__dirname, '../../../docker-compose.temporal.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

describe('docker-compose.temporal.yml', () => {
  test('has PostgreSQL, schema setup, server, namespace creation and UI', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['postgresql', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui'].sort(),
    );
  });

  test('uses the current server + admin-tools images, not the deprecated auto-setup', () => {
    const images = Object.values(services).map((s) => s.image ?? '');
    expect(images.some((i) => i.includes('auto-setup'))).toBe(false);
    expect(services.temporal?.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(services['temporal-schema']?.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-namespace']?.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(services.postgresql?.image).toMatch(/^postgres:/);
  });

  test('publishes gRPC on 7233 and the UI on 8080', () => {
    expect(services.temporal?.ports).toContain('7233:7233');
    expect(services['temporal-ui']?.ports).toContain('8080:8080');
  });

  test('starts the server only after the schema job completed successfully', () => {
    expect(services.temporal?.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(services['temporal-schema']?.depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(services['temporal-namespace']?.depends_on?.temporal?.condition).toBe('service_healthy');
  });

  test('registers every search attribute the routing workflows upsert', () => {
    const script = (services['temporal-namespace']?.command ?? []).join('\n');
    for (const key of ROUTER_SEARCH_ATTRIBUTES) expect(script).toContain(`--name ${key.name}`);
  });
});
