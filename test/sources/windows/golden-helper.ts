/** Field-by-field comparison of documents for the golden tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '../../../../shared/fixtures/integrations');

export function fixture<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

/** Flattens to dotted leaf paths; arrays are leaves (compared whole, order included). */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 && prefix !== '') out[prefix] = {};
    for (const k of keys) flatten((v as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`, out);
  } else out[prefix] = v;
  return out;
}

export interface Diff {
  /** Fields we produce that the expected document does not have. */
  onlyActual: string[];
  /** Fields of the expected document we do not produce. */
  onlyExpected: string[];
  /** Fields present in both with different values. */
  changed: string[];
}

export function diffDocs(actual: unknown, expected: unknown): Diff {
  const a = flatten(actual);
  const e = flatten(expected);
  const d: Diff = { onlyActual: [], onlyExpected: [], changed: [] };
  for (const k of Object.keys(a)) {
    if (!(k in e)) d.onlyActual.push(k);
    else if (JSON.stringify(a[k]) !== JSON.stringify(e[k])) d.changed.push(k);
  }
  for (const k of Object.keys(e)) if (!(k in a)) d.onlyExpected.push(k);
  d.onlyActual.sort();
  d.onlyExpected.sort();
  d.changed.sort();
  return d;
}
