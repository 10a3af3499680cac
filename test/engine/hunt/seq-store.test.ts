/** The ordered stage's store: any input order comes back sorted, whether held in memory or spilled to disk. */
import { describe, expect, it } from 'vitest';
import { compareSeq, SeqStore } from '../../../src/engine/hunt/seq-store.js';
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
    return {
      rules: [i % 3, 7],
      // A sequence rule's verdicts (keys may be bigints: date fields) and a sample rule's null.
      verdicts: [
        {
          stages: [[{ id: `k${i}`, values: [`k${i}`, BigInt(i) * 1_000_000_000_000n, i % 2 === 0, null] }], null],
          until: null,
          ms: i,
          ns: 0,
          tb: i % 3 ? BigInt(i) : undefined,
        },
        null,
      ],
      text: JSON.stringify(doc),
      index: i % 2 ? 'logs-x' : undefined,
      id: i % 5 ? undefined : `id-${i}`,
      loc: { file: 'f.ndjson', line: i + 1 },
      seg: i % 4,
      rec: i,
      ms: i === 7 ? -Infinity : Date.parse(doc['@timestamp']),
      ns: i % 2,
    };
  });
}

describe('SeqStore', () => {
  for (const maxInMemory of [1_000_000, 7]) {
    it(`returns every event in (time, segment, record) order with its text intact (${maxInMemory > 1000 ? 'in memory' : 'spilled runs'})`, async () => {
      const input = events(300);
      const store = new SeqStore(maxInMemory);
      for (const e of input) store.add({ ...e });
      if (maxInMemory === 7) expect(store.spilledRuns).toBeGreaterThan(10);
      const out: SeqEvent[] = [];
      for await (const e of store.sorted()) out.push(e);
      const expected = [...input].sort(compareSeq);
      expect(out.map((e) => e.rec)).toEqual(expected.map((e) => e.rec));
      expect(out[0].ms).toBe(-Infinity);
      for (const e of out) {
        const src = input[e.rec];
        expect(e.text).toBe(src.text);
        expect(JSON.parse(e.text)).toEqual(JSON.parse(src.text));
        expect([e.rules, e.index, e.id, e.loc, e.seg, e.ns]).toEqual([
          src.rules,
          src.index,
          src.id,
          src.loc,
          src.seg,
          src.ns,
        ]);
        // Bigint keys and tiebreakers come back as bigints from the spilled runs.
        expect(e.verdicts).toEqual(src.verdicts);
      }
    });
  }
});
