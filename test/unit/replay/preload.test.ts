// The worker shares our workflow modules between workflows
// (routerBundleOptions' preloadModules, see docs/durability.md): each is
// evaluated once per worker thread, not once per workflow. That is sound
// only while none of them keeps module-level state, which one workflow
// could then leave behind for the next. This test reads every module of
// ours the bundle holds and fails on a top-level `let` or `var`, or a
// top-level Map, Set, WeakMap or WeakSet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import ts from 'typescript';
import { routerBundleOptions } from '../../../src/temporal/worker';

const ROOT = join(__dirname, '../../..');
const MUTABLE_COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);

let code: string;
beforeAll(async () => {
  ({ code } = await bundleWorkflowCode({ ...routerBundleOptions(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } }));
}, 60_000);

/** Our source files in the bundle, by webpack's module ids ("./workflows/x.ts"). */
function bundledSources(bundle: string): string[] {
  return [...bundle.matchAll(/^\/\*\*\*\/ "\.\/((?:src|workflows)\/[^"]+\.ts)"/gm)].map((m) => m[1] as string);
}

/** Module-level state in one file: "file:line: what". */
function moduleState(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const decl of list.declarations) {
      const name = decl.name.getText(source);
      if (!isConst) found.push(`${at(decl)}: top-level ${(list.flags & ts.NodeFlags.Let) !== 0 ? 'let' : 'var'} ${name}`);
      const init = decl.initializer;
      if (init !== undefined && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && MUTABLE_COLLECTIONS.has(init.expression.text)) {
        found.push(`${at(decl)}: top-level ${init.expression.text} ${name}`);
      }
    }
  }
  return found;
}

test('the bundle preloads the workflow API and our workflows, so every workflow of a worker thread shares them', () => {
  expect(code).toContain('exports.preloadModules = function preloadModules()');
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
  expect(preload).toMatch(/@temporalio\/workflow\/lib\/index\.js/);
  expect(preload).toMatch(/workflows\/index\.ts/);
});

test('no module the workers share keeps module-level state', () => {
  const files = bundledSources(code);
  // The routing core, the errors and every workflow are in the bundle.
  expect(files).toEqual(expect.arrayContaining(['src/core/driver.ts', 'src/core/walker.ts', 'workflows/routed-completion.ts', 'workflows/batch-summarize.ts', 'workflows/router-health.ts']));
  const state = files.flatMap((file) => moduleState(file, readFileSync(join(ROOT, file), 'utf8')));
  expect(state).toEqual([]);
});

test('the check sees a top-level let, var and collection, and lets constants and function-scoped state pass', () => {
  const text = [
    'let counter = 0;',
    'var legacy = 1;',
    'const cache = new Map<string, number>();',
    'const seen = new WeakSet<object>();',
    'const LIMIT = 3;',
    'const TABLE = { a: 1 } as const;',
    'export function run() { let local = 0; const m = new Map(); return local + m.size; }',
  ].join('\n');
  expect(moduleState('x.ts', text)).toEqual([
    'x.ts:1: top-level let counter',
    'x.ts:2: top-level var legacy',
    'x.ts:3: top-level Map cache',
    'x.ts:4: top-level WeakSet seen',
  ]);
});
