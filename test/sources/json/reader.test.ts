import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readJson } from '../../../src/sources/json/reader.js';
import type { BadRecord, SourceRecord } from '../../../src/sources/types.js';

const dir = mkdtempSync(join(tmpdir(), 'eqlite-json-'));

async function read(name: string, content: string | Buffer) {
  const path = join(dir, name);
  writeFileSync(path, content);
  const problems: BadRecord[] = [];
  const records: SourceRecord[] = [];
  for await (const r of readJson(path, { onProblem: (p) => problems.push(p) })) records.push(r);
  return { records, problems, path };
}

describe('JSON event reader', () => {
  it('reads NDJSON, reporting a bad line with its number and keeping the lines around it', async () => {
    const { records, problems, path } = await read('a.ndjson', '{"a":1}\n\n{"a":\n{"a":3}\r\n');
    expect(records.map((r) => r.doc.a)).toEqual([1, 3]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'json-syntax', loc: { file: path, line: 3 } });
    expect(records[1].loc.line).toBe(4);
  });

  it('streams a JSON array element by element, locating a bad element', async () => {
    const { records, problems } = await read('b.json', '[\n {"a":1},\n {"a": nope},\n {"a":"x, ] {"}\n]');
    expect(records.map((r) => r.doc.a)).toEqual([1, 'x, ] {']);
    expect(problems[0]).toMatchObject({ kind: 'json-syntax', loc: { line: 3, record: 1 } });
  });

  it('reports a truncated array but keeps its complete elements', async () => {
    const { records, problems } = await read('c.json', '[{"a":1},{"a":2}');
    expect(records.map((r) => r.doc.a)).toEqual([1, 2]);
    expect(problems.map((p) => p.kind)).toEqual(['json-truncated']);
  });

  it('unwraps Elasticsearch hits and keeps their index beside the document', async () => {
    const search = {
      hits: {
        total: 2,
        hits: [
          { _index: '.ds-logs-x-default-1', _id: '1', _source: { a: 1 } },
          { _index: 'i2', _id: '2', _source: { a: 2 } },
        ],
      },
    };
    const { records } = await read('d.json', JSON.stringify(search, null, 2));
    expect(records.map((r) => [r.index, r.doc])).toEqual([
      ['.ds-logs-x-default-1', { a: 1 }],
      ['i2', { a: 2 }],
    ]);
    const lines = await read('e.ndjson', '{"_index":"i","_id":"1","_source":{"a":1}}\n');
    expect(lines.records[0]).toMatchObject({ index: 'i', doc: { a: 1 } });
  });

  it('gunzips .gz inputs by their magic bytes', async () => {
    const { records } = await read('f.gz', gzipSync('{"a":1}\n{"a":2}\n'));
    expect(records).toHaveLength(2);
  });

  it('reports non-object values', async () => {
    const { records, problems } = await read('g.ndjson', '{"a":1}\n[1,2]\n"x"\n');
    expect(records).toHaveLength(1);
    expect(problems.map((p) => [p.kind, p.loc.line])).toEqual([
      ['json-not-object', 2],
      ['json-not-object', 3],
    ]);
  });
});
