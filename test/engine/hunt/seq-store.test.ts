/** The ordered stage's store: any input order comes back sorted, whether held in memory or spilled to disk. */
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSeq, encodeSeq, LineReader, SeqStore } from '../../../src/engine/hunt/seq-store.js';
import { tupleId, type KeyValue } from '../../../src/eql/keys.js';
import type { SeqEvent } from '../../../src/engine/hunt/messages.js';
import { rng } from '../../../bench/gen-ecs.js';

function events(n: number): SeqEvent[] {
  const r = rng(11);
  return Array.from({ length: n }, (_, i) => {
    const doc = {
      '@timestamp': new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 50) * 1000).toISOString(),
      // Text that JSON escapes (tab, newline, quotes, backslash) and text it does not (unicode).
      process: { command_line: `cmd.exe /c "echo\t${i}\n" C:\\x ünïcødé ✓ ${'\u2028'}` },
    };
    // Keys may be bigints (date fields), and numbers JSON cannot spell (NaN, ±Infinity, -0).
    const odd = [NaN, Infinity, -Infinity, -0, 0.5][i % 5];
    const values: KeyValue[] = [`k${i}`, BigInt(i) * 1_000_000_000_000n, i % 2 === 0, null, odd];
    const plain: KeyValue[] = [`p${i}`, i];
    const ms = i === 7 ? -Infinity : Date.parse(doc['@timestamp']);
    return {
      rules: [i % 3, 7, 9],
      // Sequence rules' verdicts and a sample rule's null.
      verdicts: [
        {
          stages: [[{ id: tupleId(values), values }], null],
          until: null,
          ms: i,
          ns: 0,
          tb: i % 3 ? BigInt(i) : undefined,
        },
        null,
        {
          stages: [null, [{ id: tupleId(plain), values: plain }]],
          until: [{ id: tupleId(plain), values: plain }],
          // A rule ordering by the event's own @timestamp, or not.
          ms: i % 3 && ms !== -Infinity ? ms : i,
          ns: i % 3 ? i % 2 : 3,
          tb: i % 2 ? Number.NaN : 'x',
        },
      ],
      // Events whose line is read back from the input carry its length instead of the text.
      // One line longer than a run reader's first buffer (1 MB), in two-byte characters.
      ...(i % 6 === 1 ? { len: i } : { text: JSON.stringify(i === 5 ? { ...doc, big: 'é'.repeat(800_000) } : doc) }),
      index: i % 2 ? 'logs-x' : undefined,
      id: i % 5 ? undefined : `id-${i}`,
      // Locations in the segment's file (sent without it), in another file, and EVTX-like ones.
      loc:
        i % 7 === 3
          ? { file: 'g.ndjson', line: i + 1 }
          : i % 7 === 4
            ? { file: 'f.evtx', offset: i * 512, record: i }
            : { file: 'f.ndjson', line: i + 1, offset: i * 100 },
      seg: i % 4,
      rec: i,
      ms,
      ns: i % 2,
    };
  });
}

describe('SeqStore', () => {
  for (const maxInMemory of [1_000_000, 7]) {
    it(`returns every event in (time, segment, record) order with its text intact (${maxInMemory > 1000 ? 'in memory' : 'spilled runs'})`, async () => {
      const input = events(300);
      const store = new SeqStore(maxInMemory, ['f.ndjson', 'f.ndjson', 'f.ndjson', 'f.ndjson']);
      for (const e of input) {
        if (e.rec % 2) store.add({ ...e });
        else store.addLine(e.ms, e.ns, e.seg, e.rec, encodeSeq(e, 'f.ndjson'));
      }
      if (maxInMemory === 7) expect(store.spilledRuns).toBeGreaterThan(10);
      const out: SeqEvent[] = [];
      for await (const e of store.sorted()) out.push(e);
      const expected = [...input].sort(compareSeq);
      expect(out.map((e) => e.rec)).toEqual(expected.map((e) => e.rec));
      expect(out[0].ms).toBe(-Infinity);
      for (const e of out) {
        const src = input[e.rec];
        expect(e.text).toBe(src.text);
        if (src.text !== undefined) expect(JSON.parse(e.text as string)).toEqual(JSON.parse(src.text));
        expect([e.rules, e.index, e.id, e.loc, e.seg, e.ns, e.len]).toEqual([
          src.rules,
          src.index,
          src.id,
          src.loc,
          src.seg,
          src.ns,
          src.len,
        ]);
        // Key values come back with their types (bigints, NaN, -0…) and ids.
        expect(e.verdicts).toEqual(src.verdicts);
        const v = e.verdicts[0]?.stages[0]?.[0];
        expect(Object.is(v?.values[4], src.verdicts[0]?.stages[0]?.[0].values[4])).toBe(true);
      }
    });
  }
});

describe('LineReader', () => {
  it('reads an NDJSON line back by byte offset, and refuses a line that changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-lines-'));
    const file = join(dir, 'a.ndjson');
    const lines = ['{"a":"ünïcødé ✓ 😀"}', '{"b":1}', '{"c":"\\r"}', '{"last":true}'];
    // CRLF line ends, and a last line without one.
    writeFileSync(file, lines.slice(0, 3).join('\r\n') + '\r\n' + lines[3]);
    const offsets: number[] = [];
    let at = 0;
    for (const l of lines) {
      offsets.push(at);
      at += Buffer.byteLength(l) + 2;
    }
    const r = new LineReader();
    try {
      lines.forEach((l, i) => expect(r.read(file, offsets[i], l.length)).toBe(l));
      expect(r.read(file, offsets[1], lines[1].length + 1)).toBeUndefined();
      expect(r.read(join(dir, 'gone.ndjson'), 0, 3)).toBeUndefined();
    } finally {
      r.close();
    }
  });
});
