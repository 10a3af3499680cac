/** What worker threads send to the main thread, in batches (structured-cloned). */
import type { BadRecord, EventDoc, RecordLocation } from '../../sources/types.js';
import type { Scalar } from '../../eql/index.js';
import type { StageVerdicts } from '../../eql/sequence.js';
import type { SourceFormat } from '../../sources/detect.js';

/** A sequence rule's verdicts on an event, with the event's time by the rule's own fields. */
export interface RuleVerdict extends StageVerdicts {
  ms: number;
  ns: number;
  tb?: Scalar;
}

/** A single-event rule matched an event. */
export interface EventHit {
  rule: number;
  doc: EventDoc;
  index?: string;
  /** The event's `_id` when the input carried one. */
  id?: string;
  loc: RecordLocation;
  /** Segment and record number inside it: the event's place in input order. */
  seg: number;
  rec: number;
  explain?: { matched: string[]; exclusionsPassed: number };
}

/**
 * An event some sequence or sample rule can use; ordered later by (ms, ns, seg, rec). Workers send
 * it encoded (`SeqBatch`); the ordered stage needs only the verdicts, keys and times, so the
 * document is parsed (into `doc`) only for alerts and sample rules.
 */
export interface SeqEvent {
  rules: number[];
  /**
   * Per entry of `rules`: a sequence rule's verdicts (the ordered stage then needs no document),
   * or null for a sample rule, which reads the document.
   */
  verdicts: Array<RuleVerdict | null>;
  /**
   * The document's JSON text. Absent when the event is the line of a plain NDJSON file at
   * `loc.offset` and no sample rule reads it: the line is read back (`len` UTF-16 units long) only
   * when an alert is built, so the text neither crosses threads nor spills to disk.
   */
  text?: string;
  len?: number;
  doc?: EventDoc;
  index?: string;
  id?: string;
  loc: RecordLocation;
  seg: number;
  rec: number;
  /** `@timestamp` (epoch ms and sub-ms nanoseconds); events without one sort first. */
  ms: number;
  ns: number;
}

/**
 * Ordered-stage events of one batch, encoded by the worker (`encodeSeq`, seq-store.ts): one line
 * each, which is also their form in a spilled run, and their sort fields as numbers (ms, ns, seg,
 * rec per event) so the main thread can order them without decoding anything.
 */
export interface SeqBatch {
  /**
   * Filled as arrays, sent as typed arrays: a structured clone copies those whole, where it
   * writes an array's numbers one by one (about 14 times slower for the triples).
   */
  keys: number[] | Float64Array;
  /** Each line may start with its join-key prefix (`pruneEvent`, seq-prune.ts). */
  lines: string[];
  /** (rule, stage, key hash) triples of these events, for the main thread's presence bitmaps. */
  prune: number[] | Int32Array;
}

export interface RuleError {
  rule: number;
  message: string;
  loc: RecordLocation;
}

export interface Batch {
  hits: EventHit[];
  seq: SeqBatch;
  problems: BadRecord[];
  ruleErrors: RuleError[];
  /** Bytes of input consumed since the last batch. */
  bytes: number;
  /** Records read since the last batch (parsed, or skipped by the prefilter). */
  records: number;
  /** Lines the prefilter proved could not match (never parsed). */
  skipped: number;
}

export interface SegmentDone {
  seg: number;
  file: string;
  format: SourceFormat;
  /** Lines in an NDJSON byte range, so the main thread can turn local line numbers into file lines. */
  lines?: number;
}
