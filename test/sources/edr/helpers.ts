/** Shared helpers for the EDR tests: fixtures read in place, the corpus's rule-readable fields, diffs. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { compileQuery } from '../../../src/eql/index.js';

export const SHARED = join(__dirname, '../../../../shared');
export const FIXTURES = join(SHARED, 'fixtures/integrations');
export const SEED = join(SHARED, 'seed/execution_windows_cmd_shell_susp_args.toml');

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export function expectedDoc(rel: string, i = 0): Record<string, unknown> {
  return (JSON.parse(fixtureText(rel)) as { expected: Record<string, unknown>[] }).expected[i]!;
}

/** Value at a dotted path (objects only), or undefined. */
export function getPath(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const s of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** Flattens to dotted leaf paths; arrays are leaves. */
export function flatten(v: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v))
      flatten((v as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`, out);
  } else out[prefix] = v;
  return out;
}

/** Leaf paths where two documents differ (missing on one side, or a different value). */
export function differingPaths(actual: unknown, expected: unknown): string[] {
  const a = flatten(actual);
  const e = flatten(expected);
  const out = new Set<string>();
  for (const k of Object.keys(a)) if (!(k in e) || JSON.stringify(a[k]) !== JSON.stringify(e[k])) out.add(k);
  for (const k of Object.keys(e)) if (!(k in a)) out.add(k);
  return [...out].sort();
}

interface Rule {
  rule: {
    index?: string[];
    query: string;
    language?: string;
    event_category_override?: string;
    investigation_fields?: { field_names?: string[] };
  };
}

function walk(dir: string, out: string[]): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) {
      if (f !== '_deprecated') walk(p, out);
    } else if (f.endsWith('.toml')) out.push(p);
  }
  return out;
}

let corpus: Array<{ index: string[]; fields: string[] }> | undefined;

/** Every shipped EQL rule of Elastic's corpus: its index patterns and the fields it reads (query + investigation fields). */
function eqlCorpus(): Array<{ index: string[]; fields: string[] }> {
  if (corpus !== undefined) return corpus;
  const root = join(SHARED, 'rules/elastic');
  const files = [...walk(join(root, 'rules'), []), ...walk(join(root, 'rules_building_block'), [])];
  corpus = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    if (!text.includes('language = "eql"')) continue;
    const r = parseToml(text) as unknown as Rule;
    const q = compileQuery(
      r.rule.query,
      r.rule.event_category_override !== undefined ? { eventCategoryField: r.rule.event_category_override } : {},
    );
    corpus.push({
      index: r.rule.index ?? [],
      fields: [...q.fields, ...(r.rule.investigation_fields?.field_names ?? [])],
    });
  }
  return corpus;
}

/** The fields a rule can read for a source: those of every EQL rule whose index patterns match it, plus the seed's investigation fields. */
export function ruleFields(indexPattern: RegExp): string[] {
  const seed = parseToml(readFileSync(SEED, 'utf8')) as unknown as Rule;
  const out = new Set<string>(seed.rule.investigation_fields?.field_names ?? []);
  for (const r of eqlCorpus()) if (r.index.some((i) => indexPattern.test(i))) for (const f of r.fields) out.add(f);
  return [...out].sort();
}

export function seedQuery(): string {
  return (parseToml(readFileSync(SEED, 'utf8')) as unknown as Rule).rule.query;
}
