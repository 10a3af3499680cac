/**
 * The rule index may leave a rule out only when none of its conditions can hold for the event, and
 * may call a condition (a sequence stage) false only when it is.
 * Checked against full evaluation of every filter of Elastic's Windows EQL rules (read in place),
 * over the integrations' expected ECS documents and over events built from each rule's own exact
 * values (so that many rules do match and a wrong skip would show).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queryFilters, RuleIndex } from '../../src/engine/rule-index.js';
import { cacheDocument, compileQuery, releaseDocument, type Cond } from '../../src/eql/index.js';
import { compileCond } from '../../src/eql/compiler.js';
import { loadRules, prepareRules } from '../../src/rules/index.js';
import { eventsFromLeaves, expectedDocs, INTEGRATIONS, WINDOWS_RULES } from '../helpers/corpus.js';

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
