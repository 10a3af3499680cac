/** Winlogbeat / Elastic Agent JSON reader and its format sniffing. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWinlogbeatFile, readWinlogbeatJson, sniffWinlogbeat } from '../../../src/sources/windows/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import { fixture } from './golden-helper.js';

type Obj = Record<string, unknown>;

const sysmonDoc = fixture<EventDoc[]>(
  '_beats/winlogbeat-sysmon/collection/sysmon-12-processcreate.evtx.golden.json',
)[0]!;
const securityDoc = fixture<{ events: EventDoc[] }>(
  'system/security/test-security-windows2019-4688-process-created.json',
).events[0]!;

function read(text: string, extra: Partial<Parameters<typeof readWinlogbeatJson>[1]> = {}) {
  const problems: BadRecord[] = [];
  const records = [...readWinlogbeatJson(text, { file: 'in.json', sink: (p) => problems.push(p), ...extra })];
  return { records, problems };
}

describe('readWinlogbeatJson', () => {
  it('NDJSON: normalises each winlog document, reports bad lines by line number and carries on', () => {
    const text = [
      JSON.stringify(sysmonDoc),
      '{"winlog": {"channel": ',
      '',
      JSON.stringify({ message: 'not a winlog event' }),
      JSON.stringify(securityDoc),
      '[1,2]',
    ].join('\n');
    const { records, problems } = read(text);
    expect(records.map((r) => [r.index, r.loc])).toEqual([
      ['logs-windows.sysmon_operational-default', { file: 'in.json', line: 1 }],
      ['logs-system.security-default', { file: 'in.json', line: 5 }],
    ]);
    expect(problems.map((p) => [p.kind, p.loc.line])).toEqual([
      ['json-syntax', 2],
      ['unknown-shape', 4],
      ['unknown-shape', 6],
    ]);
    expect((records[0]!.doc.process as Obj).name).toBe('notepad.exe');
    expect((records[1]!.doc.event as Obj).action).toBe('created-process');
  });

  it('a JSON array of documents, with winlogbeat output', () => {
    const { records, problems } = read(JSON.stringify([sysmonDoc, securityDoc], null, 2), { output: 'winlogbeat' });
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.index, r.loc.record])).toEqual([
      ['winlogbeat-8.17.0', 0],
      ['winlogbeat-8.17.0', 1],
    ]);
    expect((records[0]!.doc.event as Obj).module).toBe('sysmon');
  });

  it('an Elasticsearch search response: _source documents, data stream from the backing index, _id as record', () => {
    const expected = fixture<{ expected: EventDoc[] }>(
      'system/security/test-security-windows2019-4688-process-created.json-expected.json',
    ).expected[0]!;
    const ingested = { ...expected, data_stream: { type: 'logs', dataset: 'system.security', namespace: 'default' } };
    const response = {
      took: 3,
      hits: {
        total: { value: 2 },
        hits: [
          { _index: '.ds-logs-system.security-default-2024.01.01-000001', _id: 'abc', _source: ingested },
          { _index: 'winlogbeat-8.11.0', _id: 'def', _source: sysmonDoc },
        ],
      },
    };
    const { records, problems } = read(JSON.stringify(response));
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.index, r.loc.record])).toEqual([
      ['logs-system.security-default', 'abc'],
      ['winlogbeat-8.11.0', 'def'],
    ]);
    // Already ingested: passed through as stored.
    expect(records[0]!.doc).toEqual(ingested);
    // Raw winlog document in a winlogbeat index: normalised, index kept from the hit.
    expect((records[1]!.doc.event as Obj).action).toBe('Process creation');
  });

  it('raw mode returns the documents as read', () => {
    const { records } = read(JSON.stringify(sysmonDoc), { raw: true });
    expect(records[0]!.doc).toEqual(sysmonDoc);
    expect(records[0]!.index).toBeUndefined();
  });

  it('a file that is not JSON is one json-syntax problem', () => {
    const { records, problems } = read('[{"winlog": ');
    expect(records).toEqual([]);
    expect(problems.map((p) => [p.kind, p.loc])).toEqual([['json-syntax', { file: 'in.json' }]]);
  });
});

describe('readWinlogbeatFile', () => {
  async function readFile(content: string) {
    const dir = mkdtempSync(join(tmpdir(), 'wlb-'));
    const path = join(dir, 'in.ndjson');
    writeFileSync(path, content);
    const problems: BadRecord[] = [];
    const records = [];
    try {
      for await (const r of readWinlogbeatFile(path, { file: 'in.ndjson', sink: (p) => problems.push(p) }))
        records.push(r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return { records, problems };
  }

  it('streams NDJSON line by line with line numbers (BOM, CRLF, blank lines)', async () => {
    const { records, problems } = await readFile(
      '\uFEFF\r\n' + [JSON.stringify(sysmonDoc), 'nope', JSON.stringify(securityDoc)].join('\r\n') + '\r\n',
    );
    expect(records.map((r) => [r.index, r.loc.line])).toEqual([
      ['logs-windows.sysmon_operational-default', 2],
      ['logs-system.security-default', 4],
    ]);
    expect(problems.map((p) => [p.kind, p.loc.line])).toEqual([['json-syntax', 3]]);
  });

  it('reads a pretty-printed array whole', async () => {
    const { records, problems } = await readFile(JSON.stringify([sysmonDoc, securityDoc], null, 2));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.loc.record)).toEqual([0, 1]);
  });
});

describe('sniffWinlogbeat', () => {
  it('recognises winlog documents, arrays, ES hits and pretty-printed heads', () => {
    expect(sniffWinlogbeat(JSON.stringify(sysmonDoc) + '\n')).toBe(true);
    expect(sniffWinlogbeat('\uFEFF' + JSON.stringify(securityDoc))).toBe(true);
    expect(sniffWinlogbeat(JSON.stringify({ _index: 'x', _source: securityDoc }))).toBe(true);
    expect(sniffWinlogbeat(JSON.stringify({ hits: { hits: [{ _source: securityDoc }] } }))).toBe(true);
    expect(sniffWinlogbeat(JSON.stringify([sysmonDoc], null, 2).slice(0, 3000))).toBe(true);
  });

  it('rejects other formats', () => {
    expect(sniffWinlogbeat('ElfFile\0\0\0')).toBe(false);
    expect(sniffWinlogbeat('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">')).toBe(false);
    expect(sniffWinlogbeat('{"event_simpleName":"ProcessRollup2","aid":"x","CommandLine":"cmd"}')).toBe(false);
    expect(sniffWinlogbeat('{"category":"AdvancedHunting-DeviceProcessEvents","properties":{}}')).toBe(false);
    expect(sniffWinlogbeat('a,b,c\n1,2,3')).toBe(false);
  });
});
