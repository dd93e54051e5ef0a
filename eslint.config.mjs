// Lint rules that protect the architecture: workflow code must stay
// deterministic (no Node built-ins, no provider SDKs, no I/O libraries), and
// no promise may float, because a forgotten await in a workflow is a bug.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const bannedInWorkflows = [
  ...nodeBuiltins,
  'openai', 'openai/*', '@anthropic-ai/sdk', '@anthropic-ai/sdk/*',
  '@temporalio/activity', '@temporalio/worker', '@temporalio/client', '@temporalio/testing',
  'yaml', 'gpt-tokenizer', 'gpt-tokenizer/*', '@pydantic/genai-prices', 'commander',
  '@aws-sdk/client-s3', '@aws-sdk/*', 'unpdf', 'html-to-text', 'pdf-lib',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]", message: '.only is not allowed' },
        { selector: "CallExpression[callee.property.name='skip'][callee.object.name=/^(it|test|describe)$/]", message: 'skipped tests are not allowed' },
        { selector: "CallExpression[callee.name=/^(xit|xtest|xdescribe|fit|fdescribe)$/]", message: 'skipped or focused tests are not allowed' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: bannedInWorkflows.filter((m) => !m.endsWith('/*')),
        patterns: [{ group: bannedInWorkflows.filter((m) => m.endsWith('/*')), message: 'not allowed in workflow code' }],
      }],
    },
  },
);
