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
 * An event some sequence or sample rule can use; ordered later by (ms, ns, seg, rec). The worker
 * sends the document as JSON text (a string crosses threads and spills to disk without another
 * serialisation) and each sequence rule's stage verdicts, so the ordered stage parses the text
 * (into `doc`) only for alerts and sample rules.
 */
export interface SeqEvent {
  rules: number[];
  /**
   * Per entry of `rules`: a sequence rule's verdicts (the ordered stage then needs no document),
   * or null for a sample rule, which reads the document.
   */
  verdicts: Array<RuleVerdict | null>;
  text: string;
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

export interface RuleError {
  rule: number;
  message: string;
  loc: RecordLocation;
}

export interface Batch {
  hits: EventHit[];
  seq: SeqEvent[];
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
