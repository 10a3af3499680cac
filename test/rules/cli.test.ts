import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register as registerRules, runList, runShow } from '../../src/cli/commands/rules.js';
import { register as registerValidate, runValidate, type Io } from '../../src/cli/commands/validate.js';

const RULES = join(import.meta.dirname, 'fixtures', 'rules');
const EXPORT = join(import.meta.dirname, 'fixtures', 'exports', 'office_rule_export.ndjson');

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stdout: () => out,
    stderr: () => err,
  };
}

describe('eqlite validate', () => {
  it('lists each problem with file:line:col and fails when a supported rule is invalid', () => {
    const io = capture();
    expect(runValidate([RULES], {}, io)).toBe(1);
    const out = io.stdout();
    expect(out).toContain(`${join(RULES, 'bad', 'bad_query.toml')}:17:36: error [rule.query] expected ',' or ')'`);
    expect(out).toMatch(/"b\.exe" and\n\s+\^\^\^/);
    expect(out).toContain(`${join(RULES, 'bad', 'malformed.toml')}:16:1: error TOML syntax error`);
    expect(out).toContain(
      `${join(RULES, 'bad', 'missing_fields.toml')}:6:1: error [rule.name] required key is missing`,
    );
    expect(out).toContain(
      `${join(RULES, 'good', 'unknown_keys.toml')}:16:1: warning [rule.severity_colour] unknown key`,
    );
    expect(out).toMatch(/eql\/eql\s+6\s+2\s+4\s+0\s+0/);
    expect(out).toMatch(/query\/kuery\s+1\s+0\s+0\s+1\s+0/);
    expect(out).toContain('4 supported rules failed');
  });

  it('passes when only warnings and unsupported rules remain', () => {
    const io = capture();
    expect(runValidate([join(RULES, 'good'), join(RULES, 'kql')], {}, io)).toBe(0);
    expect(io.stdout()).toContain('every supported rule is valid');
  });

  it('checks the built-in rules when given no paths', () => {
    const io = capture();
    expect(runValidate([], {}, io)).toBe(0);
    expect(io.stdout()).toContain('1 built-in rule checked');
  });

  it('is a usage error to name a path that does not exist', () => {
    const io = capture();
    expect(runValidate([join(RULES, 'nope')], {}, io)).toBe(2);
    expect(io.stderr()).toContain('no such file or folder');
  });

  it('reports exception problems of exports and prints JSON on request', () => {
    const io = capture();
    expect(runValidate([EXPORT], { json: true }, io)).toBe(0);
    const json = JSON.parse(io.stdout()) as {
      ok: boolean;
      rules: unknown[];
      problems: Array<{ code: string }>;
      exceptions: unknown;
    };
    expect(json.ok).toBe(true);
    expect(json.rules).toHaveLength(1);
    expect(json.exceptions).toEqual({ lists: 2, items: 7 });
    expect(json.problems.map((p) => p.code)).toEqual(['exception-not-applied', 'exception-not-applied']);
  });

  it('registers with commander', () => {
    const program = new Command('eqlite');
    registerValidate(program);
    registerRules(program);
    expect(program.commands.map((c) => c.name())).toEqual(['validate', 'rules']);
    expect(program.commands[1].commands.map((c) => c.name())).toEqual(['list', 'show']);
  });
});

describe('eqlite rules', () => {
  it('lists the built-in rule with severity, risk, MITRE, index patterns and schedule', () => {
    const io = capture();
    expect(runList({}, io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('d9ffc3d6-9de9-4b29-9395-5757d0695ecf  high 73  Suspicious Windows Command Shell Arguments');
    expect(out).toContain('TA0002 Execution; TA0011 Command and Control; TA0005 Defense Evasion');
    expect(out).toContain('T1059.003 Windows Command Shell');
    expect(out).toContain('logs-windows.sysmon_operational-*');
    expect(out).toContain('every 5m over now-9m..now, by event.ingested, max 100 alerts/run');
  });

  it('lists rules of other files, and the ones that do not run with --all', () => {
    const io = capture();
    runList({ rules: [RULES], all: true }, io);
    const out = io.stdout();
    expect(out).toContain('Certutil Decode From Script Host');
    expect(out).toContain('max 1000 alerts/run');
    expect(out).toMatch(/KQL Rule {2}\[unsupported: query rules \(kuery\) are not supported yet\]/);
    expect(out).toContain('2 runnable rules of 7 loaded');
  });

  it('shows a rule with its rendered guide and pivots', () => {
    const io = capture();
    expect(runShow('d9ffc3d6', {}, io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('# Suspicious Windows Command Shell Arguments');
    expect(out).toContain('## Investigation guide');
    expect(out).toContain('[pivot 2: Child process starts from the same cmd.exe instance]');
    expect(out).toContain('## Pivots');
    expect(out).toContain(
      '0. Alerts associated with the host\n   event.kind: "signal" AND host.id: "{{host.id}}"  @ alert time now-48h/h .. now',
    );
    expect(out).not.toContain('$investigate_');
  });

  it('shows the exact Kibana markdown with --kibana, by name', () => {
    const io = capture();
    expect(runShow('Suspicious Windows Command Shell Arguments', { kibana: true }, io)).toBe(0);
    expect(io.stdout()).toContain('!{investigate{"description":"","label":"Alerts associated with the host"');
  });

  it('is a usage error to ask for a rule that is not there', () => {
    const io = capture();
    expect(runShow('no-such-rule', {}, io)).toBe(2);
    expect(io.stderr()).toContain('no rule with id or name');
  });
});
