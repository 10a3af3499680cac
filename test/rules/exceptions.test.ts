import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSchema } from '../../src/eql/index.js';
import { runSequenceQuery } from '../../src/engine/run-sequence.js';
import type { SourceRecord } from '../../src/sources/types.js';
import {
  compileExceptions,
  emptyLoadResult,
  eventIndex,
  loadRules,
  loadTomlText,
  parseExceptionItem,
  prepareRules,
  type ExceptionEntry,
  type ExceptionItem,
} from '../../src/rules/index.js';

const schema = defaultSchema();
const src = { file: 'test', format: 'ndjson' as const };

function item(entries: ExceptionEntry[], extra: Partial<ExceptionItem> = {}): ExceptionItem {
  return {
    itemId: 'i',
    listId: 'l',
    namespaceType: 'single',
    name: 'n',
    osTypes: [],
    entries,
    tags: [],
    source: src,
    ...extra,
  };
}

function excepts(entries: ExceptionEntry[], doc: Record<string, unknown>, extra: Partial<ExceptionItem> = {}): boolean {
  const c = compileExceptions([item(entries, extra)], { schema, now: Date.parse('2025-03-14T00:00:00Z') });
  if (!c.test) throw new Error('nothing compiled');
  return c.test(doc);
}

const proc = {
  host: { name: 'WIN-FIN-07', os: { type: 'windows', name: 'Windows 10 Pro' } },
  user: { name: 'j.doe' },
  process: {
    name: 'cmd.exe',
    pid: 4812,
    executable: 'C:\\Windows\\System32\\cmd.exe',
    command_line: 'cmd.exe /c echo hello',
    parent: { name: 'explorer.exe', pid: '3120' },
  },
  source: { ip: '10.20.30.41' },
  message: 'User j.doe started the Windows Command Shell',
};

describe('exception entries, as Kibana builds the must_not filter', () => {
  it('match is an exact, case-sensitive phrase on keywords', () => {
    expect(excepts([{ type: 'match', field: 'process.name', operator: 'included', value: 'cmd.exe' }], proc)).toBe(
      true,
    );
    expect(excepts([{ type: 'match', field: 'process.name', operator: 'included', value: 'CMD.EXE' }], proc)).toBe(
      false,
    );
    expect(excepts([{ type: 'match', field: 'process.name', operator: 'included', value: 'cmd' }], proc)).toBe(false);
  });

  it('.caseless fields compare lowercased (Elastic Defend normalizer)', () => {
    const e: ExceptionEntry = {
      type: 'match',
      field: 'process.executable.caseless',
      operator: 'included',
      value: 'c:\\windows\\system32\\cmd.exe',
    };
    expect(excepts([e], proc)).toBe(true);
  });

  it('wildcard is a case-sensitive Lucene wildcard where backslash escapes', () => {
    const w = (value: string) =>
      excepts([{ type: 'wildcard', field: 'process.executable', operator: 'included', value }], proc);
    expect(w('C:\\\\Windows\\\\*\\\\cmd.exe')).toBe(true);
    expect(w('c:\\\\windows\\\\*')).toBe(false);
    expect(w('*\\\\cmd.ex?')).toBe(true);
    // A lone backslash escapes the next character: `\W` is `W`.
    expect(w('C:\\Windows*')).toBe(false);
  });

  it('excluded inverts the clause, so "is not" also holds when the field is missing', () => {
    const notUser = (doc: Record<string, unknown>) =>
      excepts([{ type: 'match', field: 'user.name', operator: 'excluded', value: 'j.doe' }], doc);
    expect(notUser(proc)).toBe(false);
    expect(notUser({ ...proc, user: { name: 'svc' } })).toBe(true);
    expect(notUser({ process: proc.process })).toBe(true);
  });

  it('match_any is one of several phrases', () => {
    const e: ExceptionEntry = {
      type: 'match_any',
      field: 'process.parent.name',
      operator: 'included',
      value: ['services.exe', 'explorer.exe'],
    };
    expect(excepts([e], proc)).toBe(true);
    expect(excepts([{ ...e, operator: 'excluded' }], proc)).toBe(false);
  });

  it('exists and "does not exist"', () => {
    expect(excepts([{ type: 'exists', field: 'process.parent.pid', operator: 'included' }], proc)).toBe(true);
    expect(excepts([{ type: 'exists', field: 'process.hash.sha256', operator: 'included' }], proc)).toBe(false);
    expect(excepts([{ type: 'exists', field: 'process.hash.sha256', operator: 'excluded' }], proc)).toBe(true);
  });

  it('entries of an item are ANDed', () => {
    const entries: ExceptionEntry[] = [
      { type: 'match', field: 'process.name', operator: 'included', value: 'cmd.exe' },
      { type: 'match', field: 'user.name', operator: 'included', value: 'svc' },
    ];
    expect(excepts(entries, proc)).toBe(false);
    expect(excepts(entries, { ...proc, user: { name: 'svc' } })).toBe(true);
  });

  it('compares numbers, IPs and text as their field types do', () => {
    expect(excepts([{ type: 'match', field: 'process.pid', operator: 'included', value: '4812' }], proc)).toBe(true);
    // The parent pid is stored as a string; the long field still matches the number.
    expect(excepts([{ type: 'match', field: 'process.parent.pid', operator: 'included', value: '3120' }], proc)).toBe(
      true,
    );
    expect(excepts([{ type: 'match', field: 'source.ip', operator: 'included', value: '10.20.0.0/16' }], proc)).toBe(
      true,
    );
    expect(excepts([{ type: 'match', field: 'source.ip', operator: 'included', value: '10.21.0.0/16' }], proc)).toBe(
      false,
    );
    // `message` is a text field: match_phrase is an analyzed phrase (case-insensitive words in order).
    expect(excepts([{ type: 'match', field: 'message', operator: 'included', value: 'windows command' }], proc)).toBe(
      true,
    );
    expect(excepts([{ type: 'match', field: 'message', operator: 'included', value: 'command windows' }], proc)).toBe(
      false,
    );
  });

  it('reports a value Elasticsearch would reject and never matches it', () => {
    const c = compileExceptions([item([{ type: 'match', field: 'process.pid', operator: 'included', value: 'abc' }])], {
      schema,
    });
    expect(c.problems[0].message).toMatch(/not a number/);
    expect(c.test?.(proc)).toBe(false);
  });

  it('nested entries must hold within one element of the array', () => {
    const doc = {
      process: {
        Ext: {
          code_signature: [
            { subject_name: 'Contoso Ltd', trusted: false },
            { subject_name: 'Microsoft Windows', trusted: true },
          ],
        },
      },
    };
    const nested = (subject: string): ExceptionEntry => ({
      type: 'nested',
      field: 'process.Ext.code_signature',
      entries: [
        { type: 'match', field: 'subject_name', operator: 'included', value: subject },
        { type: 'match', field: 'trusted', operator: 'included', value: 'true' },
      ],
    });
    expect(excepts([nested('Microsoft Windows')], doc)).toBe(true);
    // Both conditions hold somewhere in the array, but not in the same element.
    expect(excepts([nested('Contoso Ltd')], doc)).toBe(false);
  });

  it('os_types adds host.os.type or host.os.name.caseless to the item', () => {
    const e: ExceptionEntry[] = [{ type: 'match', field: 'process.name', operator: 'included', value: 'cmd.exe' }];
    expect(excepts(e, proc, { osTypes: ['windows'] })).toBe(true);
    expect(excepts(e, proc, { osTypes: ['linux', 'macos'] })).toBe(false);
    // Elastic Endpoint writes the OS in host.os.name only; its caseless form matches.
    const endpoint = { ...proc, host: { os: { name: 'Windows' } } };
    expect(excepts(e, endpoint, { osTypes: ['windows'] })).toBe(true);
  });

  it('does not apply value-list items or expired items, and says why', () => {
    const list = item([
      { type: 'list', field: 'host.name', operator: 'included', list: { id: 'hosts.txt', type: 'keyword' } },
    ]);
    const expired = item([{ type: 'match', field: 'process.name', operator: 'included', value: 'cmd.exe' }], {
      expireTime: '2025-01-01T00:00:00Z',
    });
    const c = compileExceptions([list, expired], { schema, now: Date.parse('2025-03-14T00:00:00Z') });
    expect(c.test).toBeUndefined();
    expect(c.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/value list/),
      expect.stringMatching(/expired/),
    ]);
    const later = compileExceptions([expired], { schema, now: Date.parse('2024-12-01T00:00:00Z') });
    expect(later.test?.(proc)).toBe(true);
  });

  it('validates exception items from exports', () => {
    expect(
      parseExceptionItem(
        { list_id: 'x', name: 'n', entries: [{ field: 'a', type: 'match', operator: 'maybe', value: 'v' }] },
        src,
      ).problem,
    ).toMatch(/invalid exception item/);
  });
});

describe('exceptions from a Kibana export applied to the exported rule', () => {
  const now = Date.parse('2025-03-14T12:00:00Z');
  const load = () => {
    const result = loadRules([join(import.meta.dirname, 'fixtures', 'exports', 'office_rule_export.ndjson')]);
    const { rules, problems } = prepareRules(result, { now });
    expect(rules).toHaveLength(1);
    return { rule: rules[0], problems };
  };
  const base = {
    event: { category: ['process'], type: ['start'] },
    host: { name: 'WIN-FIN-03', os: { type: 'windows' } },
    process: {
      name: 'powershell.exe',
      args: ['powershell.exe', '-enc', 'SQBFAFgA'],
      command_line: 'powershell.exe -enc SQBFAFgA',
      parent: { name: 'WINWORD.EXE' },
    },
  };

  it('applies the detection list and the endpoint list the rule references', () => {
    const { rule, problems } = load();
    expect(rule.query.filter?.(base)).toBe(true);
    expect(rule.excluded?.(base)).toBe(false);
    // Item "macro-signing": parent and a wildcard on the command line.
    const signedMacro = {
      ...base,
      process: { ...base.process, command_line: 'powershell.exe -EncodedCommand JABSAGUAcABvAHIAdAA9ACIAIgA=' },
    };
    expect(rule.excluded?.(signedMacro)).toBe(true);
    // Item "signed-by-contoso": nested code signature.
    const contoso = {
      ...base,
      process: { ...base.process, Ext: { code_signature: [{ subject_name: 'Contoso Ltd', trusted: true }] } },
    };
    expect(rule.excluded?.(contoso)).toBe(true);
    // Item "not-finance": "host.name does not match WIN-FIN-*".
    expect(rule.excluded?.({ ...base, host: { name: 'WIN-HR-02', os: { type: 'windows' } } })).toBe(true);
    // Endpoint list: build servers on Windows.
    expect(rule.excluded?.({ ...base, host: { name: 'WIN-BUILD-01', os: { type: 'windows' } } })).toBe(true);
    // Item "mac-builder" only applies on macOS.
    expect(rule.excluded?.({ ...base, user: { name: 'builder' } })).toBe(false);
    expect(rule.exceptionItems.map((i) => i.itemId).sort()).toEqual(
      ['ep-build', 'mac-builder', 'macro-signing', 'not-finance', 'signed-by-contoso'].sort(),
    );
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['exception-not-applied', 6],
      ['exception-not-applied', 7],
    ]);
  });

  it('warns when a referenced list was not loaded', () => {
    const result = emptyLoadResult();
    loadTomlText(
      `[rule]
author = ["t"]
description = "d"
name = "Needs a list"
risk_score = 21
rule_id = "77777777-7777-4777-8777-777777777777"
severity = "low"
type = "eql"
language = "eql"
exceptions_list = [{ id = "x", list_id = "my-tuning", namespace_type = "single", type = "detection" }]
query = '''
any where true
'''
`,
      'needs_list.toml',
      result,
    );
    const { problems } = prepareRules(result);
    expect(problems).toMatchObject([{ code: 'exception-list-missing', severity: 'warning' }]);
  });
});

describe('sequences', () => {
  it('an excepted event cannot join a sequence; the next eligible one does', async () => {
    const result = emptyLoadResult();
    loadTomlText(
      `[rule]
author = ["t"]
description = "d"
name = "Download then run"
risk_score = 47
rule_id = "88888888-8888-4888-8888-888888888888"
severity = "medium"
type = "eql"
language = "eql"
query = '''
sequence by host.id with maxspan=1m
  [process where process.name == "curl.exe"]
  [process where process.name == "run.exe"]
'''
`,
      'seq.toml',
      result,
    );
    const allow = {
      file: 'allow.toml',
      problems: [],
      entries: [
        {
          rules: ['*'],
          comment: 'safe mode runs',
          item: item([{ type: 'match', field: 'process.args', operator: 'included', value: '--safe' }]),
        },
      ],
    };
    const ev = (t: string, name: string, args: string[] = []) => ({
      '@timestamp': `2025-03-14T10:00:${t}Z`,
      event: { category: ['process'] },
      host: { id: 'h1' },
      process: { name, args },
    });
    const events = [ev('00', 'curl.exe'), ev('05', 'run.exe', ['--safe']), ev('09', 'run.exe', ['--full'])];
    const run = async (allowlists: (typeof allow)[]) => {
      const { rules } = prepareRules(result, { allowlists });
      const rule = rules[0];
      async function* records(): AsyncIterable<SourceRecord> {
        for (const doc of events) if (rule.admits(doc, eventIndex(doc))) yield { doc, loc: { file: 'mem' } };
      }
      const seqs = await runSequenceQuery(rule.query, records(), {});
      return seqs.map((s) => s.events.map((e) => (e?.process as { args: string[] }).args.join(' ')));
    };
    expect(await run([])).toEqual([['', '--safe']]);
    expect(await run([allow])).toEqual([['', '--full']]);
  });
});
