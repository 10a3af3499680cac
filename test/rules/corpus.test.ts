/**
 * Acceptance over Elastic's published rules (../shared/rules/elastic, read in place): every active
 * and building-block EQL rule loads, validates and compiles.
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindPivot, findPlugins, formatProblem, loadRules, type LoadResult } from '../../src/rules/index.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'rules', 'elastic');

describe.skipIf(!existsSync(CORPUS))('the Elastic rules corpus', () => {
  let result: LoadResult;
  const load = () => (result ??= loadRules([CORPUS]));
  const eql = (part: 'active' | 'bbr' | 'deprecated') =>
    load().rules.filter((r) => {
      const rel = r.source.file.slice(CORPUS.length + 1);
      const where = rel.startsWith(`rules${sep}_deprecated`)
        ? 'deprecated'
        : rel.startsWith('rules_building_block')
          ? 'bbr'
          : 'active';
      return where === part && (r.rule?.language ?? r.language) === 'eql';
    });

  it('loads, validates and compiles all 954 active EQL rules', () => {
    const rules = eql('active');
    const failures = rules.filter((r) => r.status !== 'ready');
    expect(failures.flatMap((r) => r.problems.map(formatProblem))).toEqual([]);
    expect(rules).toHaveLength(954);
    expect(rules.every((r) => r.query !== undefined)).toBe(true);
  });

  it('loads, validates and compiles all 70 building-block EQL rules', () => {
    const rules = eql('bbr');
    expect(rules.filter((r) => r.status !== 'ready').flatMap((r) => r.problems.map(formatProblem))).toEqual([]);
    expect(rules).toHaveLength(70);
    expect(rules.every((r) => r.rule?.buildingBlockType === 'default')).toBe(true);
  });

  it('reports KQL rules as not supported yet and deprecated rules as deprecated, never as failures', () => {
    const r = load();
    expect(r.rules.filter((x) => x.status === 'failed')).toEqual([]);
    expect(r.rules.filter((x) => x.status === 'unsupported' && x.rule?.language === 'kuery')).toHaveLength(729);
    expect(eql('deprecated').every((x) => x.status === 'deprecated')).toBe(true);
  });

  it('finds only the two placeholder slips the corpus really has', () => {
    const warnings = load()
      .rules.filter((x) => x.status === 'ready')
      .flatMap((x) => x.problems.filter((p) => p.severity !== 'info'));
    expect(warnings.map((p) => `${p.file.split(sep).pop()}: ${p.message}`)).toEqual([
      'persistence_insmod_kernel_module_load.toml: $osquery_6 in the note has no [[transform.osquery]] entry; it stays as text',
      'credential_access_high_volume_of_pbpaste.toml: $investigate_2 in the note has no [[transform.investigate]] entry; it stays as text',
    ]);
  });

  it('renders every guide button and binds every pivot', () => {
    const alert = { '@timestamp': '2025-03-14T10:32:05.120Z' };
    let pivots = 0;
    for (const r of load().rules) {
      const rule = r.rule;
      if (!rule?.note || r.status !== 'ready') continue;
      for (const b of findPlugins(rule.note)) expect(b.error).toBeUndefined();
      for (const p of rule.transform.investigate) {
        const bound = bindPivot(p, alert);
        expect(bound.notes.filter((n) => n.includes('invalid time window'))).toEqual([]);
        pivots++;
      }
    }
    expect(pivots).toBeGreaterThan(500);
  });
});
