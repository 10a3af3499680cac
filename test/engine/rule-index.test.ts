/**
 * The rule index may leave a rule out only when none of its conditions can hold for the event, and
 * may call a condition (a sequence stage) false only when it is.
 * Checked against full evaluation of every filter of Elastic's EQL rules (read in place),
 * over the integrations' expected ECS documents and over events built from each rule's own exact
 * values (so that many rules do match and a wrong skip would show).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryFilters, RuleIndex } from '../../src/engine/rule-index.js';
import { cacheDocument, compileQuery, releaseDocument, type Cond } from '../../src/eql/index.js';
import { compileCond } from '../../src/eql/compiler.js';
import { loadRules, prepareRules } from '../../src/rules/index.js';
import { eventsFromLeaves, expectedDocs, INTEGRATIONS, WINDOWS_RULES } from '../helpers/corpus.js';

/**
 * Every filter of the rules under `dirs` against every event: the fixtures' documents and events
 * made from each filter's exact and wildcard values (`picks`: which of a list's values). Fails on a
 * filter that holds where the index left its rule out or called the filter false.
 */
function checkCorpus(
  dirs: string[],
  picks: number[],
): { rules: number; matched: number; skipped: number; docs: number } {
  const { rules } = prepareRules(loadRules(dirs), {});
  const filters = queryFilters(rules.map((r) => r.query));
  const index = new RuleIndex(filters, rules.length);
  const preds = filters.map((f) => ({ rule: f.rule, test: compileCond(f.cond) }));
  const docs = [...expectedDocs(INTEGRATIONS)];
  for (const f of filters)
    for (const pick of picks) {
      docs.push(eventsFromLeaves(f.cond, pick));
      // Values of wildcard lists too: the contained-literal keys must see them.
      docs.push(eventsFromLeaves(f.cond, pick, true));
    }
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
  return { rules: rules.length, matched, skipped, docs: docs.length };
}

/** The condition of a query, for building an index by hand. */
const q = (text: string): Cond => compileQuery(text).cond as Cond;

describe.skipIf(!existsSync(WINDOWS_RULES))('RuleIndex', () => {
  it('never leaves out a rule whose condition holds (Windows corpus rules, fixture and synthesised events)', () => {
    const { rules, matched, skipped, docs } = checkCorpus([WINDOWS_RULES], [0, 1, 2, 3]);
    expect(rules).toBeGreaterThan(300);
    // Not vacuous: many filters hold on these events, and the index does leave most rules out.
    expect(matched).toBeGreaterThan(500);
    expect(skipped / docs).toBeGreaterThan(rules * 0.7);
  });

  it('never leaves out a rule whose condition holds (the rest of the corpus: Linux, macOS, cross-platform…)', () => {
    const dirs = ['linux', 'macos', 'cross-platform', 'integrations', 'network', 'apm', 'threat_intel', 'promotions']
      .map((d) => join(WINDOWS_RULES, '..', d))
      .filter((d) => existsSync(d));
    const { rules, matched } = checkCorpus(dirs, [0, 1]);
    expect(rules).toBeGreaterThan(300);
    expect(matched).toBeGreaterThan(500);
  });

  it('compares values as the leaf does: folded for `:`, exact for `==`, any element of an array', () => {
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
    // Rule 2 (wildcard) is keyed on the literal `cmd` inside the name; rule 4 (negation) on nothing
    // but its event category.
    expect(cands({ event: { category: 'process' }, process: { name: 'Cmd.EXE' } })).toEqual([0, 2, 4]);
    expect(cands({ event: { category: 'process' }, process: { name: 'cmd.exe' } })).toEqual([0, 1, 2, 4]);
    expect(cands({ event: { category: 'process' }, process: { name: ['x', 'B.exe'] } })).toEqual([3, 4]);
    expect(cands({ event: { category: 'process' }, 'process.pe.original_file_name': 'X.EXE' })).toEqual([3, 4]);
    // The event category is common to too many events to be indexed beside a name.
    expect(cands({ event: { category: 'file' }, process: { name: 'cmd.exe' } })).toEqual([0, 1, 2]);
  });

  it('requires every indexed part of a conjunction, and literals inside values as the leaf sees them', () => {
    const filters = [
      {
        rule: 0,
        cond: q(String.raw`process where event.action == "start" and process.executable : "?:\\PerfLogs\\*"`),
      },
      { rule: 1, cond: q(String.raw`process where process.executable like "*\\Temp\\*" and process.name : "a.exe"`) },
      { rule: 2, cond: q('process where startsWith~(process.command_line, "Run*Me")') },
      { rule: 3, cond: q(String.raw`process where endsWith(process.command_line, "x\\*yz")`) },
      { rule: 4, cond: q('process where stringContains~(process.args, "ENCODED")') },
      { rule: 5, cond: q('process where process.name : "*kit*"') },
    ];
    const index = new RuleIndex(filters, filters.length);
    const cands = (process: Record<string, unknown>, action = 'start') =>
      index.candidates({ event: { category: 'process', action }, process }).sort();
    expect(cands({ executable: 'C:\\PERFLOGS\\x.exe' })).toEqual([0]);
    expect(cands({ executable: 'C:\\PerfLogs\\x.exe' }, 'end')).toEqual([]);
    // `like` is case-sensitive; both parts of rule 1 are needed.
    expect(cands({ executable: 'C:\\Temp\\a.exe', name: 'A.EXE' })).toEqual([1]);
    expect(cands({ executable: 'C:\\TEMP\\a.exe', name: 'a.exe' })).toEqual([]);
    expect(cands({ executable: 'C:\\Temp\\a.exe', name: 'b.exe' })).toEqual([]);
    // startsWith takes `*` literally; endsWith's constant is a wildcard pattern with `\\` escapes.
    expect(cands({ command_line: 'run*me now' })).toEqual([2]);
    expect(cands({ command_line: 'a x*yz' })).toEqual([3]);
    // Long values are scanned each time rather than remembered; the same answers.
    expect(cands({ command_line: 'a'.repeat(600) + ' x*yz' })).toEqual([3]);
    expect(cands({ command_line: 'a'.repeat(600) + ' x*yz' })).toEqual([3]);
    expect(cands({ command_line: 'a x\\*yz' })).toEqual([]);
    // Any element of an array; folding as the leaf folds, also from outside ASCII: U+212A KELVIN
    // SIGN folds to `k`.
    expect(cands({ args: ['-x', '-Encoded'] })).toEqual([4]);
    expect(cands({ name: 'tool\u212AIT.exe' })).toEqual([5]);
    const kelvin = { event: { category: 'process' }, process: { name: 'tool\u212AIT.exe' } };
    expect(compileQuery('process where process.name : "*kit*"').filter!(kelvin)).toBe(true);
  });

  it('keys a filter on the presence of fields its leaves test: none, and the leaf is false', () => {
    const filters = [
      { rule: 0, cond: q('process where event.type == "start" and process.parent.Ext.real.pid > 0') },
      { rule: 1, cond: q('process where process.code_signature.trusted == true and process.name : "a.exe"') },
      { rule: 2, cond: q('process where ?process.Ext.token.integrity_level_name != "system"') },
      { rule: 3, cond: q('process where process.parent.Ext.real.pid == null') },
      { rule: 4, cond: q('process where length(process.name) < 3') },
      // `== false` is `not`, true without the field (SEMANTICS §16.1): no presence key.
      { rule: 5, cond: q('process where process.code_signature.trusted == false') },
    ];
    const index = new RuleIndex(filters, filters.length);
    const cands = (process: Record<string, unknown>) =>
      index.candidates({ event: { category: 'process', type: 'start' }, process }).sort();
    // Rules 2 and 5 are negations, 3 tests for no value and 4 a function: nothing to key on but
    // the category.
    expect(cands({ name: 'a.exe' })).toEqual([2, 3, 4, 5]);
    expect(cands({ name: 'a.exe', parent: { Ext: { real: { pid: 0 } } } })).toEqual([0, 2, 3, 4, 5]);
    expect(cands({ name: 'a.exe', code_signature: { trusted: true } })).toEqual([1, 2, 3, 4, 5]);
    expect(cands({ name: 'b.exe', code_signature: { trusted: true } })).toEqual([2, 3, 4, 5]);
    // Dotted keys spell the path as well.
    expect(cands({ name: 'x', 'parent.Ext.real.pid': 7 })).toEqual([0, 2, 3, 4, 5]);
  });

  it('keys ranges and numbers on the presence of their field; a range on a keyword is no exact value', () => {
    const filters = [
      { rule: 0, cond: q('process where process.pid == 4') },
      { rule: 1, cond: q('process where process.name > "m"') },
      { rule: 2, cond: q('process where process.name == "m"') },
    ];
    const index = new RuleIndex(filters, filters.length);
    const cands = (process: Record<string, unknown>) =>
      index.candidates({ event: { category: 'process' }, process }).sort();
    expect(cands({ pid: 4 })).toEqual([0]);
    expect(cands({ pid: '4', name: 'm' })).toEqual([0, 1, 2]);
    // Before, `> "m"` was indexed as if it were `== "m"`, and this event lost rule 1.
    expect(cands({ name: 'zz.exe' })).toEqual([1]);
    const doc = { event: { category: 'process' }, process: { name: 'zz.exe' } };
    expect(compileQuery('process where process.name > "m"').filter!(doc)).toBe(true);
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
