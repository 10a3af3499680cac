/**
 * Turning zod's findings into rule problems that name the key, its line, and what is wrong in
 * words a rule author understands. Unknown keys become warnings and are removed so the rest of
 * the rule can still be read.
 */
import type { z } from 'zod';
import type { ProblemSeverity } from './model.js';

export interface KeyProblem {
  severity: ProblemSeverity;
  code: string;
  /** Path inside the validated object. */
  path: (string | number)[];
  message: string;
}

type Issue = z.core.$ZodIssue;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(v) ? 'an integer' : 'a float';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a table';
    default:
      return typeof v;
  }
}

function preview(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

function expectedName(e: string): string {
  switch (e) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'a boolean';
    case 'array':
      return 'a list';
    case 'object':
      return 'a table';
    default:
      return e;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function keyOf(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((k) => (typeof k === 'number' ? k : String(k)));
}

function describe(issue: Issue, input: unknown, base: (string | number)[]): KeyProblem[] {
  const path = [...base, ...keyOf(issue.path)];
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({
        severity: 'warning',
        code: 'unknown-key',
        path: [...path, k],
        message: `unknown key "${k}" (ignored)`,
      }));
    case 'invalid_type':
      if (value === undefined) {
        return [{ severity: 'error', code: 'missing-field', path, message: 'required key is missing' }];
      }
      return [
        {
          severity: 'error',
          code: 'wrong-type',
          path,
          message: `expected ${expectedName(issue.expected)}, got ${typeName(value)}${preview(value) ? ` ${preview(value)}` : ''}`,
        },
      ];
    case 'invalid_value':
      if (value === undefined) {
        return [{ severity: 'error', code: 'missing-field', path, message: 'required key is missing' }];
      }
      return [
        {
          severity: 'error',
          code: 'invalid-value',
          path,
          message: `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${preview(value) || typeName(value)}`,
        },
      ];
    case 'invalid_union': {
      // Report the alternative that got furthest (the deepest failing path).
      let best: Issue[] = [];
      let depth = -1;
      for (const branch of issue.errors) {
        const d = Math.max(...branch.map((i) => i.path.length));
        if (d > depth) {
          depth = d;
          best = branch;
        }
      }
      if (depth <= 0) {
        return [{ severity: 'error', code: 'wrong-type', path, message: `has the wrong type (${typeName(value)})` }];
      }
      return best.flatMap((i) => describe({ ...i, path: [...issue.path, ...i.path] } as Issue, input, base));
    }
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'custom':
    default: {
      const msg = issue.message.replace(/^Invalid input: /, '');
      const what = preview(value);
      return [
        {
          severity: 'error',
          code: 'invalid-value',
          path,
          message: `${msg.charAt(0).toLowerCase()}${msg.slice(1)}${what && !msg.includes(what) ? ` (got ${what})` : ''}`,
        },
      ];
    }
  }
}

/** Removes the keys reported as unknown so the object can be validated again. */
function stripUnknown(input: unknown, issues: Issue[]): unknown {
  const copy: unknown = structuredClone(input);
  for (const i of issues) {
    if (i.code !== 'unrecognized_keys') continue;
    const target = valueAt(copy, i.path);
    if (target && typeof target === 'object') for (const k of i.keys) delete (target as Record<string, unknown>)[k];
  }
  return copy;
}

/**
 * Validates with a strict schema. Unknown keys are warnings (and dropped); other issues are errors.
 * Returns the parsed value when there are no errors.
 */
export function validateWith<T>(
  schema: z.ZodType<T>,
  input: unknown,
  base: (string | number)[],
): { value?: T; problems: KeyProblem[] } {
  const first = schema.safeParse(input);
  if (first.success) return { value: first.data, problems: [] };
  const problems = first.error.issues.flatMap((i) => describe(i, input, base));
  if (problems.some((p) => p.severity === 'error')) return { problems };
  const second = schema.safeParse(stripUnknown(input, first.error.issues));
  if (second.success) return { value: second.data, problems };
  return { problems: [...problems, ...second.error.issues.flatMap((i) => describe(i, input, base))] };
}
