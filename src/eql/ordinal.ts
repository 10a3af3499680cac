/**
 * Event order as ES defines it (SEMANTICS §10.2): timestamp at the field's precision, then the
 * tiebreaker (events without one sort after those with one), then input order.
 */
import { dateParser } from './dates.js';
import type { FieldDef } from './types.js';
import { fieldValues } from './compiler.js';
import type { Scalar } from './values.js';

export interface Ordinal {
  /** Epoch milliseconds (integer). */
  ms: number;
  /** Nanoseconds within the millisecond (0..999999); always 0 for `date` fields. */
  ns: number;
  /** Tiebreaker value, undefined when the event has none. */
  tb: Scalar | undefined;
  /** Input order (assigned by the caller). */
  seq: number;
}

export function compareOrdinals(a: Ordinal, b: Ordinal): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.ns !== b.ns) return a.ns < b.ns ? -1 : 1;
  if (a.tb !== b.tb) {
    if (a.tb === undefined) return 1;
    if (b.tb === undefined) return -1;
    if (a.tb < b.tb) return -1;
    if (a.tb > b.tb) return 1;
  }
  return a.seq - b.seq;
}

/** Nanoseconds from `a` to `b` (exact for spans below ~100 days, which covers every maxspan). */
export function spanNanos(a: Ordinal, b: Ordinal): number {
  return (b.ms - a.ms) * 1e6 + (b.ns - a.ns);
}

const FAST_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

export interface TimestampReader {
  /** Epoch ms and sub-ms nanos of the event, or undefined when it has no usable timestamp. */
  read(doc: Record<string, unknown>): { ms: number; ns: number } | undefined;
}

export function timestampReader(def: FieldDef): TimestampReader {
  const nanos = def.type === 'date_nanos';
  const typed: FieldDef = def.type === 'date' || def.type === 'date_nanos' ? def : { ...def, type: 'date' };
  const generic = dateParser(typed.formats?.join('||'), nanos);
  void generic;
  return {
    read(doc) {
      const vals = fieldValues(typed, doc);
      if (vals.length === 0) return undefined;
      let best = vals[0] as bigint;
      for (const v of vals) if ((v as bigint) < best) best = v as bigint;
      const ms = best / 1000000n - (best < 0n && best % 1000000n !== 0n ? 1n : 0n);
      return { ms: Number(ms), ns: Number(best - ms * 1000000n) };
    },
  };
}

/** Quick ISO parse for the common `2024-01-02T03:04:05.678Z` shape; falls back to the full parser. */
export function fastIsoToMs(s: string): { ms: number; ns: number } | undefined {
  const m = FAST_ISO.exec(s);
  if (!m || (m[8] && m[8] !== 'Z')) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (Number.isNaN(ms)) return undefined;
  const frac = (m[7] ?? '').padEnd(9, '0');
  return { ms: ms + Number(frac.slice(0, 3)), ns: Number(frac.slice(3)) };
}
