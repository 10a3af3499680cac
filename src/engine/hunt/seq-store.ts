/**
 * Holds the events sequence and sample rules can use until the input is read, then replays them
 * in order (timestamp, then input order). Memory is bounded: beyond a threshold the buffer is
 * sorted and spilled to a temporary run file, and the runs are merged at the end (an external
 * merge sort), so any input order gives Elasticsearch's answer and no input is held whole.
 *
 * Events are kept encoded, one line each (`encodeSeq`: the form workers send and runs hold), and
 * decoded only when replayed; an NDJSON line's text is not kept at all but read back from its file
 * (`LineReader`) for the few events that end up in an alert.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tupleId, type KeyTuple, type KeyValue } from '../../eql/keys.js';
import type { Scalar } from '../../eql/index.js';
import type { RuleVerdict, SeqEvent } from './messages.js';
import { prefixEnd } from './seq-prune.js';

/** The fields events are ordered by. */
export interface SeqOrder {
  ms: number;
  ns: number;
  seg: number;
  rec: number;
}

export function compareSeq(a: SeqOrder, b: SeqOrder): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.ns !== b.ns) return a.ns - b.ns;
  if (a.seg !== b.seg) return a.seg - b.seg;
  return a.rec - b.rec;
}

// ---- encoding ----------------------------------------------------------------------------------

/** JSON drops what it cannot spell: NaN, ±Infinity and -0 become null or 0 unless tagged. */
function plainNumber(v: number): boolean {
  return Number.isFinite(v) && !(v === 0 && 1 / v < 0);
}

function hasOddValues(values: KeyValue[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && !plainNumber(v)) return true;
  }
  return false;
}

const toJson = (_k: string, v: unknown): unknown => {
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (typeof v === 'number' && !plainNumber(v)) return { $num: Object.is(v, -0) ? '-0' : String(v) };
  return v;
};

const fromJson = (_k: string, v: unknown): unknown => {
  if (v === null || typeof v !== 'object') return v;
  const o = v as { $bigint?: unknown; $num?: unknown };
  if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
  if (typeof o.$num === 'string') return Number(o.$num);
  return v;
};

type TuplesJson = KeyValue[][] | 0;

function tuplesJson(t: KeyTuple[] | null, odd: { found: boolean }): TuplesJson {
  if (!t) return 0;
  const out: KeyValue[][] = new Array<KeyValue[]>(t.length);
  for (let i = 0; i < t.length; i++) {
    out[i] = t[i].values;
    if (!odd.found && hasOddValues(t[i].values)) odd.found = true;
  }
  return out;
}

function tuplesOf(j: TuplesJson): KeyTuple[] | null {
  if (j === 0) return null;
  const out: KeyTuple[] = new Array<KeyTuple>(j.length);
  // A tuple's id is a function of its values: rebuilt here rather than sent.
  for (let i = 0; i < j.length; i++) out[i] = { id: tupleId(j[i]), values: j[i] };
  return out;
}

type VerdictJson = [number | null, number, [Scalar] | null, TuplesJson[], TuplesJson] | null;

/** A location in its segment's file: line, byte offset, record (the file is the segment's). */
type LocJson = [number | null, number | null, number | string | null];

function locJson(loc: SeqEvent['loc'], segmentFile: string | undefined): SeqEvent['loc'] | LocJson {
  if (loc.file !== segmentFile) return loc;
  for (const k in loc) if (k !== 'file' && k !== 'line' && k !== 'offset' && k !== 'record') return loc;
  return [loc.line ?? null, loc.offset ?? null, loc.record ?? null];
}

function locOf(j: SeqEvent['loc'] | LocJson, seg: number, files: readonly string[] | undefined): SeqEvent['loc'] {
  if (!Array.isArray(j)) return j;
  const file = files?.[seg];
  if (file === undefined) throw new Error(`no file for segment ${seg}`);
  const loc: SeqEvent['loc'] = { file };
  if (j[0] !== null) loc.line = j[0];
  if (j[1] !== null) loc.offset = j[1];
  if (j[2] !== null) loc.record = j[2];
  return loc;
}

/**
 * One line for an event: its fields and verdicts as a JSON array (join keys keep their values
 * only; bigints and numbers JSON cannot spell are tagged), then, when the event carries its text,
 * a tab and the text. JSON text never holds a raw tab or newline, so both delimit safely.
 */
export function encodeSeq(e: SeqEvent, segmentFile?: string): string {
  const odd = { found: false };
  const verdicts: VerdictJson[] = new Array<VerdictJson>(e.verdicts.length);
  for (let k = 0; k < e.verdicts.length; k++) {
    const v = e.verdicts[k];
    if (!v) {
      verdicts[k] = null;
      continue;
    }
    const stages: TuplesJson[] = new Array<TuplesJson>(v.stages.length);
    for (let s = 0; s < v.stages.length; s++) stages[s] = tuplesJson(v.stages[s], odd);
    if (typeof v.tb === 'number' && !plainNumber(v.tb)) odd.found = true;
    // Most rules order by the event's own @timestamp: its time is then not written again.
    const same = v.ms === e.ms && v.ns === e.ns;
    verdicts[k] = [
      same ? null : v.ms,
      same ? 0 : v.ns,
      v.tb === undefined ? null : [v.tb],
      stages,
      tuplesJson(v.until, odd),
    ];
  }
  const head = [
    e.ms === -Infinity ? null : e.ms,
    e.ns,
    e.seg,
    e.rec,
    e.index ?? null,
    e.id ?? null,
    locJson(e.loc, segmentFile),
    e.len ?? null,
    e.rules,
    verdicts,
  ];
  let json: string;
  if (odd.found) json = JSON.stringify(head, toJson);
  else {
    try {
      json = JSON.stringify(head);
    } catch {
      // Only bigints (date keys, tiebreakers) make plain JSON throw; the replacer is slow.
      json = JSON.stringify(head, toJson);
    }
  }
  return e.text === undefined ? json : json + '\t' + e.text;
}

/** The inverse of `encodeSeq`; `files` gives each segment's file (for locations written without it). */
export function decodeSeq(line: string, files?: readonly string[]): SeqEvent {
  const tab = line.indexOf('\t');
  const headText = tab < 0 ? line : line.slice(0, tab);
  const tagged = headText.includes('"$bigint"') || headText.includes('"$num"');
  const [ms, ns, seg, rec, index, id, loc, len, rules, vs] = (
    tagged ? JSON.parse(headText, fromJson) : JSON.parse(headText)
  ) as [
    number | null,
    number,
    number,
    number,
    string | null,
    string | null,
    SeqEvent['loc'] | LocJson,
    number | null,
    number[],
    VerdictJson[],
  ];
  const time = ms ?? -Infinity;
  const verdicts: Array<RuleVerdict | null> = new Array<RuleVerdict | null>(vs.length);
  for (let k = 0; k < vs.length; k++) {
    const v = vs[k];
    if (!v) {
      verdicts[k] = null;
      continue;
    }
    const stages: Array<KeyTuple[] | null> = new Array<KeyTuple[] | null>(v[3].length);
    for (let s = 0; s < stages.length; s++) stages[s] = tuplesOf(v[3][s]);
    const r: RuleVerdict =
      v[0] === null
        ? { stages, until: tuplesOf(v[4]), ms: time, ns }
        : { stages, until: tuplesOf(v[4]), ms: v[0], ns: v[1] };
    if (v[2]) r.tb = v[2][0];
    verdicts[k] = r;
  }
  const e: SeqEvent = { rules, verdicts, loc: locOf(loc, seg, files), seg, rec, ms: time, ns };
  if (index !== null) e.index = index;
  if (id !== null) e.id = id;
  if (len !== null) e.len = len;
  if (tab >= 0) e.text = line.slice(tab + 1);
  return e;
}

/**
 * Decides from a stored line's join-key prefix whether to replay it (`KeyPresence`): on the line
 * as text (`end`: where the prefix ends), or on its bytes in a run (`buf[from, end)`, the prefix).
 */
export interface LineFilter {
  keep(line: string, end: number): boolean;
  keepBytes(buf: Uint8Array, from: number, end: number): boolean;
}

/** A stored line (`encodeSeq`, perhaps after a join-key prefix `…|`) decoded, or undefined when the filter refuses it. */
function decodeStored(
  line: string,
  files: readonly string[] | undefined,
  filter: LineFilter | undefined,
): SeqEvent | undefined {
  const end = prefixEnd(line);
  if (end < 0) return decodeSeq(line, files);
  if (filter && !filter.keep(line, end)) return undefined;
  return decodeSeq(line.slice(end + 1), files);
}

// ---- reading lines back ------------------------------------------------------------------------

/**
 * Reads NDJSON lines back by byte offset, for events whose text was not kept. The line must have
 * the length it had when read: a file changed during the hunt gives undefined, not another event.
 */
export class LineReader {
  private readonly fds = new Map<string, number>();
  private buf = Buffer.allocUnsafe(64 * 1024);

  read(file: string, offset: number, len: number): string | undefined {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      try {
        fd = openSync(file, 'r');
      } catch {
        return undefined;
      }
      this.fds.set(file, fd);
    }
    // A UTF-16 unit takes at most 3 UTF-8 bytes; one more for a CR before the newline.
    const want = len * 3 + 2;
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
    const n = readSync(fd, this.buf, 0, want, offset);
    let end = this.buf.subarray(0, n).indexOf(10);
    if (end < 0) end = n;
    if (end > 0 && this.buf[end - 1] === 13) end--;
    const text = this.buf.toString('utf8', 0, end);
    return text.length === len ? text : undefined;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * The lines of a spilled run, read in blocks (lines end at `\n` only: a JSON text may hold a CR).
 * Lines are found and judged on the bytes; only those kept are decoded (UTF-8 never has a `\n`
 * inside a character), so a run of pruned events costs no strings.
 */
class RunReader {
  private readonly fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  /** Unread bytes: `buf[start, end)`. */
  private start = 0;
  private end = 0;
  private eof = false;
  private closed = false;

  constructor(
    file: string,
    private readonly files: readonly string[] | undefined,
    private readonly filter: LineFilter | undefined,
  ) {
    this.fd = openSync(file, 'r');
  }

  next(): SeqEvent | undefined {
    for (;;) {
      const buf = this.buf;
      // A newline found past `end` is stale data: the line is not complete yet.
      let nl = buf.indexOf(10, this.start);
      if (nl >= this.end) nl = -1;
      if (nl < 0 && this.eof) {
        if (this.start >= this.end) return undefined;
        nl = this.end;
      }
      if (nl >= 0) {
        const s = this.start;
        this.start = Math.min(nl + 1, this.end);
        if (nl === s) continue;
        let json = s;
        if (buf[s] !== 0x5b) {
          // A join-key prefix (`…|`) before the JSON.
          const bar = buf.indexOf(0x7c, s);
          if (bar < 0 || bar >= nl) throw new Error('a spilled ordered-stage line lost its prefix');
          if (this.filter && !this.filter.keepBytes(buf, s, bar)) continue;
          json = bar + 1;
        }
        return decodeSeq(buf.toString('utf8', json, nl), this.files);
      }
      // Need more bytes: keep the partial line at the front (a larger buffer for a longer line).
      const rest = this.end - this.start;
      if (rest === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, this.start, this.end);
        this.buf = bigger;
      } else if (this.start > 0) buf.copy(buf, 0, this.start, this.end);
      this.start = 0;
      this.end = rest;
      const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (n === 0) {
        this.eof = true;
        this.close();
      }
      this.end += n;
    }
  }

  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
}

// ---- the store ---------------------------------------------------------------------------------

interface Entry extends SeqOrder {
  line: string;
}

export class SeqStore {
  private buf: Entry[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;
  count = 0;

  /** `files`: each segment's file, for events encoded with their segment's file left out. */
  constructor(
    private readonly maxInMemory = 200_000,
    private readonly files?: readonly string[],
  ) {}

  /** An event already encoded (`encodeSeq`), with its sort fields. */
  addLine(ms: number, ns: number, seg: number, rec: number, line: string): void {
    this.buf.push({ ms, ns, seg, rec, line });
    this.count++;
    if (this.buf.length >= this.maxInMemory) this.spill();
  }

  add(e: SeqEvent): void {
    this.addLine(e.ms, e.ns, e.seg, e.rec, encodeSeq(e));
  }

  get spilledRuns(): number {
    return this.runs.length;
  }

  private spill(): void {
    this.buf.sort(compareSeq);
    this.dir ??= mkdtempSync(join(tmpdir(), 'eqlite-seq-'));
    const file = join(this.dir, `run-${this.runs.length}.ndjson`);
    const lines = new Array<string>(this.buf.length);
    for (let i = 0; i < lines.length; i++) lines[i] = this.buf[i].line;
    writeFileSync(file, lines.join('\n') + '\n');
    this.runs.push(file);
    this.buf = [];
  }

  /**
   * Every event in order, but those `keep` refuses (by their join-key prefix: they could be part
   * of no match). Consumes the store.
   */
  *sorted(keep?: LineFilter): Generator<SeqEvent> {
    const mem = this.buf;
    this.buf = [];
    mem.sort(compareSeq);
    if (this.runs.length === 0) {
      for (let i = 0; i < mem.length; i++) {
        const line = mem[i].line;
        // Dropped as it goes, so replayed events do not stay reachable twice.
        (mem as Array<Entry | undefined>)[i] = undefined;
        const e = decodeStored(line, this.files, keep);
        if (e) yield e;
      }
      return;
    }
    type Source = { next(): SeqEvent | undefined; close(): void };
    const sources: Source[] = this.runs.map((file) => new RunReader(file, this.files, keep));
    let mi = 0;
    sources.push({
      next: () => {
        while (mi < mem.length) {
          const e = decodeStored(mem[mi++].line, this.files, keep);
          if (e) return e;
        }
        return undefined;
      },
      close: () => undefined,
    });
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
    try {
      for (let s = 0; s < sources.length; s++) {
        const e = sources[s].next();
        if (e) {
          heap.push({ e, s });
          up(heap.length - 1);
        }
      }
      while (heap.length) {
        const top = heap[0];
        yield top.e;
        const nxt = sources[top.s].next();
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
      for (const s of sources) s.close();
      this.close();
    }
  }

  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.buf = [];
  }
}
