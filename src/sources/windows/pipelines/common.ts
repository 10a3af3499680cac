/** Helpers shared by the Windows pipeline tables. */
import { isObject, type MappingRun, type Step } from '../../mapping/index.js';

export const EVENT_DATA = 'winlog.event_data';
export const ZERO_GUID = '{00000000-0000-0000-0000-000000000000}';

/** `winlog.event_data.<name>` */
export const ed = (name: string): string => `${EVENT_DATA}.${name}`;

/** The event_data object of a run, if any (named loads: cheaper than a shared path accessor). */
export function eventDataOf(run: MappingRun): Record<string, unknown> | undefined {
  const w = run.doc.winlog;
  if (!isObject(w)) return undefined;
  const v = w.event_data;
  return isObject(v) ? v : undefined;
}

/** A string event_data value, or undefined. */
export function edString(run: MappingRun, name: string): string | undefined {
  const v = eventDataOf(run)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** An event_data value that is neither absent nor null (any type). */
export function edValue(run: MappingRun, name: string): unknown {
  const v = eventDataOf(run)?.[name];
  return v === null ? undefined : v;
}

/** Dotted paths split once (scripts pass constant paths). */
const splits = new Map<string, string[]>();
function segments(path: string): string[] {
  let segs = splits.get(path);
  if (segs === undefined) {
    segs = path.split('.');
    if (splits.size < 4096) splits.set(path, segs);
  }
  return segs;
}

/** Reads a dotted document path (for scripts). */
export function getIn(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const s of segments(path)) {
    if (!isObject(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Writes a dotted path, creating objects (for scripts). */
export function setIn(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = segments(path);
  let cur = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    const next = cur[s];
    if (isObject(next)) cur = next;
    else {
      const o: Record<string, unknown> = {};
      cur[s] = o;
      cur = o;
    }
  }
  cur[segs[segs.length - 1]!] = value;
}

/** Appends to a list field without duplicates (Elasticsearch `append`, `allow_duplicates: false`). */
export function appendUnique(obj: Record<string, unknown>, path: string, value: unknown): void {
  const cur = getIn(obj, path);
  if (Array.isArray(cur)) {
    if (!cur.includes(value)) cur.push(value);
  } else if (cur === undefined || cur === null) setIn(obj, path, [value]);
  else if (cur !== value) setIn(obj, path, [cur, value]);
}

/** The event-id → categorisation table of a pipeline, written compactly. */
export type EventTableRow = readonly [
  code: string,
  action: string,
  category: readonly string[],
  type: readonly string[],
];

export function eventTable(rows: readonly EventTableRow[]): Record<string, Record<string, string | string[]>> {
  const t: Record<string, Record<string, string | string[]>> = {};
  for (const [code, action, category, type] of rows) {
    const e: Record<string, string | string[]> = { action };
    if (category.length > 0) e.category = [...category];
    e.type = [...type];
    t[code] = e;
  }
  return t;
}

/** Event codes condition. */
export const codeIn = (...codes: string[]): { in: string; values: string[] } => ({ in: 'event.code', values: codes });

/** The clean-up every Windows pipeline starts with: drop `null`, `''`, `-` and the zero GUID. */
export const CLEAN_EVENT_DATA: Step = { op: 'clean', field: EVENT_DATA, values: [null, '', '-', ZERO_GUID] };
