/**
 * Holds the events sequence and sample rules can use until the input is read, then replays them
 * in order (timestamp, then input order). Memory is bounded: beyond a threshold the buffer is
 * sorted and spilled to a temporary run file, and the runs are merged at the end (an external
 * merge sort), so any input order gives Elasticsearch's answer and no input is held whole.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SeqEvent } from './messages.js';
import { parseKeys, stringifyKeys } from '../../eql/keys.js';

export function compareSeq(a: SeqEvent, b: SeqEvent): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.ns !== b.ns) return a.ns - b.ns;
  if (a.seg !== b.seg) return a.seg - b.seg;
  return a.rec - b.rec;
}

/** One line per event: the ordering fields and verdicts as a JSON array, a tab, the document's JSON text. */
function encode(e: SeqEvent): string {
  // JSON text never holds a raw tab or newline, so both delimit safely.
  const head = [
    e.ms === -Infinity ? null : e.ms,
    e.ns,
    e.seg,
    e.rec,
    e.rules,
    e.index ?? null,
    e.loc,
    e.id ?? null,
    e.verdicts,
  ];
  // Join keys and tiebreakers may be bigints (date fields).
  return stringifyKeys(head) + '\t' + e.text;
}

function decode(line: string): SeqEvent {
  const tab = line.indexOf('\t');
  const headText = line.slice(0, tab);
  const [ms, ns, seg, rec, rules, index, loc, id, verdicts] = parseKeys(headText) as [
    number | null,
    number,
    number,
    number,
    number[],
    string | null,
    SeqEvent['loc'],
    string | null,
    SeqEvent['verdicts'],
  ];
  return {
    ms: ms ?? -Infinity,
    ns,
    seg,
    rec,
    rules,
    verdicts,
    index: index ?? undefined,
    loc,
    text: line.slice(tab + 1),
    id: id ?? undefined,
  };
}

export class SeqStore {
  private buf: SeqEvent[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;
  count = 0;

  constructor(private readonly maxInMemory = 200_000) {}

  add(e: SeqEvent): void {
    this.buf.push(e);
    this.count++;
    if (this.buf.length >= this.maxInMemory) this.spill();
  }

  get spilledRuns(): number {
    return this.runs.length;
  }

  private spill(): void {
    this.buf.sort(compareSeq);
    this.dir ??= mkdtempSync(join(tmpdir(), 'eqlite-seq-'));
    const file = join(this.dir, `run-${this.runs.length}.ndjson`);
    writeFileSync(file, this.buf.map(encode).join('\n') + '\n');
    this.runs.push(file);
    this.buf = [];
  }

  /** Every event in order. Consumes the store. */
  async *sorted(): AsyncGenerator<SeqEvent> {
    this.buf.sort(compareSeq);
    if (this.runs.length === 0) {
      yield* this.buf;
      this.buf = [];
      return;
    }
    type Source = { next(): Promise<SeqEvent | undefined> };
    const sources: Source[] = this.runs.map((file) => {
      const it = createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]();
      return {
        async next() {
          for (;;) {
            const r = await it.next();
            if (r.done) return undefined;
            if (r.value) return decode(r.value);
          }
        },
      };
    });
    const mem = this.buf;
    let mi = 0;
    sources.push({ next: async () => (mi < mem.length ? mem[mi++] : undefined) });
    // A binary heap over the heads of all runs.
    const heap: Array<{ e: SeqEvent; s: number }> = [];
    const up = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (compareSeq(heap[p].e, heap[i].e) <= 0) break;
        [heap[p], heap[i]] = [heap[i], heap[p]];
        i = p;
      }
    };
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && compareSeq(heap[l].e, heap[m].e) < 0) m = l;
        if (r < heap.length && compareSeq(heap[r].e, heap[m].e) < 0) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    };
    for (let s = 0; s < sources.length; s++) {
      const e = await sources[s].next();
      if (e) {
        heap.push({ e, s });
        up(heap.length - 1);
      }
    }
    try {
      while (heap.length) {
        const top = heap[0];
        yield top.e;
        const nxt = await sources[top.s].next();
        if (nxt) {
          heap[0] = { e: nxt, s: top.s };
          down(0);
        } else {
          const last = heap.pop() as { e: SeqEvent; s: number };
          if (heap.length) {
            heap[0] = last;
            down(0);
          }
        }
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.buf = [];
  }
}
