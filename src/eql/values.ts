/**
 * Index-time conversion of document values, as ES does it when it indexes a document: a value is
 * converted to the field's type (numbers from strings, dates parsed with the field's formats, IPs
 * normalised), values beyond `ignore_above` are not indexed, and `null_value` replaces JSON nulls.
 * Queries only ever see converted values, exactly like ES queries see indexed terms.
 */
import { dateParser, instantToNanos } from './dates.js';
import { ipKey } from './ip.js';
import { javaDoubleToString } from './java.js';
import type { DataType, FieldDef } from './types.js';

/** A converted scalar. Dates are epoch nanoseconds (bigint) so date_nanos stays exact. */
export type Scalar = string | number | boolean | bigint;

/** Converts one raw JSON scalar; `undefined` means "not a value" (not indexed). */
export type Coercer = (raw: unknown) => Scalar | undefined;

const NUMERIC_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

export function keywordOf(raw: unknown): string | undefined {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'number':
      // ES keeps the JSON text of a number in a keyword; JS parsing lost it, so print it as Java would.
      return Number.isInteger(raw) ? String(raw) : javaDoubleToString(raw);
    case 'boolean':
      return raw ? 'true' : 'false';
    default:
      return undefined;
  }
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'string' && NUMERIC_RE.test(raw)) return Number(raw);
  return undefined;
}

function dateCoercer(def: FieldDef): Coercer {
  const nanos = def.type === 'date_nanos';
  const parse = dateParser(def.formats?.join('||'), nanos);
  return (raw) => {
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) return undefined;
      const ms = Math.floor(raw);
      const frac = Math.round((raw - ms) * 1e6);
      return BigInt(ms) * 1000000n + (nanos ? BigInt(frac) : 0n);
    }
    if (typeof raw !== 'string') return undefined;
    const i = parse(raw);
    if (!i) return undefined;
    // A `date` field keeps milliseconds only.
    return nanos ? instantToNanos(i) : BigInt(i.ms) * 1000000n;
  };
}

/** The converter for a field's values. */
export function coercerFor(def: FieldDef): Coercer {
  const base = baseCoercer(def.type, def);
  if (def.nullValue === undefined) return base;
  const nv = base(def.nullValue);
  return (raw) => (raw === null ? nv : base(raw));
}

function baseCoercer(type: DataType, def: FieldDef | undefined): Coercer {
  switch (type) {
    case 'keyword':
    case 'text': {
      const limit = def?.ignoreAbove;
      if (limit === undefined) return keywordOf;
      return (raw) => {
        const s = keywordOf(raw);
        return s !== undefined && s.length <= limit ? s : undefined;
      };
    }
    case 'integer':
    case 'long':
      // ES coerces "12" and 12.7 to 12 for integral fields.
      return (raw) => {
        const n = toNumber(raw);
        return n === undefined ? undefined : Math.trunc(n);
      };
    case 'double':
      return toNumber;
    case 'boolean':
      return (raw) => {
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true') return true;
        if (raw === 'false' || raw === '') return false;
        return undefined;
      };
    case 'date':
    case 'date_nanos':
      return dateCoercer(def ?? { name: '', sourcePath: '', type, esType: type, exact: true });
    case 'ip':
      return (raw) => (typeof raw === 'string' ? ipKey(raw) : undefined);
    case 'version':
      return (raw) => (typeof raw === 'string' ? raw : undefined);
    case 'dynamic':
      return (raw) =>
        typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? (raw as Scalar) : undefined;
    default:
      return () => undefined;
  }
}

/** A coercer for a bare type (used for literals and function results). */
export function coercerForType(type: DataType): Coercer {
  return baseCoercer(type, undefined);
}

/**
 * Reads every value at a dotted path, as ES flattens a document: nested objects and dotted keys name
 * the same field, arrays of objects contribute each element, nested arrays flatten, nulls are skipped
 * unless `keepNull` (for `null_value`).
 */
export function collectValues(doc: unknown, parts: readonly string[], keepNull: boolean, out: unknown[]): void {
  walk(doc, keyTable(parts), 0, keepNull, out);
}

/** keys[i][j] = parts[i..j] joined with dots, computed once per path so lookups allocate nothing. */
function keyTable(parts: readonly string[]): string[][] {
  const keys: string[][] = [];
  for (let i = 0; i < parts.length; i++) {
    const row: string[] = [];
    let key = '';
    for (let j = i; j < parts.length; j++) {
      key = j === i ? parts[j] : `${key}.${parts[j]}`;
      row[j] = key;
    }
    keys.push(row);
  }
  return keys;
}

function pushLeaf(v: unknown, keepNull: boolean, out: unknown[]): void {
  if (v === null) {
    if (keepNull) out.push(null);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) pushLeaf(x, keepNull, out);
    return;
  }
  if (v !== undefined && typeof v !== 'object') out.push(v);
}

const hasOwn = Object.prototype.hasOwnProperty;

function walk(node: unknown, keys: string[][], i: number, keepNull: boolean, out: unknown[]): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const el of node) walk(el, keys, i, keepNull, out);
    return;
  }
  if (typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const row = keys[i];
  const last = keys.length - 1;
  for (let j = i; j <= last; j++) {
    const key = row[j];
    if (hasOwn.call(obj, key)) {
      const child = obj[key];
      if (j === last) pushLeaf(child, keepNull, out);
      else walk(child, keys, j + 1, keepNull, out);
    }
  }
}

/** Like `walk`, but returns undefined, the single leaf, or an array when several places hold values. */
function find(node: unknown, keys: string[][], i: number): unknown {
  if (node === null || node === undefined || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    for (const el of node) {
      const v = find(el, keys, i);
      if (v !== undefined) (out ??= []).push(v);
    }
    return out === undefined ? undefined : out.length === 1 ? out[0] : out;
  }
  const obj = node as Record<string, unknown>;
  const row = keys[i];
  const last = keys.length - 1;
  let result: unknown = undefined;
  let many: unknown[] | undefined;
  for (let j = i; j <= last; j++) {
    const key = row[j];
    if (!hasOwn.call(obj, key)) continue;
    const v = j === last ? obj[key] : find(obj[key], keys, j + 1);
    if (v === undefined) continue;
    if (result === undefined) result = v;
    else (many ??= [result]).push(v);
  }
  return many ?? result;
}

// ---- one document at a time: field reads shared by every query evaluated on it ----------------

let cachedDoc: object | undefined;
let cacheEpoch = 0;

/**
 * Lets every field accessor remember its last read of `doc` until `releaseDocument()`: an engine
 * that runs hundreds of queries over one event reads each field once. The caller promises not to
 * change `doc` in between.
 */
export function cacheDocument(doc: object): void {
  cachedDoc = doc;
  cacheEpoch = (cacheEpoch + 1) | 0;
}

export function releaseDocument(): void {
  cachedDoc = undefined;
  dotsDoc = undefined;
}

/** `access` with a one-entry memo that is used only for the document given to `cacheDocument`. */
export function memoAccessor(
  access: (doc: Record<string, unknown>) => unknown,
): (doc: Record<string, unknown>) => unknown {
  let epoch = NaN;
  let last: unknown;
  return (doc) => {
    if (doc !== cachedDoc) return access(doc);
    if (epoch !== cacheEpoch) {
      last = access(doc);
      epoch = cacheEpoch;
    }
    return last;
  };
}

/** Whether any object in `node` has a key with a dot (a flattened field name). */
function hasDottedKeys(node: unknown): boolean {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const x: unknown = node[i];
      if (x !== null && typeof x === 'object' && hasDottedKeys(x)) return true;
    }
    return false;
  }
  const obj = node as Record<string, unknown>;
  for (const k in obj) {
    if (k.includes('.')) return true;
    const v = obj[k];
    if (v !== null && typeof v === 'object' && hasDottedKeys(v)) return true;
  }
  return false;
}

let dotsDoc: object | undefined;
let dotsEpoch = NaN;
let dots = true;

/**
 * False when `doc` is the cached document and no key in it has a dot: a path the nested walk
 * does not find, without crossing an array, is then missing (known once per document, so the
 * fields most rules test and most events lack cost no dotted-key search).
 */
function mayHaveDottedKeys(doc: object): boolean {
  if (doc !== cachedDoc) return true;
  if (dotsEpoch !== cacheEpoch || dotsDoc !== doc) {
    dots = hasDottedKeys(doc);
    dotsEpoch = cacheEpoch;
    dotsDoc = doc;
  }
  return dots;
}

/**
 * A fast accessor for one field path: tries the plain nested walk first and falls back to the
 * full dotted-key search only when the nested walk finds nothing (and, for the cached document,
 * only if it has dotted keys or the walk met an array).
 * Returns the raw leaf: undefined, a scalar, null, or an array (possibly of objects for odd data).
 */
export function makeAccessor(path: string): (doc: Record<string, unknown>) => unknown {
  const parts = path.split('.');
  const keys = keyTable(parts);
  // Nulls are kept so that `null_value` mappings can see them; leaves skip them otherwise.
  // Missing fields are the common case here, so nothing is allocated unless several values exist.
  const slowMaybe = (doc: Record<string, unknown>): unknown => find(doc, keys, 0);
  /** The walk stopped at `at` (missing, null or a scalar, not an array). */
  const missing = (doc: Record<string, unknown>): unknown => (mayHaveDottedKeys(doc) ? find(doc, keys, 0) : undefined);
  if (parts.length === 1) {
    const k = parts[0];
    return (doc) => {
      const v = doc[k];
      return v !== undefined ? v : undefined;
    };
  }
  if (parts.length === 2) {
    const [a, b] = parts;
    return (doc) => {
      const o = doc[a];
      if (o !== null && typeof o === 'object') {
        if (Array.isArray(o)) return slowMaybe(doc);
        const v = (o as Record<string, unknown>)[b];
        if (v !== undefined) return v;
      }
      return missing(doc);
    };
  }
  if (parts.length === 3) {
    const [a, b, c] = parts;
    return (doc) => {
      const o = doc[a];
      if (o !== null && typeof o === 'object') {
        if (Array.isArray(o)) return slowMaybe(doc);
        const p = (o as Record<string, unknown>)[b];
        if (p !== null && typeof p === 'object') {
          if (Array.isArray(p)) return slowMaybe(doc);
          const v = (p as Record<string, unknown>)[c];
          if (v !== undefined) return v;
        }
      }
      return missing(doc);
    };
  }
  return (doc) => {
    let o: unknown = doc;
    for (let i = 0; i < parts.length; i++) {
      if (o === null || typeof o !== 'object') return missing(doc);
      if (Array.isArray(o)) return slowMaybe(doc);
      o = (o as Record<string, unknown>)[parts[i]];
      if (o === undefined) return missing(doc);
    }
    return o;
  };
}
