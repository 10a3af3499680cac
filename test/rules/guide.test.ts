import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findPlugins,
  loadBuiltinRules,
  loadRules,
  noteForTerminal,
  notePlaceholders,
  pythonCompactJson,
  renderNote,
  renderPluginEntry,
  splitSetup,
  type InvestigateEntry,
} from '../../src/rules/index.js';

const entry: InvestigateEntry = {
  label: 'Process events for the same host and parent',
  description: '',
  providers: [
    [
      { excluded: false, field: 'host.id', queryType: 'phrase', value: '{{host.id}}', valueType: 'string' },
      { excluded: false, field: 'event.category', queryType: 'phrase', value: 'process', valueType: 'string' },
    ],
    [{ excluded: true, field: 'user.name', queryType: 'phrase', value: 'SYSTEM', valueType: 'string' }],
  ],
  relativeFrom: 'now-1h',
  relativeTo: 'now',
};

describe('rendering transform entries as Kibana markdown', () => {
  it('writes compact JSON with sorted keys, as detection-rules does', () => {
    expect(renderPluginEntry('investigate', entry)).toBe(
      '!{investigate{"description":"","label":"Process events for the same host and parent","providers":[[{"excluded":false,"field":"host.id","queryType":"phrase","value":"{{host.id}}","valueType":"string"},{"excluded":false,"field":"event.category","queryType":"phrase","value":"process","valueType":"string"}],[{"excluded":true,"field":"user.name","queryType":"phrase","value":"SYSTEM","valueType":"string"}]],"relativeFrom":"now-1h","relativeTo":"now"}}',
    );
    expect(
      renderPluginEntry('osquery', { label: 'Osquery - Retrieve DNS Cache', query: 'SELECT * FROM dns_cache' }),
    ).toBe('!{osquery{"label":"Osquery - Retrieve DNS Cache","query":"SELECT * FROM dns_cache"}}');
  });

  it('escapes non-ASCII like Python json.dumps and leaves absent values out', () => {
    expect(pythonCompactJson({ b: 'café ✓ 𝄞', a: undefined, c: [1, true, null] })).toBe(
      '{"b":"caf\\u00e9 \\u2713 \\ud834\\udd1e","c":[1,true,null]}',
    );
    expect(pythonCompactJson('tab\tquote"slash/')).toBe('"tab\\tquote\\"slash/"');
  });

  it('substitutes the note like string.Template.safe_substitute', () => {
    const t = { investigate: [entry], osquery: [] };
    const note = 'A $investigate_0 B ${investigate_0} C $$5 D $env:TEMP E $investigate_1 F $investigate_0x';
    const out = renderNote(note, t);
    const rendered = renderPluginEntry('investigate', entry);
    expect(out).toBe(`A ${rendered} B ${rendered} C $5 D $env:TEMP E $investigate_1 F $investigate_0x`);
    // Without a transform the note is left alone, `$$` included.
    expect(renderNote('cost $$5', undefined)).toBe('cost $$5');
    expect(notePlaceholders(note)).toEqual(['investigate_0', 'investigate_1']);
  });

  it('reads the buttons back out of a rendered note as Kibana tokenizes them', () => {
    const rendered = renderPluginEntry('investigate', entry);
    const note = `x ${rendered} y !{osquery{"label":"L","query":"SELECT 1"}} z !{investigate{bad json}} !{other{}}`;
    const found = findPlugins(note);
    expect(found.map((f) => [f.plugin, f.index, f.error === undefined])).toEqual([
      ['investigate', 0, true],
      ['osquery', 0, true],
      ['investigate', 1, false],
    ]);
    expect(found[0].config).toEqual(JSON.parse(rendered.slice('!{investigate'.length, -1)));
    expect(note.slice(found[0].start, found[0].end)).toBe(rendered);
  });

  it('moves a "## Setup" section of the note into setup', () => {
    const { note, setup } = splitSetup('## Triage\n\nLook.\n\n## Setup\n\nInstall Sysmon.\n\n- Enable event 1.\n');
    expect(note).toBe('## Triage\n\nLook.');
    expect(setup).toBe('Install Sysmon.\n\n- Enable event 1.');
  });
});

describe("the founding rule's guide", () => {
  const rule = loadBuiltinRules().rules[0].rule;
  if (!rule) throw new Error('no built-in rule');

  it('renders all five pivots in place of their placeholders', () => {
    const note = rule.note ?? '';
    expect(note).not.toMatch(/\$investigate_\d/);
    const buttons = findPlugins(note);
    expect(buttons).toHaveLength(5);
    expect(buttons.every((b) => b.plugin === 'investigate' && b.error === undefined)).toBe(true);
    // $investigate_2 comes first in the text; it is the third transform entry.
    expect(buttons[0].config?.label).toBe('Child process starts from the same cmd.exe instance');
    expect(note.slice(buttons[0].start, buttons[0].end)).toBe(
      renderPluginEntry('investigate', rule.transform.investigate[2]),
    );
    expect(noteForTerminal(note, rule.transform)).toContain(
      '[pivot 2: Child process starts from the same cmd.exe instance]',
    );
    expect(rule.noteSource).toContain('$investigate_2');
    expect(rule.setup).toMatch(/^## Setup/);
  });
});

describe('notes of rules from files', () => {
  it('renders $$ and ${...} in a rule with a transform and warns about nothing', () => {
    const result = loadRules([join(import.meta.dirname, 'fixtures', 'rules', 'good', 'custom_certutil_decode.toml')]);
    const r = result.rules[0];
    expect(r.problems.filter((p) => p.code === 'guide')).toEqual([]);
    const note = r.rule?.note ?? '';
    expect(findPlugins(note)).toHaveLength(2);
    expect(note).toContain('Cost of the tool: $5,');
    expect(note).toContain("PowerShell's $env:TEMP stays");
  });
});
