import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

// Loaded on first use only (src/lazy-modules.ts). Jest keeps its own module registry, so the check runs in a plain Node process.
const LAZY = ['@anthropic-ai/sdk', '@anthropic-ai/vertex-sdk', '@aws-sdk/client-bedrock-runtime', '@google/genai', 'google-auth-library', 'gpt-tokenizer', 'html-to-text', 'yaml', '@aws-sdk/client-s3'];

function packagesLoadedBy(modules: string[], then = ''): string[] {
  const root = resolve(__dirname, '../..');
  const script = `${modules.map((m) => `require(${JSON.stringify(resolve(root, m))});`).join('')}${then}
    const names = new Set();
    for (const f of Object.keys(require.cache)) { const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f); if (m) names.add(m[1]); }
    process.stdout.write(JSON.stringify([...names]));`;
  return JSON.parse(execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 })) as string[];
}

describe('heavy dependencies load on first use', () => {
  it('the worker, the provider registry and the package root load no provider SDK but OpenAI, no tokenizer, YAML or HTML parser', () => {
    const loaded = packagesLoadedBy(['src/index.ts', 'src/temporal/worker.ts', 'activities/index.ts']);
    expect(loaded).toContain('openai');
    expect(loaded).toContain('@temporalio/worker');
    expect(loaded.filter((name) => LAZY.includes(name))).toEqual([]);
  }, 60_000);

  it('each loads when it is first used', () => {
    const loaded = packagesLoadedBy(['src/lazy-modules.ts'], `
      const lazy = require(${JSON.stringify(resolve(__dirname, '../../src/lazy-modules.ts'))});
      lazy.anthropicSdk(); lazy.tokenizer().encode('x'); lazy.yamlLibrary();`);
    expect(loaded).toEqual(expect.arrayContaining(['@anthropic-ai/sdk', 'gpt-tokenizer', 'yaml']));
    expect(loaded).not.toContain('@google/genai');
  }, 60_000);
});
