import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HUNT_CONFIG, type HuntConfig } from '../../../src/engine/hunt/config.js';
import { loadHuntRules } from '../../../src/engine/hunt/rule-set.js';

const seed = readFileSync(
  new URL('../../../builtin-rules/execution_windows_cmd_shell_susp_args.toml', import.meta.url),
  'utf8',
);

/** The founding rule under another id, name and severity; `broken` gives it a query that does not compile. */
function variant(id: string, name: string, severity: string, broken = false): string {
  let t = seed
    .replace(/^rule_id = ".*"$/m, `rule_id = "${id}"`)
    .replace(/^name = "Suspicious Windows Command Shell Arguments"$/m, `name = "${name}"`)
    .replace(/^severity = ".*"$/m, `severity = "${severity}"`);
  if (broken) t = t.replace(/^query = '''[\s\S]*?'''$/m, "query = '''\nprocess where (\n'''");
  return t;
}

function ruleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-rule-set-'));
  writeFileSync(join(dir, 'a.toml'), variant('aaaa-1111', 'Alpha shell arguments', 'low'));
  writeFileSync(join(dir, 'b.toml'), variant('bbbb-2222', 'Bravo shell arguments', 'high'));
  writeFileSync(join(dir, 'c.toml'), variant('cccc-3333', 'Charlie broken query', 'critical', true));
  return dir;
}

const config = (over: Partial<HuntConfig>): HuntConfig => ({ ...DEFAULT_HUNT_CONFIG, ...over });

describe('loadHuntRules: the filters', () => {
  it('without filters every valid rule runs and the broken one is counted failed', () => {
    const { rules, skipped } = loadHuntRules(config({ rulePaths: [ruleDir()] }));
    expect(rules.map((r) => r.rule.ruleId)).toEqual(['aaaa-1111', 'bbbb-2222']);
    expect(skipped).toEqual({ unsupported: 0, failed: 1, deprecated: 0, filtered: 0 });
  });

  it('--rule keeps rules by id prefix or name substring, case-insensitively; the rest are filtered, broken or not', () => {
    const byId = loadHuntRules(config({ rulePaths: [ruleDir()], ruleFilters: ['BBBB'] }));
    expect(byId.rules.map((r) => r.rule.ruleId)).toEqual(['bbbb-2222']);
    // The broken rule is left out by the filter before its query is compiled: not a failure of this hunt.
    expect(byId.skipped).toEqual({ unsupported: 0, failed: 0, deprecated: 0, filtered: 2 });
    expect(byId.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const byName = loadHuntRules(config({ rulePaths: [ruleDir()], ruleFilters: ['alpha', 'nothing'] }));
    expect(byName.rules.map((r) => r.rule.ruleId)).toEqual(['aaaa-1111']);
  });

  it('--min-severity, --tag and --tactic (name or id)', () => {
    const dir = ruleDir();
    expect(loadHuntRules(config({ rulePaths: [dir], minSeverity: 'medium' })).rules.map((r) => r.rule.ruleId)).toEqual([
      'bbbb-2222',
    ]);
    expect(loadHuntRules(config({ rulePaths: [dir], tags: ['os: windows'] })).rules).toHaveLength(2);
    expect(loadHuntRules(config({ rulePaths: [dir], tags: ['OS: Linux'] })).skipped.filtered).toBe(3);
    expect(loadHuntRules(config({ rulePaths: [dir], tactics: ['ta0002'] })).rules).toHaveLength(2);
    expect(loadHuntRules(config({ rulePaths: [dir], tactics: ['Command and Control'] })).rules).toHaveLength(2);
    expect(loadHuntRules(config({ rulePaths: [dir], tactics: ['Impact'] })).rules).toHaveLength(0);
  });

  it('filters the corpus the same way on every thread: same rules, same order', () => {
    const corpus = new URL('../../../../shared/rules/elastic/rules/windows', import.meta.url).pathname;
    const c = config({ rulePaths: [corpus], tactics: ['TA0006'], minSeverity: 'high' });
    const a = loadHuntRules(c);
    const b = loadHuntRules(c);
    expect(a.rules.length).toBeGreaterThan(5);
    expect(a.rules.map((r) => r.rule.ruleId)).toEqual(b.rules.map((r) => r.rule.ruleId));
    for (const r of a.rules) {
      expect(['high', 'critical']).toContain(r.rule.severity);
      expect(r.rule.threat.some((t) => t.tactic.id === 'TA0006')).toBe(true);
    }
    expect(a.skipped.filtered).toBeGreaterThan(300);
  });
});
