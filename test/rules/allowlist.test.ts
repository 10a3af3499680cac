import { describe, expect, it } from 'vitest';
import { loadBuiltinRules, parseAllowlist, prepareRules } from '../../src/rules/index.js';

const FOUNDING = 'd9ffc3d6-9de9-4b29-9395-5757d0695ecf';

const TEXT = `# Tuning for the build farm
[[allow]]
rule = "${FOUNDING}"
comment = "Build agent rebuilds scripts with cmd.exe (CHG-1234)"
expires = "2025-09-30"
os = ["windows"]
[allow.where]
"host.name" = "WIN-BUILD-01"
"process.parent.executable" = { matches = 'C:\\BuildAgent\\*' }

[[allow]]
rule = "*"
comment = "Vulnerability scanner account"
[allow.where]
"user.name" = ["svc-scan", "svc-scan2"]
"process.command_line" = { matches = "*nessus*", ignore_case = true }

[[allow]]
rule = "Some Other Rule"
comment = "Not for the founding rule"
[allow.where]
"host.name" = { exists = true }
`;

const match = {
  '@timestamp': '2025-03-14T10:00:00Z',
  event: { category: ['process'], type: ['start'] },
  host: { name: 'WIN-BUILD-01', os: { type: 'windows' } },
  user: { name: 'builder' },
  process: {
    name: 'cmd.exe',
    command_line: 'cmd.exe /c echo a | wscript x.js',
    args: ['cmd.exe'],
    parent: { name: 'agent.exe', executable: 'C:\\BuildAgent\\bin\\agent.exe' },
  },
};

describe('the eqlite allowlist', () => {
  it('parses entries into exception items with their lines', () => {
    const list = parseAllowlist(TEXT, 'allow.toml');
    expect(list.problems).toEqual([]);
    expect(list.entries.map((e) => [e.rules, e.line, e.item.entries.map((x) => x.type)])).toEqual([
      [[FOUNDING], 2, ['match', 'wildcard']],
      [['*'], 11, ['match_any', 'wildcard']],
      [['Some Other Rule'], 18, ['exists']],
    ]);
  });

  it('excludes matching events from the rules it names until it expires', () => {
    const list = parseAllowlist(TEXT, 'allow.toml');
    const prepare = (now: number) => prepareRules(loadBuiltinRules(), { allowlists: [list], now });
    const before = prepare(Date.parse('2025-09-30T23:00:00Z'));
    const rule = before.rules[0];
    expect(rule.query.filter?.(match)).toBe(true);
    expect(rule.allowItems).toHaveLength(2);
    expect(rule.excluded?.(match)).toBe(true);
    expect(rule.excluded?.({ ...match, host: { name: 'WIN-BUILD-02', os: { type: 'windows' } } })).toBe(false);
    // The `*` entry, with ignore_case.
    expect(
      rule.excluded?.({
        ...match,
        host: { name: 'X' },
        user: { name: 'svc-scan' },
        process: { ...match.process, command_line: 'C:\\NESSUS\\x' },
      }),
    ).toBe(true);

    const after = prepare(Date.parse('2025-10-01T00:00:01Z'));
    expect(after.rules[0].excluded?.(match)).toBe(false);
    expect(after.problems).toMatchObject([{ code: 'allowlist-expired', line: 2, file: 'allow.toml' }]);
  });

  it('reports mistakes with their lines', () => {
    const bad = parseAllowlist(
      `[[allow]]
rule = "*"
comment = "x"
expires = "soon"
[allow.where]
"a" = { matches = "x", is = "y" }
"b" = { whatever = 1 }
`,
      'bad.toml',
    );
    expect(bad.entries).toEqual([]);
    const got = bad.problems.map((p) => [p.key, p.line, p.severity]);
    expect(got).toContainEqual(['allow.0.where.b.whatever', 7, 'warning']);
    const again = parseAllowlist(
      `[[allow]]
rule = "*"
comment = "x"
expires = "soon"
[allow.where]
"a" = { matches = "x", is = "y" }
`,
      'bad.toml',
    );
    expect(again.problems.map((p) => [p.key, p.line])).toEqual([
      ['allow.0.where.a', 6],
      ['allow.0.expires', 4],
    ]);
  });

  it('reads JSON too and requires a comment', () => {
    const json = parseAllowlist(
      JSON.stringify({ allow: [{ rule: '*', comment: '', where: { 'host.name': 'a' } }] }),
      'a.json',
    );
    expect(json.problems[0]).toMatchObject({ key: 'allow.0.comment', severity: 'error' });
  });
});
