/**
 * Date parsing as Elasticsearch does it for `date` / `date_nanos` fields and for date literals:
 * the default format `strict_date_optional_time||epoch_millis`, the common named formats, and
 * Java `DateTimeFormatter` patterns such as `dd-MM-yyyy`.
 *
 * An instant is kept as epoch milliseconds (an integer number) plus the nanoseconds within that
 * millisecond (0..999999), so `date_nanos` values compare exactly.
 */

export interface Instant {
  ms: number;
  /** Nanoseconds within the millisecond, 0..999999. */
  nanos: number;
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.ms !== b.ms ? (a.ms < b.ms ? -1 : 1) : a.nanos - b.nanos;
}

type Parser = (text: string) => Instant | undefined;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian), without Date's two-digit-year quirks. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const y0 = m <= 2 ? y - 1 : y;
  const era = Math.floor(y0 / 400);
  const yoe = y0 - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
void DAYS_BEFORE_MONTH;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offsetMinutes: number;
}

function toInstant(f: Fields): Instant | undefined {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
  if (f.hour > 24 || f.minute > 59 || f.second > 59) return undefined;
  const days = daysFromCivil(f.year, f.month, f.day);
  const ms =
    days * 86400000 +
    f.hour * 3600000 +
    (f.minute - f.offsetMinutes) * 60000 +
    f.second * 1000 +
    Math.floor(f.nanos / 1e6);
  return { ms, nanos: f.nanos % 1e6 };
}

/**
 * `strict_date_optional_time` (and its `_nanos` variant, which only widens the fraction):
 * yyyy[-MM[-dd['T'HH[:mm[:ss[.S…]]][zone]]]], zone = Z | ±HH:mm | ±HHmm | ±HH.
 */
const ISO_RE =
  /^([+-]?\d{4,9})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

function parseIsoLike(text: string, strict: boolean): Instant | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  if (strict && m[1].replace(/^[+-]/, '').length !== 4) return undefined;
  const frac = m[7] ?? '';
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  return toInstant({
    year: Number(m[1]),
    month: m[2] ? Number(m[2]) : 1,
    day: m[3] ? Number(m[3]) : 1,
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    nanos: frac ? Number(frac.padEnd(9, '0')) : 0,
    offsetMinutes,
  });
}

/** `epoch_millis`: an integer or decimal number of milliseconds (the fraction gives nanoseconds). */
function parseEpochMillis(text: string): Instant | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]);
  if (!Number.isSafeInteger(ms)) return undefined;
  const nanos = m[2] ? Number(m[2].padEnd(6, '0')) : 0;
  return ms < 0 && nanos > 0 ? { ms: ms - 1, nanos: 1e6 - nanos } : { ms, nanos };
}

function parseEpochSecond(text: string): Instant | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return undefined;
  const s = Number(m[1]);
  const frac = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  return { ms: s * 1000 + Math.floor(frac / 1e6), nanos: frac % 1e6 };
}

const NAMED: Record<string, Parser> = {
  strict_date_optional_time: (t) => parseIsoLike(t, true),
  strict_date_optional_time_nanos: (t) => parseIsoLike(t, true),
  date_optional_time: (t) => parseIsoLike(t, false),
  strict_date_time: (t) => (/T.*(Z|[+-]\d)/.test(t) ? parseIsoLike(t, true) : undefined),
  date_time: (t) => parseIsoLike(t, false),
  strict_date: (t) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? parseIsoLike(t, true) : undefined),
  date: (t) => (/^\d{4}-\d{2}-\d{2}$/.test(t) ? parseIsoLike(t, true) : undefined),
  epoch_millis: parseEpochMillis,
  epoch_second: parseEpochSecond,
  basic_date: (t) =>
    /^\d{8}$/.test(t) ? parseIsoLike(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6)}`, true) : undefined,
};

/** Compiles a Java `DateTimeFormatter`-style pattern (`dd-MM-yyyy HH:mm:ss.SSS`, `'T'` literals). */
function compilePattern(pattern: string): Parser {
  let re = '^';
  const groups: string[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const lit = pattern.slice(i + 1, close < 0 ? pattern.length : close);
      re += lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = close < 0 ? pattern.length : close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const run = pattern.slice(i, j);
      i = j;
      switch (c) {
        case 'y':
        case 'u':
          re += run.length === 2 ? '(\\d{2})' : '([+-]?\\d{4,9})';
          groups.push(run.length === 2 ? 'yy' : 'y');
          break;
        case 'M':
          re += '(\\d{1,2})';
          groups.push('M');
          break;
        case 'd':
          re += '(\\d{1,2})';
          groups.push('d');
          break;
        case 'H':
          re += '(\\d{1,2})';
          groups.push('H');
          break;
        case 'm':
          re += '(\\d{1,2})';
          groups.push('m');
          break;
        case 's':
          re += '(\\d{1,2})';
          groups.push('s');
          break;
        case 'S':
          re += `(\\d{1,${Math.max(run.length, 1)}})`;
          groups.push('S');
          break;
        case 'X':
        case 'Z':
        case 'x':
          re += '(Z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})';
          groups.push('Z');
          break;
        default:
          // Unsupported pattern letters never match rather than match wrongly.
          re += '(?!)';
      }
      continue;
    }
    re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  const rx = new RegExp(re + '$');
  return (text) => {
    const m = rx.exec(text);
    if (!m) return undefined;
    const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offsetMinutes: 0 };
    groups.forEach((g, k) => {
      const v = m[k + 1];
      switch (g) {
        case 'y':
          f.year = Number(v);
          break;
        case 'yy':
          f.year = 2000 + Number(v);
          break;
        case 'M':
          f.month = Number(v);
          break;
        case 'd':
          f.day = Number(v);
          break;
        case 'H':
          f.hour = Number(v);
          break;
        case 'm':
          f.minute = Number(v);
          break;
        case 's':
          f.second = Number(v);
          break;
        case 'S':
          f.nanos = Number(v.padEnd(9, '0'));
          break;
        case 'Z':
          if (v !== 'Z') {
            const sign = v[0] === '-' ? -1 : 1;
            const d = v.slice(1).replace(':', '');
            f.offsetMinutes = sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4) || '0'));
          }
          break;
      }
    });
    return toInstant(f);
  };
}

const cache = new Map<string, Parser>();

/** A parser for an ES `format` string (`a||b||c`); undefined format means the ES default. */
export function dateParser(format: string | undefined, nanos = false): Parser {
  const key = `${nanos ? 'n' : 'm'}|${format ?? ''}`;
  let p = cache.get(key);
  if (p) return p;
  const parts = (
    format ?? (nanos ? 'strict_date_optional_time_nanos||epoch_millis' : 'strict_date_optional_time||epoch_millis')
  )
    .split('||')
    .map((s) => s.trim())
    .filter(Boolean);
  const parsers = parts.map((part) => NAMED[part] ?? compilePattern(part));
  p = (text: string) => {
    for (const q of parsers) {
      const r = q(text);
      if (r) return r;
    }
    return undefined;
  };
  cache.set(key, p);
  return p;
}

/** Formats an instant as ES prints dates in responses: `2017-08-30T20:47:33.000Z` (nanos when present). */
export function formatInstant(i: Instant, withNanos = false): string {
  const iso = new Date(i.ms).toISOString();
  if (!withNanos || i.nanos === 0) return iso;
  const msPart = iso.slice(20, 23);
  return `${iso.slice(0, 20)}${msPart}${String(i.nanos).padStart(6, '0')}Z`;
}

/** The instant range a date literal denotes: ES rounds the unspecified part down for the lower bound and up for the upper. */
export interface DateBounds {
  lower: bigint;
  upper: bigint;
}

export function instantToNanos(i: Instant): bigint {
  return BigInt(i.ms) * 1000000n + BigInt(i.nanos);
}

/**
 * Parses a date literal for comparison with a date field. The precision of the text decides the
 * width of the range: `2017-08-30T20:47:33Z` covers that whole second, `1516116808349` one millisecond.
 */
export function parseDateLiteral(
  text: string,
  formats: string[] | undefined,
  nanosField: boolean,
): DateBounds | undefined {
  const iso = ISO_RE.exec(text);
  if (iso) {
    const i = parseIsoLike(text, false);
    if (!i) return undefined;
    const lower = instantToNanos(i);
    let width: bigint;
    if (iso[7]) width = 10n ** BigInt(9 - iso[7].length);
    else if (iso[6]) width = 1000000000n;
    else if (iso[5]) width = 60000000000n;
    else if (iso[4]) width = 3600000000000n;
    else if (iso[3]) width = 86400000000000n;
    else {
      // a month or a year: compute the next boundary exactly
      const y = Number(iso[1]);
      const m = iso[2] ? Number(iso[2]) : 0;
      const next = m
        ? m === 12
          ? daysFromCivil(y + 1, 1, 1)
          : daysFromCivil(y, m + 1, 1)
        : daysFromCivil(y + 1, 1, 1);
      width = BigInt(next) * 86400000000000n - lower;
    }
    return { lower, upper: lower + width - 1n };
  }
  const em = /^(-?\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (em) {
    const i = parseEpochMillis(text);
    if (!i) return undefined;
    const lower = instantToNanos(i);
    const width = em[2] ? 10n ** BigInt(6 - em[2].length) : 1000000n;
    return { lower, upper: lower + width - 1n };
  }
  const i = dateParser(formats?.join('||'), nanosField)(text);
  if (!i) return undefined;
  const lower = instantToNanos(i);
  // Custom patterns: the finest unit present decides; days are the common case (dd-MM-yyyy).
  const fmt = formats?.join('||') ?? '';
  let width = 86400000000000n;
  if (/S/.test(fmt)) width = 1000000n;
  else if (/s/.test(fmt)) width = 1000000000n;
  else if (/m/.test(fmt)) width = 60000000000n;
  else if (/H/.test(fmt)) width = 3600000000000n;
  return { lower, upper: lower + width - 1n };
}

/** Epoch nanoseconds → ISO text with millisecond precision (and nanoseconds when asked and present). */
export function formatNanos(ns: bigint, withNanos = false): string {
  const ms = ns / 1000000n - (ns < 0n && ns % 1000000n !== 0n ? 1n : 0n);
  const rest = Number(ns - ms * 1000000n);
  return formatInstant({ ms: Number(ms), nanos: rest }, withNanos);
}
