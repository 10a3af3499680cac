/**
 * BinXml substitution values rendered to the text Windows prints for them.
 *
 * Every function takes the file buffer and an absolute byte range, so values are decoded straight
 * from the chunk without intermediate copies. Integer reads are hand-rolled (no DataView) because
 * they sit on the hottest path of the reader.
 */

/** BinXml value types (MS-EVEN6 "Type System"); `| ARRAY` marks an array of the base type. */
export const VT = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ARRAY: 0x80,
} as const;

const HEX_UPPER: string[] = [];
for (let i = 0; i < 256; i++) HEX_UPPER.push(i.toString(16).toUpperCase().padStart(2, '0'));

export function u16(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}

export function u32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
}

function i32(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
}

/** An unsigned 64-bit integer as a JS number; exact below 2^53, which covers record ids and offsets. */
export function u64n(b: Uint8Array, p: number): number {
  return u32(b, p + 4) * 0x100000000 + u32(b, p);
}

function u64str(b: Uint8Array, p: number): string {
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 0x100000000 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function i64str(b: Uint8Array, p: number): string {
  const hi = u32(b, p + 4);
  if (hi < 0x80000000) return u64str(b, p);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(u32(b, p))).toString();
}

/** `0x%x`, as Windows renders HexInt32/HexInt64/size_t (e.g. `0x3e7`, `0x8000000000000000`). */
function hexStr(b: Uint8Array, p: number, size: number): string {
  if (size === 4) return '0x' + u32(b, p).toString(16);
  const lo = u32(b, p);
  const hi = u32(b, p + 4);
  if (hi === 0) return '0x' + lo.toString(16);
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** Buffer's native slicers; declared here because @types/node does not list them. */
interface NativeSlices {
  ucs2Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}

/** UTF-16LE text; unpaired surrogates are kept as they are (JS strings can hold them). */
export function utf16(b: Buffer, start: number, end: number): string {
  if (end - start < 24) {
    // Short strings (element and attribute names, small values): a JS loop beats a native call.
    let s = '';
    for (let p = start; p + 1 < end; p += 2) s += String.fromCharCode(b[p] | (b[p + 1] << 8));
    return s;
  }
  return (b as unknown as NativeSlices).ucs2Slice(start, (end - start) & 1 ? end - 1 : end);
}

/** Windows-1252 code points for 0x80..0x9f (the rest of the code page is Latin-1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const CP1252_RE = /[\u0080-\u009f]/g;

/** An ANSI string in the Windows-1252 code page (what evtxexport and a US-English Windows assume). */
export function ansi(b: Buffer, start: number, end: number): string {
  const s = (b as unknown as NativeSlices).latin1Slice(start, end);
  return CP1252_RE.test(s) ? s.replace(CP1252_RE, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80])) : s;
}

function stripNuls(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

export function guid(b: Uint8Array, p: number): string {
  const h = HEX_UPPER;
  return (
    '{' +
    h[b[p + 3]] +
    h[b[p + 2]] +
    h[b[p + 1]] +
    h[b[p]] +
    '-' +
    h[b[p + 5]] +
    h[b[p + 4]] +
    '-' +
    h[b[p + 7]] +
    h[b[p + 6]] +
    '-' +
    h[b[p + 8]] +
    h[b[p + 9]] +
    '-' +
    h[b[p + 10]] +
    h[b[p + 11]] +
    h[b[p + 12]] +
    h[b[p + 13]] +
    h[b[p + 14]] +
    h[b[p + 15]] +
    '}'
  );
}

/** Byte length of the SID at `p` (8 + 4 per sub-authority), or -1 if it does not fit before `end`. */
export function sidLength(b: Uint8Array, p: number, end: number): number {
  if (p + 8 > end) return -1;
  const len = 8 + 4 * b[p + 1];
  return p + len > end ? -1 : len;
}

export function sid(b: Uint8Array, p: number, end: number): string {
  const len = sidLength(b, p, end);
  if (len < 0) return '';
  // The identifier authority is a 48-bit big-endian number; Windows prints it in hex above 2^32.
  const authHi = (b[p + 2] << 8) | b[p + 3];
  const authLo = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
  let s =
    'S-' +
    b[p] +
    '-' +
    (authHi === 0
      ? String(authLo)
      : '0x' + authHi.toString(16).toUpperCase().padStart(4, '0') + authLo.toString(16).toUpperCase().padStart(8, '0'));
  for (let q = p + 8; q < p + len; q += 4) s += '-' + u32(b, q);
  return s;
}

const TICKS_PER_SECOND = 10_000_000;
/** Seconds from 1601-01-01 to 1970-01-01. */
const EPOCH_DELTA_S = 11_644_473_600;
let lastDay = NaN;
let lastDate = '';

/** `YYYY-MM-DDTHH:MM:SS` of a Unix time; the date part is cached (records come in time order). */
function isoPrefix(unixSeconds: number): string {
  const day = Math.floor(unixSeconds / 86400);
  if (day !== lastDay) {
    const d = new Date(day * 86_400_000);
    // toISOString is `YYYY-MM-DDT…` (or `±YYYYYY-…T…` outside years 0..9999).
    const iso = Number.isNaN(d.getTime()) ? '' : d.toISOString();
    lastDate = iso.slice(0, iso.indexOf('T'));
    lastDay = day;
  }
  if (lastDate === '') return '';
  const t = unixSeconds - day * 86400;
  const h = Math.floor(t / 3600);
  const m = Math.floor(t / 60) % 60;
  return lastDate + 'T' + pad2(h) + ':' + pad2(m) + ':' + pad2(t % 60);
}

/**
 * FILETIME (100 ns ticks since 1601) as ISO-8601 UTC with 7 fractional digits, as Windows prints it.
 * Split arithmetic keeps it exact without BigInt: 2^32 = 429 * 10^7 + 4967296.
 */
export function filetimeParts(lo: number, hi: number): string {
  const rest = hi * 4967296 + lo;
  const seconds = hi * 429 + Math.floor(rest / TICKS_PER_SECOND);
  const frac = rest % TICKS_PER_SECOND;
  const prefix = isoPrefix(seconds - EPOCH_DELTA_S);
  if (prefix === '') return '';
  return prefix + '.' + String(frac).padStart(7, '0') + 'Z';
}

export function filetime(b: Uint8Array, p: number): string {
  return filetimeParts(u32(b, p), u32(b, p + 4));
}

/** FILETIME ticks as a BigInt (for callers that need to compare instants exactly). */
export function filetimeTicks(b: Uint8Array, p: number): bigint {
  return (BigInt(u32(b, p + 4)) << 32n) | BigInt(u32(b, p));
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** SYSTEMTIME (year, month, weekday, day, h, m, s, ms) as ISO-8601 UTC with 7 fractional digits. */
export function systemtime(b: Uint8Array, p: number): string {
  const year = u16(b, p);
  const ms = u16(b, p + 14);
  return (
    String(year).padStart(4, '0') +
    '-' +
    pad2(u16(b, p + 2)) +
    '-' +
    pad2(u16(b, p + 6)) +
    'T' +
    pad2(u16(b, p + 8)) +
    ':' +
    pad2(u16(b, p + 10)) +
    ':' +
    pad2(u16(b, p + 12)) +
    '.' +
    String(ms).padStart(3, '0') +
    '0000Z'
  );
}

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function real(v: number): string {
  if (Number.isNaN(v)) return '-1.#IND';
  if (v === Infinity) return '1.#INF';
  if (v === -Infinity) return '-1.#INF';
  return String(v);
}

/** Size in bytes of one element of a fixed-size array type, or 0 for variable-size element types. */
function elementSize(base: number, total: number): number {
  switch (base) {
    case VT.Int8:
    case VT.UInt8:
      return 1;
    case VT.Int16:
    case VT.UInt16:
      return 2;
    case VT.Int32:
    case VT.UInt32:
    case VT.Real32:
    case VT.Bool:
    case VT.HexInt32:
      return 4;
    case VT.Int64:
    case VT.UInt64:
    case VT.Real64:
    case VT.FileTime:
    case VT.HexInt64:
      return 8;
    case VT.SizeT:
      return total % 8 === 0 ? 8 : 4;
    case VT.Guid:
    case VT.SysTime:
      return 16;
    default:
      return 0;
  }
}

/**
 * Render a scalar value of `type` in `b[start, end)` as text. BinXml (0x21) is handled by the
 * caller (it becomes elements, not text); unknown types fall back to upper-case hex like Binary.
 */
export function renderScalar(b: Buffer, type: number, start: number, end: number): string {
  const size = end - start;
  switch (type) {
    case VT.Null:
      return '';
    case VT.String:
      return stripNuls(utf16(b, start, end));
    case VT.AnsiString:
      return stripNuls(ansi(b, start, end));
    case VT.Int8:
      return size < 1 ? '' : String((b[start] << 24) >> 24);
    case VT.UInt8:
      return size < 1 ? '' : String(b[start]);
    case VT.Int16:
      return size < 2 ? '' : String((u16(b, start) << 16) >> 16);
    case VT.UInt16:
      return size < 2 ? '' : String(u16(b, start));
    case VT.Int32:
      return size < 4 ? '' : String(i32(b, start));
    case VT.UInt32:
      return size < 4 ? '' : String(u32(b, start));
    case VT.Int64:
      return size < 8 ? '' : i64str(b, start);
    case VT.UInt64:
      return size < 8 ? '' : u64str(b, start);
    case VT.Real32:
      if (size < 4) return '';
      for (let i = 0; i < 4; i++) f32b[i] = b[start + i];
      // Windows prints singles with about 7 significant digits; Math.fround's shortest form is closest.
      return real(Number(f32[0].toPrecision(7)));
    case VT.Real64:
      if (size < 8) return '';
      for (let i = 0; i < 8; i++) f64b[i] = b[start + i];
      return real(f64[0]);
    case VT.Bool:
      // A 32-bit value; anything non-zero is true (some providers write 0x00000100 and the like).
      for (let p = start; p < end; p++) if (b[p] !== 0) return 'true';
      return 'false';
    case VT.Guid:
      return size < 16 ? '' : guid(b, start);
    case VT.SizeT:
    case VT.HexInt32:
    case VT.HexInt64:
      return size === 4 || size === 8 ? hexStr(b, start, size) : '';
    case VT.FileTime:
      return size < 8 ? '' : filetime(b, start);
    case VT.SysTime:
      return size < 16 ? '' : systemtime(b, start);
    case VT.Sid:
      return sid(b, start, end);
    case VT.Binary:
    default:
      return (b as unknown as NativeSlices).hexSlice(start, end).toUpperCase();
  }
}

/** Split an array value into the text of each item. */
export function renderArray(b: Buffer, type: number, start: number, end: number): string[] {
  const base = type & 0x7f;
  const out: string[] = [];
  if (base === VT.String) {
    // NUL-terminated UTF-16 strings back to back; a missing final terminator still ends an item.
    let s = start;
    for (let p = start; p + 1 < end; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) {
        out.push(utf16(b, s, p));
        s = p + 2;
      }
    }
    if (s + 1 < end) out.push(utf16(b, s, end));
    return out;
  }
  if (base === VT.AnsiString) {
    let s = start;
    for (let p = start; p < end; p++) {
      if (b[p] === 0) {
        out.push(ansi(b, s, p));
        s = p + 1;
      }
    }
    if (s < end) out.push(ansi(b, s, end));
    return out;
  }
  if (base === VT.Sid) {
    for (let p = start; p < end;) {
      const len = sidLength(b, p, end);
      if (len < 0) break;
      out.push(sid(b, p, p + len));
      p += len;
    }
    return out;
  }
  const es = elementSize(base, end - start);
  if (es === 0) {
    // Arrays of Binary/BinXml are not defined by MS-EVEN6: keep the bytes as one hex item.
    out.push(renderScalar(b, VT.Binary, start, end));
    return out;
  }
  for (let p = start; p + es <= end; p += es) out.push(renderScalar(b, base, p, p + es));
  return out;
}
