/**
 * Readers for EDR exports: NDJSON (streamed line by line), a JSON array, or a wrapper document
 * (Event Hub batch `{records: […]}`, Advanced Hunting response `{Schema, Results}`, an
 * Elasticsearch search response). Wrapper documents and arrays are parsed whole. Every record is
 * normalised by the file's normaliser; a bad line or record is reported with file and line (or
 * record index) and skipped, never stopping the rest.
 */
import type { EventDoc, ProblemSink, RecordLocation, SourceRecord } from '../types.js';
import { withoutBom } from '../input.js';
import { isObject } from '../mapping/index.js';
import { type EdrFormat, type EdrNormaliseOptions, type EdrRecordNormaliser } from './common.js';
import { createCrowdStrikeNormaliser } from './crowdstrike-fdr/index.js';
import { resolveEdrFormat, wrappedRecords } from './detect.js';
import { createEndgameNormaliser } from './endgame/index.js';
import { createDefenderNormaliser } from './m365-defender/index.js';
import { createSentinelOneNormaliser } from './sentinelone-cloud-funnel/index.js';

/** A normaliser for one input (its caches live as long as it does). */
export function createEdrNormaliser(format: EdrFormat, opts: EdrNormaliseOptions = {}): EdrRecordNormaliser {
  switch (format) {
    case 'crowdstrike-fdr':
      return createCrowdStrikeNormaliser(opts);
    case 'm365-defender':
      return createDefenderNormaliser(opts);
    case 'sentinelone-cloud-funnel':
      return createSentinelOneNormaliser(opts);
    case 'endgame':
      return createEndgameNormaliser(opts);
  }
}

export interface EdrReadOptions extends Omit<EdrNormaliseOptions, 'loc'> {
  /** Path as given by the user (`-` for stdin), for locations and the FDR metadata routing. */
  file: string;
  /** A forced format (`--format`); `auto` or absent: detected from the head of the input. */
  format?: EdrFormat | 'auto';
  /** Yield the records as read (`eqlite dump --raw`), without normalising. */
  raw?: boolean;
}

interface Pending {
  value: unknown;
  text?: string;
  loc: RecordLocation;
}

/** One parsed value → its records (wrappers and hits unwrapped), each normalised or reported. */
function* emit(p: Pending, n: EdrRecordNormaliser, opts: EdrReadOptions): Generator<SourceRecord> {
  const { value, loc } = p;
  const sink = opts.sink;
  if (!isObject(value)) {
    sink?.({
      loc,
      kind: 'unknown-shape',
      message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    });
    return;
  }
  const inner = wrappedRecords(value);
  if (inner !== undefined) {
    for (let i = 0; i < inner.length; i++) yield* emit({ value: inner[i], loc: { ...loc, record: i } }, n, opts);
    return;
  }
  let doc: Record<string, unknown> = value;
  let hitIndex: string | undefined;
  let text = p.text;
  if (isObject(value._source) && (value._index !== undefined || value._id !== undefined)) {
    doc = value._source;
    text = undefined;
    if (typeof value._index === 'string') hitIndex = value._index.replace(/^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d+$/, '$1');
    if (typeof value._id === 'string') loc.record = value._id;
  }
  if (opts.raw === true) {
    yield { doc: doc as EventDoc, loc, ...(hitIndex !== undefined ? { index: hitIndex } : {}) };
    return;
  }
  const out = n.normalise({ value: doc, text, loc });
  if (out === undefined) return;
  yield { doc: out.doc, index: n.format === 'endgame' && hitIndex !== undefined ? hitIndex : out.index, loc };
}

function reportJson(sink: ProblemSink | undefined, loc: RecordLocation, e: unknown): void {
  sink?.({ loc, kind: 'json-syntax', message: e instanceof Error ? e.message : String(e) });
}

function formatOf(text: string, opts: EdrReadOptions): EdrFormat | undefined {
  const f = resolveEdrFormat(opts.format, text.slice(0, 256 * 1024));
  if (f === undefined || f === 'ecs') {
    opts.sink?.({
      loc: { file: opts.file },
      kind: 'unknown-format',
      message:
        f === 'ecs'
          ? 'already-normalised ECS documents, not an EDR export'
          : 'not a CrowdStrike FDR, Defender XDR, SentinelOne Cloud Funnel or Endgame export',
    });
    return undefined;
  }
  return f;
}

/** Reads a whole text (a file's content). */
export function* readEdrText(text: string, opts: EdrReadOptions): Generator<SourceRecord> {
  const t = withoutBom(text);
  const format = formatOf(t, opts);
  if (format === undefined) return;
  const n = createEdrNormaliser(format, { ...opts, loc: undefined });
  const file = opts.file;
  const start = t.search(/\S/);
  if (start < 0) return;
  const firstNl = t.indexOf('\n', start);
  const firstLine = t.slice(start, firstNl < 0 ? t.length : firstNl).trim();
  let ndjson = t[start] === '{';
  if (ndjson) {
    try {
      JSON.parse(firstLine);
    } catch {
      ndjson = false;
    }
  }
  if (!ndjson) {
    let whole: unknown;
    try {
      whole = JSON.parse(t);
    } catch (e) {
      reportJson(opts.sink, { file }, e);
      return;
    }
    const list = Array.isArray(whole) ? whole : [whole];
    for (let i = 0; i < list.length; i++)
      yield* emit({ value: list[i], loc: Array.isArray(whole) ? { file, record: i } : { file } }, n, opts);
    return;
  }
  let line = 0;
  let pos = 0;
  while (pos <= t.length) {
    const nl = t.indexOf('\n', pos);
    const end = nl < 0 ? t.length : nl;
    line++;
    let s = t.slice(pos, end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    pos = end + 1;
    if (s.trim() !== '') yield* parseLine(s, { file, line }, n, opts);
    if (nl < 0) break;
  }
}

function* parseLine(
  s: string,
  loc: RecordLocation,
  n: EdrRecordNormaliser,
  opts: EdrReadOptions,
): Generator<SourceRecord> {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    reportJson(opts.sink, loc, e);
    return;
  }
  yield* emit({ value: v, text: s.trim(), loc }, n, opts);
}

const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 20;

function countLines(s: string): number {
  let c = 0;
  for (let i = s.indexOf('\n'); i >= 0 && c < SNIFF_LINES; i = s.indexOf('\n', i + 1)) c++;
  return c;
}

/**
 * Reads a byte or text stream (a file, decompressed, or stdin). NDJSON is processed line by line
 * with bounded memory; an input that is one JSON document or array is collected and parsed whole.
 */
export async function* readEdrStream(
  stream: AsyncIterable<Uint8Array | string>,
  opts: EdrReadOptions,
): AsyncGenerator<SourceRecord> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let head = '';
  let n: EdrRecordNormaliser | undefined;
  // In an object: `decide` changes it, which flow analysis of a plain `let` would not see.
  const st: { mode: 'unknown' | 'ndjson' | 'document' } = { mode: 'unknown' };
  const mode = (): 'unknown' | 'ndjson' | 'document' => st.mode;
  let whole: string[] = [];
  let line = 0;
  const file = opts.file;

  /** The shape (from the first line), and for NDJSON the format (from the head): false to stop. */
  const decide = (final: boolean): boolean | 'wait' => {
    const t = withoutBom(head);
    const start = t.search(/\S/);
    const nl = t.indexOf('\n', start);
    const first = t.slice(start, nl < 0 ? t.length : nl).trim();
    let ndjson = false;
    if (t[start] === '{') {
      try {
        JSON.parse(first);
        ndjson = true;
      } catch {
        // a pretty-printed document
      }
    }
    if (!ndjson) {
      st.mode = 'document'; // collected whole; readEdrText detects on the complete text
      return true;
    }
    // Detect on enough lines to skip a few unrecognised ones (or on what there is at the end).
    if (!final && head.length < SNIFF_BYTES && countLines(head) < SNIFF_LINES) return 'wait';
    const format = formatOf(t, opts);
    if (format === undefined) return false;
    n = createEdrNormaliser(format, { ...opts, loc: undefined });
    st.mode = 'ndjson';
    return true;
  };

  const lines = function* (text: string, final: boolean): Generator<SourceRecord> {
    carry += text;
    let pos = 0;
    for (;;) {
      const nl = carry.indexOf('\n', pos);
      if (nl < 0) break;
      line++;
      let s = carry.slice(pos, nl);
      if (line === 1) s = withoutBom(s);
      if (s.endsWith('\r')) s = s.slice(0, -1);
      pos = nl + 1;
      if (s.trim() !== '') yield* parseLine(s, { file, line }, n!, opts);
    }
    carry = carry.slice(pos);
    if (final && carry.trim() !== '') {
      line++;
      let s = carry;
      if (line === 1) s = withoutBom(s);
      yield* parseLine(s.endsWith('\r') ? s.slice(0, -1) : s, { file, line }, n!, opts);
      carry = '';
    }
  };

  for await (const chunk of stream) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (mode() === 'unknown') {
      head += text;
      const t = head.trimStart();
      if (t.length === 0 || (t.indexOf('\n') < 0 && head.length < 1 << 20)) continue;
      const d = decide(false);
      if (d === 'wait') continue;
      if (!d) return;
      const h = head;
      head = '';
      if (mode() === 'ndjson') yield* lines(h, false);
      else whole = [h];
      continue;
    }
    if (mode() === 'ndjson') yield* lines(text, false);
    else whole.push(text);
  }
  const rest = decoder.decode();
  if (mode() === 'unknown') {
    head += rest;
    if (head.trim() === '') return;
    if (decide(true) !== true) return;
    if (mode() === 'ndjson') yield* lines(head, true);
    else whole = [head];
  } else if (mode() === 'ndjson') yield* lines(rest, true);
  else whole.push(rest);
  if (mode() === 'document') yield* readEdrText(whole.join(''), opts);
}
