/**
 * The handful of Elasticsearch query clauses that exceptions and investigation pivots compile to
 * (`match_phrase`, `wildcard`, `exists`, `range`), evaluated over one document the way ES
 * evaluates them over the indexed values of the field. Field types come from the EQL core's
 * schema (ECS by default) and values are read with its `fieldValues`, so a number stored as a
 * string, a long keyword past `ignore_above` or an IPv6 address in another notation behave as
 * they do in ES.
 */
import { fieldValues, type FieldDef, type Scalar, type Schema } from '../eql/index.js';
// The EQL core's IP helpers: ES's `ip` type (v4/v6 in one space, CIDR terms) is needed as-is here.
import { cidrContains, ipKey, parseCidr } from '../eql/ip.js';

export type DocTest = (doc: Record<string, unknown>) => boolean;

/** A clause that can never match, with the reason ES would give (it would fail the search). */
export interface ClauseProblem {
  field: string;
  message: string;
}

export interface ResolvedField {
  def: FieldDef;
  /** Keyword normalizer (the `.caseless` multi-fields of Elastic Defend data lowercase values). */
  normalize?: (s: string) => string;
}

const lower = (s: string): string => s.toLowerCase();

function dynamicDef(name: string): FieldDef {
  return { name, sourcePath: name, type: 'dynamic', esType: 'dynamic', exact: true };
}

/**
 * Resolves a field name to its definition. Unknown fields are dynamically typed. `x.caseless`,
 * when the schema does not know it, is Elastic Defend's lowercase-normalized keyword of `x`.
 */
export function resolveField(schema: Schema, name: string): ResolvedField {
  const def = schema.resolve(name);
  if (def) return { def };
  if (name.endsWith('.caseless')) {
    const base = name.slice(0, -'.caseless'.length);
    const baseDef = schema.resolve(base);
    return {
      def: { name, sourcePath: baseDef?.sourcePath ?? base, type: 'keyword', esType: 'keyword', exact: true },
      normalize: lower,
    };
  }
  return { def: dynamicDef(name) };
}

/** The same field read relative to another object (an element of a nested array). */
export function relativeTo(field: ResolvedField, sourcePath: string): ResolvedField {
  return { ...field, def: { ...field.def, sourcePath } };
}

/** Raw values at a dotted path, objects included: nested objects and dotted keys name the same field. */
export function rawValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const parts = path.split('.');
  const walk = (node: unknown, i: number): void => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      for (const el of node) walk(el, i);
      return;
    }
    if (i === parts.length) {
      out.push(node);
      return;
    }
    if (typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    let key = '';
    for (let j = i; j < parts.length; j++) {
      key = j === i ? parts[j] : `${key}.${parts[j]}`;
      if (Object.prototype.hasOwnProperty.call(obj, key)) walk(obj[key], j + 1);
    }
  };
  walk(doc, 0);
  return out;
}

/** The value of a field as text, for templates and messages: the first scalar value. */
export function firstValue(doc: unknown, path: string): string | number | boolean | undefined {
  for (const v of rawValues(doc, path)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  }
  return undefined;
}

function asText(v: Scalar): string {
  return typeof v === 'string' ? v : String(v);
}

/** Standard-analyzer-like tokens (lowercased word runs; `.`, `'` and `:` inside words keep them whole). */
export function analyze(text: string): string[] {
  const tokens: string[] = [];
  const re = /[\p{L}\p{N}_]+(?:[.'’:][\p{L}\p{N}_]+)*/gu;
  for (const m of text.toLowerCase().matchAll(re)) tokens.push(m[0]);
  return tokens;
}

function containsPhrase(hay: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Converts a query value the way the field's type converts document values. */
function convertLike(def: FieldDef, value: unknown): Scalar | undefined {
  const probe: FieldDef = { ...def, sourcePath: 'v', ignoreAbove: undefined, nullValue: undefined };
  return fieldValues(probe, { v: value })[0];
}

/** Lucene wildcard syntax: `*` any run, `?` one character, `\` escapes the next character. */
export function luceneWildcard(pattern: string): RegExp {
  let re = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) {
      re += escapeRegex(chars[++i]);
    } else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += escapeRegex(c);
  }
  return new RegExp(`^${re}$`, 'su');
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export type Compiled = { test: DocTest } | { problem: string };

/**
 * `match_phrase` (and `term`) on a field: exact on keywords, typed on numbers, dates, IPs (with
 * CIDR) and booleans, an analyzed phrase on `text` fields.
 */
export function compilePhrase(field: ResolvedField, value: unknown): Compiled {
  const { def, normalize } = field;
  if (value === null || value === undefined) return { problem: 'no value to match' };
  switch (def.type) {
    case 'keyword':
    case 'version':
    case 'dynamic': {
      // Unmapped fields compare as their keyword text (ES's dynamic mapping keeps one for strings).
      const want = normalize ? normalize(String(value)) : String(value);
      return {
        test: (doc) => fieldValues(def, doc).some((v) => (normalize ? normalize(asText(v)) : asText(v)) === want),
      };
    }
    case 'text': {
      const phrase = analyze(String(value));
      if (phrase.length === 0) return { test: () => false };
      return { test: (doc) => fieldValues(def, doc).some((v) => containsPhrase(analyze(asText(v)), phrase)) };
    }
    case 'integer':
    case 'long':
    case 'double': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(n))
        return { problem: `[${String(value)}] is not a number (field ${def.name} is ${def.esType})` };
      if (def.type !== 'double' && !Number.isInteger(n))
        return { problem: `Value [${String(value)}] has a decimal part (field ${def.name} is ${def.esType})` };
      return { test: (doc) => fieldValues(def, doc).some((v) => v === n) };
    }
    case 'boolean': {
      const b = value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
      if (b === undefined) return { problem: `Can't parse boolean value [${String(value)}]` };
      return { test: (doc) => fieldValues(def, doc).some((v) => v === b) };
    }
    case 'ip': {
      const text = String(value);
      if (text.includes('/')) {
        const cidr = parseCidr(text);
        if (!cidr) return { problem: `[${text}] is not an IP address or CIDR block` };
        return { test: (doc) => fieldValues(def, doc).some((v) => cidrContains(cidr, asText(v))) };
      }
      const key = ipKey(text);
      if (!key) return { problem: `[${text}] is not an IP address` };
      return { test: (doc) => fieldValues(def, doc).some((v) => v === key) };
    }
    case 'date':
    case 'date_nanos': {
      const want = convertLike(def, value);
      if (want === undefined) return { problem: `failed to parse date [${String(value)}] for field ${def.name}` };
      return { test: (doc) => fieldValues(def, doc).some((v) => v === want) };
    }
    default:
      return { problem: `field ${def.name} (${def.esType}) cannot be matched by value` };
  }
}

/** `wildcard` query: Lucene wildcard over whole keyword values (case-sensitive), or over the terms of a text field. */
export function compileWildcard(field: ResolvedField, pattern: string, caseInsensitive = false): Compiled {
  const { def } = field;
  const normalize = caseInsensitive ? lower : field.normalize;
  const re = luceneWildcard(normalize ? normalize(pattern) : pattern);
  switch (def.type) {
    case 'keyword':
    case 'version':
    case 'dynamic':
      return {
        test: (doc) =>
          fieldValues(def, doc).some((v) => typeof v === 'string' && re.test(normalize ? normalize(v) : v)),
      };
    case 'text':
      return {
        test: (doc) => fieldValues(def, doc).some((v) => analyze(asText(v)).some((t) => re.test(t))),
      };
    default:
      return { problem: `Can only use wildcard queries on keyword, text and wildcard fields - not on [${def.name}]` };
  }
}

/** `exists`: the field has at least one indexed value (an object field: any sub-field does). */
export function compileExists(schema: Schema, field: ResolvedField): DocTest {
  const { def } = field;
  if (def.type === 'dynamic' || def.type === 'object' || def.type === 'nested' || schema.isObject(def.name)) {
    const path = def.sourcePath;
    return (doc) => rawValues(doc, path).some((v) => v !== null && (typeof v !== 'object' || hasLeaf(v)));
  }
  return (doc) => fieldValues(def, doc).length > 0;
}

function hasLeaf(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.some(hasLeaf);
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).some(hasLeaf);
  return true;
}

export interface RangeBounds {
  gte?: unknown;
  gt?: unknown;
  lte?: unknown;
  lt?: unknown;
}

/** `range` on a field, comparing in the field's type (numbers, dates, IPs, strings). */
export function compileRange(field: ResolvedField, bounds: RangeBounds): Compiled {
  const { def } = field;
  const conv = (x: unknown): Scalar | undefined => {
    if (x === undefined || x === null || x === '') return undefined;
    if (def.type === 'dynamic') return typeof x === 'number' ? x : Number.isFinite(Number(x)) ? Number(x) : String(x);
    return convertLike(def, x);
  };
  const checks: Array<[Scalar, (c: number) => boolean]> = [];
  for (const [k, ok] of [
    ['gte', (c: number) => c >= 0],
    ['gt', (c: number) => c > 0],
    ['lte', (c: number) => c <= 0],
    ['lt', (c: number) => c < 0],
  ] as const) {
    const raw = bounds[k];
    if (raw === undefined || raw === null || raw === '') continue;
    const b = conv(raw);
    if (b === undefined) return { problem: `range bound ${k} [${String(raw)}] does not fit field ${def.name}` };
    checks.push([b, ok]);
  }
  const cmp = (a: Scalar, b: Scalar): number | undefined => {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    return undefined;
  };
  return {
    test: (doc) =>
      fieldValues(def, doc).some((v) =>
        checks.every(([b, ok]) => {
          const c = cmp(v, b);
          return c !== undefined && ok(c);
        }),
      ),
  };
}
