/**
 * The generated form of a mapping: the step table compiled to JavaScript source (`new Function`),
 * with exactly the semantics of the interpreted form (compile.ts), which stays the reference.
 *
 * Why: in the interpreted form every path read goes through one shared accessor closure, so V8's
 * inline caches there see every document shape and go megamorphic; each step is an indirect call.
 * Generated code gives every field access its own property load site (monomorphic per event id),
 * no calls between steps, and constant tables folded into literals.
 *
 * `dispatch` steps are specialised per key value (the event id): the first event with a given key
 * compiles a function holding only the steps for that key, with conditions on the key and lookups
 * keyed by it folded to constants; later events pay one Map lookup. Keys that no condition or
 * lookup names share one function. The objects on the way to fields are held in variables across
 * steps (see Unit), and deletes from `Mapping.deferDeletes` objects are deferred (deferred.ts).
 * `prune` and `switch` run the interpreter's closures.
 */
import { ARGV_SPLITTERS } from './argv.js';
import { cloneJson, describe, NO_KEY, type Compiler, type Fn } from './compile.js';
import { flushDeferred, ownDeferred, tombKey, untombKey } from './deferred.js';
import { pathText, splitPath } from './path.js';
import type { Cond, FieldPath, Json, MappingRun, Scalar, Step } from './types.js';
import {
  decodeLong,
  FAIL,
  formatMillis,
  formatSeconds,
  isoMillisText,
  isoSecondsText,
  javaTrim,
  parseDate,
  patternParser,
  toBoolean,
  toDouble,
  toIp,
  toLong,
} from './values.js';

/** Runtime helpers the generated code calls (bound to constants in its outer scope). */
const HELPERS = {
  isArray: Array.isArray,
  clone: cloneJson,
  describe,
  FAIL,
  toLong,
  decodeLong,
  toDouble,
  toBoolean,
  toIp,
  isoMillisText,
  isoSecondsText,
  parseDate,
  formatMillis,
  formatSeconds,
  javaTrim,
  parseHashList,
  flagNames,
  tombKey,
  untombKey,
  flushDeferred,
  ownDeferred,
  hasOwn: Object.hasOwn,
  getProto: Object.getPrototypeOf,
  OBJECT_PROTO: Object.prototype,
  protoEnumerable,
  stringify: JSON.stringify,
  isFinite: Number.isFinite,
};
const HELPER_NAMES = Object.keys(HELPERS);

/** Most keys a dispatch remembers individually (beyond, unlisted keys take the slower path). */
const DISPATCH_CACHE_MAX = 4096;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function prop(obj: string, key: string): string {
  return IDENT.test(key) ? `${obj}.${key}` : `${obj}[${JSON.stringify(key)}]`;
}

/** `isObject(x)` inline (object, not null, not an array). */
function isObj(x: string): string {
  return `(${x} !== null && typeof ${x} === "object" && !isArray(${x}))`;
}

function sameSegments(a: FieldPath, b: FieldPath): boolean {
  const x = splitPath(a);
  const y = splitPath(b);
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

/**
 * `SHA1=…,MD5=…` → `{ sha1, md5 }` (lower case, all-zero values left out), pushing kept values to
 * `related` when given; undefined when a pair has no value separator (the step then fails).
 */
export function parseHashList(
  v: string,
  ps: string,
  vs: string,
  related: string[] | undefined,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (ps.length === 0) {
    // String.split('') splits into code units: rare enough for the plain algorithm.
    for (const pair of v.split(ps)) {
      const at = pair.indexOf(vs);
      if (at < 0) return undefined;
      const val = pair.slice(at + vs.length).toLowerCase();
      if (allZeros(val)) continue;
      putHash(out, pair.slice(0, at).toLowerCase(), val);
      related?.push(val);
    }
    return out;
  }
  let start = 0;
  for (;;) {
    let end = v.indexOf(ps, start);
    if (end < 0) end = v.length;
    // The first separator at or after `start`; one that does not fit before `end` means none in the pair.
    const at = v.indexOf(vs, start);
    if (at < 0 || at + vs.length > end) return undefined;
    const val = v.slice(at + vs.length, end).toLowerCase();
    if (!allZeros(val)) {
      putHash(out, hashName(v, start, at), val);
      related?.push(val);
    }
    if (end === v.length) return out;
    start = end + ps.length;
  }
}

/** `out[name] = val`, with named stores for the usual names (one object shape, no keyed store). */
function putHash(out: Record<string, string>, name: string, val: string): void {
  switch (name) {
    case 'sha1':
      out.sha1 = val;
      return;
    case 'md5':
      out.md5 = val;
      return;
    case 'sha256':
      out.sha256 = val;
      return;
    case 'imphash':
      out.imphash = val;
      return;
    default:
      out[name] = val;
  }
}

/** The key `v[start..at)` lower-cased; the usual names as literals (a keyed store then needs no string-table lookup). */
function hashName(v: string, start: number, at: number): string {
  const n = at - start;
  for (const [upper, lower] of HASH_NAMES) if (n === upper.length && v.startsWith(upper, start)) return lower;
  return v.slice(start, at).toLowerCase();
}
const HASH_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['SHA1', 'sha1'],
  ['MD5', 'md5'],
  ['SHA256', 'sha256'],
  ['IMPHASH', 'imphash'],
];

function allZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Whether Object.prototype has an enumerable key (then for-in over an object also yields inherited keys). */
function protoEnumerable(): boolean {
  for (const k in Object.prototype) if (k !== undefined) return true;
  return false;
}

/** Names of the masks fully set in `low` (the `flags` step). */
function flagNames(low: number, table: ReadonlyArray<readonly [number, string]>): string[] {
  const names: string[] = [];
  for (const [m, name] of table) if ((low & m) >>> 0 === m) names.push(name);
  return names;
}

/** What is known, while generating, about the value of a dispatch key. */
interface KeyFold {
  on: readonly string[];
  /** The key's value (a listed key), or NO_KEY: a value equal to none of `listed`. */
  value: unknown;
}

/** One generated function: its constants, temporaries and source. */
class Unit {
  /** Deferred-delete paths (segments), by index (see deferred.ts). */
  constructor(private readonly managed: readonly (readonly string[])[] = []) {}

  private readonly consts: unknown[] = [];
  private readonly constIndex = new Map<unknown, number>();
  private temps = 0;
  private maxTemps = 0;
  private labels = 0;

  /** Name of a constant bound in the generated function's scope. */
  k(v: unknown): string {
    let i = this.constIndex.get(v);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(v);
      this.constIndex.set(v, i);
    }
    return `k${i}`;
  }

  tmp(): string {
    const n = `t${this.temps++}`;
    if (this.temps > this.maxTemps) this.maxTemps = this.temps;
    return n;
  }

  /** Temporaries live within one step: each step starts again from t0. */
  resetTemps(): void {
    this.temps = 0;
  }

  label(): string {
    return `L${this.labels++}`;
  }

  build(name: string, body: string): Fn {
    const consts = this.consts.map((_, i) => `k${i} = K[${i}]`);
    const temps = Array.from({ length: this.maxTemps }, (_, i) => `t${i}`);
    // A prefix keeps names starting with a digit or spelling a reserved word valid.
    const fname = `gen_${name.replace(/[^A-Za-z0-9_$]/g, '_')}`;
    const src =
      `"use strict";\nconst { ${HELPER_NAMES.join(', ')} } = H;\n` +
      (consts.length > 0 ? `const ${consts.join(', ')};\n` : '') +
      `return function ${fname}(run) {\nlet doc = run.doc, vars = run.vars;\n` +
      (this.managed.length > 0 ? `const ${this.managed.map((_, i) => `D${i} = run.d[${i}]`).join(', ')};\n` : '') +
      (temps.length > 0 ? `let ${temps.join(', ')};\n` : '') +
      (this.cacheVars > 0 ? `let ${Array.from({ length: this.cacheVars }, (_, i) => `c${i}`).join(', ')};\n` : '') +
      `${body}\n};`;
    // The source is built only from the step table (names and strings escaped above).
    return new Function('H', 'K', src)(HELPERS, this.consts) as Fn;
  }

  /** A constant as an expression creating a fresh copy (what `cloneJson` of it gives). */
  constant(v: Json | undefined): string {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return String(v);
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? `(${String(v)})` : this.k(v);
    }
    if (Array.isArray(v)) {
      const items: string[] = [];
      for (let i = 0; i < v.length; i++) items.push(this.constant(v[i] as Json | undefined));
      return `[${items.join(', ')}]`;
    }
    const o = v as { readonly [k: string]: Json };
    const parts: string[] = [];
    for (const key in o) {
      // A literal `__proto__:` sets the prototype; leave such objects to cloneJson.
      if (key === '__proto__') return `clone(${this.k(v)})`;
      parts.push(`${JSON.stringify(key)}: ${this.constant(o[key])}`);
    }
    return `{${parts.join(', ')}}`;
  }

  /** Root variable and segments of a path (`$x…` addresses the scratch variables). */
  private split(path: FieldPath): { root: string; segs: string[] } {
    const segs = splitPath(path);
    if (segs[0]!.startsWith('$')) return { root: 'vars', segs: [segs[0]!.slice(1), ...segs.slice(1)] };
    return { root: 'doc', segs };
  }

  // -------------------------------------------------------------------------------------------
  // Parent objects held in variables across steps (a walk of `doc.winlog.event_data` is done once,
  // not at every field access). Invariant: where the map has prefix → variable, the variable holds
  // the object at that prefix if it is a plain object, else undefined, on every path reaching the
  // code. Writes keep their prefixes' variables current; anything else that could change them
  // (opaque code, deferred-delete flushes, replacing a prefix) drops the entries.

  private cache = new Map<string, string>();
  private cacheVars = 0;
  /** Per step being generated (innermost last): code establishing variables, and whether to walk uncached. */
  private frames: Array<{ preamble: string; bypass: boolean; written: string[] }> = [];

  /** Starts a step; `bypass`: its paths are walked from the root (its code may run opaque functions). */
  beginStep(bypass = false): void {
    this.frames.push({ preamble: '', bypass, written: [] });
  }

  /**
   * Notes a write or delete at `segs` in the current step. Code fragments are not always generated
   * in the order they run, so a variable for this path (or below it) must not be loaded before the
   * step from now on: it could hold the value from before the write.
   */
  private wrote(root: string, segs: readonly string[]): void {
    this.frames[this.frames.length - 1]?.written.push(this.prefixKey(root, segs, segs.length));
  }

  /** Ends a step: the code to run before it (variables it needs, loaded once). */
  endStep(): string {
    return this.frames.pop()!.preamble;
  }

  clearCache(): void {
    this.cache.clear();
  }

  snapshot(): Map<string, string> {
    return new Map(this.cache);
  }

  /** Keeps the entries held, with the same variable, in every map (control-flow merge). */
  merge(...maps: Array<Map<string, string>>): void {
    const [first, ...rest] = maps;
    this.cache = new Map([...first!].filter(([k, v]) => rest.every((m) => m.get(k) === v)));
  }

  private cached(): boolean {
    const f = this.frames[this.frames.length - 1];
    return f !== undefined && !f.bypass;
  }

  private prefixKey(root: string, segs: readonly string[], n: number): string {
    return `${root}\u0000${segs.slice(0, n).join('\u0000')}`;
  }

  /**
   * The variable holding the object at `segs[0..n)` (n ≥ 1), loaded before the current step if
   * new; undefined when it cannot be loaded there (a write of this step at or above it).
   */
  private parentVar(root: string, segs: readonly string[], n: number): string | undefined {
    const key = this.prefixKey(root, segs, n);
    let v = this.cache.get(key);
    if (v !== undefined) return v;
    const frame = this.frames[this.frames.length - 1]!;
    if (frame.written.some((w) => key === w || key.startsWith(w + '\u0000'))) return undefined;
    const up = n === 1 ? undefined : this.parentVar(root, segs, n - 1);
    if (n > 1 && up === undefined) return undefined;
    v = `c${this.cacheVars++}`;
    const load =
      up === undefined ? prop(root, segs[0]!) : `${up} === undefined ? undefined : ${prop(up, segs[n - 1]!)}`;
    frame.preamble += `${v} = ${load};\nif (${v} === null || typeof ${v} !== "object" || isArray(${v})) ${v} = undefined;\n`;
    this.cache.set(key, v);
    return v;
  }

  /** Drops the entries of the prefixes below `segs` (their objects were replaced); the step then walks uncached. */
  private dropBelow(root: string, segs: readonly string[]): void {
    const key = this.prefixKey(root, segs, segs.length) + '\u0000';
    let dropped = false;
    for (const k of [...this.cache.keys()]) {
      if (k.startsWith(key)) {
        this.cache.delete(k);
        dropped = true;
      }
    }
    const f = this.frames[this.frames.length - 1];
    if (dropped && f !== undefined) f.bypass = true;
  }

  /** Drops the entries of `segs`' prefixes and of `segs` itself (an uncached write may have created or replaced them). */
  private dropAlong(root: string, segs: readonly string[]): void {
    for (let n = 1; n <= segs.length; n++) this.cache.delete(this.prefixKey(root, segs, n));
    this.dropBelow(root, segs);
  }

  /** Drops the entries at and below deferred-delete path `i` (its object may have been rebuilt). */
  dropManaged(i: number): void {
    const segs = this.managed[i]!;
    this.cache.delete(this.prefixKey('doc', segs, segs.length));
    this.dropBelow('doc', segs);
  }

  /** An expression reading the path (Accessor.get). */
  get(path: FieldPath): string {
    const { root, segs } = this.split(path);
    const last = segs[segs.length - 1]!;
    if (segs.length === 1) return prop(root, last);
    const p = this.cached() ? this.parentVar(root, segs, segs.length - 1) : undefined;
    if (p !== undefined) {
      // The interpreter's generic walk (four segments and more) also checks the root.
      const rootOk = segs.length >= 4 ? `${isObj(root)} && ` : '';
      return `(${rootOk}${p} !== undefined ? ${prop(p, last)} : undefined)`;
    }
    const conds: string[] = [];
    if (segs.length >= 4) conds.push(isObj(root));
    let cur = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const t = this.tmp();
      conds.push(`(${t} = ${prop(cur, segs[i]!)}) !== null && typeof ${t} === "object" && !isArray(${t})`);
      cur = t;
    }
    return `(${conds.join(' && ')} ? ${prop(cur, last)} : undefined)`;
  }

  /** Index of the deferred-delete path whose segments are `segs[0..n)`, or -1. */
  managedAt(segs: readonly string[], n: number, root: string): number {
    if (root !== 'doc') return -1;
    for (let i = 0; i < this.managed.length; i++) {
      const m = this.managed[i]!;
      if (m.length === n && m.every((x, j) => x === segs[j])) return i;
    }
    return -1;
  }

  /**
   * `delete obj.key` where obj is the object at deferred path `i`: deferred (inline, so the load and
   * the store are named property accesses) when obj is a plain object and Object.prototype has no
   * such key. Otherwise deleted at once: an undefined own value would hide an inherited one.
   */
  tomb(i: number, obj: string, key: string): string {
    const t = this.tmp();
    const k = JSON.stringify(key);
    // Object.prototype's value for the key is read by name (a cheap, stable load); a key it has
    // with the value undefined reads the same either way.
    return (
      `if (D${i}.obj !== ${obj}) ownDeferred(run, ${i}, ${obj});\n` +
      `if (D${i}.plain && ${prop('OBJECT_PROTO', key)} === undefined) {\n${t} = ${prop(obj, key)};\n` +
      `if (${t} !== undefined) {\n${prop(obj, key)} = undefined;\nD${i}.keys.push(${k});\n}\n` +
      // Absent (the usual case), or undefined: deleted before (listing it again is harmless) or an
      // own undefined value. With a plain prototype lacking the key, `in` means own.
      `else if (${k} in ${obj}) D${i}.keys.push(${k});\n} else delete ${prop(obj, key)};`
    );
  }

  /** Before writing key `key` into `obj` (the object at deferred path `i`): a deferred delete of it becomes real. */
  private untomb(i: number, obj: string, key: string): string {
    if (i < 0) return '';
    return `if (D${i}.keys.length !== 0 && D${i}.obj === ${obj}) untombKey(D${i}, ${obj}, ${JSON.stringify(key)});\n`;
  }

  /** Statements writing `value` (an expression evaluated once) to the path (Accessor.set). */
  set(path: FieldPath, value: string): string {
    const { root, segs } = this.split(path);
    const last = segs[segs.length - 1]!;
    const cachedKey = this.prefixKey(root, segs, segs.length);
    // The written value replaces whatever object was at the path: its variable follows it.
    const follow = (): string => {
      const v = this.cache.get(cachedKey);
      this.dropBelow(root, segs);
      return v === undefined
        ? ''
        : `${v} = ${value};\nif (${v} === null || typeof ${v} !== "object" || isArray(${v})) ${v} = undefined;\n`;
    };
    if (segs.length === 1) {
      const code = `${this.untomb(this.managedAt(segs, 0, root), root, last)}${prop(root, last)} = ${value};\n`;
      const f = follow();
      this.wrote(root, segs);
      return code + f;
    }
    const l = this.label();
    let out = `${l}: {\n`;
    if (this.cached() && this.parentVar(root, segs, segs.length - 1) !== undefined) {
      // Parents from their variables; a missing one is created and its variable set.
      for (let i = 1; i < segs.length; i++) {
        const v = this.parentVar(root, segs, i)!;
        const up = i === 1 ? root : this.parentVar(root, segs, i - 1)!;
        const at = prop(up, segs[i - 1]!);
        const t = this.tmp();
        const untomb = this.untomb(this.managedAt(segs, i - 1, root), up, segs[i - 1]!);
        out += `if (${v} === undefined) {\n${t} = ${at};\nif (${t} === undefined || ${t} === null) {\n${untomb}${at} = ${v} = {};\n} else break ${l};\n}\n`;
      }
      const p = this.parentVar(root, segs, segs.length - 1)!;
      out += `${this.untomb(this.managedAt(segs, segs.length - 1, root), p, last)}${prop(p, last)} = ${value};\n`;
      const f = follow();
      this.wrote(root, segs);
      return `${out}${f}}`;
    }
    let cur = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const t = this.tmp();
      const at = prop(cur, segs[i]!);
      const untomb = this.untomb(this.managedAt(segs, i, root), cur, segs[i]!);
      out += `${t} = ${at};\nif (${t} === undefined || ${t} === null) {\n${untomb}${at} = ${t} = {};\n} else if (typeof ${t} !== "object" || isArray(${t})) break ${l};\n`;
      cur = t;
    }
    this.dropAlong(root, segs);
    this.wrote(root, segs);
    return `${out}${this.untomb(this.managedAt(segs, segs.length - 1, root), cur, last)}${prop(cur, last)} = ${value};\n}`;
  }

  /** Statements deleting the path (Accessor.del); deferred when its parent is a deferred-delete path. */
  del(path: FieldPath): string {
    const { root, segs } = this.split(path);
    const last = segs[segs.length - 1]!;
    const m = this.managedAt(segs, segs.length - 1, root);
    // Deleting a deferred-delete object itself: its pending deletes go with it (nothing may refer to it).
    const self = this.managedAt(segs, segs.length, root);
    const remove = (obj: string): string =>
      (self < 0
        ? ''
        : `if (D${self}.obj === ${prop(obj, last)}) {\nD${self}.obj = undefined;\nD${self}.keys = [];\n}\n`) +
      (m < 0 ? `delete ${prop(obj, last)};` : this.tomb(m, obj, last));
    // The deleted value's variable (if any) becomes undefined; deeper ones are dropped.
    const gone = (): string => {
      const v = this.cache.get(this.prefixKey(root, segs, segs.length));
      this.dropBelow(root, segs);
      this.wrote(root, segs);
      return v === undefined ? '' : `\n${v} = undefined;`;
    };
    if (segs.length === 1) return remove(root) + gone();
    const p = this.cached() ? this.parentVar(root, segs, segs.length - 1) : undefined;
    if (p !== undefined) return `if (${p} !== undefined) {\n${remove(p)}\n}${gone()}`;
    const l = this.label();
    let out = `${l}: {\n`;
    let cur = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const t = this.tmp();
      out += `${t} = ${prop(cur, segs[i]!)};\nif (${t} === null || typeof ${t} !== "object" || isArray(${t})) break ${l};\n`;
      cur = t;
    }
    return `${out}${remove(cur)}\n}${gone()}`;
  }

  /** `x` is one of the values (SameValueZero, as Set.has). */
  oneOf(x: string, values: readonly unknown[]): string {
    if (values.length === 0) return 'false';
    if (values.length > 8) return `${this.k(new Set(values))}.has(${x})`;
    return `(${values.map((v) => (typeof v === 'number' && Number.isNaN(v) ? `${x} !== ${x}` : `${x} === ${this.scalar(v)}`)).join(' || ')})`;
  }

  /** A scalar as an expression (the same value, not a copy). */
  scalar(v: unknown): string {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || v === undefined)
      return this.constant(v as Json | undefined);
    if (typeof v === 'number') return this.constant(v);
    return this.k(v);
  }

  /** The interpreter's `skipper`: absent, or one of `skip` (and `''` when ignoring empties). */
  skip(x: string, skip: readonly Scalar[] | undefined, ignoreEmpty: boolean): string {
    const values: unknown[] = [...(skip ?? [])];
    if (ignoreEmpty) values.push('');
    const listed = values.filter((v) => v !== null);
    const base = `${x} === undefined || ${x} === null`;
    return listed.length === 0 ? `(${base})` : `(${base} || ${this.oneOf(x, listed)})`;
  }
}

/** Whether evaluating a condition can have effects (a `test` function, a stateful RegExp). */
function effectful(c: Cond): boolean {
  if ('test' in c) return true;
  if ('matches' in c) return c.pattern.global || c.pattern.sticky;
  if ('all' in c) return c.all.some(effectful);
  if ('any' in c) return c.any.some(effectful);
  if ('not' in c) return effectful(c.not);
  return false;
}

/** Values a dispatch key is compared with anywhere in its steps (conditions on it, lookups keyed by it). */
function listedKeys(on: FieldPath, steps: readonly Step[], into: Set<unknown>): void {
  const cond = (c: Cond): void => {
    if ('eq' in c && sameSegments(c.eq, on)) into.add(c.value);
    else if ('ne' in c && sameSegments(c.ne, on)) into.add(c.value);
    else if ('in' in c && sameSegments(c.in, on)) for (const v of c.values) into.add(v);
    else if ('all' in c) c.all.forEach(cond);
    else if ('any' in c) c.any.forEach(cond);
    else if ('not' in c) cond(c.not);
  };
  for (const s of steps) {
    if (s.if !== undefined) cond(s.if);
    if (s.op === 'when') {
      cond(s.cond);
      listedKeys(on, s.then, into);
      if (s.else !== undefined) listedKeys(on, s.else, into);
    } else if (s.op === 'lookup' && sameSegments(s.key, on)) {
      for (const k of Object.keys(s.table)) into.add(k);
    }
  }
}

/** Paths a condition reads, and whether it runs a function (`test`). */
function condPaths(c: Cond, into: FieldPath[]): boolean {
  if ('exists' in c) into.push(c.exists);
  else if ('missing' in c) into.push(c.missing);
  else if ('present' in c) into.push(c.present);
  else if ('eq' in c) into.push(c.eq);
  else if ('ne' in c) into.push(c.ne);
  else if ('in' in c) into.push(c.in);
  else if ('matches' in c) into.push(c.matches);
  else if ('all' in c) return c.all.map((x) => condPaths(x, into)).some(Boolean);
  else if ('any' in c) return c.any.map((x) => condPaths(x, into)).some(Boolean);
  else if ('not' in c) return condPaths(c.not, into);
  else return true;
  return false;
}

/**
 * The paths a step reads or writes itself (not those of the steps it contains), and whether it
 * runs code the generator cannot see into (scripts, `test` conditions, interpreted steps).
 */
function stepPaths(s: Step, into: FieldPath[]): boolean {
  let opaque = s.if !== undefined && condPaths(s.if, into);
  const add = (...ps: Array<FieldPath | undefined>): void => {
    for (const p of ps) if (p !== undefined) into.push(p);
  };
  switch (s.op) {
    case 'set':
    case 'lowercase':
    case 'uppercase':
    case 'trim':
    case 'gsub':
      add(s.field, 'from' in s ? s.from : undefined);
      break;
    case 'copy':
    case 'rename':
    case 'date':
    case 'map':
    case 'flags':
    case 'basename':
      add(s.field, s.from);
      break;
    case 'convert':
    case 'split':
    case 'json':
      add(s.field, s.from);
      break;
    case 'lookup':
      add(s.key);
      for (const entry of Object.values(s.table)) for (const f of Object.keys(entry)) add(`${pathText(s.into)}.${f}`);
      break;
    case 'domainUser':
      add(s.from, s.domain, s.name);
      break;
    case 'hashList':
      add(s.from, s.field, s.related);
      break;
    case 'clean':
      add(s.field);
      break;
    case 'argv':
      add(s.from, s.args, s.count);
      break;
    case 'append':
      add(s.field, s.from);
      break;
    case 'remove':
      add(...s.fields);
      break;
    case 'concat':
      add(s.field, ...s.parts.map((p) => (typeof p === 'string' ? undefined : p.field)));
      break;
    case 'when':
      opaque = condPaths(s.cond, into) || opaque;
      break;
    case 'dispatch':
      add(s.on);
      break;
    case 'script':
      opaque ||= s.deferSafe !== true;
      break;
    case 'prune':
    case 'switch':
      opaque = true;
      break;
  }
  return opaque;
}

/** Whether a step runs code that may change any object of the document (so no parent variable stays valid). */
function changesAnything(s: Step): boolean {
  return s.op === 'script' || s.op === 'prune' || s.op === 'switch' || s.op === 'dispatch';
}

/** Whether path `p` is a deferred-delete path `m` or one of its ancestors. */
function coversManaged(p: FieldPath, m: readonly string[]): boolean {
  const segs = splitPath(p);
  return segs.length <= m.length && segs.every((x, i) => x === m[i]);
}

/** The generator of one mapping. */
class Generator {
  /** Deferred-delete paths, as segments. */
  readonly managed: string[][];

  constructor(
    private readonly interp: Compiler,
    deferDeletes: readonly FieldPath[],
  ) {
    this.managed = deferDeletes.map((p) => splitPath(p));
  }

  /**
   * Deferred deletes to carry out before a step (see deferred.ts): those of every path the step
   * reads or replaces as a whole (the path or an ancestor), all of them before opaque code. A
   * `clean` of a deferred path itself skips deferred keys instead.
   */
  private flushBefore(u: Unit, s: Step): string {
    if (this.managed.length === 0) return '';
    const paths: FieldPath[] = [];
    const opaque = stepPaths(s, paths);
    const out: string[] = [];
    this.managed.forEach((m, i) => {
      const hit =
        opaque || paths.some((p) => coversManaged(p, m) && !(s.op === 'clean' && p === s.field && sameSegments(p, m)));
      if (hit) {
        out.push(`if (D${i}.keys.length !== 0) flushDeferred(run, ${i});\n`);
        // The flush may rebuild the object: variables at and below the path are stale.
        u.dropManaged(i);
      }
    });
    return out.join('');
  }

  /** Code for a step list. */
  steps(u: Unit, steps: readonly Step[], folds: readonly KeyFold[]): string {
    return steps.map((s) => this.step(u, s, folds)).join('\n');
  }

  /**
   * One step: deferred deletes it needs carried out, the parent variables it uses loaded, its
   * condition, its body. `preselected`: a dispatch already chose it (its `if` is not evaluated).
   */
  step(u: Unit, s: Step, folds: readonly KeyFold[], preselected = false): string {
    const flush = this.flushBefore(u, s);
    const testInIf =
      (!preselected && s.if !== undefined && condPaths(s.if, [])) || (s.op === 'when' && condPaths(s.cond, []));
    const before = u.snapshot();
    // A `test` in the condition may change anything: the step then walks from the root.
    u.beginStep(testInIf);
    u.resetTemps();
    let code: string;
    if (preselected || s.if === undefined) code = this.body(u, s, folds);
    else {
      const c = this.cond(u, s.if, folds);
      if (c === 'false') {
        u.endStep();
        u.merge(before);
        return flush;
      }
      const body = this.body(u, s, folds);
      code = c === 'true' ? body : `if (${c}) {\n${body}\n}`;
    }
    const pre = u.endStep();
    if (testInIf || changesAnything(s)) u.clearCache();
    return flush + pre + code;
  }

  /** A step the generator leaves to the interpreter: its closure, called with the run. */
  private interpreted(u: Unit, fn: (run: MappingRun) => unknown): string {
    return `${u.k(fn)}(run);\ndoc = run.doc; vars = run.vars;`;
  }

  /** A condition's value when a dispatch key fold decides it. */
  private folded(c: Cond, folds: readonly KeyFold[]): boolean | undefined {
    for (const f of folds) {
      const known = f.value !== NO_KEY;
      if ('eq' in c && sameSegments(c.eq, f.on)) return known && f.value === c.value;
      if ('ne' in c && sameSegments(c.ne, f.on)) return !(known && f.value === c.value);
      if ('in' in c && sameSegments(c.in, f.on)) return known && new Set<unknown>(c.values).has(f.value);
    }
    return undefined;
  }

  /** A condition as an expression (`true`/`false` when known while generating). */
  cond(u: Unit, c: Cond, folds: readonly KeyFold[]): string {
    const f = this.folded(c, folds);
    if (f !== undefined) return String(f);
    if ('exists' in c) {
      const t = u.tmp();
      return `((${t} = ${u.get(c.exists)}) !== undefined && ${t} !== null)`;
    }
    if ('missing' in c) {
      const t = u.tmp();
      return `((${t} = ${u.get(c.missing)}) === undefined || ${t} === null)`;
    }
    if ('present' in c) {
      const t = u.tmp();
      const except = ['', ...(c.except ?? [])].filter((v) => v !== null);
      return `((${t} = ${u.get(c.present)}) !== undefined && ${t} !== null && !${u.oneOf(t, except)})`;
    }
    if ('eq' in c) return `(${u.get(c.eq)} === ${u.scalar(c.value)})`;
    if ('ne' in c) return `(${u.get(c.ne)} !== ${u.scalar(c.value)})`;
    if ('in' in c) {
      const t = u.tmp();
      return `(${t} = ${u.get(c.in)}, ${u.oneOf(t, c.values)})`;
    }
    if ('matches' in c) {
      const t = u.tmp();
      return `(typeof (${t} = ${u.get(c.matches)}) === "string" && ${u.k(c.pattern)}.test(${t}))`;
    }
    if ('all' in c || 'any' in c) {
      const all = 'all' in c;
      const list = all ? c.all : (c as { any: readonly Cond[] }).any;
      // Short-circuit order kept; a decided operand ends (or drops out of) the chain.
      const parts: string[] = [];
      for (const x of list) {
        const e = this.cond(u, x, folds);
        if (e === String(all)) continue;
        if (e === String(!all)) {
          parts.push(e);
          break;
        }
        parts.push(e);
      }
      if (parts.length === 0) return String(all);
      const last = parts[parts.length - 1];
      if (last === String(!all) && !list.slice(0, parts.length - 1).some(effectful)) return String(!all);
      return `(${parts.join(all ? ' && ' : ' || ')})`;
    }
    if ('not' in c) {
      const e = this.cond(u, c.not, folds);
      return e === 'true' ? 'false' : e === 'false' ? 'true' : `!${e}`;
    }
    // `test`: a function of the run; it may replace doc or vars.
    const t = u.tmp();
    return `(${t} = ${u.k(c.test)}(run), doc = run.doc, vars = run.vars, ${t})`;
  }

  private fail(u: Unit, s: Step, onError: string | undefined, x: string, what: string): string {
    if (onError === 'ignore') return '';
    const where = this.interp.where(s);
    return `run.report("field-conversion", ${JSON.stringify(`${where}: cannot convert `)} + describe(${x}) + ${JSON.stringify(` to ${what}`)});`;
  }

  body(u: Unit, s: Step, folds: readonly KeyFold[]): string {
    u.resetTemps();
    switch (s.op) {
      case 'set': {
        // Fragments are generated in the order they run (the parent variables depend on it).
        const v = u.tmp();
        const t = u.tmp();
        const guard = s.override === false ? `if ((${t} = ${u.get(s.field)}) === undefined || ${t} === null) {\n` : '';
        const assign = `${v} = ${u.constant(s.value)};\n${u.set(s.field, v)}`;
        return guard === '' ? assign : `${guard}${assign}\n}`;
      }
      case 'copy': {
        const v = u.tmp();
        const keep = s.override === false;
        const d = keep ? u.tmp() : '';
        const guard = keep ? ` && ((${d} = ${u.get(s.field)}) === undefined || ${d} === null)` : '';
        return `${v} = ${u.get(s.from)};\nif (!${u.skip(v, s.skip, s.ignoreEmpty ?? true)}${guard}) {\nif (typeof ${v} === "object" && ${v} !== null) ${v} = clone(${v});\n${u.set(s.field, v)}\n}`;
      }
      case 'rename': {
        const v = u.tmp();
        // Elasticsearch's rename refuses to overwrite an existing field (the pipelines ignore the failure).
        return `${v} = ${u.get(s.from)};\nif (!${u.skip(v, s.skip, s.ignoreEmpty ?? true)} && ${u.get(s.field)} === undefined) {\n${u.del(s.from)}\n${u.set(s.field, v)}\n}`;
      }
      case 'convert': {
        const src = s.from ?? s.field;
        const v = u.tmp();
        const c = u.tmp();
        let conv: string;
        switch (s.type) {
          case 'string':
            // Never absent here (skipped above).
            conv = `typeof ${v} === "string" ? ${v} : typeof ${v} === "object" ? stringify(${v}) : String(${v})`;
            break;
          case 'long':
            conv = `toLong(${v})`;
            break;
          case 'decode':
            conv = `decodeLong(${v})`;
            break;
          case 'double':
            conv = `toDouble(${v})`;
            break;
          case 'boolean':
            conv = `toBoolean(${v})`;
            break;
          case 'ip':
            conv = `toIp(${v})`;
            break;
        }
        const read = u.get(src);
        const write = u.set(s.field, c);
        const remove = s.removeSource === true && s.from !== undefined ? `\n${u.del(s.from)}` : '';
        return `${v} = ${read};\nif (!${u.skip(v, s.skip, true)}) {\n${c} = ${conv};\nif (${c} === FAIL) {\n${this.fail(u, s, s.onError, v, s.type)}\n} else {\n${write}${remove}\n}\n}`;
      }
      case 'date': {
        const v = u.tmp();
        const t = u.tmp();
        const l = u.label();
        const offset = s.timezoneOffsetMinutes ?? 0;
        const fmt = s.precision === 'seconds' ? 'formatSeconds' : 'formatMillis';
        const read = u.get(s.from);
        let tries = '';
        for (const f of s.formats) {
          const r = u.tmp();
          if (f === 'ISO8601') {
            // The text of the result straight from canonical input (same value as parse + format).
            const text = s.precision === 'seconds' ? 'isoSecondsText' : 'isoMillisText';
            tries += `${r} = typeof ${v} === "string" ? ${text}(${v}, ${offset}) : FAIL;\nif (${r} !== FAIL) {\n${u.set(s.field, r)}\nbreak ${l};\n}\n`;
            continue;
          }
          const parse =
            f === 'UNIX' || f === 'UNIX_MS'
              ? `parseDate(${v}, ${JSON.stringify(f)}, ${offset})`
              : `typeof ${v} === "string" ? ${u.k(patternParser(f))}(${v}, ${offset}) : FAIL`;
          tries += `${t} = ${parse};\nif (${t} !== FAIL && isFinite(${t})) {\n${r} = ${fmt}(${t});\n${u.set(s.field, r)}\nbreak ${l};\n}\n`;
        }
        const what = `date (${s.formats.join(', ')})`;
        return `${l}: {\n${v} = ${read};\nif (${u.skip(v, s.skip, true)}) break ${l};\n${tries}${this.fail(u, s, s.onError, v, what)}\n}`;
      }
      case 'lookup': {
        const base = pathText(s.into);
        const table = new Map(Object.entries(s.table));
        const entryCode = (entry: { readonly [field: string]: Json }): string => {
          const out: string[] = [];
          for (const [f, val] of Object.entries(entry)) {
            const t = u.tmp();
            out.push(`${t} = ${u.constant(val)};\n${u.set(`${base}.${f}`, t)}`);
          }
          return out.join('\n');
        };
        const fold = folds.find((f) => f.value !== NO_KEY && sameSegments(f.on, s.key));
        if (fold !== undefined) {
          const k = fold.value;
          if (k === undefined || k === null) return '';
          const entry = table.get(typeof k === 'string' ? k : String(k));
          return entry === undefined ? '' : entryCode(entry);
        }
        // At run time: the entry's number from a Map, then a switch over the entries' writes.
        const v = u.tmp();
        const read = u.get(s.key);
        const index = new Map<string, number>();
        let cases = '';
        for (const [key, entry] of table) {
          index.set(key, index.size);
          cases += `case ${index.size - 1}: {\n${entryCode(entry)}\nbreak;\n}\n`;
        }
        return `${v} = ${read};\nif (${v} !== undefined && ${v} !== null) switch (${u.k(index)}.get(typeof ${v} === "string" ? ${v} : String(${v}))) {\n${cases}}`;
      }
      case 'map': {
        const v = u.tmp();
        const e = u.tmp();
        const table = new Map<string, Json>(Object.entries(s.table));
        const convert = s.keyCase === 'lower' ? '.toLowerCase()' : s.keyCase === 'upper' ? '.toUpperCase()' : '';
        // Table values are JSON (never undefined): undefined means "not in the table".
        const dflt = s.default === undefined ? '' : `\nif (${e} === undefined) ${e} = ${u.k(s.default)};`;
        return `${v} = ${u.get(s.from)};\nif (${v} !== undefined && ${v} !== null && typeof ${v} !== "object") {\n${e} = ${u.k(table)}.get(String(${v})${convert});${dflt}\nif (${e} !== undefined) {\nif (typeof ${e} === "object" && ${e} !== null) ${e} = clone(${e});\n${u.set(s.field, e)}\n}\n}`;
      }
      case 'flags': {
        const v = u.tmp();
        const n = u.tmp();
        const names = u.tmp();
        const table = s.table.map(([m, name]) => [m >>> 0, name] as const);
        return `${v} = ${u.get(s.from)};\nif (!${u.skip(v, s.skip, true)}) {\n${n} = decodeLong(${v});\nif (${n} === FAIL) {\n${this.fail(u, s, s.onError, v, 'a number')}\n} else {\n${names} = flagNames(${n} >>> 0, ${u.k(table)});\nif (${names}.length > 0) {\n${u.set(s.field, names)}\n}\n}\n}`;
      }
      case 'basename': {
        const v = u.tmp();
        const idx = u.tmp();
        const name = u.tmp();
        const d = u.tmp();
        const seps = s.separators ?? '\\';
        const whole = s.whenNoSeparator === 'whole';
        const keep = s.keepExisting !== false;
        let find = `${idx} = -1;\n`;
        for (let i = 0; i < seps.length; i++)
          find += `${idx} = Math.max(${idx}, ${v}.lastIndexOf(${JSON.stringify(seps[i])}));\n`;
        const guard = keep ? ` && ((${d} = ${u.get(s.field)}) === undefined || ${d} === null)` : '';
        return `${v} = ${u.get(s.from)};\nif (!${u.skip(v, s.skip, true)} && typeof ${v} === "string"${guard}) {\n${find}${name} = ${idx} < 0 ? ${whole ? v : '""'} : ${v}.slice(${idx} + 1);\nif (${name} !== "") {\n${u.set(s.field, name)}\n}\n}`;
      }
      case 'domainUser': {
        const v = u.tmp();
        const i = u.tmp();
        const j = u.tmp();
        const a = u.tmp();
        const b = u.tmp();
        const p = u.tmp();
        const sep = JSON.stringify(s.separator ?? '\\');
        const len = (s.separator ?? '\\').length;
        // Java's String.split drops trailing empty strings; exactly two parts are wanted.
        return (
          `${v} = ${u.get(s.from)};\nif (!${u.skip(v, s.skip, true)} && typeof ${v} === "string") {\n` +
          `${a} = undefined;\n${i} = ${v}.indexOf(${sep});\n` +
          `if (${i} >= 0 && ${len} > 0) {\n${j} = ${v}.indexOf(${sep}, ${i} + ${len});\n` +
          `if (${j} < 0) {\n${b} = ${v}.slice(${i} + ${len});\nif (${b} !== "") ${a} = ${v}.slice(0, ${i});\n}\n` +
          `else {\n${p} = ${v}.split(${sep});\nwhile (${p}.length > 0 && ${p}[${p}.length - 1] === "") ${p}.pop();\n` +
          `if (${p}.length === 2) {\n${a} = ${p}[0];\n${b} = ${p}[1];\n}\n}\n` +
          `} else if (${len} === 0) {\n${p} = ${v}.split("");\nwhile (${p}.length > 0 && ${p}[${p}.length - 1] === "") ${p}.pop();\n` +
          `if (${p}.length === 2) {\n${a} = ${p}[0];\n${b} = ${p}[1];\n}\n}\n` +
          `if (${a} !== undefined) {\nif (${a} !== "") {\n${u.set(s.domain, a)}\n}\nif (${b} !== "") {\n${u.set(s.name, b)}\n}\n}\n}`
        );
      }
      case 'hashList': {
        const v = u.tmp();
        const rel = u.tmp();
        const o = u.tmp();
        const ps = JSON.stringify(s.pairSeparator ?? ',');
        const vsText = s.valueSeparator ?? '=';
        const vs = JSON.stringify(vsText);
        const where = this.interp.where(s);
        const read = u.get(s.from);
        const write = u.set(s.field, o);
        const related = s.related === undefined ? '' : `\nif (${rel}.length > 0) {\n${u.set(s.related, rel)}\n}`;
        return (
          `${v} = ${read};\nif (typeof ${v} === "string") {\n${rel} = ${s.related === undefined ? 'undefined' : '[]'};\n` +
          `${o} = parseHashList(${v}, ${ps}, ${vs}, ${rel});\n` +
          `if (${o} === undefined) run.report("field-format", ${JSON.stringify(`${where}: hash list `)} + describe(${v}) + ${JSON.stringify(` has an entry without "${vsText}"`)});\n` +
          `else {\n${write}${related}\n}\n}`
        );
      }
      case 'clean': {
        const o = u.tmp();
        const k = u.tmp();
        const x = u.tmp();
        const left = u.tmp();
        const skipDead = u.tmp();
        const plain = u.tmp();
        // for-in over a plain object gives own keys only, unless Object.prototype has enumerable ones.
        const ownKeys = u.tmp();
        const values = s.values.filter((v) => v !== null);
        const dropNull = s.values.includes(null);
        const tests: string[] = [];
        if (s.dropUndefined !== false) tests.push(`${x} === undefined`);
        if (dropNull) tests.push(`${x} === null`);
        if (values.length > 0) tests.push(u.oneOf(x, values));
        const drop = tests.length === 0 ? 'false' : tests.join(' || ');
        const read = u.get(s.field);
        const empty = s.removeIfEmpty === true ? `\nif (${left} === 0) {\n${u.del(s.field)}\n}` : '';
        const segs = splitPath(s.field);
        const m = segs[0]!.startsWith('$') ? -1 : this.managed.findIndex((p) => sameSegments(p, segs));
        if (m < 0)
          return `${o} = ${read};\nif (${isObj(o)}) {\n${left} = 0;\nfor (${k} in ${o}) {\n${x} = ${o}[${k}];\nif (${drop}) delete ${o}[${k}];\nelse ${left}++;\n}${empty}\n}`;
        // A deferred-delete object: keys deleted earlier (undefined now) are absent, deletes are deferred.
        // With undefined values dropped anyway, deleting such a key again is harmless: no lookup then.
        const skip =
          s.dropUndefined !== false
            ? ''
            : `if (${x} === undefined && ${skipDead} && D${m}.keys.includes(${k})) continue;\n`;
        return `${o} = ${read};\nif (${isObj(o)}) {\n${left} = 0;\n${skipDead} = D${m}.obj === ${o} && D${m}.keys.length !== 0;\nif (D${m}.obj !== ${o}) ownDeferred(run, ${m}, ${o});\n${plain} = D${m}.plain;\n${ownKeys} = ${plain} && !protoEnumerable();\nfor (${k} in ${o}) {\n${x} = ${o}[${k}];\n${skip}if (${drop}) {\nif (${plain} && OBJECT_PROTO[${k}] === undefined) {\nif (${ownKeys} || hasOwn(${o}, ${k})) {\n${o}[${k}] = undefined;\nD${m}.keys.push(${k});\n}\n} else delete ${o}[${k}];\n} else ${left}++;\n}${empty}\n}`;
      }
      case 'argv': {
        const v = u.tmp();
        const list = u.tmp();
        const split = u.k(ARGV_SPLITTERS[s.algorithm]);
        const read = u.get(s.from);
        const write = u.set(s.args, list);
        const count = s.count === undefined ? '' : `\n${u.set(s.count, `${list}.length`)}`;
        return `${v} = ${read};\nif (!${u.skip(v, s.skip, s.ignoreEmpty ?? true)} && typeof ${v} === "string") {\n${list} = ${split}(${v});\n${write}${count}\n}`;
      }
      case 'append': {
        const v = u.tmp();
        const cur = u.tmp();
        const i = u.tmp();
        const it = u.tmp();
        const unique = s.unique !== false;
        const src = s.from !== undefined ? u.get(s.from) : s.value !== undefined ? u.constant(s.value) : 'undefined';
        const add = (x: string): string =>
          `${unique ? `if (!${cur}.includes(${x})) ` : ''}${cur}.push(typeof ${x} === "object" && ${x} !== null ? clone(${x}) : ${x});`;
        return (
          `${v} = ${src};\nif (!${u.skip(v, s.skip, s.ignoreEmpty ?? true)}) {\n${cur} = ${u.get(s.field)};\n` +
          `if (!isArray(${cur})) {\n${cur} = ${cur} === undefined || ${cur} === null ? [] : [${cur}];\n${u.set(s.field, cur)}\n}\n` +
          `if (isArray(${v})) for (${i} = 0; ${i} < ${v}.length; ${i}++) {\n${it} = ${v}[${i}];\n${add(it)}\n}\nelse {\n${add(v)}\n}\n}`
        );
      }
      case 'remove': {
        // Field by field, in the interpreter's order (its grouping by parent only saves walks,
        // which the parent variables save here).
        const groups = new Map<string, FieldPath[]>();
        for (const f of s.fields) {
          const segs = splitPath(f);
          const key = segs.length === 1 ? `single:${pathText(f)}` : JSON.stringify(segs.slice(0, -1));
          const g = groups.get(key);
          if (g === undefined) groups.set(key, [f]);
          else if (!key.startsWith('single:')) g.push(f);
        }
        return [...groups.values()]
          .flat()
          .map((f) => u.del(f))
          .join('\n');
      }
      case 'split': {
        const v = u.tmp();
        const parts = u.tmp();
        const sep = typeof s.separator === 'string' ? JSON.stringify(s.separator) : u.k(s.separator);
        const trim =
          s.preserveTrailing === true
            ? ''
            : `\nif (${parts}.length > 1) while (${parts}.length > 1 && ${parts}[${parts}.length - 1] === "") ${parts}.pop();`;
        return `${v} = ${u.get(s.from ?? s.field)};\nif (!${u.skip(v, s.skip, false)} && typeof ${v} === "string") {\n${parts} = ${v}.split(${sep});${trim}\n${u.set(s.field, parts)}\n}`;
      }
      case 'lowercase':
      case 'uppercase':
      case 'trim': {
        const v = u.tmp();
        const r = u.tmp();
        const f =
          s.op === 'lowercase' ? `${v}.toLowerCase()` : s.op === 'uppercase' ? `${v}.toUpperCase()` : `javaTrim(${v})`;
        return `${v} = ${u.get(s.from ?? s.field)};\nif (typeof ${v} === "string") {\n${r} = ${f};\n${u.set(s.field, r)}\n}`;
      }
      case 'gsub': {
        const v = u.tmp();
        const r = u.tmp();
        const re = new RegExp(
          s.pattern.source,
          s.pattern.flags.includes('g') ? s.pattern.flags : s.pattern.flags + 'g',
        );
        return `${v} = ${u.get(s.from ?? s.field)};\nif (typeof ${v} === "string") {\n${r} = ${v}.replace(${u.k(re)}, ${JSON.stringify(s.replacement)});\n${u.set(s.field, r)}\n}`;
      }
      case 'concat': {
        const out = u.tmp();
        const x = u.tmp();
        let code = `${out} = "";\n`;
        for (const p of s.parts) {
          if (typeof p === 'string') code += `${out} += ${JSON.stringify(p)};\n`;
          else
            code += `${x} = ${u.get(p.field)};\nif (${x} !== undefined && ${x} !== null) ${out} += typeof ${x} === "string" ? ${x} : stringify(${x});\n`;
        }
        return `${code}${u.set(s.field, out)}`;
      }
      case 'when': {
        const c = this.cond(u, s.cond, folds);
        // A `test` may change anything: the branches load what they need afresh.
        if (condPaths(s.cond, [])) u.clearCache();
        const before = u.snapshot();
        const then = c === 'false' ? '' : this.steps(u, s.then, folds);
        const afterThen = u.snapshot();
        u.merge(before);
        const other = s.else === undefined || c === 'true' ? '' : this.steps(u, s.else, folds);
        // Variables loaded inside one branch are not loaded after the other.
        u.merge(before, afterThen, u.snapshot());
        if (c === 'true') return then;
        if (c === 'false') return other;
        return other === '' ? `if (${c}) {\n${then}\n}` : `if (${c}) {\n${then}\n} else {\n${other}\n}`;
      }
      case 'dispatch':
        return this.dispatch(u, s, folds);
      case 'script': {
        const where = `${this.interp.name}: script ${s.name}`;
        const e = u.tmp();
        // A failing script behaves like a Painless script with ignore_failure: reported, skipped.
        return `try {\n${u.k(s.run)}(run);\n} catch (${e}) {\nrun.report("mapping-script", ${JSON.stringify(`${where}: `)} + (${e} instanceof Error ? ${e}.message : String(${e})));\n}\ndoc = run.doc; vars = run.vars;`;
      }
      case 'json': {
        const v = u.tmp();
        const parsed = u.tmp();
        const e = u.tmp();
        const l = u.label();
        const where = this.interp.where(s);
        const report =
          s.onError === 'ignore'
            ? ''
            : `run.report("field-format", ${JSON.stringify(`${where}: not JSON (`)} + (${e} instanceof Error ? ${e}.message : String(${e})) + ")");\n`;
        return `${l}: {\n${v} = ${u.get(s.from ?? s.field)};\nif (${u.skip(v, s.skip, true)} || typeof ${v} !== "string") break ${l};\ntry {\n${parsed} = JSON.parse(${v});\n} catch (${e}) {\n${report}break ${l};\n}\n${u.set(s.field, parsed)}\n}`;
      }
      case 'prune':
      case 'switch':
        return this.interpreted(u, this.interp.body(s));
    }
  }

  /**
   * `dispatch`: one generated function per key class (each listed value, and one for all other
   * values), made on first use and remembered per key value.
   */
  private dispatch(u: Unit, s: Extract<Step, { op: 'dispatch' }>, folds: readonly KeyFold[]): string {
    const on = splitPath(s.on);
    const onText = pathText(s.on);
    // Steps pre-selected by a top-level `in`/`eq` on the key (compared as text, as the interpreter does).
    const entries = s.steps.map((st) => {
      const c = st.if;
      if (c !== undefined && 'in' in c && pathText(c.in) === onText) return { st, keys: new Set<unknown>(c.values) };
      if (c !== undefined && 'eq' in c && pathText(c.eq) === onText) return { st, keys: new Set<unknown>([c.value]) };
      return { st, keys: undefined };
    });
    const listed = new Set<unknown>();
    for (const e of entries) if (e.keys !== undefined) for (const k of e.keys) listed.add(k);
    listedKeys(s.on, s.steps, listed);
    const byClass = new Map<unknown, Fn>();
    const generate = (cls: unknown): Fn => {
      const unit = new Unit(this.managed);
      const inner = [...folds, { on, value: cls }];
      const code = entries
        .filter((e) => e.keys === undefined || (cls !== NO_KEY && e.keys.has(cls)))
        .map((e) => this.step(unit, e.st, inner, e.keys !== undefined))
        .join('\n');
      return unit.build(`${this.interp.name} ${onText}=${cls === NO_KEY ? 'other' : String(cls)}`, code);
    };
    const cache = new Map<unknown, Fn>();
    const miss = (k: unknown): Fn => {
      const cls = listed.has(k) ? k : NO_KEY;
      let fn = byClass.get(cls);
      if (fn === undefined) {
        fn = generate(cls);
        byClass.set(cls, fn);
      }
      // Remember primitive keys only (objects as keys would pin them), within a bound.
      if ((typeof k !== 'object' || k === null) && typeof k !== 'function' && cache.size < DISPATCH_CACHE_MAX)
        cache.set(k, fn);
      return fn;
    };
    const k = u.tmp();
    const f = u.tmp();
    return `${k} = ${u.get(s.on)};\n${f} = ${u.k(cache)}.get(${k});\nif (${f} === undefined) ${f} = ${u.k(miss)}(${k});\n${f}(run);\ndoc = run.doc; vars = run.vars;`;
  }
}

/** Generates the function running `steps` (see the file comment). `interp` is the mapping's interpreter. */
export function generateMapping(steps: readonly Step[], interp: Compiler, deferDeletes: readonly FieldPath[] = []): Fn {
  const g = new Generator(interp, deferDeletes);
  const u = new Unit(g.managed);
  return u.build(interp.name, g.steps(u, steps, []));
}
