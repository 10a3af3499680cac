/**
 * Contracts shared by every source reader. A reader turns bytes into events; it knows nothing of EQL.
 */

/** A JSON-like event document (ECS after normalisation, or the raw record before it). */
export type EventDoc = Record<string, unknown>;

/** Where a record (good or bad) sits in its input, precise enough to find it again. */
export interface RecordLocation {
  /** Path as given by the user, or `-` for stdin. */
  file: string;
  /** 1-based line number for line-oriented inputs (NDJSON, CSV, XML streams). */
  line?: number;
  /** Byte offset in the (decompressed) input, for binary formats such as EVTX. */
  offset?: number;
  /** Record number inside the input (EVTX record id, array element index, ...). */
  record?: number | string;
}

/** One event read from an input. */
export interface SourceRecord {
  doc: EventDoc;
  /**
   * The index or data stream the event would be written to in Elasticsearch
   * (`logs-windows.sysmon_operational-default`, `winlogbeat-8.17.0`, `endgame-3.0`, ...),
   * when the reader knows it. Rules route on it (see rules/index-routing).
   */
  index?: string;
  /** The document's `_id` when the input carried one (Elasticsearch hits and exports). */
  id?: string;
  loc: RecordLocation;
}

/** A record that could not be read or normalised. It is counted and reported, never silently dropped. */
export interface BadRecord {
  loc: RecordLocation;
  /** A short stable class name, e.g. `json-syntax`, `evtx-chunk-crc`, `unknown-shape`. Summaries group by it. */
  kind: string;
  /** Human-readable detail: what was wrong, and where inside the record when known. */
  message: string;
}

/** Receives problems as they are found. Readers call it and carry on with the next record. */
export type ProblemSink = (problem: BadRecord) => void;

/** Formats eqlite can read; `auto` means detect per file. */
export type InputFormat =
  | 'ndjson'
  | 'json'
  | 'evtx'
  | 'winxml'
  | 'winlogbeat'
  | 'crowdstrike-fdr'
  | 'm365-defender'
  | 'sentinelone-cloud-funnel'
  | 'endgame'
  | 'ecs';
