/**
 * Value conversions with the semantics of Elasticsearch's `convert` and `date` processors and of
 * the Java methods Painless scripts call (`Long.decode`, `Character.isWhitespace`, `String.trim`).
 */
import { isIP } from 'node:net';
import type { ConvertType } from './types.js';

/** Marker for a failed conversion (cheaper than exceptions on the hot path). */
export const FAIL: unique symbol = Symbol('conversion failed');
export type Converted = unknown | typeof FAIL;

const DECIMAL = /^[+-]?\d+$/;
const HEX_0X = /^-?0[xX][0-9a-fA-F]+$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java long range check for long digit strings (numbers within 15 digits always fit). */
function fitsLong(digits: string, radix: 10 | 16 | 8, neg: boolean): boolean {
  if (digits.length <= (radix === 10 ? 15 : radix === 16 ? 12 : 16)) return true;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  const b = BigInt(prefix + digits);
  return neg ? -b >= LONG_MIN : b <= LONG_MAX;
}

/** Elasticsearch `convert` to long: decimal, or `0x` hexadecimal (optionally negative). */
export function toLong(v: unknown): number | typeof FAIL {
  if (typeof v === 'number') return Number.isInteger(v) ? v : FAIL;
  if (typeof v !== 'string') return FAIL;
  if (DECIMAL.test(v)) {
    const neg = v.startsWith('-');
    const digits = v[0] === '-' || v[0] === '+' ? v.slice(1) : v;
    return fitsLong(digits, 10, neg) ? Number(v) : FAIL;
  }
  if (HEX_0X.test(v)) {
    const neg = v.startsWith('-');
    const digits = v.slice(neg ? 3 : 2);
    if (!fitsLong(digits, 16, neg)) return FAIL;
    const n = parseInt(digits, 16);
    return neg ? -n : n;
  }
  return FAIL;
}

/** Java `Long.decode`: sign, then `0x`/`0X`/`#` hexadecimal, `0…` octal, or decimal. */
export function decodeLong(v: unknown): number | typeof FAIL {
  if (typeof v === 'number') return Number.isInteger(v) ? v : FAIL;
  if (typeof v !== 'string' || v.length === 0) return FAIL;
  let i = 0;
  let neg = false;
  if (v[0] === '-' || v[0] === '+') {
    neg = v[0] === '-';
    i = 1;
  }
  let radix = 10;
  if (v.startsWith('0x', i) || v.startsWith('0X', i)) {
    radix = 16;
    i += 2;
  } else if (v.startsWith('#', i)) {
    radix = 16;
    i += 1;
  } else if (v.startsWith('0', i) && v.length > i + 1) {
    radix = 8;
    i += 1;
  }
  const digits = v.slice(i);
  if (digits.length === 0 || digits[0] === '-' || digits[0] === '+') return FAIL;
  const re = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!re.test(digits) || !fitsLong(digits, radix as 10 | 16 | 8, neg)) return FAIL;
  const n = parseInt(digits, radix);
  return neg ? -n : n;
}

export function toDouble(v: unknown): number | typeof FAIL {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return FAIL;
  const t = v.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return FAIL;
  return Number(t);
}

export function toBoolean(v: unknown): boolean | typeof FAIL {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return FAIL;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  return FAIL;
}

/** Elasticsearch keeps a valid address as written; only validity is checked. */
export function toIp(v: unknown): string | typeof FAIL {
  if (typeof v !== 'string') return FAIL;
  return isIP(v) !== 0 ? v : FAIL;
}

export function convertValue(v: unknown, type: ConvertType): Converted {
  switch (type) {
    case 'long':
      return toLong(v);
    case 'decode':
      return decodeLong(v);
    case 'double':
      return toDouble(v);
    case 'boolean':
      return toBoolean(v);
    case 'ip':
      return toIp(v);
    case 'string':
      return v === null || v === undefined ? FAIL : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** Java `Character.isWhitespace` (space separators except no-break spaces, and the ASCII controls it lists). */
export function isJavaWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x1680) return false;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x2006) ||
    (c >= 0x2008 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Java `String.trim`: strips code units up to U+0020 at both ends. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

// ---------------------------------------------------------------------------------------------
// Dates

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function utcMillis(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number | typeof FAIL {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]! || h > 23 || mi > 59 || s > 59) return FAIL;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return FAIL;
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const t = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  t.setUTCFullYear(y);
  return t.getTime();
}

function zoneMinutes(z: string | undefined, dflt: number): number {
  if (z === undefined) return dflt;
  if (z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (h * 60 + m);
}

/** Fraction digits to whole milliseconds, truncated. */
function fractionMillis(f: string | undefined): number {
  if (f === undefined) return 0;
  return Number((f + '00').slice(0, 3));
}

export function parseIso8601(v: string, defaultOffsetMinutes = 0): number | typeof FAIL {
  const m = ISO.exec(v);
  if (m === null) return FAIL;
  const t = utcMillis(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    m[4] === undefined ? 0 : Number(m[4]),
    m[5] === undefined ? 0 : Number(m[5]),
    m[6] === undefined ? 0 : Number(m[6]),
    fractionMillis(m[7]),
  );
  if (t === FAIL) return FAIL;
  return t - zoneMinutes(m[8], defaultOffsetMinutes) * 60_000;
}

type PatternParser = (v: string, offset: number) => number | typeof FAIL;

const patternCache = new Map<string, PatternParser>();

/** A Java `DateTimeFormatter` pattern subset: yyyy MM dd HH mm ss SSS(S…) and literals. */
function compileJavaPattern(pattern: string): PatternParser {
  const fields: string[] = [];
  let re = '^';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = pattern.slice(i + 1, end < 0 ? pattern.length : end);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === c) j++;
    const run = pattern.slice(i, j);
    if ('yMdHmsS'.includes(c)) {
      fields.push(c);
      re += c === 'S' ? `(\\d{${run.length}})` : c === 'y' ? '(\\d{4})' : `(\\d{${run.length}})`;
    } else {
      re += run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    i = j;
  }
  const rx = new RegExp(re + '$');
  return (v, offset) => {
    const m = rx.exec(v);
    if (m === null) return FAIL;
    let y = 1970;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    let ms = 0;
    fields.forEach((f, k) => {
      const g = m[k + 1]!;
      if (f === 'y') y = Number(g);
      else if (f === 'M') mo = Number(g);
      else if (f === 'd') d = Number(g);
      else if (f === 'H') h = Number(g);
      else if (f === 'm') mi = Number(g);
      else if (f === 's') s = Number(g);
      else ms = fractionMillis(g);
    });
    const t = utcMillis(y, mo, d, h, mi, s, ms);
    return t === FAIL ? FAIL : t - offset * 60_000;
  };
}

/** Parses a date with one format; returns epoch milliseconds (truncated) or FAIL. */
export function parseDate(v: unknown, format: string, offsetMinutes = 0): number | typeof FAIL {
  if (format === 'UNIX' || format === 'UNIX_MS') {
    const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
    const m = /^(-?\d+)(?:\.(\d+))?$/.exec(text);
    if (m === null) return FAIL;
    if (format === 'UNIX_MS') return Number(m[1]);
    const sec = Number(m[1]);
    const frac = fractionMillis(m[2]);
    return sec * 1000 + (sec < 0 || m[1] === '-0' ? -frac : frac);
  }
  if (typeof v !== 'string') return FAIL;
  if (format === 'ISO8601') return parseIso8601(v, offsetMinutes);
  let p = patternCache.get(format);
  if (p === undefined) {
    p = compileJavaPattern(format);
    patternCache.set(format, p);
  }
  return p(v, offsetMinutes);
}

/** `YYYY-MM-DDTHH:mm:ss.SSSZ`. */
export function formatMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DDTHH:mm:ssZ` (sub-second part dropped, as Fleet's final pipeline writes `event.ingested`). */
export function formatSeconds(ms: number): string {
  const iso = new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString();
  return iso.slice(0, iso.length - 5) + 'Z';
}
