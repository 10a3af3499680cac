/**
 * Compiles analyzed conditions into closures over documents, following ES's split between leaves
 * that become Lucene queries (a field and constants: true iff some value of the field satisfies the
 * leaf) and leaves that become scripts (functions or arithmetic: true iff some combination of field
 * values yields exactly `true`). Negations and `!=` are two-valued per document (SEMANTICS §6).
 */
import { EqlError } from './errors.js';
import { parseDateLiteral } from './dates.js';
import { foldCase } from './fold.js';
import type { Value } from './functions.js';
import { cidrContains, cidrsContain, ipKey, parseCidr } from './ip.js';
import { javaToString } from './java.js';
import { fieldsOf, type TExpr, type TField } from './plan.js';
import { compileLuceneRegex, isLiteralLuceneRegex, RegexSyntaxError } from './regex.js';
import { compileScript } from './script.js';
import type { DataType, FieldDef } from './types.js';
import { coercerFor, makeAccessor, memoAccessor, type Scalar } from './values.js';
import { compareVersions } from './version.js';
import { compileWildcard, compileWildcardList, hasWildcards, patternLiterals } from './wildcard.js';

/** A test on one converted value of a field. */
export type ValueTest = (v: Scalar) => boolean;

export interface FieldLeaf {
  def: FieldDef;
  test: ValueTest;
  /** Source text, for explain output and messages. */
  text: string;
  /** Relative evaluation cost, used to order conjunctions (cheap first). */
  cost: number;
  /** Strings a matching value must contain (case-folded when `ci`), for line prefiltering. */
  literals?: { values: string[]; ci: boolean };
  /**
   * For a wildcard list: each pattern's literal parts, each part in its spellings (case-folded
   * when `literals.ci`). A matching value holds every part of one of the patterns, where
   * `literals` keeps only the best part of each.
   */
  parts?: string[][][];
  /**
   * The leaf holds only for a value equal to one of these (case-folded with `foldCase` when `ci`):
   * exact string leaves on keyword/text fields. Engines index rules on it to skip rules that
   * cannot match an event.
   */
  exact?: { values: string[]; ci: boolean };
  /**
   * The leaf holds only for a value containing one of these printable-ASCII strings (the value
   * case-folded with `foldCase` when `ci`): wildcard and prefix/suffix/substring leaves on
   * keyword/text fields, for indexing rules like `exact`.
   */
  contains?: { values: string[]; ci: boolean };
  /** For a list (`: (…)`, `in (…)`): one test per alternative, built on demand, for explain output. */
  alternatives?: () => Array<{ label: string; test: ValueTest }>;
}

export type Cond =
  | { k: 'const'; v: boolean }
  | { k: 'and' | 'or'; items: Cond[] }
  | { k: 'not'; c: Cond }
  | { k: 'leaf'; leaf: FieldLeaf }
  | { k: 'exists'; def: FieldDef; text: string }
  | { k: 'script'; expr: TExpr; text: string; wantNull: boolean };

export type DocPredicate = (doc: Record<string, unknown>) => boolean;

function runtimeError(detail: string, e: TExpr): never {
  throw new EqlError('runtime', detail, e.span);
}

// ---- literal conversion to a field's type (what a term/range query on that field does) ------

interface Bounds {
  lower: bigint;
  upper: bigint;
}

function toFieldLiteral(def: FieldDef, v: Value, node: TExpr): Scalar | Bounds {
  const fail = (): never =>
    runtimeError(
      `failed to create query: value [${String(v)}] cannot be converted to the type [${def.type}] of field [${def.name}]`,
      node,
    );
  if (v === null) fail();
  switch (def.type) {
    case 'keyword':
    case 'text':
    case 'version':
      return typeof v === 'string' ? v : javaToString(v, typeof v === 'number' && !Number.isInteger(v));
    case 'integer':
    case 'long':
    case 'double': {
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
      return fail();
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return fail();
    case 'date':
    case 'date_nanos': {
      if (typeof v === 'number') {
        const lower = BigInt(Math.trunc(v)) * 1000000n;
        return { lower, upper: lower + 999999n };
      }
      if (typeof v === 'string') {
        const b = parseDateLiteral(v, def.formats, def.type === 'date_nanos');
        if (b) return b;
      }
      return fail();
    }
    case 'ip': {
      if (typeof v !== 'string') return fail();
      const k = ipKey(v);
      if (k) return k;
      // ES's ip term query accepts CIDR notation and matches the whole block.
      if (v.includes('/') && parseCidr(v)) return v;
      return fail();
    }
    case 'dynamic':
      return v as Scalar;
    default:
      return fail();
  }
}

/** Code point order (UTF-8 byte order), which is how Lucene compares keyword terms. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (U+D800..DFFF) encode code points above every BMP character.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

function isBounds(x: Scalar | Bounds): x is Bounds {
  return typeof x === 'object';
}

/** Compares a value with a literal for the field type; NaN when they are not comparable. */
function comparator(def: FieldDef): (v: Scalar, lit: Scalar) => number {
  switch (def.type) {
    case 'keyword':
    case 'text':
    case 'ip':
      return (v, l) => compareCodePoints(v as string, l as string);
    case 'version':
      return (v, l) => compareVersions(v as string, l as string);
    case 'boolean':
      return (v, l) => (v === l ? 0 : v ? 1 : -1);
    case 'dynamic':
      return dynamicCompare;
    default:
      return (v, l) => ((v as number) < (l as number) ? -1 : (v as number) > (l as number) ? 1 : 0);
  }
}

/** Comparison for fields typed by their values (infer mode): numbers numerically, else as text. */
function dynamicCompare(v: Scalar, l: Scalar): number {
  if (typeof v === 'number') {
    const n = typeof l === 'number' ? l : typeof l === 'string' && l.trim() !== '' ? Number(l) : NaN;
    if (Number.isNaN(n)) return NaN;
    return v < n ? -1 : v > n ? 1 : 0;
  }
  if (typeof v === 'boolean') {
    const b = typeof l === 'boolean' ? l : l === 'true' ? true : l === 'false' ? false : undefined;
    if (b === undefined) return NaN;
    return v === b ? 0 : v ? 1 : -1;
  }
  const s = typeof l === 'string' ? l : javaToString(l, typeof l === 'number' && !Number.isInteger(l));
  return compareCodePoints(String(v), s);
}

function valueTestForCompare(def: FieldDef, op: string, litv: Scalar | Bounds): ValueTest {
  if (isBounds(litv)) {
    const { lower, upper } = litv;
    switch (op) {
      case '==':
      case '!=':
        return (v) => (v as bigint) >= lower && (v as bigint) <= upper;
      case '<':
        return (v) => (v as bigint) < lower;
      case '<=':
        return (v) => (v as bigint) <= upper;
      case '>':
        return (v) => (v as bigint) > upper;
      default:
        return (v) => (v as bigint) >= lower;
    }
  }
  if (op === '==' || op === '!=') {
    if (def.type === 'dynamic') return (v) => dynamicCompare(v, litv) === 0;
    if (def.type === 'ip' && typeof litv === 'string' && litv.length !== 32) {
      const c = parseCidr(litv);
      if (c) return (v) => cidrContains(c, v as string);
    }
    return (v) => v === litv;
  }
  const cmp = comparator(def);
  switch (op) {
    case '<':
      return (v) => cmp(v, litv) < 0;
    case '<=':
      return (v) => cmp(v, litv) <= 0;
    case '>':
      return (v) => cmp(v, litv) > 0;
    default:
      return (v) => cmp(v, litv) >= 0;
  }
}

// ---- building the condition tree --------------------------------------------------------------

const COST = { eq: 1, range: 2, in: 2, prefix: 3, wildcard: 4, regex: 6 };

function leaf(def: FieldDef, test: ValueTest, text: string, cost: number, literals?: FieldLeaf['literals']): Cond {
  return { k: 'leaf', leaf: { def, test, text, cost, literals } };
}

/** Marks a leaf as exact-match on a string field (see `FieldLeaf.exact`). */
function exactLeaf(c: Cond, values: string[], ci: boolean): Cond {
  if (c.k === 'leaf' && (c.leaf.def.type === 'keyword' || c.leaf.def.type === 'text')) c.leaf.exact = { values, ci };
  return c;
}

/** Marks a leaf as holding only for values containing one of `values` (see `FieldLeaf.contains`). */
function containsLeaf(c: Cond, values: string[] | undefined, ci: boolean): Cond {
  if (values && c.k === 'leaf' && (c.leaf.def.type === 'keyword' || c.leaf.def.type === 'text'))
    c.leaf.contains = { values, ci };
  return c;
}

/** A leaf whose test is on text: keyword/text values as they are, dynamic values printed as Java would. */
function stringLeaf(
  def: FieldDef,
  test: (s: string) => boolean,
  text: string,
  cost: number,
  literals?: FieldLeaf['literals'],
): Cond {
  const valueTest: ValueTest =
    def.type === 'dynamic'
      ? (v) => test(typeof v === 'string' ? v : javaToString(v as Value, false))
      : (v) => typeof v === 'string' && test(v);
  return leaf(def, valueTest, text, cost, literals);
}

/** Characters some JSON writers escape (PHP `\/`, Go `\u003c`…), with every form a line may hold. */
const ESCAPABLE: Record<string, string[]> = {
  '/': ['/', '\\/'],
  '<': ['<', '\\u003c', '\\u003C'],
  '>': ['>', '\\u003e', '\\u003E'],
  '&': ['&', '\\u0026'],
};

function variants(run: string): string[] {
  let out = [''];
  for (const ch of run) {
    const forms = ESCAPABLE[ch] ?? [ch];
    out = out.flatMap((o) => forms.map((f) => o + f));
  }
  return out;
}

/**
 * Strings one of which a JSON line holding `s` must contain, or undefined when `s` has no usable
 * part of 3 characters. Any substring of printable ASCII without `"` and `\\` (always escaped)
 * qualifies: the longest without characters some writers escape, or when that is short (under 5)
 * a longer one with at most two of them, in every form a writer may give them.
 */
function literalOf(s: string): string[] | undefined {
  let clean: string | undefined;
  let mixed: string | undefined;
  for (const run of s.split(/[^\x20-\x7e]|["\\]/)) {
    for (const piece of run.split(/[/<>&]/))
      if (piece.length >= 3 && piece.length > (clean?.length ?? 0)) clean = piece;
    // The longest window of the run holding at most two escapable characters.
    let from = 0;
    let n = 0;
    for (let to = 0; to < run.length; to++) {
      if (run[to] in ESCAPABLE) n++;
      while (n > 2) if (run[from++] in ESCAPABLE) n--;
      const len = to - from + 1;
      if (len >= 3 && len > (mixed?.length ?? 0)) mixed = run.slice(from, to + 1);
    }
  }
  // A short clean part ("cmd" of "/?cMD<") matches too much: a longer one in all its forms is better.
  if (clean && (clean.length >= 5 || !mixed || mixed.length <= clean.length)) return [clean];
  return mixed === undefined ? undefined : variants(mixed);
}

/** Literals for a list of values (a line must hold one of them), or undefined when a value has none. */
function literalsOf(values: string[]): string[] | undefined {
  const out = new Set<string>();
  for (const v of values) {
    const l = literalOf(v);
    if (l === undefined) return undefined;
    for (const x of l) out.add(x);
  }
  return [...out];
}

/** Every literal part of each pattern (see `FieldLeaf.parts`), each in its spellings. */
function wildcardParts(patterns: string[]): string[][][] {
  return patterns.map((p) =>
    p
      .split(/[*?]/)
      .map(literalOf)
      .filter((l): l is string[] => l !== undefined),
  );
}

/**
 * One part per pattern, the best (fewest spellings, then longest), all pooled: a matching value
 * holds one of them. Undefined when some pattern has no literal part.
 */
function wildcardLiterals(parts: string[][][]): string[] | undefined {
  const out = new Set<string>();
  for (const ps of parts) {
    let best: string[] | undefined;
    for (const l of ps)
      if (!best || l.length < best.length || (l.length === best.length && l[0].length > best[0].length)) best = l;
    if (best === undefined) return undefined;
    for (const x of best) out.add(x);
  }
  return [...out];
}

/** Adds per-alternative tests to a list leaf, so explain can say which pattern matched. */
function withAlternatives(c: Cond, items: string[], one: (item: string) => Cond): Cond {
  if (c.k !== 'leaf' || items.length < 2) return c;
  let memo: Array<{ label: string; test: ValueTest }> | undefined;
  c.leaf.alternatives = () =>
    (memo ??= items.map((item) => {
      const single = one(item);
      return { label: item, test: single.k === 'leaf' ? single.leaf.test : () => false };
    }));
  return c;
}

function matchLeaf(f: TField, op: string, patterns: string[], text: string): Cond {
  return withAlternatives(matchLeafAll(f, op, patterns, text), patterns, (p) => matchLeafAll(f, op, [p], text));
}

function matchLeafAll(f: TField, op: string, patterns: string[], text: string): Cond {
  const def = f.def;
  if (op === 'regex' || op === 'regex~') {
    const ci = op === 'regex~';
    if (patterns.every(isLiteralLuceneRegex)) {
      // A pattern with no regexp operator is a term query (ES ReplaceRegexMatch).
      const set = new Set(ci ? patterns.map((p) => p.replace(/[A-Z]/g, (c) => c.toLowerCase())) : patterns);
      const norm = ci ? (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : (s: string) => s;
      return stringLeaf(def, (s) => set.has(norm(s)), text, COST.in);
    }
    let test: (s: string) => boolean;
    try {
      // ES joins a list into one alternation; testing each pattern is the same language.
      const tests = patterns.map((p) => compileLuceneRegex(p, ci));
      test = tests.length === 1 ? tests[0] : (s) => tests.some((t) => t(s));
    } catch (err) {
      if (err instanceof RegexSyntaxError) runtimeError(`invalid regular expression in [${text}]: ${err.message}`, f);
      throw err;
    }
    return stringLeaf(def, test, text, COST.regex);
  }
  const ci = op !== 'like';
  if (!patterns.some(hasWildcards)) {
    // Without wildcards `:` and `like~` are case-insensitive terms, `like` a term.
    if (ci) {
      const folded = patterns.map(foldCase);
      const set = new Set(folded);
      const one = folded[0];
      const l = literalsOf(folded);
      const lits = l ? { values: l, ci: true } : undefined;
      const test =
        set.size === 1
          ? (s: string) => s.length === one.length && foldCase(s) === one
          : (s: string) => set.has(foldCase(s));
      return exactLeaf(stringLeaf(def, test, text, COST.eq, lits), [...set], true);
    }
    const set = new Set(patterns);
    const l = literalsOf(patterns);
    const lits = l ? { values: l, ci: false } : undefined;
    return exactLeaf(
      stringLeaf(def, (s) => set.has(s), text, COST.eq, lits),
      patterns,
      false,
    );
  }
  const test = compileWildcardList(patterns, ci);
  const folded = ci ? patterns.map(foldCase) : patterns;
  const parts = wildcardParts(folded);
  const lits = wildcardLiterals(parts);
  const c = stringLeaf(def, test, text, COST.wildcard, lits ? { values: lits, ci } : undefined);
  if (lits && c.k === 'leaf') c.leaf.parts = parts;
  return containsLeaf(c, patternLiterals(folded), ci);
}

/** A Lucene wildcard query (backslash escapes) on a field, as `endsWith` and `stringContains` become. */
function luceneWildcardLeaf(def: FieldDef, pattern: string, ci: boolean, text: string): Cond {
  const test = compileWildcard(pattern, ci, true);
  const c = stringLeaf(def, ci ? (s) => test(foldCase(s)) : test, text, COST.wildcard);
  return containsLeaf(c, patternLiterals([ci ? foldCase(pattern) : pattern], true), ci);
}

/** `startsWith`/`endsWith`/`stringContains`/`cidrMatch` on a field with constants become Lucene queries. */
function pushdownCall(e: Extract<TExpr, { k: 'call' }>): Cond | undefined {
  const [first, ...rest] = e.args;
  if (first.k !== 'field' || !rest.every((a) => a.k === 'lit')) return undefined;
  const def = first.def;
  const consts = rest.map((a) => (a as { v: Value }).v);
  if (consts.some((c) => c === null)) return undefined;
  const ci = e.ci;
  switch (e.fn.name) {
    case 'startswith': {
      // A prefix query: the constant is taken literally.
      const p = ci ? foldCase(String(consts[0])) : String(consts[0]);
      const t = ci ? (s: string) => foldCase(s).startsWith(p) : (s: string) => s.startsWith(p);
      return containsLeaf(stringLeaf(def, t, e.text, COST.prefix), patternLiterals([p]), ci);
    }
    case 'endswith':
      // ES concatenates "*" + constant into a wildcard query without escaping (SEMANTICS §15.1).
      return luceneWildcardLeaf(def, '*' + String(consts[0]), ci, e.text);
    case 'stringcontains':
      // "*" + constant + "*", unescaped; an empty constant gives "**", true whenever the field has a value.
      return luceneWildcardLeaf(def, '*' + String(consts[0]) + '*', ci, e.text);
    case 'cidrmatch': {
      const blocks = consts.map((c) => parseCidr(String(c)));
      if (blocks.some((b) => b === undefined)) {
        runtimeError(`failed to create query: invalid CIDR or IP address in [${e.text}]`, e);
      }
      const cidrs = blocks as NonNullable<(typeof blocks)[number]>[];
      const test: ValueTest =
        def.type === 'dynamic'
          ? (v) => {
              const k = typeof v === 'string' ? ipKey(v) : undefined;
              return k !== undefined && cidrsContain(cidrs, k);
            }
          : (v) => cidrsContain(cidrs, v as string);
      return leaf(def, test, e.text, COST.in);
    }
    default:
      return undefined;
  }
}

function inLeaf(f: TField, values: Value[], ci: boolean, text: string): Cond {
  const present = values.filter((v) => v !== null);
  return withAlternatives(
    inLeafAll(f, present, ci, text),
    present.map((v) => String(v)),
    (label) => inLeafAll(f, [present[present.map((v) => String(v)).indexOf(label)]], ci, text),
  );
}

function inLeafAll(f: TField, values: Value[], ci: boolean, text: string): Cond {
  const def = f.def;
  const present = values.filter((v) => v !== null);
  if (ci && (def.type === 'keyword' || def.type === 'text' || def.type === 'dynamic')) {
    const folded = present.map((v) => foldCase(typeof v === 'string' ? v : javaToString(v, false)));
    const set = new Set(folded);
    const l = literalsOf(folded);
    const lits = l ? { values: l, ci: true } : undefined;
    return exactLeaf(
      stringLeaf(def, (s) => set.has(foldCase(s)), text, COST.in, lits),
      folded,
      true,
    );
  }
  const tests = present.map((v) => valueTestForCompare(def, '==', toFieldLiteral(def, v, f)));
  const plain = present.map((v) => toFieldLiteral(def, v, f));
  if (
    plain.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') &&
    def.type !== 'dynamic' &&
    def.type !== 'ip'
  ) {
    const set = new Set(plain as Scalar[]);
    const l =
      (def.type === 'keyword' || def.type === 'text') && plain.every((x) => typeof x === 'string')
        ? literalsOf(plain as string[])
        : undefined;
    const lits = l ? { values: l, ci: false } : undefined;
    const c = leaf(def, (v) => set.has(v), text, COST.in, lits);
    return plain.every((x) => typeof x === 'string') ? exactLeaf(c, plain as string[], false) : c;
  }
  return leaf(def, (v) => tests.some((t) => t(v)), text, COST.in);
}

export function toCond(e: TExpr): Cond {
  switch (e.k) {
    case 'lit':
      return { k: 'const', v: e.v === true };
    case 'and':
    case 'or': {
      const items: Cond[] = [];
      const push = (c: Cond) => {
        if (c.k === e.k) items.push(...c.items);
        else items.push(c);
      };
      push(toCond(e.l));
      push(toCond(e.r));
      return { k: e.k, items };
    }
    case 'not':
      return { k: 'not', c: toCond(e.e) };
    case 'isnull':
    case 'isnotnull': {
      if (e.e.k === 'field') {
        const ex: Cond = { k: 'exists', def: e.e.def, text: e.text };
        return e.k === 'isnotnull' ? ex : { k: 'not', c: ex };
      }
      const sn: Cond = { k: 'script', expr: e.e, text: e.text, wantNull: true };
      return e.k === 'isnull' ? sn : { k: 'not', c: sn };
    }
    case 'field':
      // A bare boolean field is a term query for `true`.
      return leaf(e.def, (v) => v === true || v === 'true', e.text, COST.eq);
    case 'cmp': {
      if (e.l.k === 'field' && e.r.k === 'lit') {
        const litv = toFieldLiteral(e.l.def, e.r.v, e);
        const def = e.l.def;
        const l =
          e.op === '==' && (def.type === 'keyword' || def.type === 'text') && typeof litv === 'string'
            ? literalOf(litv)
            : undefined;
        const lits = l ? { values: l, ci: false } : undefined;
        const c = leaf(
          def,
          valueTestForCompare(def, e.op, litv),
          e.text,
          e.op === '==' || e.op === '!=' ? COST.eq : COST.range,
          lits,
        );
        // `x != c` is must_not(term): true when no value equals c, including when x is missing.
        if (e.op === '!=') return { k: 'not', c };
        // Only `==` gives an exact value: `process.name > "m"` holds for "zz.exe" too.
        return e.op === '==' && typeof litv === 'string' ? exactLeaf(c, [litv], false) : c;
      }
      return { k: 'script', expr: e, text: e.text, wantNull: false };
    }
    case 'in':
      if (e.e.k === 'field') return inLeaf(e.e, e.values, e.ci, e.text);
      return { k: 'script', expr: e, text: e.text, wantNull: false };
    case 'match':
      if (e.e.k === 'field') return matchLeaf(e.e, e.op, e.patterns, e.text);
      return { k: 'script', expr: e, text: e.text, wantNull: false };
    case 'call':
      return pushdownCall(e) ?? { k: 'script', expr: e, text: e.text, wantNull: false };
    default:
      return { k: 'script', expr: e, text: e.text, wantNull: false };
  }
}

function costOf(c: Cond): number {
  switch (c.k) {
    case 'const':
      return 0;
    case 'exists':
      return 1;
    case 'leaf':
      return c.leaf.cost;
    case 'not':
      return costOf(c.c);
    case 'script':
      return 10;
    case 'and':
    case 'or':
      return c.items.reduce((n, x) => n + costOf(x), 0);
  }
}

/** Fields whose values each cover a whole kind of event: a leaf on them is usually true. */
const BROAD_FIELDS = new Set([
  'event.category',
  'event.type',
  'event.kind',
  'event.outcome',
  'event.action',
  'event.module',
  'event.dataset',
  'data_stream.dataset',
  'host.os.type',
  'host.os.family',
  'host.os.platform',
]);
/** Puts broad leaves after wildcards (4), about where regular expressions (6) go, before scripts (10). */
const BROAD_PENALTY = 5.5;

function isBroadLeaf(c: Cond): boolean {
  return c.k === 'leaf' && BROAD_FIELDS.has(c.leaf.def.name);
}

/** Simplifies constants and orders conjunctions and disjunctions cheapest first (no side effects, same result). */
export function optimizeCond(c: Cond): Cond {
  switch (c.k) {
    case 'not': {
      const inner = optimizeCond(c.c);
      if (inner.k === 'const') return { k: 'const', v: !inner.v };
      if (inner.k === 'not') return inner.c;
      return { k: 'not', c: inner };
    }
    case 'and':
    case 'or': {
      const absorbing = c.k === 'or';
      const items: Cond[] = [];
      for (const x of c.items.map(optimizeCond)) {
        if (x.k === 'const') {
          if (x.v === absorbing) return x;
          continue;
        }
        if (x.k === c.k) items.push(...x.items);
        else items.push(x);
      }
      if (items.length === 0) return { k: 'const', v: !absorbing };
      if (items.length === 1) return items[0];
      // In a conjunction, negations (exclusions) are usually true, so they go after the positive
      // conditions whatever their cost; so do, to a lesser degree, leaves on fields that describe
      // whole kinds of events (an engine that indexes rules by their selective values hands them
      // events of the right kind). Within each group the cheaper tests go first; scripts stay last.
      const rank = (x: Cond) =>
        c.k === 'and' ? (x.k === 'not' ? 1000 : 0) + costOf(x) + (isBroadLeaf(x) ? BROAD_PENALTY : 0) : costOf(x);
      const ordered = items.map((x, i) => ({ x, i, cost: rank(x) })).sort((a, b) => a.cost - b.cost || a.i - b.i);
      return { k: c.k, items: ordered.map((o) => o.x) };
    }
    default:
      return c;
  }
}

// ---- closures ---------------------------------------------------------------------------------

interface FieldReader {
  access: (doc: Record<string, unknown>) => unknown;
  coerce: (raw: unknown) => Scalar | undefined;
  keepNull: boolean;
}

const readers = new Map<string, FieldReader>();
const readerOfDef = new WeakMap<FieldDef, FieldReader>();

function readerFor(def: FieldDef): FieldReader {
  let r = readerOfDef.get(def);
  if (r) return r;
  const key = `${def.sourcePath}|${def.type}|${def.ignoreAbove ?? ''}|${String(def.nullValue ?? '')}|${(def.formats ?? []).join('||')}`;
  r = readers.get(key);
  if (!r) {
    r = {
      access: memoAccessor(makeAccessor(def.sourcePath)),
      coerce: coercerFor(def),
      keepNull: def.nullValue !== undefined,
    };
    readers.set(key, r);
  }
  readerOfDef.set(def, r);
  return r;
}

function addValues(x: unknown, r: FieldReader, out: Scalar[]): void {
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) addValues(x[i], r, out);
    return;
  }
  if (x === undefined || (x === null && !r.keepNull)) return;
  const c = r.coerce(x);
  if (c !== undefined) out.push(c);
}

const NO_VALUES: Scalar[] = [];

/** Converted values of a field in a document (ES's indexed terms / doc values). Do not mutate the result. */
export function fieldValues(def: FieldDef, doc: Record<string, unknown>): Scalar[] {
  const r = readerFor(def);
  const raw = r.access(doc);
  if (raw === undefined) return NO_VALUES;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
    const c = r.coerce(raw);
    return c === undefined ? NO_VALUES : [c];
  }
  const out: Scalar[] = [];
  addValues(raw, r, out);
  return out;
}

/**
 * Reads a field's values as `fieldValues` gives them, but a single keyword value comes back as the
 * string itself (no array): the common case when indexing rules by value on every event.
 */
export function valuesReader(def: FieldDef): (doc: Record<string, unknown>) => string | Scalar[] | undefined {
  const { access, keepNull } = readerFor(def);
  if ((def.type !== 'keyword' && def.type !== 'text') || keepNull) return (doc) => fieldValues(def, doc);
  const limit = def.ignoreAbove ?? Infinity;
  return (doc) => {
    const raw = access(doc);
    if (typeof raw === 'string') return raw.length <= limit ? raw : undefined;
    if (raw === undefined || raw === null) return undefined;
    return fieldValues(def, doc);
  };
}

/**
 * Whether a document may have values of a field, reading it as the leaves do (the read is shared
 * with them): false proves `fieldValues` is empty; true when a raw value is there, even one that
 * does not convert to the field's type.
 */
export function presenceReader(def: FieldDef): (doc: Record<string, unknown>) => boolean {
  const { access, keepNull } = readerFor(def);
  return (doc) => {
    const raw = access(doc);
    return raw !== undefined && (raw !== null || keepNull);
  };
}

function anyValue(def: FieldDef, test: ValueTest): DocPredicate {
  const { access, coerce, keepNull } = readerFor(def);
  if ((def.type === 'keyword' || def.type === 'text') && !keepNull)
    return anyKeyword(access, coerce, def.ignoreAbove ?? Infinity, test);
  const inArray = (arr: unknown[]): boolean => {
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      if (Array.isArray(x)) {
        if (inArray(x)) return true;
        continue;
      }
      if (x === null && !keepNull) continue;
      const c = coerce(x);
      if (c !== undefined && test(c)) return true;
    }
    return false;
  };
  return (doc) => {
    const raw = access(doc);
    if (raw === undefined || (raw === null && !keepNull)) return false;
    if (Array.isArray(raw)) return inArray(raw);
    const c = coerce(raw);
    return c !== undefined && test(c);
  };
}

/**
 * The hot path: keyword values are the strings themselves (only `ignore_above` can hide them), so
 * strings are tested directly and only numbers/booleans go through conversion.
 */
function anyKeyword(
  access: (doc: Record<string, unknown>) => unknown,
  coerce: (raw: unknown) => Scalar | undefined,
  limit: number,
  test: ValueTest,
): DocPredicate {
  const one = (x: unknown): boolean => {
    if (typeof x === 'string') return x.length <= limit && test(x);
    if (x === null || x === undefined) return false;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (one(x[i])) return true;
      return false;
    }
    const c = coerce(x);
    return c !== undefined && test(c);
  };
  return (doc) => {
    const raw = access(doc);
    if (typeof raw === 'string') return raw.length <= limit && test(raw);
    if (raw === undefined || raw === null) return false;
    if (Array.isArray(raw)) {
      for (let i = 0; i < raw.length; i++) {
        const x = raw[i];
        if (typeof x === 'string' ? x.length <= limit && test(x) : one(x)) return true;
      }
      return false;
    }
    return one(raw);
  };
}

function scriptPredicate(expr: TExpr, wantNull: boolean): DocPredicate {
  const fields = fieldsOf(expr);
  const index = new Map(fields.map((f, i) => [f.name, i]));
  const fn = compileScript(expr, (def) => index.get(def.name) as number);
  const n = fields.length;
  const hit = wantNull ? (v: Value) => v === null : (v: Value) => v === true;
  if (n === 0) {
    return () => hit(fn([]));
  }
  if (n === 1) {
    const def = fields[0];
    const env: Value[] = [null];
    return (doc) => {
      const vals = fieldValues(def, doc);
      if (vals.length === 0) {
        env[0] = null;
        return hit(fn(env));
      }
      for (const v of vals) {
        env[0] = v;
        if (hit(fn(env))) return true;
      }
      return false;
    };
  }
  return (doc) => {
    // Cartesian product of the values of every field; a missing field contributes one null.
    const lists = fields.map((f) => {
      const v: Value[] = fieldValues(f, doc);
      return v.length ? v : [null];
    });
    const env: Value[] = new Array<Value>(n).fill(null);
    const rec = (i: number): boolean => {
      if (i === n) return hit(fn(env));
      for (const v of lists[i]) {
        env[i] = v;
        if (rec(i + 1)) return true;
      }
      return false;
    };
    return rec(0);
  };
}

export function compileCond(c: Cond): DocPredicate {
  switch (c.k) {
    case 'const': {
      const v = c.v;
      return () => v;
    }
    case 'not': {
      const f = compileCond(c.c);
      return (doc) => !f(doc);
    }
    case 'leaf':
      return anyValue(c.leaf.def, c.leaf.test);
    case 'exists': {
      const def = c.def;
      return (doc) => fieldValues(def, doc).length > 0;
    }
    case 'script':
      return scriptPredicate(c.expr, c.wantNull);
    case 'and': {
      const fs = c.items.map(compileCond);
      if (fs.length === 2) {
        const [a, b] = fs;
        return (doc) => a(doc) && b(doc);
      }
      if (fs.length === 3) {
        const [a, b, d] = fs;
        return (doc) => a(doc) && b(doc) && d(doc);
      }
      return (doc) => {
        for (let i = 0; i < fs.length; i++) if (!fs[i](doc)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = c.items.map(compileCond);
      if (fs.length === 2) {
        const [a, b] = fs;
        return (doc) => a(doc) || b(doc);
      }
      return (doc) => {
        for (let i = 0; i < fs.length; i++) if (fs[i](doc)) return true;
        return false;
      };
    }
  }
}

/** The category filter `event_category_field == category`, a case-sensitive term on any value. */
export function categoryCond(def: FieldDef, category: string): Cond {
  return exactLeaf(
    leaf(
      def,
      def.type === 'dynamic' ? (v) => v === category : (v) => v === category,
      `${def.name} == "${category}"`,
      0.5,
      {
        values: [category],
        ci: false,
      },
    ),
    [category],
    false,
  );
}

export type { DataType };
