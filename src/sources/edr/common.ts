/**
 * What every EDR normaliser shares: the options object (the same names the Windows normalisers use,
 * so the engine can hand one object to every source), the record contract, and the fields Elastic
 * Agent / Fleet / the data stream add around an integration pipeline (`data_stream.*`,
 * `event.dataset`, `event.module`, `event.ingested`).
 */
import { isObject } from '../mapping/index.js';
import { FAIL, formatSeconds, parseIso8601 } from '../mapping/values.js';
import type { EventDoc, ProblemSink, RecordLocation } from '../types.js';

/** The EDR formats of this folder (names as in `InputFormat`). */
export type EdrFormat = 'crowdstrike-fdr' | 'm365-defender' | 'sentinelone-cloud-funnel' | 'endgame';

export const EDR_FORMATS: readonly EdrFormat[] = [
  'crowdstrike-fdr',
  'm365-defender',
  'sentinelone-cloud-funnel',
  'endgame',
];

/**
 * `event.ingested` policy, structurally identical to the Windows normalisers' `IngestedPolicy`:
 * - `event-time` (default): the event's `@timestamp` truncated to whole seconds (Fleet's final
 *   pipeline drops sub-seconds), so the same input always gives the same output;
 * - `fixed`: a caller-supplied instant (the streaming server passes the real ingest time);
 * - `none`: leave it out.
 */
export type IngestedPolicy = { mode: 'event-time' } | { mode: 'fixed'; at: Date | string | number } | { mode: 'none' };

export interface EdrNormaliseOptions {
  /** Data stream namespace. Default `default`. */
  namespace?: string;
  ingested?: IngestedPolicy;
  /**
   * Only what Elastic's integration produces: no eqlite enrichment (README "Enrichments").
   * Default false. The CLI's `--strict-ecs` sets it.
   */
  strictEcs?: boolean;
  /**
   * Integration tags as set in the integration policy (`preserve_original_event`,
   * `preserve_duplicate_custom_fields`); they change what the pipelines keep. Default none.
   */
  tags?: readonly string[];
  /** Where problems go, and the record's location for them. */
  sink?: ProblemSink;
  loc?: RecordLocation;
}

export interface NormalisedEvent {
  doc: EventDoc;
  /** Data stream (`logs-crowdstrike.fdr-default`) or index (`endgame-3.0`). */
  index: string;
}

/** One raw record, as a reader hands it over. */
export interface RawRecord {
  /** The parsed record; the normaliser takes ownership and may reuse it in the output. */
  value: Record<string, unknown>;
  /** The record's own text (an NDJSON line), for `event.original`; serialised when absent. */
  text?: string;
  loc: RecordLocation;
}

/** A per-input normaliser. Stateful where a source needs it (Defender's DeviceInfo cache, CrowdStrike's metadata). */
export interface EdrRecordNormaliser {
  readonly format: EdrFormat;
  /** Returns undefined (after reporting) for a record of an unknown or broken shape. */
  normalise(rec: RawRecord): NormalisedEvent | undefined;
}

export type Report = (kind: string, message: string) => void;

export function reporter(sink: ProblemSink | undefined, loc: RecordLocation): Report | undefined {
  return sink === undefined ? undefined : (kind, message) => sink({ loc, kind, message });
}

/** The object at `doc[key]`, created when absent (or replaced when not an object). */
export function objectAt(doc: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = doc[key];
  if (isObject(v)) return v;
  const o: Record<string, unknown> = {};
  doc[key] = o;
  return o;
}

const WHOLE_MS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?Z$/;

/** `event.ingested` for a document under a policy (whole seconds, `Z`). */
export function ingestedValue(doc: EventDoc, policy: IngestedPolicy | undefined): string | undefined {
  const p = policy ?? { mode: 'event-time' };
  if (p.mode === 'none') return undefined;
  if (p.mode === 'fixed') {
    const t = p.at instanceof Date ? p.at.getTime() : typeof p.at === 'number' ? p.at : parseIso8601(p.at);
    return t === FAIL || !Number.isFinite(t) ? undefined : formatSeconds(t);
  }
  const ts = doc['@timestamp'];
  if (typeof ts !== 'string') return undefined;
  // Our own @timestamp values are always `…T…Z` with milliseconds: cut them without parsing.
  const m = WHOLE_MS.exec(ts);
  if (m !== null) return m[1] + 'Z';
  const t = parseIso8601(ts);
  return t === FAIL ? undefined : formatSeconds(t);
}

/**
 * What Elastic Agent and the data stream add around the integration pipeline: `data_stream.*`,
 * `event.dataset`, `event.module` (constant keywords of the data stream mapping: searchable even
 * where the pipeline removes them from `_source`) and Fleet's `event.ingested`.
 */
export function finishAgentDoc(
  doc: EventDoc,
  dataset: string,
  opts: EdrNormaliseOptions,
  report: Report | undefined,
): NormalisedEvent {
  const namespace = opts.namespace ?? 'default';
  doc.data_stream = { type: 'logs', dataset, namespace };
  const event = objectAt(doc, 'event');
  event.dataset = dataset;
  event.module = dataset.slice(0, dataset.indexOf('.'));
  if (doc['@timestamp'] === undefined) report?.('missing-timestamp', 'the record carries no usable event time');
  const ingested = ingestedValue(doc, opts.ingested);
  if (ingested !== undefined) event.ingested = ingested;
  return { doc, index: `logs-${dataset}-${namespace}` };
}

/** Integration tags as the first field of the document, as the agent's `tags` setting puts them. */
export function initialDoc(opts: EdrNormaliseOptions): EventDoc {
  return opts.tags !== undefined && opts.tags.length > 0 ? { tags: [...opts.tags] } : {};
}

export function hasTag(opts: EdrNormaliseOptions, tag: string): boolean {
  return opts.tags !== undefined && opts.tags.includes(tag);
}

/** A Windows path or executable name: a drive letter, a UNC or `\\?\` prefix, or a `.exe`/`.dll`/`.sys` name. */
const WINDOWS_PATH = /^(?:[A-Za-z]:\\|\\\\|\\Device\\|%\w+%\\)|\.(?:exe|dll|sys|com|scr|cpl|msi|bat|cmd|ps1)$/i;

export function looksWindowsPath(v: unknown): boolean {
  return typeof v === 'string' && WINDOWS_PATH.test(v);
}
