import type { z } from 'zod';
import type { ConfigPath } from './issues';
import { IssueList } from './issues';
import { suggest } from './suggest';

type ZodIssue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return String(value);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const EXPECTED_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function expectedWord(expected: string): string {
  return EXPECTED_WORDS[expected] ?? expected;
}

function describeIssue(issue: ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.expected === 'number' || issue.expected === 'int') {
        if (typeof value === 'number' && !Number.isFinite(value)) return `must be a finite number, got ${describeValue(value)}`;
        if (issue.expected === 'int' && typeof value === 'number') return `must be a whole number, got ${value}`;
      }
      if (value === undefined) return `is required (${expectedWord(issue.expected)})`;
      return `expected ${expectedWord(issue.expected)}, got ${describeValue(value)}`;
    }
    case 'too_small': {
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      const bound = issue.inclusive ? `>= ${String(issue.minimum)}` : `> ${String(issue.minimum)}`;
      return `must be ${bound}, got ${describeValue(value)}`;
    }
    case 'too_big': {
      const bound = issue.inclusive ? `<= ${String(issue.maximum)}` : `< ${String(issue.maximum)}`;
      return `must be ${bound}, got ${describeValue(value)}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const hint = typeof value === 'string' ? suggest(value, allowed) : undefined;
      return `unknown value ${describeValue(value)}${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; expected one of: ${allowed.join(', ')}`;
    }
    case 'invalid_union': {
      const expected = new Set<string>();
      for (const branch of issue.errors) {
        for (const inner of branch) if (inner.code === 'invalid_type' && inner.path.length === 0) expected.add(expectedWord(inner.expected));
      }
      if (expected.size > 0) return `expected ${[...expected].join(' or ')}, got ${describeValue(value)}`;
      return issue.message;
    }
    default:
      return issue.message;
  }
}

/** Adds each zod issue to `issues` under `basePath`, with a message written for config authors. */
export function addZodIssues(issues: IssueList, basePath: ConfigPath, error: z.ZodError, input: unknown): void {
  for (const issue of error.issues) {
    // A union failing on a nested key reports its deepest branch; the plain union message is noise.
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    issues.error([...basePath, ...path], describeIssue(issue, valueAt(input, issue.path)));
  }
}
