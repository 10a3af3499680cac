/**
 * Winlogbeat / Elastic Agent JSON: the winlog documents a shipper writes (file or console output,
 * Logstash, Kafka), one per line, as a JSON array, or as Elasticsearch documents (`_source` hits,
 * a whole search response). Raw winlog documents go through the Windows normalisers; documents
 * that already went through an ingest pipeline pass through with their data stream.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventDoc, ProblemSink, RecordLocation, SourceRecord } from '../types.js';
import { withoutBom } from '../input.js';
import { isObject } from '../mapping/index.js';
import { normaliseOwnedWinlogDoc, type NormaliseOptions } from './normalise.js';

export interface WinlogbeatReadOptions extends Omit<NormaliseOptions, 'loc' | 'sink'> {
  /** Path as given by the user (`-` for stdin), for locations. */
  file: string;
  sink?: ProblemSink;
  /** Return the documents as read (`eqlite dump --raw`), without normalising. */
  raw?: boolean;
}

/** Does this text (the head of a file is enough) look like Winlogbeat / Agent winlog JSON? */
export function sniffWinlogbeat(head: string): boolean {
  const t = withoutBom(head).trimStart();
  if (t[0] !== '{' && t[0] !== '[') return false;
  const nl = t.indexOf('\n');
  const first = nl < 0 ? t : t.slice(0, nl);
  try {
    const v: unknown = JSON.parse(first);
    const hits = isObject(v) && isObject(v.hits) && Array.isArray(v.hits.hits) ? v.hits.hits : undefined;
    const item: unknown = hits !== undefined ? hits[0] : v;
    const doc = isObject(item) && isObject(item._source) ? item._source : item;
    if (isObject(doc)) return isWinlogDoc(doc);
  } catch {
    // Pretty-printed or truncated head: fall back to looking for the characteristic keys.
  }
  return /"winlog"\s*:\s*\{/.test(t) && /"(event_id|provider_name|channel)"\s*:/.test(t);
}

function isWinlogDoc(doc: Record<string, unknown>): boolean {
  const w = doc.winlog;
  return isObject(w) && (w.event_id !== undefined || w.provider_name !== undefined || w.channel !== undefined);
}

interface RawRecord {
  value: unknown;
  loc: RecordLocation;
}

/** Splits the text into JSON values with their locations; syntax errors are reported per line or for the file. */
function* jsonValues(text: string, file: string, sink: ProblemSink | undefined): Generator<RawRecord> {
  const t = withoutBom(text);
  const start = t.search(/\S/);
  if (start < 0) return;
  const firstNl = t.indexOf('\n', start);
  const firstLine = firstNl < 0 ? t.slice(start) : t.slice(start, firstNl);
  let ndjson = t[start] === '{';
  if (ndjson) {
    try {
      JSON.parse(firstLine);
    } catch {
      ndjson = false; // a pretty-printed document or response
    }
  }
  if (!ndjson) {
    let whole: unknown;
    try {
      whole = JSON.parse(t);
    } catch (e) {
      sink?.({ loc: { file }, kind: 'json-syntax', message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const hits = isObject(whole) && isObject(whole.hits) ? whole.hits.hits : undefined;
    const list = Array.isArray(whole) ? whole : Array.isArray(hits) ? hits : [whole];
    for (let i = 0; i < list.length; i++) yield { value: list[i], loc: { file, record: i } };
    return;
  }
  let line = 0;
  let pos = 0;
  while (pos <= t.length) {
    const nl = t.indexOf('\n', pos);
    const end = nl < 0 ? t.length : nl;
    line++;
    const s = t.slice(pos, end).trim();
    pos = end + 1;
    if (s !== '') yield* valuesOfLine(s, line, file, sink);
    if (nl < 0) break;
  }
}

/** The JSON values of one NDJSON line (the hits of a search response saved on one line). */
function* valuesOfLine(s: string, line: number, file: string, sink: ProblemSink | undefined): Generator<RawRecord> {
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch (e) {
    sink?.({ loc: { file, line }, kind: 'json-syntax', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  const hits = isObject(value) && isObject(value.hits) ? value.hits.hits : undefined;
  if (Array.isArray(hits)) {
    for (let i = 0; i < hits.length; i++) yield { value: hits[i], loc: { file, line, record: i } };
  } else yield { value, loc: { file, line } };
}

/** Backing index of a data stream (`.ds-logs-x-default-2024.01.01-000001`) → the data stream name. */
function dataStreamOf(index: string): string {
  const m = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d+$/.exec(index);
  return m !== null ? m[1]! : index;
}

/** Reads Winlogbeat / Elastic Agent JSON text; every bad record is reported and skipped. */
export function* readWinlogbeatJson(text: string, opts: WinlogbeatReadOptions): Generator<SourceRecord> {
  yield* toRecords(jsonValues(text, opts.file, opts.sink), opts);
}

/**
 * Reads a file without holding it in memory when it is NDJSON (one document per line, the
 * shippers' output); a JSON array, a search response or a pretty-printed document is read whole.
 */
export async function* readWinlogbeatFile(path: string, opts: WinlogbeatReadOptions): AsyncGenerator<SourceRecord> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let mode: 'undecided' | 'ndjson' | 'whole' = 'undecided';
  const buffered: string[] = [];
  try {
    for await (const raw of lines) {
      line++;
      if (mode === 'whole') {
        buffered.push(raw);
        continue;
      }
      const text = line === 1 ? withoutBom(raw) : raw;
      const s = text.trim();
      if (mode === 'undecided') {
        if (s === '') continue;
        let ok = s[0] === '{';
        if (ok) {
          try {
            JSON.parse(s);
          } catch {
            ok = false;
          }
        }
        if (!ok) {
          mode = 'whole';
          buffered.push(...Array.from({ length: line - 1 }, () => ''), text);
          continue;
        }
        mode = 'ndjson';
      }
      if (s === '') continue;
      yield* toRecords(valuesOfLine(s, line, opts.file, opts.sink), opts);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (mode === 'whole') yield* readWinlogbeatJson(buffered.join('\n'), opts);
}

function* toRecords(values: Iterable<RawRecord>, opts: WinlogbeatReadOptions): Generator<SourceRecord> {
  const { file: _file, sink, raw, ...norm } = opts;
  for (const { value, loc } of values) {
    if (!isObject(value)) {
      sink?.({
        loc,
        kind: 'unknown-shape',
        message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`,
      });
      continue;
    }
    let doc: EventDoc = value;
    let hitIndex: string | undefined;
    if (isObject(value._source)) {
      doc = value._source;
      if (typeof value._index === 'string') hitIndex = dataStreamOf(value._index);
      if (typeof value._id === 'string') loc.record = value._id;
    }
    if (!isWinlogDoc(doc)) {
      sink?.({
        loc,
        kind: 'unknown-shape',
        message: 'not a winlog document (no winlog.event_id / provider_name / channel)',
      });
      continue;
    }
    if (raw === true) {
      yield { doc, loc, ...(hitIndex !== undefined ? { index: hitIndex } : {}) };
      continue;
    }
    // The parsed value is ours: normalise in place. A raw document found in a winlogbeat-* index
    // gets Winlogbeat's output (that index's version) unless the caller chose one.
    const wb = hitIndex !== undefined && norm.output === undefined ? /^winlogbeat-(.+)$/.exec(hitIndex) : null;
    const out = normaliseOwnedWinlogDoc(doc, {
      ...norm,
      ...(wb !== null ? { output: 'winlogbeat' as const, winlogbeatVersion: norm.winlogbeatVersion ?? wb[1] } : {}),
      sink,
      loc,
    });
    yield { doc: out.doc, index: hitIndex ?? out.index, loc };
  }
}
