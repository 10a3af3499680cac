/**
 * The rule index may leave a rule out only when none of its conditions can hold for the event, and
 * may call a condition (a sequence stage) false only when it is.
 * Checked against full evaluation of every filter of Elastic's Windows EQL rules (read in place),
 * over the integrations' expected ECS documents and over events built from each rule's own exact
 * values (so that many rules do match and a wrong skip would show).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryFilters, RuleIndex } from '../../src/engine/rule-index.js';
import { cacheDocument, compileQuery, releaseDocument, type Cond } from '../../src/eql/index.js';
import { compileCond } from '../../src/eql/compiler.js';
import { loadRules, prepareRules } from '../../src/rules/index.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared');
const WINDOWS_RULES = join(SHARED, 'rules', 'elastic', 'rules', 'windows');
const INTEGRATIONS = join(SHARED, 'fixtures', 'integrations');

function expectedDocs(dir: string, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
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

/** One event per filter, holding a value of every exact leaf of the filter (upper-cased where case is folded). */
function eventsFromLeaves(c: Cond, pick: number): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const visit = (x: Cond): void => {
    if (x.k === 'leaf' && x.leaf.exact) {
      const vs = x.leaf.exact.values;
      const v = vs[pick % vs.length];
      put(doc, x.leaf.def.sourcePath, x.leaf.exact.ci ? v.toUpperCase() : v);
    } else if (x.k === 'and' || x.k === 'or') x.items.forEach(visit);
  };
  visit(c);
  return doc;
}

describe.skipIf(!existsSync(WINDOWS_RULES))('RuleIndex', () => {
  it('never leaves out a rule whose condition holds (Windows corpus rules, fixture and synthesised events)', () => {
    const { rules } = prepareRules(loadRules([WINDOWS_RULES]), {});
    expect(rules.length).toBeGreaterThan(300);
    const filters = queryFilters(rules.map((r) => r.query));
    const index = new RuleIndex(filters, rules.length);
    const preds = filters.map((f) => ({ rule: f.rule, test: compileCond(f.cond) }));
    const docs = [...expectedDocs(INTEGRATIONS)];
    for (const f of filters) for (const pick of [0, 1]) docs.push(eventsFromLeaves(f.cond, pick));
    let matched = 0;
    let skipped = 0;
    const missed: string[] = [];
    for (const doc of docs) {
      const candidates = new Set(index.candidates(doc));
      skipped += rules.length - candidates.size;
      preds.forEach((p, f) => {
        if (!p.test(doc)) return;
        matched++;
        // The rule is a candidate, and so is this very filter (a stage the hunt then evaluates).
        if (!candidates.has(p.rule) || !index.mayMatch(f))
          missed.push(`${rules[p.rule].rule.name} (filter ${f}): ${JSON.stringify(doc)}`);
      });
    }
    expect(missed).toEqual([]);
    // Not vacuous: many filters hold on these events, and the index does leave most rules out.
    expect(matched).toBeGreaterThan(500);
    expect(skipped / docs.length).toBeGreaterThan(rules.length * 0.7);
  });

  it('compares values as the leaf does: folded for `:`, exact for `==`, any element of an array', () => {
    const q = (text: string) => compileQuery(text).cond as Cond;
    const filters = [
      { rule: 0, cond: q('process where process.name : "CMD.exe"') },
      { rule: 1, cond: q('process where process.name == "cmd.exe"') },
      { rule: 2, cond: q('process where process.name : "cmd*"') },
      {
        rule: 3,
        cond: q('process where process.name : ("a.exe", "b.exe") or process.pe.original_file_name == "X.EXE"'),
      },
      { rule: 4, cond: q('process where process.name != "cmd.exe"') },
    ];
    const index = new RuleIndex(filters, 5);
    const cands = (doc: Record<string, unknown>) => index.candidates(doc).sort();
    // Rule 2 (wildcard) and 4 (negation) have no exact key but still an event category.
    expect(cands({ event: { category: 'process' }, process: { name: 'Cmd.EXE' } })).toEqual([0, 2, 4]);
    expect(cands({ event: { category: 'process' }, process: { name: 'cmd.exe' } })).toEqual([0, 1, 2, 4]);
    expect(cands({ event: { category: 'process' }, process: { name: ['x', 'B.exe'] } })).toEqual([2, 3, 4]);
    expect(cands({ event: { category: 'process' }, 'process.pe.original_file_name': 'X.EXE' })).toEqual([2, 3, 4]);
    expect(cands({ event: { category: 'file' }, process: { name: 'cmd.exe' } })).toEqual([0, 1]);
  });

  it('shares field reads across queries only for the document being cached', () => {
    const f = compileQuery('process where process.name : "a.exe"').filter!;
    const doc: Record<string, unknown> = { event: { category: 'process' }, process: { name: 'a.exe' } };
    cacheDocument(doc);
    expect(f(doc)).toBe(true);
    // Another document is read afresh even while `doc` is cached.
    expect(f({ event: { category: 'process' }, process: { name: 'b.exe' } })).toBe(false);
    releaseDocument();
    (doc.process as Record<string, unknown>).name = 'b.exe';
    expect(f(doc)).toBe(false);
  });
});
