/**
 * Test data from the shared corpus (read in place): the integrations' expected ECS documents, and
 * events synthesised from a rule's own conditions so that many rules do match.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cond } from '../../src/eql/index.js';

export const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
export const WINDOWS_RULES = join(SHARED, 'rules', 'elastic', 'rules', 'windows');
export const INTEGRATIONS = join(SHARED, 'fixtures', 'integrations');

/** Every `*-expected.json` document under `dir`. */
export function expectedDocs(dir: string, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) expectedDocs(p, out);
    else if (e.name.endsWith('-expected.json')) {
      const j = JSON.parse(readFileSync(p, 'utf8')) as { expected?: Record<string, unknown>[] };
      out.push(...(j.expected ?? []));
    }
  }
  return out;
}

/** Sets a dotted path in a nested document (arrays are not created: one value per field). */
function put(doc: Record<string, unknown>, path: string, value: string): void {
  const parts = path.split('.');
  let o = doc;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

/**
 * One event per filter, holding a value of every exact leaf of the filter (upper-cased where case
 * is folded); with `wildcards`, also a value of every wildcard list (`*` dropped, `?` an `x`).
 */
export function eventsFromLeaves(c: Cond, pick: number, wildcards = false): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const visit = (x: Cond): void => {
    if (x.k === 'leaf' && x.leaf.exact) {
      const vs = x.leaf.exact.values;
      const v = vs[pick % vs.length];
      put(doc, x.leaf.def.sourcePath, x.leaf.exact.ci ? v.toUpperCase() : v);
    } else if (x.k === 'leaf' && wildcards && x.leaf.parts && x.leaf.alternatives) {
      const vs = x.leaf.alternatives().map((a) => a.label);
      const v = vs[pick % vs.length].replace(/\*/g, '').replace(/\?/g, 'x');
      put(doc, x.leaf.def.sourcePath, x.leaf.literals?.ci && pick % 2 ? v.toUpperCase() : v);
    } else if (x.k === 'and' || x.k === 'or') x.items.forEach(visit);
  };
  visit(c);
  return doc;
}
