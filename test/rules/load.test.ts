import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinRulesDir,
  emptyLoadResult,
  kibanaRuleObject,
  loadBuiltinRules,
  loadNdjsonText,
  loadRules,
  loadTomlText,
  type LoadedRule,
} from '../../src/rules/index.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const RULES = join(FIXTURES, 'rules');

function fromToml(text: string, file = 'inline.toml'): LoadedRule {
  const result = emptyLoadResult();
  loadTomlText(text, file, result);
  expect(result.rules).toHaveLength(1);
  return result.rules[0];
}

/** A valid EQL rule; tests replace or add lines. */
const BASE = `[metadata]
creation_date = "2025/01/20"
maturity = "production"
updated_date = "2025/01/20"

[rule]
author = ["eqlite tests"]
description = "A test rule."
index = ["logs-*"]
language = "eql"
name = "Test Rule"
risk_score = 21
rule_id = "12345678-1234-4234-8234-123456789abc"
severity = "low"
type = "eql"
query = '''
process where process.name == "x.exe"
'''
`;

describe('loading rule TOML', () => {
  it('applies Kibana defaults to a rule that leaves the schedule out', () => {
    const r = fromToml(BASE);
    expect(r.status).toBe('ready');
    expect(r.rule?.schedule).toMatchObject({ interval: '5m', intervalMs: 300_000, from: 'now-6m', to: 'now' });
    expect(r.rule?.schedule.lookbackMs).toBe(360_000);
    expect(r.rule?.maxSignals).toBe(100);
    expect(r.rule?.version).toBe(1);
    expect(r.rule?.timestampOverride).toBeUndefined();
    expect(r.problems).toEqual([]);
  });

  it('caps max_signals at 1000 with a warning that names the line', () => {
    const r = fromToml(BASE.replace('risk_score = 21', 'max_signals = 5000\nrisk_score = 21'));
    expect(r.status).toBe('ready');
    expect(r.rule?.maxSignals).toBe(1000);
    const w = r.problems.find((p) => p.code === 'max-signals');
    expect(w).toMatchObject({ severity: 'warning', key: 'rule.max_signals', line: 12 });
  });

  it('uses Kibana default index patterns when a rule names none', () => {
    const r = fromToml(BASE.replace('index = ["logs-*"]\n', ''));
    expect(r.rule?.index).toBeUndefined();
    expect(r.rule?.effectiveIndex).toContain('winlogbeat-*');
    expect(r.rule?.effectiveIndex).toContain('-*elastic-cloud-logs-*');
  });

  it('reports malformed TOML with the line and column from the parser', () => {
    const text = readFileSync(join(RULES, 'bad', 'malformed.toml'), 'utf8');
    const r = fromToml(text, 'malformed.toml');
    expect(r.status).toBe('failed');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'toml-syntax', severity: 'error', line: 16, column: 1 });
    // What the file claims to be is still known for the summary.
    expect(r.type).toBe('eql');
    expect(r.ruleId).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('names each missing required key and points at its table', () => {
    const r = fromToml(readFileSync(join(RULES, 'bad', 'missing_fields.toml'), 'utf8'));
    expect(r.status).toBe('failed');
    const missing = r.problems.filter((p) => p.code === 'missing-field').map((p) => [p.key, p.line]);
    expect(missing).toEqual(
      expect.arrayContaining([
        ['rule.name', 6],
        ['rule.severity', 6],
      ]),
    );
    expect(r.problems.every((p) => p.severity === 'error')).toBe(true);
  });

  it('reports wrong types and invalid values at their lines', () => {
    const r = fromToml(readFileSync(join(RULES, 'bad', 'wrong_types.toml'), 'utf8'));
    expect(r.status).toBe('failed');
    const got = Object.fromEntries(r.problems.map((p) => [p.key, p]));
    expect(got['rule.risk_score']).toMatchObject({ code: 'wrong-type', line: 10, column: 1 });
    expect(got['rule.risk_score'].message).toMatch(/expected a number, got a string "high"/);
    expect(got['rule.severity']).toMatchObject({ code: 'invalid-value', line: 12 });
    expect(got['rule.severity'].message).toMatch(/"urgent"/);
    expect(got['rule.tags']).toMatchObject({ code: 'wrong-type', line: 13 });
  });

  it('warns about unknown keys and still loads the rule', () => {
    const r = fromToml(readFileSync(join(RULES, 'good', 'unknown_keys.toml'), 'utf8'));
    expect(r.status).toBe('ready');
    const unknown = r.problems.filter((p) => p.code === 'unknown-key');
    expect(unknown.map((p) => [p.key, p.line, p.severity])).toEqual([
      ['metadata.owner', 4, 'warning'],
      ['rule.severity_colour', 16, 'warning'],
    ]);
  });

  it('maps an EQL error to its line and column in the TOML file', () => {
    const path = join(RULES, 'bad', 'bad_query.toml');
    const text = readFileSync(path, 'utf8');
    const r = fromToml(text, 'bad_query.toml');
    expect(r.status).toBe('failed');
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0];
    const lines = text.split('\n');
    const lineNo = lines.findIndex((l) => l.includes('"b.exe" and')) + 1;
    expect(p).toMatchObject({ code: 'eql-parse', key: 'rule.query', line: lineNo });
    expect(p.column).toBe(lines[lineNo - 1].indexOf('and') + 1);
    expect(p.excerpt).toContain('"b.exe" and');
  });

  it('maps the position when the query starts on the same line as its quotes', () => {
    const text = BASE.replace(
      `query = '''\nprocess where process.name == "x.exe"\n'''`,
      `query = '''process where process.nam == == "x"'''`,
    );
    const r = fromToml(text);
    const p = r.problems[0];
    const lineNo = text.split('\n').findIndex((l) => l.startsWith("query = '''process")) + 1;
    expect(p).toMatchObject({ line: lineNo, code: 'eql-parse' });
    const col = text.split('\n')[lineNo - 1].indexOf('== ==') + 1 + 3;
    expect(p.column).toBe(col);
  });

  it('reports an unknown function as a verification error inside the query', () => {
    const r = fromToml(BASE.replace('process.name == "x.exe"', 'process.name == "x.exe" and nosuchfn(process.name)'));
    expect(r.status).toBe('failed');
    expect(r.problems[0].code).toMatch(/^eql-/);
    expect(r.problems[0].line).toBe(17);
  });

  it('rejects an eql rule whose language is not eql', () => {
    const r = fromToml(BASE.replace('language = "eql"', 'language = "kuery"'));
    expect(r.status).toBe('failed');
    expect(r.problems[0]).toMatchObject({ key: 'rule.language', line: 10 });
  });

  it('treats KQL rules as not supported yet, not as failures', () => {
    const r = fromToml(readFileSync(join(RULES, 'kql', 'kql_rule.toml'), 'utf8'));
    expect(r.status).toBe('unsupported');
    expect(r.reason).toMatch(/not supported yet/);
    expect(r.rule?.language).toBe('kuery');
  });

  it('keeps deprecated rules out of the run', () => {
    const r = fromToml(BASE.replace('maturity = "production"', 'maturity = "deprecated"'));
    expect(r.status).toBe('deprecated');
    expect(r.query).toBeUndefined();
  });

  it("compiles with the rule's EQL settings; timestamp_override only schedules", () => {
    const r = fromToml(
      BASE.replace(
        'type = "eql"',
        'type = "eql"\nevent_category_override = "event.type"\ntimestamp_override = "event.ingested"',
      ).replace('process where process.name == "x.exe"', 'info where host.os.type == "linux"'),
    );
    expect(r.status).toBe('ready');
    const doc = {
      '@timestamp': '2025-01-01T00:00:00Z',
      event: { type: ['info'], category: ['host'] },
      host: { os: { type: 'linux' } },
    };
    expect(r.query?.filter?.(doc)).toBe(true);
    expect(r.query?.filter?.({ ...doc, event: { category: ['info'], type: ['host'] } })).toBe(false);
    expect(r.query?.timestampDef.name).toBe('@timestamp');
    expect(r.rule?.timestampOverride).toBe('event.ingested');
    const ordered = fromToml(
      BASE.replace(
        'type = "eql"',
        'type = "eql"\ntimestamp_field = "event.created"\ntiebreaker_field = "event.sequence"',
      ),
    );
    expect(ordered.query?.timestampDef.name).toBe('event.created');
    expect(ordered.query?.tiebreakerDef?.name).toBe('event.sequence');
  });

  it('loads ES|QL and machine-learning rules as not supported yet', () => {
    const esql = fromToml(
      BASE.replace('language = "eql"', 'language = "esql"')
        .replace('type = "eql"', 'type = "esql"')
        .replace('process where process.name == "x.exe"', 'from logs-* | where process.name == "x.exe"'),
    );
    expect(esql.status).toBe('unsupported');
    const ml = fromToml(
      BASE.replace('language = "eql"\n', '')
        .replace(
          'type = "eql"',
          'type = "machine_learning"\nanomaly_threshold = 75\nmachine_learning_job_id = ["rare_process"]',
        )
        .replace(/query = '''[^]*'''\n/, ''),
    );
    expect(ml.status).toBe('unsupported');
    expect(ml.problems).toEqual([]);
  });

  it('skips TOML documents that are not rules', () => {
    const result = emptyLoadResult();
    loadTomlText('[hunt]\nname = "x"\n', 'hunt.toml', result);
    expect(result.rules).toHaveLength(0);
    expect(result.files.skipped).toBe(1);
  });
});

describe('loading folders', () => {
  it('loads every rule under a folder; bad rules do not stop the others', () => {
    const result = loadRules([RULES]);
    const statuses = Object.fromEntries(result.rules.map((r) => [r.source.file.slice(RULES.length + 1), r.status]));
    expect(statuses).toEqual({
      'bad/bad_query.toml': 'failed',
      'bad/malformed.toml': 'failed',
      'bad/missing_fields.toml': 'failed',
      'bad/wrong_types.toml': 'failed',
      'good/custom_certutil_decode.toml': 'ready',
      'good/unknown_keys.toml': 'ready',
      'kql/kql_rule.toml': 'unsupported',
    });
  });

  it('reports paths that do not exist', () => {
    const result = loadRules([join(FIXTURES, 'nope')]);
    expect(result.problems[0]).toMatchObject({ code: 'not-found', severity: 'error' });
  });

  it('refuses a second rule with the same rule_id', () => {
    const result = loadRules([join(RULES, 'good'), join(RULES, 'good', 'unknown_keys.toml')]);
    const dup = result.rules.filter((r) => r.ruleId === '66666666-7777-4888-8999-aaaaaaaaaaaa');
    expect(dup.map((r) => r.status)).toEqual(['ready', 'failed']);
    expect(dup[1].problems.at(-1)).toMatchObject({ code: 'duplicate' });
  });

  it('skips NDJSON files that hold events, not exports', () => {
    const result = loadRules([join(FIXTURES, 'events')]);
    expect(result.rules).toHaveLength(0);
    expect(result.problems.map((p) => p.severity)).toEqual(['info']);
  });
});

describe('the built-in rules', () => {
  it('ship the founding rule, unchanged and ready', () => {
    const result = loadBuiltinRules();
    expect(result.rules).toHaveLength(1);
    const [r] = result.rules;
    expect(r.status).toBe('ready');
    expect(r.rule?.ruleId).toBe('d9ffc3d6-9de9-4b29-9395-5757d0695ecf');
    expect(r.rule?.timestampOverride).toBe('event.ingested');
    expect(r.rule?.transform.investigate).toHaveLength(5);
    expect(r.problems).toEqual([]);
    const seed = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      'shared',
      'seed',
      'execution_windows_cmd_shell_susp_args.toml',
    );
    const shipped = join(builtinRulesDir(), 'execution_windows_cmd_shell_susp_args.toml');
    let original: string | undefined;
    try {
      original = readFileSync(seed, 'utf8');
    } catch {
      original = undefined;
    }
    if (original !== undefined) expect(readFileSync(shipped, 'utf8')).toBe(original);
  });
});

describe('Kibana exports', () => {
  it('loads a rule export with its exception lists and items', () => {
    const result = loadRules([join(FIXTURES, 'exports', 'office_rule_export.ndjson')]);
    expect(result.rules).toHaveLength(1);
    const [r] = result.rules;
    expect(r.status).toBe('ready');
    expect(r.source).toMatchObject({ format: 'ndjson', line: 1 });
    expect(r.rule?.version).toBe(3);
    expect(r.rule?.exceptionsList.map((e) => e.listId)).toEqual(['office-tuning', 'endpoint_list']);
    // The rendered note's two identical buttons are one pivot.
    expect(r.rule?.transform.investigate).toHaveLength(1);
    expect(r.rule?.transform.investigate[0]).toMatchObject({ relativeFrom: 'now-24h', relativeTo: 'now' });
    expect(result.exceptions.size).toBe(2);
    expect(result.exceptions.itemCount).toBe(7);
    // Kibana's bookkeeping fields are not reported as unknown.
    expect(r.problems).toEqual([]);
  });

  it('round-trips the founding rule through its Kibana parameters', () => {
    const builtin = loadBuiltinRules().rules[0].rule;
    if (!builtin) throw new Error('no built-in rule');
    const line = JSON.stringify(kibanaRuleObject(builtin));
    const result = emptyLoadResult();
    loadNdjsonText(line, 'export.ndjson', result);
    const r = result.rules[0];
    expect(r.status).toBe('ready');
    expect(r.problems).toEqual([]);
    expect(r.rule?.note).toBe(builtin.note);
    expect(r.rule?.transform.investigate.map((e) => e.label).sort()).toEqual(
      builtin.transform.investigate.map((e) => e.label).sort(),
    );
    expect(r.rule?.query).toBe(builtin.query);
  });

  it('reports bad export lines with their line number and keeps the rest', () => {
    const builtin = loadBuiltinRules().rules[0].rule;
    if (!builtin) throw new Error('no built-in rule');
    const good = JSON.stringify(kibanaRuleObject(builtin));
    const bad = JSON.stringify({ ...kibanaRuleObject(builtin), rule_id: 'other', risk_score: 'x' });
    const result = emptyLoadResult();
    loadNdjsonText(`${good}\n{not json\n${bad}\n`, 'export.ndjson', result);
    expect(result.problems).toMatchObject([{ line: 2, code: 'json-syntax' }]);
    expect(result.rules.map((r) => r.status)).toEqual(['ready', 'failed']);
    expect(result.rules[1].problems[0]).toMatchObject({ line: 3, key: 'rule.risk_score' });
  });

  it('treats a deprecation stub as deprecated', () => {
    const result = emptyLoadResult();
    loadNdjsonText(
      JSON.stringify({ rule_id: 'abc', version: 5, name: 'Old', deprecated: true, deprecated_reason: 'replaced' }),
      'stubs.ndjson',
      result,
    );
    expect(result.rules[0]).toMatchObject({ status: 'deprecated', reason: 'replaced' });
  });
});
