/**
 * Per-file format detection among the EDR sources, and `--format` forcing.
 *
 * A file is sniffed from its head: the first records are parsed (NDJSON lines, or the first element
 * of a JSON array / wrapper document) and classified one by one; the first that classifies decides.
 * Documents that already went through a pipeline (they carry `ecs.version`, `data_stream` or
 * `event.dataset`) are `ecs`, never a vendor format — except Endgame's own ECS-like documents,
 * which carry `endgame.*` / `agent.type: endgame` and are recognised first.
 */
import { isObject } from '../mapping/index.js';
import { withoutBom } from '../input.js';
import type { InputFormat } from '../types.js';
import { EDR_FORMATS, type EdrFormat } from './common.js';
import { fdrRecordKind } from './crowdstrike-fdr/index.js';
import { endgameShape } from './endgame/index.js';
import { defenderShape } from './m365-defender/index.js';
import { isS1Record } from './sentinelone-cloud-funnel/index.js';

export type DetectedFormat = EdrFormat | 'ecs';

export function isEdrFormat(f: unknown): f is EdrFormat {
  return typeof f === 'string' && (EDR_FORMATS as readonly string[]).includes(f);
}

/** An already-normalised (ECS) document. Flat dotted keys count too. */
export function isEcsDocument(v: Record<string, unknown>): boolean {
  if (isObject(v.data_stream)) return true;
  if (isObject(v.ecs) && v.ecs.version !== undefined) return true;
  if (isObject(v.event) && typeof v.event.dataset === 'string') return true;
  return (
    typeof v['ecs.version'] === 'string' ||
    typeof v['data_stream.dataset'] === 'string' ||
    typeof v['event.dataset'] === 'string'
  );
}

/** Records inside a wrapper: an Event Hub batch, an Advanced Hunting response, a search response. */
export function wrappedRecords(v: Record<string, unknown>): unknown[] | undefined {
  if (Array.isArray(v.records)) return v.records;
  if (Array.isArray(v.Results)) return v.Results;
  if (Array.isArray(v.results) && (Array.isArray(v.schema) || Array.isArray(v.Schema))) return v.results;
  const hits = v.hits;
  if (isObject(hits) && Array.isArray(hits.hits)) return hits.hits;
  return undefined;
}

/** What one parsed record is: an EDR format, `ecs`, or undefined when it is none of them. */
export function classifyRecord(v: unknown): DetectedFormat | undefined {
  if (!isObject(v)) return undefined;
  if (isObject(v._source)) {
    if (typeof v._index === 'string' && /^(?:\.ds-)?endgame-/.test(v._index)) return 'endgame';
    return classifyRecord(v._source);
  }
  const inner = wrappedRecords(v);
  if (inner !== undefined) {
    for (const r of inner.slice(0, 5)) {
      const c = classifyRecord(r);
      if (c !== undefined) return c;
    }
    return undefined;
  }
  if (endgameShape(v) !== undefined) return 'endgame';
  if (isEcsDocument(v)) return 'ecs';
  if (fdrRecordKind(v) !== undefined) return 'crowdstrike-fdr';
  if (defenderShape(v) !== undefined) return 'm365-defender';
  if (isS1Record(v)) return 'sentinelone-cloud-funnel';
  return undefined;
}

/** The first balanced `{…}` object in `text` from `from` (strings and escapes respected), or undefined. */
function firstObject(text: string, from: number): string | undefined {
  const start = text.indexOf('{', from);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/**
 * Detects the format of a file from its head (the first kilobytes are enough). Returns undefined
 * when nothing in the head is recognised.
 */
export function detectEdrFormat(head: string | Uint8Array): DetectedFormat | undefined {
  let text =
    typeof head === 'string' ? head : Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  text = withoutBom(text);
  const start = text.search(/\S/);
  if (start < 0) return undefined;
  // NDJSON: classify the first non-empty lines.
  let pos = start;
  let tried = 0;
  let ndjson = false;
  while (pos < text.length && tried < 20) {
    const nl = text.indexOf('\n', pos);
    const line = text.slice(pos, nl < 0 ? text.length : nl).trim();
    pos = nl < 0 ? text.length : nl + 1;
    if (line === '') continue;
    tried++;
    const v = tryParse(line);
    if (v === undefined) {
      if (tried === 1) break; // not NDJSON (pretty-printed, an array, or truncated)
      continue;
    }
    ndjson = true;
    const c = classifyRecord(v);
    if (c !== undefined) return c;
    if (nl < 0) break;
  }
  if (ndjson) return undefined;
  // One document (possibly truncated): parse it whole, else classify its first complete inner object.
  const whole = tryParse(text.slice(start));
  if (whole !== undefined) {
    const list = Array.isArray(whole) ? whole : [whole];
    for (const v of list.slice(0, 20)) {
      const c = classifyRecord(v);
      if (c !== undefined) return c;
    }
    return undefined;
  }
  // Truncated head: look inside the outer array/wrapper for the first whole record.
  let from = text[start] === '[' ? start + 1 : start + 1;
  for (let n = 0; n < 20; n++) {
    const obj = firstObject(text, from);
    if (obj === undefined) return undefined;
    const c = classifyRecord(tryParse(obj));
    if (c !== undefined) return c;
    from = text.indexOf(obj, from) + obj.length;
  }
  return undefined;
}

/**
 * `--format` forcing: an EDR format given by the user wins (`ecs` too); `auto` (or nothing) means
 * detect from the head. Other formats (`evtx`, `winxml`, …) are not this module's: undefined.
 */
export function resolveEdrFormat(
  forced: InputFormat | 'auto' | undefined,
  head: string | Uint8Array,
): DetectedFormat | undefined {
  if (forced === 'ecs') return 'ecs';
  if (isEdrFormat(forced)) return forced;
  if (forced !== undefined && forced !== 'auto') return undefined;
  return detectEdrFormat(head);
}
