/**
 * Event order as ES defines it (SEMANTICS §10.2): timestamp at the field's precision, then the
 * tiebreaker (events without one sort after those with one), then input order.
 */
import type { FieldDef } from './types.js';
import { fieldValues } from './compiler.js';
import { makeAccessor, type Scalar } from './values.js';

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

export interface TimestampReader {
  /** Epoch ms and sub-ms nanos of the event, or undefined when it has no usable timestamp. */
  read(doc: Record<string, unknown>): { ms: number; ns: number } | undefined;
}

export function timestampReader(def: FieldDef): TimestampReader {
  const nanos = def.type === 'date_nanos';
  const typed: FieldDef = def.type === 'date' || def.type === 'date_nanos' ? def : { ...def, type: 'date' };
  const access = makeAccessor(typed.sourcePath);
  const defaultFormat = !typed.formats;
  return {
    read(doc) {
      // Fast path: one ISO-8601 string in UTC, the shape of nearly every ECS timestamp.
      if (defaultFormat) {
        const raw = access(doc);
        if (typeof raw === 'string') {
          const t = fastIsoToMs(raw);
          if (t) return nanos ? t : { ms: t.ms, ns: 0 };
        }
      }
      const vals = fieldValues(typed, doc);
      if (vals.length === 0) return undefined;
      let best = vals[0] as bigint;
      for (const v of vals) if ((v as bigint) < best) best = v as bigint;
      const ms = best / 1000000n - (best < 0n && best % 1000000n !== 0n ? 1n : 0n);
      return { ms: Number(ms), ns: Number(best - ms * 1000000n) };
    },
  };
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Consecutive events mostly share their hour: its `YYYY-MM-DDTHH` text and epoch ms are kept.
let lastHour = '';
let lastHourMs = 0;

/** The rest of a timestamp after a known hour: `:MM:SS[.fff…]Z`, or undefined. */
function restOfHour(s: string, hourMs: number): { ms: number; ns: number } | undefined {
  const n = s.length;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (mi < 0 || mi > 59 || se < 0 || se > 59) return undefined;
  let i = 19;
  let frac = 0;
  let fracDigits = 0;
  if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    i++;
    while (i < n && fracDigits < 9) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      frac = frac * 10 + c;
      fracDigits++;
      i++;
    }
    if (fracDigits === 0) return undefined;
  }
  if (i === n - 1 ? s.charCodeAt(i) !== 90 : i !== n) return undefined;
  for (let k = fracDigits; k < 9; k++) frac *= 10;
  return { ms: hourMs + mi * 60000 + se * 1000 + Math.floor(frac / 1e6), ns: frac % 1e6 };
}

/**
 * Quick parse of the common `2024-01-02T03:04:05.678Z` shape (UTC, years 1000–9999), without a
 * regular expression or a Date; anything else returns undefined for the full parser.
 */
export function fastIsoToMs(s: string): { ms: number; ns: number } | undefined {
  const n = s.length;
  if (n < 19) return undefined;
  if (lastHour.length === 13 && s.startsWith(lastHour)) return restOfHour(s, lastHourMs);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[mo - 1];
  if (d > dim) return undefined;
  // Days from 1970-01-01 (proleptic Gregorian).
  const yy = y - 1;
  const days =
    (y - 1970) * 365 +
    (Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) - 477) +
    DAYS_BEFORE[mo - 1] +
    (mo > 2 && leap ? 1 : 0) +
    d -
    1;
  const hourMs = days * 86400000 + h * 3600000;
  const r = restOfHour(s, hourMs);
  if (r) {
    lastHour = s.slice(0, 13);
    lastHourMs = hourMs;
  }
  return r;
}
