/**
 * Value conversions with the semantics of Elasticsearch's `convert` and `date` processors and of
 * the Java methods Painless scripts call (`Long.decode`, `Character.isWhitespace`, `String.trim`).
 */
import { isIP } from 'node:net';
import type { ConvertType } from './types.js';

/** Marker for a failed conversion (cheaper than exceptions on the hot path). */
export const FAIL: unique symbol = Symbol('conversion failed');
export type Converted = unknown | typeof FAIL;

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
  const n = v.length;
  const c0 = v.charCodeAt(0);
  const signed = c0 === 0x2b /* + */ || c0 === 0x2d; /* - */
  // Decimal (/^[+-]?\d+$/), scanned by hand: the common case, on every event.
  let i = signed ? 1 : 0;
  if (i < n) {
    while (i < n && isDigit(v.charCodeAt(i))) i++;
    if (i === n) {
      if (n <= 15) return Number(v);
      return fitsLong(signed ? v.slice(1) : v, 10, c0 === 0x2d) ? Number(v) : FAIL;
    }
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

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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

/** Parses `YYYY-MM-DDTHH:mm:ss[.f…]Z` without a regular expression (the shape of nearly every input). */
function parseCanonicalUtc(v: string): number | typeof FAIL | undefined {
  const n = v.length;
  if (!canonicalUtcShape(v)) return undefined;
  let ms = 0;
  for (let i = 20, k = 0; i < n - 1 && k < 3; i++, k++) ms = ms * 10 + (v.charCodeAt(i) - 48);
  const digits = n - 21;
  if (digits === 1) ms *= 100;
  else if (digits === 2) ms *= 10;
  return utcMillis(d2(v, 0) * 100 + d2(v, 2), d2(v, 5), d2(v, 8), d2(v, 11), d2(v, 14), d2(v, 17), ms);
}

/** Two ASCII digits at `i` as a number, or -1. */
function d2(v: string, i: number): number {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? -1 : a * 10 + b;
}

/**
 * `YYYY-MM-DDTHH:mm:ssZ` or `YYYY-MM-DDTHH:mm:ss.f…Z` (up to 9 fraction digits, or none after the
 * dot), every digit ASCII: the shape parseCanonicalUtc takes (ranges are checked by utcMillis).
 */
function canonicalUtcShape(v: string): boolean {
  const n = v.length;
  if (n < 20 || n > 30 || v.charCodeAt(n - 1) !== 0x5a /* Z */ || v.charCodeAt(10) !== 0x54 /* T */) return false;
  if (v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a)
    return false;
  if (n > 20) {
    if (v.charCodeAt(19) !== 0x2e) return false;
    for (let i = 20; i < n - 1; i++) if (v.charCodeAt(i) - 48 > 9 || v.charCodeAt(i) < 48) return false;
  }
  return (d2(v, 0) | d2(v, 2) | d2(v, 5) | d2(v, 8) | d2(v, 11) | d2(v, 14) | d2(v, 17)) >= 0;
}

/** canonicalUtcShape and utcMillis's range checks. */
function canonicalUtcValid(v: string): boolean {
  if (!canonicalUtcShape(v)) return false;
  const mo = d2(v, 5);
  const d = d2(v, 8);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]! || d2(v, 11) > 23 || d2(v, 14) > 59 || d2(v, 17) > 59)
    return false;
  if (mo === 2 && d === 29) {
    const y = d2(v, 0) * 100 + d2(v, 2);
    return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  }
  return true;
}

/**
 * `formatMillis(parseIso8601(v, offset))` (FAIL when not a date), by slicing when `v` is canonical
 * UTC: the text already holds every digit of the result (fraction truncated to milliseconds).
 */
export function isoMillisText(v: string, offsetMinutes = 0): string | typeof FAIL {
  // The same instant comes several times per event (@timestamp, time_created, a date step), and
  // a 24-character text this function just returned is its own millisecond text.
  if (v === lastMillisIn && offsetMinutes === lastMillisOffset) return lastMillisOut;
  if (v === lastMillisOut && v.length === 24) return v;
  const out = millisText(v, offsetMinutes);
  lastMillisIn = v;
  lastMillisOffset = offsetMinutes;
  lastMillisOut = out;
  return out;
}

let lastMillisIn = '';
let lastMillisOffset = 0;
let lastMillisOut: string | typeof FAIL = FAIL;

function millisText(v: string, offsetMinutes: number): string | typeof FAIL {
  if (canonicalUtcValid(v)) {
    const n = v.length;
    if (n === 24) return v;
    if (n === 20) return v.slice(0, 19) + '.000Z';
    const f = v.slice(20, Math.min(n - 1, 23));
    return v.slice(0, 20) + (f.length === 3 ? f : f.length === 2 ? f + '0' : f.length === 1 ? f + '00' : '000') + 'Z';
  }
  const t = parseIso8601(v, offsetMinutes);
  return t === FAIL || !Number.isFinite(t) ? FAIL : formatMillis(t);
}

/** `formatSeconds(parseIso8601(v, offset))` (FAIL when not a date), by slicing when `v` is canonical UTC. */
export function isoSecondsText(v: string, offsetMinutes = 0): string | typeof FAIL {
  // A 24-character millisecond text this module just produced is canonical and valid.
  if ((v === lastMillisOut && v.length === 24) || canonicalUtcValid(v))
    return v.length === 20 ? v : v.slice(0, 19) + 'Z';
  const t = parseIso8601(v, offsetMinutes);
  return t === FAIL || !Number.isFinite(t) ? FAIL : formatSeconds(t);
}

let lastIsoText = '';
let lastIsoOffset = 0;
let lastIsoValue: number | typeof FAIL = FAIL;

export function parseIso8601(v: string, defaultOffsetMinutes = 0): number | typeof FAIL {
  // The same instant is parsed several times per event (@timestamp, time_created, ingested).
  if (v === lastIsoText && defaultOffsetMinutes === lastIsoOffset) return lastIsoValue;
  let t = parseCanonicalUtc(v);
  if (t === undefined) {
    const m = ISO.exec(v);
    if (m === null) t = FAIL;
    else {
      const u = utcMillis(
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        m[4] === undefined ? 0 : Number(m[4]),
        m[5] === undefined ? 0 : Number(m[5]),
        m[6] === undefined ? 0 : Number(m[6]),
        fractionMillis(m[7]),
      );
      t = u === FAIL ? FAIL : u - zoneMinutes(m[8], defaultOffsetMinutes) * 60_000;
    }
  }
  lastIsoText = v;
  lastIsoOffset = defaultOffsetMinutes;
  lastIsoValue = t;
  return t;
}

export type PatternParser = (v: string, offset: number) => number | typeof FAIL;

const patternCache = new Map<string, PatternParser>();

/**
 * A Java `DateTimeFormatter` pattern subset: yyyy MM dd HH mm ss SSS(S…) and literals. Every field
 * has a fixed width (`y…` four digits, others as many as the letter is repeated), so the parser
 * checks the length, the literal characters and the ASCII digits in place, without a RegExp.
 */
function compileJavaPattern(pattern: string): PatternParser {
  // Per position: a literal char code, or a digit belonging to field `f` (for the S field, its digits).
  const lits: Array<[number, number]> = [];
  const fields: Array<{ f: string; at: number; len: number }> = [];
  let width = 0;
  const literal = (text: string): void => {
    for (let k = 0; k < text.length; k++) lits.push([width++, text.charCodeAt(k)]);
  };
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      literal(pattern.slice(i + 1, end < 0 ? pattern.length : end));
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === c) j++;
    if ('yMdHmsS'.includes(c)) {
      const len = c === 'y' ? 4 : j - i;
      fields.push({ f: c, at: width, len });
      width += len;
    } else literal(pattern.slice(i, j));
    i = j;
  }
  // Generated straight-line code: every position's check and every field's digits inline.
  const body: string[] = [`if (v.length !== ${width}) return FAIL;`];
  for (const [at, code] of lits) body.push(`if (v.charCodeAt(${at}) !== ${code}) return FAIL;`);
  const vars = new Map<string, string>([
    ['y', '1970'],
    ['M', '1'],
    ['d', '1'],
    ['H', '0'],
    ['m', '0'],
    ['s', '0'],
    ['S', '0'],
  ]);
  let digit = 0;
  for (const { f, at, len } of fields) {
    const ds: string[] = [];
    for (let q = at; q < at + len; q++) {
      const c = `c${digit++}`;
      body.push(`const ${c} = v.charCodeAt(${q}) - 48;`, `if (${c} < 0 || ${c} > 9) return FAIL;`);
      ds.push(c);
    }
    // A field written twice keeps its last value (as the former RegExp groups did).
    if (f === 'S') {
      // Fraction digits to whole milliseconds, truncated (fractionMillis).
      const three = ds.slice(0, 3);
      const value = three.reduce((acc, c) => `(${acc}) * 10 + ${c}`);
      vars.set('S', len >= 3 ? value : `(${value}) * ${len === 1 ? 100 : 10}`);
    } else
      vars.set(
        f,
        ds.reduce((acc, c) => `(${acc}) * 10 + ${c}`),
      );
  }
  body.push(
    `const t = utcMillis(${['y', 'M', 'd', 'H', 'm', 's', 'S'].map((k) => vars.get(k)).join(', ')});`,
    'return t === FAIL ? FAIL : t - offset * 60000;',
  );
  // Source made of numbers and fixed names only.
  return new Function('utcMillis', 'FAIL', `return function (v, offset) {\n${body.join('\n')}\n};`)(
    utcMillis,
    FAIL,
  ) as PatternParser;
}

/** The parser of a Java-style pattern (compiled once per pattern). */
export function patternParser(format: string): PatternParser {
  let p = patternCache.get(format);
  if (p === undefined) {
    p = compileJavaPattern(format);
    patternCache.set(format, p);
  }
  return p;
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
  return patternParser(format)(v, offsetMinutes);
}

const HOUR = 3_600_000;
const hourPrefixes = new Map<number, string>();

/** `YYYY-MM-DDTHH:` of the hour containing `ms` (cached: events of a collection share few hours). */
function hourPrefix(ms: number): string {
  const h = Math.floor(ms / HOUR);
  let p = hourPrefixes.get(h);
  if (p === undefined) {
    if (hourPrefixes.size >= 4096) hourPrefixes.clear();
    p = new Date(h * HOUR).toISOString().slice(0, 14);
    hourPrefixes.set(h, p);
  }
  return p;
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

/** `YYYY-MM-DDTHH:mm:ss.SSSZ`. */
export function formatMillis(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000)) return new Date(ms).toISOString();
  const r = ms - Math.floor(ms / HOUR) * HOUR;
  const mi = Math.floor(r / 60_000);
  const s = Math.floor((r % 60_000) / 1000);
  return `${hourPrefix(ms)}${pad2(mi)}:${pad2(s)}.${pad3(r % 1000)}Z`;
}

/** `YYYY-MM-DDTHH:mm:ssZ` (sub-second part dropped, as Fleet's final pipeline writes `event.ingested`). */
export function formatSeconds(ms: number): string {
  if (!(ms >= 0 && ms < 253402300800000)) {
    const iso = new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString();
    return iso.slice(0, iso.length - 5) + 'Z';
  }
  const r = ms - Math.floor(ms / HOUR) * HOUR;
  return `${hourPrefix(ms)}${pad2(Math.floor(r / 60_000))}:${pad2(Math.floor((r % 60_000) / 1000))}Z`;
}
