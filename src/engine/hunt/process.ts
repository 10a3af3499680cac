/**
 * Reads one segment of input and evaluates every rule on its events: single-event rules produce
 * hits; events a sequence or sample rule can use are passed on for the ordered stage. Runs in a
 * worker thread (or inline for small hunts); knows nothing of threads itself.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { cacheDocument, EqlError, explainMatch, releaseDocument } from '../../eql/index.js';
import { fastIsoToMs } from '../../eql/ordinal.js';
import { fieldValues } from '../../eql/compiler.js';
import { stageVerdicts } from '../../eql/sequence.js';
import type { Scalar } from '../../eql/index.js';
import { eventIndex, type PreparedRule } from '../../rules/index.js';
import { eventContentId } from '../alerts/index.js';
import { createEdrNormaliser, isEdrFormat, type EdrRecordNormaliser } from '../../sources/edr/index.js';
import { forEachEvtxRecordInFile } from '../../sources/evtx/index.js';
import { hitsOf, unwrapHit } from '../../sources/json/reader.js';
import { readSource } from '../../sources/read.js';
import { withoutBom } from '../../sources/input.js';
import type { BadRecord, EventDoc, RecordLocation } from '../../sources/types.js';
import { normaliseWinEvent, normaliseWinlogDoc, type IngestedPolicy } from '../../sources/windows/index.js';
import type { HuntConfig, Segment } from './config.js';
import type { Batch, EventHit, RuleError, RuleVerdict, SegmentDone, SeqEvent } from './messages.js';
import { encodeSeq } from './seq-store.js';
import { counted } from '../counted.js';
import { prunableStageCount, pruneEvent } from './seq-prune.js';
import { buildPrefilter, type LinePrefilter } from './prefilter.js';
import { firstFilters, queryFilters, RuleIndex } from '../rule-index.js';

const BATCH_ITEMS = 256;
const BLOCK = 4 << 20;

function emptyBatch(): Batch {
  return {
    hits: [],
    seq: { keys: [], lines: [], prune: [] },
    problems: [],
    ruleErrors: [],
    bytes: 0,
    records: 0,
    skipped: 0,
  };
}

/** Reads `@timestamp` for ordering: the fast ISO path, else a Date parse of whatever is there. */
export function orderingTime(doc: EventDoc): { ms: number; ns: number } {
  let v: unknown = doc['@timestamp'];
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') {
    const t = fastIsoToMs(v);
    if (t) return t;
    const d = Date.parse(v);
    if (!Number.isNaN(d)) return { ms: d, ns: 0 };
  } else if (typeof v === 'number') return { ms: Math.floor(v), ns: 0 };
  return { ms: -Infinity, ns: 0 };
}

export class SegmentProcessor {
  private batch = emptyBatch();
  private readonly routes = new Map<string, Uint8Array>();
  private readonly all: Uint8Array;
  private readonly index: RuleIndex;
  private readonly candidates: number[] = [];
  private readonly stageMay: Array<(stage: number) => boolean>;
  /** Per rule: its stage count when the ordered stage may prune its events by join key, else 0 (seq-prune.ts). */
  private readonly prunable: number[];
  /**
   * Built on the first NDJSON block, not up front: with hundreds of rules its automaton takes a few
   * hundred milliseconds per thread, wasted on EVTX and other inputs it never reads.
   */
  private prefilter: LinePrefilter | undefined | 'unbuilt';
  /** The NDJSON read buffer, reused from segment to segment. */
  private readBuffer: Buffer | undefined;
  /** `readBuffer` for ECS input, in the prefilter's memory (`LinePrefilter.readBuffer`). */
  private scanBuffer: Buffer | undefined;
  /** Lines the prefilter has looked at and kept, to see whether it pays (`scanPays`). */
  private scanned = 0;
  private scanKept = 0;
  private readonly ingested: IngestedPolicy;
  private seg = 0;
  /** The current segment's file: ordered-stage events located in it are sent without it. */
  private segFile: string | undefined;
  private rec = 0;

  constructor(
    private readonly config: HuntConfig,
    private readonly rules: PreparedRule[],
    private readonly emit: (b: Batch) => void,
  ) {
    this.all = new Uint8Array(rules.length).fill(1);
    const queries = rules.map((r) => r.query);
    this.index = new RuleIndex(queryFilters(queries), rules.length);
    // A sequence's stages the index proved false for an event are not evaluated.
    const first = firstFilters(queries);
    this.stageMay = first.map((f) => (k: number) => this.index.mayMatch(f + k));
    this.prunable = rules.map((r) => prunableStageCount(r.query));
    this.prefilter = config.prefilter ? 'unbuilt' : undefined;
    this.ingested = config.ingested === 'none' ? { mode: 'none' } : { mode: 'event-time' };
  }

  private flush(force = false): void {
    const b = this.batch;
    if (
      !force &&
      b.hits.length + b.seq.lines.length + b.problems.length + b.ruleErrors.length < BATCH_ITEMS &&
      b.bytes < 8 << 20
    )
      return;
    if (
      b.hits.length ||
      b.seq.lines.length ||
      b.problems.length ||
      b.ruleErrors.length ||
      b.bytes ||
      b.records ||
      b.skipped
    ) {
      const q = b.seq;
      if (q.lines.length) {
        q.keys = Float64Array.from(q.keys);
        q.prune = Int32Array.from(q.prune);
      }
      this.emit(b);
    }
    this.batch = emptyBatch();
  }

  private readonly onProblem = (p: BadRecord): void => {
    this.batch.problems.push(p);
    this.flush();
  };

  /** Which rules search this index (1) and which do not (0), computed once per index name. */
  private rulesFor(index: string | undefined): Uint8Array {
    if (index === undefined) return this.all;
    let r = this.routes.get(index);
    if (!r) {
      r = new Uint8Array(this.rules.length);
      for (let i = 0; i < this.rules.length; i++) r[i] = this.rules[i].seesIndex(index) ? 1 : 0;
      this.routes.set(index, r);
    }
    return r;
  }

  /**
   * Evaluates every applicable rule on one normalised event. `text`: the document's JSON when the
   * caller has it already: an ECS line parsed as it is, which `loc.file` holds at byte `loc.offset`
   * when `loc.offset` is given (the ordered stage reads it back from there for alerts).
   */
  evaluate(doc: EventDoc, assignedIndex: string | undefined, loc: RecordLocation, id?: string, text?: string): void {
    const rec = this.rec++;
    this.batch.records++;
    const index = eventIndex(doc, assignedIndex, this.config.index);
    const allowed = this.rulesFor(index);
    // Every rule reads the same few fields: each is read from the document once.
    cacheDocument(doc);
    try {
      this.evaluateRules(doc, index, loc, id, rec, allowed, text);
    } finally {
      releaseDocument();
    }
    this.flush();
  }

  private evaluateRules(
    doc: EventDoc,
    index: string | undefined,
    loc: RecordLocation,
    id: string | undefined,
    rec: number,
    allowed: Uint8Array,
    text: string | undefined,
  ): void {
    let seqRules: number[] | undefined;
    let verdicts: Array<RuleVerdict | null> | undefined;
    let hasSample = false;
    for (const i of this.index.candidates(doc, this.candidates)) {
      if (!allowed[i]) continue;
      const r = this.rules[i];
      try {
        if (r.excluded && r.excluded(doc)) continue;
        const q = r.query;
        if (q.filter) {
          if (q.filter(doc)) {
            // The alert's ids need the event's `_id`: without one, its content hash is taken here,
            // on the reading thread, rather than on the main thread that builds the alerts.
            id ??= eventContentId(doc);
            const hit: EventHit = { rule: i, doc, index, id, loc, seg: this.seg, rec };
            if (this.config.explain && q.cond) hit.explain = explainMatch(q.cond, doc);
            this.batch.hits.push(hit);
          }
        } else if (q.kind === 'sequence') {
          const v = stageVerdicts(q, doc, this.stageMay[i]);
          const ts = v && q.timestamp.read(doc);
          if (v && ts) {
            let tb: Scalar | undefined;
            if (q.tiebreakerDef) tb = fieldValues(q.tiebreakerDef, doc)[0];
            (seqRules ??= []).push(i);
            (verdicts ??= []).push({ stages: v.stages, until: v.until, ms: ts.ms, ns: ts.ns, tb });
          }
        } else if (q.matchesAny(doc)) {
          (seqRules ??= []).push(i);
          (verdicts ??= []).push(null);
          hasSample = true;
        }
      } catch (err) {
        if (!(err instanceof EqlError)) throw err;
        const e: RuleError = { rule: i, message: err.detail, loc };
        this.batch.ruleErrors.push(e);
      }
    }
    if (seqRules) {
      const t = orderingTime(doc);
      const s: SeqEvent = {
        rules: seqRules,
        verdicts: verdicts as Array<RuleVerdict | null>,
        index,
        id,
        loc,
        seg: this.seg,
        rec,
        ms: t.ms,
        ns: t.ns,
      };
      // A line of a plain file is read back by offset if it ends up in an alert, unless a sample
      // rule reads its document in the ordered stage.
      if (text !== undefined && loc.offset !== undefined && !hasSample) s.len = text.length;
      else s.text = text ?? JSON.stringify(doc);
      const b = this.batch.seq;
      // Arrays until the batch is sent (flush).
      (b.keys as number[]).push(t.ms, t.ns, this.seg, rec);
      b.lines.push(pruneEvent(seqRules, s.verdicts, this.prunable, b.prune as number[]) + encodeSeq(s, this.segFile));
    }
  }

  async run(segment: Segment): Promise<SegmentDone> {
    this.seg = segment.id;
    this.segFile = segment.file;
    this.rec = 0;
    const done: SegmentDone = { seg: segment.id, file: segment.file, format: segment.format };
    if (segment.format === 'evtx' && segment.firstChunk !== undefined) {
      this.runEvtx(segment);
    } else if (segment.start !== undefined && segment.end !== undefined) {
      done.lines = this.runLines(segment);
    } else {
      let last: RecordLocation | undefined;
      try {
        for await (const r of readSource(segment.file, {
          format: segment.format,
          onProblem: this.onProblem,
          index: this.config.index,
          strictEcs: this.config.strictEcs,
          ingested: this.ingested,
        })) {
          last = r.loc;
          this.evaluate(r.doc, r.index, r.loc, r.id);
        }
      } catch (err) {
        // A stream that fails part way (a truncated or corrupt .gz): what was read before stands,
        // and the failure is reported where it happened rather than losing the whole file.
        if (last === undefined) throw err;
        const line = last.line === undefined ? {} : { line: last.line + 1 };
        this.onProblem({
          loc: { file: segment.file, ...line },
          kind: 'input-truncated',
          message: `${(err as Error).message} (after ${counted(this.rec, 'record')}, which were read)`,
        });
      }
      this.batch.bytes += segment.bytes;
    }
    this.flush(true);
    return done;
  }

  private runEvtx(segment: Segment): void {
    const file = segment.file;
    let lastOffset = 0;
    forEachEvtxRecordInFile(
      file,
      { file, onProblem: this.onProblem, firstChunk: segment.firstChunk, endChunk: segment.endChunk },
      (rec) => {
        const loc = { file, offset: rec.offset, record: rec.recordId };
        const n = normaliseWinEvent(rec.event, { loc, sink: this.onProblem, ingested: this.ingested });
        if (n) this.evaluate(n.doc, n.index, loc);
        if (rec.offset - lastOffset > 1 << 20) {
          this.batch.bytes += rec.offset - lastOffset;
          lastOffset = rec.offset;
        }
      },
    );
    this.batch.bytes += Math.max(0, segment.bytes - lastOffset);
  }

  /** NDJSON byte range: every line that starts inside [start, end). Returns the lines seen. */
  private runLines(segment: Segment): number {
    const { file } = segment;
    const start = segment.start as number;
    const end = segment.end as number;
    const fd = openSync(file, 'r');
    let edr: EdrRecordNormaliser | undefined;
    if (isEdrFormat(segment.format)) {
      edr = createEdrNormaliser(segment.format, {
        sink: this.onProblem,
        strictEcs: this.config.strictEcs,
        ingested: this.ingested,
      });
    }
    const ecs = segment.format === 'ecs';
    let lineNo = 0;
    try {
      let pos = start;
      if (start > 0) {
        // The line in progress at `start` belongs to the previous range, unless `start` opens a line.
        const prev = Buffer.alloc(1);
        readSync(fd, prev, 0, 1, start - 1);
        if (prev[0] !== 10) {
          const probe = Buffer.allocUnsafe(64 * 1024);
          for (;;) {
            const n = readSync(fd, probe, 0, probe.length, pos);
            if (n === 0) return 0;
            const nl = probe.subarray(0, n).indexOf(10);
            if (nl >= 0) {
              pos += nl + 1;
              break;
            }
            pos += n;
          }
        }
      }
      // The unfinished last line of a block is moved to the front of the buffer and the next block
      // read after it (no concatenation of whole blocks); a line longer than a block grows the buffer.
      // The buffer is kept for the next segment: a fresh one is fresh pages, each faulted in by the read.
      let buf = this.blockBuffer(ecs);
      let carryLen = 0;
      for (;;) {
        if (pos - carryLen >= end) break;
        if (buf.length - carryLen < BLOCK) {
          const bigger = Buffer.allocUnsafe(carryLen + 2 * BLOCK);
          buf.copy(bigger, 0, 0, carryLen);
          buf = bigger;
          this.readBuffer = bigger;
        }
        const n = readSync(fd, buf, carryLen, BLOCK, pos);
        const eof = n === 0;
        const chunk = buf.subarray(0, carryLen + n);
        const chunkStart = pos - carryLen;
        pos += n;
        let upto = eof ? chunk.length : chunk.lastIndexOf(10) + 1;
        if (upto === 0 && !eof) {
          carryLen = chunk.length;
          continue;
        }
        // Lines that start at or after `end` belong to the next range.
        let finished = eof;
        const rel = end - chunkStart;
        if (rel < upto) {
          let cut = rel;
          if (cut > 0 && chunk[cut - 1] !== 10) {
            const nl = chunk.indexOf(10, cut);
            cut = nl < 0 ? chunk.length : nl + 1;
          }
          upto = Math.max(0, cut);
          finished = true;
        }
        lineNo =
          ecs && this.scanPays()
            ? this.scanBlock(chunk, 0, upto, file, chunkStart, lineNo)
            : this.parseBlock(chunk, 0, upto, file, chunkStart, lineNo, segment, edr);
        this.batch.bytes += upto;
        this.flush();
        if (finished) break;
        carryLen = chunk.length - upto;
        chunk.copy(buf, 0, upto);
      }
    } finally {
      closeSync(fd);
    }
    return lineNo;
  }

  /**
   * The buffer blocks are read into, kept from segment to segment (a fresh one is fresh pages, each
   * faulted in by the read). ECS input is read into the prefilter's own memory when it has one, so
   * its scan finds each block where it was read instead of copying it there.
   */
  private blockBuffer(ecs: boolean): Buffer {
    if (ecs && this.scanPays()) {
      if (this.scanBuffer === undefined || this.scanBuffer.length === 0)
        this.scanBuffer = (this.prefilter as LinePrefilter).readBuffer(2 * BLOCK);
      if (this.scanBuffer !== undefined) return this.scanBuffer;
    }
    return (this.readBuffer ??= Buffer.allocUnsafe(2 * BLOCK));
  }

  private parseLine(
    text: string,
    file: string,
    line: number,
    offset: number,
    segment: Segment,
    edr: EdrRecordNormaliser | undefined,
  ): void {
    // A byte order mark opens files some Windows tools write; JSON has none.
    if (offset === 0) text = withoutBom(text);
    if (text.length === 0 || text.trim().length === 0) return;
    const loc: RecordLocation = { file, line, offset };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.onProblem({ loc, kind: 'json-syntax', message: (err as Error).message });
      this.batch.records++;
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.onProblem({
        loc,
        kind: 'json-not-object',
        message: `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`,
      });
      this.batch.records++;
      return;
    }
    const obj = value as Record<string, unknown>;
    if (edr) {
      const n = edr.normalise({ value: obj, text, loc });
      if (n) this.evaluate(n.doc, n.index, loc);
      else this.batch.records++;
      return;
    }
    // A search or EQL response saved on one line: its hits are the records.
    const hits = hitsOf(obj);
    if (hits !== undefined) {
      for (let i = 0; i < hits.length; i++) {
        const h = hits[i];
        const at: RecordLocation = { ...loc, record: i };
        if (h !== null && typeof h === 'object' && !Array.isArray(h))
          this.evaluateUnwrapped(h as Record<string, unknown>, at, segment);
        else {
          this.onProblem({ loc: at, kind: 'json-not-object', message: 'a hit that is not a JSON object' });
          this.batch.records++;
        }
      }
      return;
    }
    this.evaluateUnwrapped(obj, loc, segment, text);
  }

  /** Evaluates a document or an Elasticsearch hit (`_source`, `_index`, `_id`); `text`: the document's own JSON. */
  private evaluateUnwrapped(obj: Record<string, unknown>, loc: RecordLocation, segment: Segment, text?: string): void {
    const { doc, index, id } = unwrapHit(obj);
    if (segment.format === 'winlogbeat') {
      const n = normaliseWinlogDoc(doc, { loc, sink: this.onProblem, ingested: this.ingested });
      this.evaluate(n.doc, index ?? n.index, loc, id);
      return;
    }
    this.evaluate(doc, index, loc, id, doc === obj ? text : undefined);
  }

  private parseBlock(
    chunk: Buffer,
    from: number,
    to: number,
    file: string,
    chunkStart: number,
    lineNo: number,
    segment: Segment,
    edr: EdrRecordNormaliser | undefined,
  ): number {
    let s = from;
    while (s < to) {
      let e = chunk.indexOf(10, s);
      if (e < 0 || e > to) e = to;
      let ee = e;
      if (ee > s && chunk[ee - 1] === 13) ee--;
      lineNo++;
      if (ee > s) this.parseLine(chunk.toString('utf8', s, ee), file, lineNo, chunkStart + s, segment, edr);
      s = e + 1;
    }
    return lineNo;
  }

  /**
   * Whether the prefilter is still worth running. When most lines hold some rule's literals (many
   * rules, or literals as common as `windows`), it skips little and costs more than it saves:
   * after enough lines to judge, it stands aside for good and every line is parsed (the results
   * are the same either way).
   */
  private scanPays(): boolean {
    if (this.prefilter === 'unbuilt') this.prefilter = buildPrefilter(this.rules.map((r) => r.query));
    if (this.prefilter === undefined) return false;
    if (this.scanned >= 20_000 && this.scanKept > this.scanned / 2) this.prefilter = undefined;
    return this.prefilter !== undefined;
  }

  /** Prefilter path: count lines, parse only the lines that might match. */
  private scanBlock(chunk: Buffer, from: number, to: number, file: string, chunkStart: number, lineNo: number): number {
    let parsed = 0;
    // Lines are counted by the prefilter (newlines before each line it keeps, and in all), never decoded.
    const newlines = (this.prefilter as LinePrefilter).scan(chunk, from, to, (s, e, before) => {
      parsed++;
      this.parseLine(
        chunk.toString('utf8', s, e),
        file,
        lineNo + before + 1,
        chunkStart + s,
        { id: 0, file, format: 'ecs', bytes: 0 },
        undefined,
      );
    });
    // A last line without a newline is a line too.
    const total = newlines + (to > from && chunk[to - 1] !== 10 ? 1 : 0);
    this.batch.records += Math.max(0, total - parsed);
    this.batch.skipped += Math.max(0, total - parsed);
    this.scanned += total;
    this.scanKept += parsed;
    return lineNo + total;
  }
}
