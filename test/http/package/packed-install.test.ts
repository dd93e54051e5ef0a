// The package as a user gets it: `npm pack` builds dist by itself (the
// prepare script), the tarball installs into an empty project, a consumer
// that imports the root and every subpath type-checks with node16 module
// resolution (so `exports` decides), and the entry points load at runtime.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tlr-packed-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CONSUMER = `
import { Router, DurableRouter, createWorker, loadConfigFile, parseConfigObject, FallbacksExhaustedError, isRetryableError, type RoutingMetadata, type RouterResponse } from 'temporal-llm-router';
import { createRouterWorker, startBatchSummarize, routerDataConverterFromEnv } from 'temporal-llm-router/temporal';
import { runWalk, buildRouterConfig } from 'temporal-llm-router/core';
import { startFakeProviderServer } from 'temporal-llm-router/testing';
import { createGateway } from 'temporal-llm-router/gateway';
import { locateTemporalCli } from 'temporal-llm-router/dev-server';
import { createProviderRegistry } from 'temporal-llm-router/providers';
import type { RoutedCompletionInput } from 'temporal-llm-router/workflows';

export async function use(): Promise<string> {
  const config = parseConfigObject({ model_list: [{ model_name: 'g', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/K' } }] });
  const router = new Router(config);
  let routing: RoutingMetadata | undefined;
  try {
    const reply: RouterResponse = await router.completion({ model: 'g', messages: [{ role: 'user', content: 'hi' }] });
    routing = reply.routing;
  } catch (err) {
    if (FallbacksExhaustedError.isInstance(err)) return err.data.requestedGroup;
    return String(isRetryableError(err));
  }
  void [DurableRouter, createWorker, loadConfigFile, createRouterWorker, startBatchSummarize, routerDataConverterFromEnv, runWalk, buildRouterConfig, startFakeProviderServer, createGateway, locateTemporalCli, createProviderRegistry];
  const input: Partial<RoutedCompletionInput> = {};
  // A typo in a public type is a compile error, not an any.
  // @ts-expect-error -- RoutingMetadata has no 'servedBy'
  void routing?.servedBy;
  return (routing?.deployment ?? '') + Object.keys(input).length;
}
`;

test('npm pack builds dist, the tarball installs, and a consumer of the root and every subpath type-checks and loads', async () => {
  await run(NPM, ['pack', '--pack-destination', scratch], { cwd: ROOT, timeout: 180_000 });
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const { version: tsVersion } = await import('typescript');
  await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`, `typescript@${tsVersion}`, '@types/node@20'], { cwd: scratch, timeout: 240_000 });
  writeFileSync(join(scratch, 'consumer.ts'), CONSUMER);
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', types: ['node'], skipLibCheck: true },
    files: ['consumer.ts'],
  }));
  await expect(run(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: scratch })).resolves.toBeDefined();
  const loaded = await run(process.execPath, ['-e', [
    "const root = require('temporal-llm-router');",
    "const temporal = require('temporal-llm-router/temporal');",
    "console.log([typeof root.Router, typeof root.DurableRouter, typeof temporal.createRouterWorker, 'createRouterWorker' in root].join(' '));",
  ].join(' ')], { cwd: scratch });
  expect(loaded.stdout.trim()).toBe('function function function false');
  // The CLI of the installed package runs from dist (no sources, no tsx there).
  const help = await run(process.execPath, [join(scratch, 'node_modules/temporal-llm-router/bin/llm-router.js'), '--help'], { cwd: scratch });
  expect(help.stdout).toContain('llm-router');
}, 420_000);
