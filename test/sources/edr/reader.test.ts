/** Readers: shapes of input, bad records counted and located, the rest read; text and stream agree. */
import { describe, expect, it } from 'vitest';
import { readEdrStream, readEdrText, type EdrReadOptions } from '../../../src/sources/edr/index.js';
import type { BadRecord, SourceRecord } from '../../../src/sources/types.js';
import { fixtureText } from './helpers.js';

const fdrLine = fixtureText('crowdstrike/fdr/extract-test-windows.log').trim();
const defenderLine = fixtureText('m365_defender/event/extract-test-device.log').trim();
const s1Line = fixtureText('sentinel_one_cloud_funnel/event/test-process.log').trim();

function readText(
  text: string,
  opts: Partial<EdrReadOptions> = {},
): { records: SourceRecord[]; problems: BadRecord[] } {
  const problems: BadRecord[] = [];
  const records = [...readEdrText(text, { file: 'in.json', sink: (p) => problems.push(p), ...opts })];
  return { records, problems };
}

async function readStream(chunks: Array<Uint8Array | string>, opts: Partial<EdrReadOptions> = {}) {
  const problems: BadRecord[] = [];
  const records: SourceRecord[] = [];
  async function* gen(): AsyncGenerator<Uint8Array | string> {
    for (const c of chunks) yield c;
  }
  for await (const r of readEdrStream(gen(), { file: 'in.json', sink: (p) => problems.push(p), ...opts }))
    records.push(r);
  return { records, problems };
}

describe('bad input', () => {
  const lines = [
    fdrLine,
    '{"event_simpleName": "ProcessRollup2", "broken": ',
    '[1, 2, 3]',
    '{"hello": "world"}',
    '',
    fdrLine.replace('"RawProcessId":"10603"', '"RawProcessId":"10604"'),
  ];

  it('counts and locates every bad line by file and line, and reads the rest', () => {
    const { records, problems } = readText(lines.join('\n'));
    expect(records.map((r) => (r.doc.process as { pid: number }).pid)).toEqual([10603, 10604]);
    expect(records.map((r) => r.loc.line)).toEqual([1, 6]);
    expect(problems.map((p) => [p.loc.file, p.loc.line, p.kind])).toEqual([
      ['in.json', 2, 'json-syntax'],
      ['in.json', 3, 'unknown-shape'],
      ['in.json', 4, 'unknown-shape'],
    ]);
  });

  it('reports a conversion problem but keeps the record', () => {
    const line = JSON.stringify({ ...JSON.parse(fdrLine), ProcessStartTime: 'soon' });
    const { records, problems } = readText(line);
    expect(records).toHaveLength(1);
    expect(problems.map((p) => [p.kind, p.loc.line])).toEqual([['field-conversion', 1]]);
  });

  it('reports a file it cannot identify once, and yields nothing', () => {
    const { records, problems } = readText('{"a":1}\n{"b":2}\n');
    expect(records).toEqual([]);
    expect(problems.map((p) => [p.loc.file, p.kind])).toEqual([['in.json', 'unknown-format']]);
  });

  it('refuses already-normalised ECS documents (they are the generic reader’s)', () => {
    const { records: first } = readText(fdrLine);
    const { records, problems } = readText(JSON.stringify(first[0]!.doc));
    expect(records).toEqual([]);
    expect(problems[0]!.kind).toBe('unknown-format');
    expect(problems[0]!.message).toMatch(/ECS/);
  });

  it('reports a broken whole document', () => {
    const { records, problems } = readText('[\n' + defenderLine + ',\n');
    expect(records).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual(['json-syntax']);
  });
});

describe('input shapes', () => {
  it('an Event Hub batch {records:[…]} yields one record per element, located by index', () => {
    const rec = JSON.parse(defenderLine) as Record<string, unknown>;
    const { records, problems } = readText(JSON.stringify({ records: [rec, { nope: 1 }, rec] }));
    expect(records.map((r) => r.loc.record)).toEqual([0, 2]);
    expect(records[0]!.index).toBe('logs-m365_defender.event-default');
    expect(problems.map((p) => [p.loc.record, p.kind])).toEqual([[1, 'unknown-shape']]);
  });

  it('an Advanced Hunting response with top-level columns normalises like the Event Hub record', () => {
    const eh = JSON.parse(defenderLine) as { properties: Record<string, unknown> };
    const { records } = readText(JSON.stringify({ Schema: [], Results: [eh.properties] }));
    const { records: viaHub } = readText(defenderLine);
    const pick = (r: SourceRecord) => ({
      process: r.doc.process,
      host: r.doc.host,
      event: { ...(r.doc.event as object), original: 0 },
    });
    expect(pick(records[0]!)).toEqual(pick(viaHub[0]!));
  });

  it('a JSON array of rows, pretty-printed', () => {
    const eh = JSON.parse(defenderLine) as { properties: Record<string, unknown> };
    const { records } = readText(JSON.stringify([eh.properties, eh.properties], null, 2));
    expect(records.map((r) => r.loc.record)).toEqual([0, 1]);
  });

  it('Elasticsearch hits of an endgame index keep their index', () => {
    const hit = {
      _index: 'endgame-3.56.0-000002',
      _id: 'abc',
      _source: { '@timestamp': '2024-05-02T09:15:01.234Z', agent: { type: 'endgame' }, endgame: { unique_pid: 1 } },
    };
    const { records } = readText(JSON.stringify({ hits: { total: 1, hits: [hit] } }));
    expect(records).toHaveLength(1);
    expect(records[0]!.index).toBe('endgame-3.56.0-000002');
    expect(records[0]!.loc.record).toBe('abc');
  });

  it('raw mode yields the records as read', () => {
    const { records } = readText(s1Line, { raw: true });
    expect(records[0]!.doc).toEqual(JSON.parse(s1Line));
  });

  it('a forced format applies to every record', () => {
    const { records, problems } = readText(fdrLine, { format: 'sentinelone-cloud-funnel' });
    expect(records).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual(['unknown-shape']);
  });
});

describe('stream reader', () => {
  const text = [fdrLine, 'garbage', fdrLine.replace('"RawProcessId":"10603"', '"RawProcessId":"7"'), ''].join('\r\n');

  it('gives the same records and problems as the text reader, whatever the chunking', async () => {
    const expected = readText(text);
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 7, 64, 1000, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got = await readStream(chunks);
      expect(got.records).toEqual(expected.records);
      expect(got.problems).toEqual(expected.problems);
    }
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const line = fdrLine.replace('"name":"f9ba95e9061aae4be"', '"name":"naïve-日本"');
    const bytes = Buffer.from(line + '\n', 'utf8');
    const at = bytes.indexOf(Buffer.from('日', 'utf8')) + 1;
    const { records } = await readStream([bytes.subarray(0, at), bytes.subarray(at)]);
    expect((records[0]!.doc.crowdstrike as { name: string }).name).toBe('naïve-日本');
  });

  it('collects a whole-document input and reads it like the text reader', async () => {
    const eh = JSON.parse(defenderLine) as Record<string, unknown>;
    const doc = JSON.stringify({ records: [eh, eh] }, null, 2);
    const got = await readStream([doc.slice(0, 100), doc.slice(100)]);
    expect(got.records).toEqual(readText(doc).records);
    expect(got.records).toHaveLength(2);
  });

  it('reads a last line without a newline', async () => {
    const got = await readStream([s1Line]);
    expect(got.records).toHaveLength(1);
    expect(got.records[0]!.loc.line).toBe(1);
  });
});
