/**
 * Compiles declarative steps (types.ts), once per mapping. Two forms of the same semantics:
 *
 * - interpreted (this file): closures per step; paths are pre-split, tables are Maps, conditions
 *   are closures, `switch` dispatches with one hash lookup. This is the reference form, and what
 *   the generated form calls for the steps it does not generate.
 * - generated (codegen.ts, the default): JavaScript source per mapping, and per value of a
 *   `dispatch` key, so every field access is its own inline-cached property load.
 */
import { ARGV_SPLITTERS } from './argv.js';
import { compilePath, isObject, pathText, splitPath, type Accessor } from './path.js';
import type { Cond, FieldPath, Json, Mapping, MappingRun, Scalar, Step } from './types.js';
import { convertValue, decodeLong, FAIL, formatMillis, formatSeconds, javaTrim, parseDate } from './values.js';

import { generateMapping } from './codegen.js';
import { deferredPaths, flushAll, Run, type DeferredPath } from './deferred.js';
import { objectFrom, type RecentFactories } from './objects.js';

export type Fn = (run: MappingRun) => void;
export type Pred = (run: MappingRun) => boolean;

/** Where problems found while mapping one record go. */
export type MappingReport = (kind: string, message: string) => void;

export interface CompiledMapping {
  readonly name: string;
  /**
   * Runs the mapping on `doc`, in place, and returns it. `report` receives problems (bad values);
   * without it they are dropped. Scratch variables are discarded afterwards.
   */
  apply(doc: Record<string, unknown>, report?: MappingReport): Record<string, unknown>;
}

const noReport: MappingReport = () => {};

/** A key no event value can equal (for the default list of a dispatch). */
export const NO_KEY = Symbol('no key');

/** Deep copy of a constant so that no two events share an array or object. */
export function cloneJson<T>(v: T): T {
  return cloneAt(v, 0) as T;
}

/** Scratch key and value lists per nesting depth (reused: no arrays allocated per copy). */
const cloneKeys: string[][] = [];
const cloneValues: unknown[][] = [];
const cloneRecent: RecentFactories = [];

function cloneAt(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const a: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = cloneAt(v[i], depth + 1);
    return a;
  }
  const src = v as Record<string, unknown>;
  const keys = (cloneKeys[depth] ??= []);
  const values = (cloneValues[depth] ??= []);
  let n = 0;
  for (const k in src) {
    keys[n] = k;
    values[n++] = cloneAt(src[k], depth + 1);
  }
  // One literal per key sequence: fast properties however many keys (key by key, V8 turns a
  // copy of more than about 20 keys into a dictionary).
  const o = objectFrom(keys, values, n, cloneRecent);
  values.fill(undefined, 0, n);
  return o;
}

function isScalar(v: Json): boolean {
  return v === null || typeof v !== 'object';
}

/** A setter for a constant: no copy for scalars, a fresh copy otherwise. */
function constant(v: Json): () => unknown {
  return isScalar(v) ? () => v : () => cloneJson(v);
}

/** Whether for-in over `o` itself yields anything (an enumerable own or inherited key). */
function hasEnumerable(o: object): boolean {
  for (const k in o) if (k !== undefined) return true;
  return false;
}

function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

/** A value as problem messages quote it. */
export function describe(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v));
  return s.length > 80 ? s.slice(0, 77) + '…' : s;
}

/** The interpreted form: one closure per step. */
export class Compiler {
  private readonly paths = new Map<string, Accessor>();

  constructor(readonly name: string) {}

  path(p: FieldPath): Accessor {
    const key = typeof p === 'string' ? p : JSON.stringify(p);
    let a = this.paths.get(key);
    if (a === undefined) {
      a = compilePath(p);
      this.paths.set(key, a);
    }
    return a;
  }

  /** A predicate "this source value should be skipped". */
  skipper(skip: readonly Scalar[] | undefined, ignoreEmpty: boolean): (v: unknown) => boolean {
    const set = new Set<unknown>(skip ?? []);
    if (ignoreEmpty) set.add('');
    if (set.size === 0) return absent;
    return (v) => v === undefined || v === null || set.has(v);
  }

  where(step: Step): string {
    const field = 'field' in step && step.field !== undefined ? ` ${pathText(step.field)}` : '';
    return `${this.name}: ${step.tag ?? step.op}${field}`;
  }

  cond(c: Cond): Pred {
    if ('exists' in c) {
      const a = this.path(c.exists);
      return (r) => !absent(a.get(r));
    }
    if ('missing' in c) {
      const a = this.path(c.missing);
      return (r) => absent(a.get(r));
    }
    if ('present' in c) {
      const a = this.path(c.present);
      const except = new Set<unknown>(['', ...(c.except ?? [])]);
      return (r) => {
        const v = a.get(r);
        return !absent(v) && !except.has(v);
      };
    }
    if ('eq' in c) {
      const a = this.path(c.eq);
      const want = c.value;
      return (r) => a.get(r) === want;
    }
    if ('ne' in c) {
      const a = this.path(c.ne);
      const want = c.value;
      return (r) => a.get(r) !== want;
    }
    if ('in' in c) {
      const a = this.path(c.in);
      const set = new Set<unknown>(c.values);
      return (r) => set.has(a.get(r));
    }
    if ('matches' in c) {
      const a = this.path(c.matches);
      const re = c.pattern;
      return (r) => {
        const v = a.get(r);
        return typeof v === 'string' && re.test(v);
      };
    }
    if ('all' in c) {
      const ps = c.all.map((x) => this.cond(x));
      return (r) => ps.every((p) => p(r));
    }
    if ('any' in c) {
      const ps = c.any.map((x) => this.cond(x));
      return (r) => ps.some((p) => p(r));
    }
    if ('not' in c) {
      const p = this.cond(c.not);
      return (r) => !p(r);
    }
    return c.test;
  }

  steps(steps: readonly Step[]): Fn {
    const fns = steps.map((s) => this.step(s));
    if (fns.length === 1) return fns[0]!;
    return (r) => {
      for (let i = 0; i < fns.length; i++) fns[i]!(r);
    };
  }

  step(s: Step): Fn {
    const fn = this.body(s);
    if (s.if === undefined) return fn;
    const p = this.cond(s.if);
    return (r) => {
      if (p(r)) fn(r);
    };
  }

  failure(s: Step, onError: string | undefined): (r: MappingRun, v: unknown, what: string) => void {
    if (onError === 'ignore') return () => {};
    const where = this.where(s);
    return (r, v, what) => r.report('field-conversion', `${where}: cannot convert ${describe(v)} to ${what}`);
  }

  body(s: Step): Fn {
    switch (s.op) {
      case 'set': {
        const dst = this.path(s.field);
        const value = constant(s.value);
        if (s.override === false) {
          return (r) => {
            if (absent(dst.get(r))) dst.set(r, value());
          };
        }
        return (r) => {
          dst.set(r, value());
        };
      }
      case 'copy': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const skip = this.skipper(s.skip, s.ignoreEmpty ?? true);
        const keep = s.override === false;
        return (r) => {
          const v = src.get(r);
          if (skip(v)) return;
          if (keep && !absent(dst.get(r))) return;
          dst.set(r, cloneJson(v));
        };
      }
      case 'rename': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const skip = this.skipper(s.skip, s.ignoreEmpty ?? true);
        // Elasticsearch's rename refuses to overwrite an existing field (the pipelines ignore the failure).
        return (r) => {
          const v = src.get(r);
          if (skip(v) || dst.get(r) !== undefined) return;
          src.del(r);
          dst.set(r, v);
        };
      }
      case 'convert': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? dst : this.path(s.from);
        const skip = this.skipper(s.skip, true);
        const fail = this.failure(s, s.onError);
        const type = s.type;
        const remove = s.removeSource === true && s.from !== undefined;
        return (r) => {
          const v = src.get(r);
          if (skip(v)) return;
          const c = convertValue(v, type);
          if (c === FAIL) return fail(r, v, type);
          dst.set(r, c);
          if (remove) src.del(r);
        };
      }
      case 'date': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const skip = this.skipper(s.skip, true);
        const fail = this.failure(s, s.onError);
        const formats = [...s.formats];
        const offset = s.timezoneOffsetMinutes ?? 0;
        const fmt = s.precision === 'seconds' ? formatSeconds : formatMillis;
        const what = `date (${formats.join(', ')})`;
        return (r) => {
          const v = src.get(r);
          if (skip(v)) return;
          for (const f of formats) {
            const t = parseDate(v, f, offset);
            if (t !== FAIL && Number.isFinite(t)) {
              dst.set(r, fmt(t));
              return;
            }
          }
          fail(r, v, what);
        };
      }
      case 'lookup': {
        const key = this.path(s.key);
        const base = pathText(s.into);
        const table = new Map<string, Array<[Accessor, () => unknown]>>();
        for (const [k, entry] of Object.entries(s.table)) {
          table.set(
            k,
            Object.entries(entry).map(([f, v]) => [this.path(`${base}.${f}`), constant(v)]),
          );
        }
        return (r) => {
          const v = key.get(r);
          if (absent(v)) return;
          const e = table.get(typeof v === 'string' ? v : String(v));
          if (e === undefined) return;
          for (const [a, val] of e) a.set(r, val());
        };
      }
      case 'map': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const table = new Map<string, () => unknown>(Object.entries(s.table).map(([k, v]) => [k, constant(v)]));
        const dflt = s.default === undefined ? undefined : constant(s.default);
        const keyCase = s.keyCase;
        return (r) => {
          const v = src.get(r);
          if (absent(v) || typeof v === 'object') return;
          let k = String(v);
          if (keyCase === 'lower') k = k.toLowerCase();
          else if (keyCase === 'upper') k = k.toUpperCase();
          const val = table.get(k) ?? dflt;
          if (val !== undefined) dst.set(r, val());
        };
      }
      case 'flags': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const skip = this.skipper(s.skip, true);
        const fail = this.failure(s, s.onError);
        const table = s.table.map(([m, n]) => [m >>> 0, n] as const);
        return (r) => {
          const v = src.get(r);
          if (skip(v)) return;
          const n = decodeLong(v);
          if (n === FAIL) return fail(r, v, 'a number');
          const low = n >>> 0;
          const names: string[] = [];
          for (const [m, name] of table) if ((low & m) >>> 0 === m) names.push(name);
          if (names.length > 0) dst.set(r, names);
        };
      }
      case 'basename': {
        const dst = this.path(s.field);
        const src = this.path(s.from);
        const skip = this.skipper(s.skip, true);
        const seps = s.separators ?? '\\';
        const whole = s.whenNoSeparator === 'whole';
        const keep = s.keepExisting !== false;
        return (r) => {
          const v = src.get(r);
          if (skip(v) || typeof v !== 'string') return;
          if (keep && !absent(dst.get(r))) return;
          let idx = -1;
          for (let i = 0; i < seps.length; i++) idx = Math.max(idx, v.lastIndexOf(seps[i]!));
          const name = idx < 0 ? (whole ? v : '') : v.slice(idx + 1);
          if (name !== '') dst.set(r, name);
        };
      }
      case 'domainUser': {
        const src = this.path(s.from);
        const dom = this.path(s.domain);
        const nam = this.path(s.name);
        const skip = this.skipper(s.skip, true);
        const sep = s.separator ?? '\\';
        return (r) => {
          const v = src.get(r);
          if (skip(v) || typeof v !== 'string') return;
          const parts = v.split(sep);
          // Java's String.split drops trailing empty strings.
          while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
          if (parts.length !== 2) return;
          if (parts[0] !== '') dom.set(r, parts[0]);
          if (parts[1] !== '') nam.set(r, parts[1]);
        };
      }
      case 'hashList': {
        const src = this.path(s.from);
        const dst = this.path(s.field);
        const rel = s.related === undefined ? undefined : this.path(s.related);
        const ps = s.pairSeparator ?? ',';
        const vs = s.valueSeparator ?? '=';
        const where = this.where(s);
        return (r) => {
          const v = src.get(r);
          if (typeof v !== 'string') return;
          const out: Record<string, string> = {};
          const related: string[] = [];
          for (const pair of v.split(ps)) {
            const at = pair.indexOf(vs);
            if (at < 0) {
              // Elasticsearch's kv processor fails on a pair without a value: no hashes at all.
              r.report('field-format', `${where}: hash list ${describe(v)} has an entry without "${vs}"`);
              return;
            }
            const key = pair.slice(0, at).toLowerCase();
            const val = pair.slice(at + vs.length).toLowerCase();
            if (/^0*$/.test(val)) continue;
            out[key] = val;
            related.push(val);
          }
          dst.set(r, out);
          if (rel !== undefined && related.length > 0) rel.set(r, related);
        };
      }
      case 'clean': {
        const obj = this.path(s.field);
        const values = new Set<unknown>(s.values);
        const dropUndef = s.dropUndefined !== false;
        const removeIfEmpty = s.removeIfEmpty === true;
        return (r) => {
          const o = obj.get(r);
          if (!isObject(o)) return;
          let left = 0;
          for (const k in o) {
            const v = o[k];
            if ((v === undefined && dropUndef) || values.has(v)) delete o[k];
            else left++;
          }
          if (removeIfEmpty && left === 0) obj.del(r);
        };
      }
      case 'prune': {
        const root = s.field === undefined ? undefined : this.path(s.field);
        const listed = (s.values ?? []).filter((v) => v !== null);
        const dropNull = (s.values ?? []).includes(null);
        const values = new Set<unknown>(listed);
        const checkValues = values.size > 0;
        const blank = s.blankStrings === true;
        const containers = s.emptyContainers === true;
        const inArrays = s.inArrays !== false;
        // Whether a scalar must go.
        const dropScalar = (x: unknown): boolean => {
          switch (typeof x) {
            case 'undefined':
              return true;
            case 'string':
              if (checkValues && values.has(x)) return true;
              return blank && (x.length === 0 || (x.charCodeAt(0) <= 0x20 && javaTrim(x) === ''));
            case 'object':
              return x === null && dropNull;
            default:
              return checkValues && values.has(x);
          }
        };
        // Both sweeps return how many entries are left, so emptiness needs no second look.
        // for-in gives the own enumerable keys (Object.keys) of a plain object when Object.prototype
        // has no enumerable property: then no per-key hasOwn check is needed.
        let plainForIn = true;
        const sweepObj = (o: Record<string, unknown>): number => {
          let left = 0;
          const own = plainForIn && Object.getPrototypeOf(o) === Object.prototype;
          for (const k in o) {
            if (!own && !Object.hasOwn(o, k)) continue;
            const x = o[k];
            let gone: boolean;
            if (typeof x === 'object' && x !== null) {
              if (Array.isArray(x)) gone = (inArrays ? sweepArr(x) : x.length) === 0 && containers;
              else gone = sweepObj(x as Record<string, unknown>) === 0 && containers;
            } else gone = dropScalar(x);
            if (gone) delete o[k];
            else left++;
          }
          return left;
        };
        const sweepArr = (a: unknown[]): number => {
          let w = 0;
          for (let i = 0; i < a.length; i++) {
            const x = a[i];
            let gone: boolean;
            if (typeof x === 'object' && x !== null) {
              if (Array.isArray(x)) gone = sweepArr(x) === 0 && containers;
              else gone = sweepObj(x as Record<string, unknown>) === 0 && containers;
            } else gone = dropScalar(x);
            if (!gone) a[w++] = x;
          }
          a.length = w;
          return w;
        };
        return (r) => {
          const o = root === undefined ? r.doc : root.get(r);
          plainForIn = !hasEnumerable(Object.prototype);
          if (Array.isArray(o)) sweepArr(o);
          else if (isObject(o)) sweepObj(o);
        };
      }
      case 'argv': {
        const src = this.path(s.from);
        const args = this.path(s.args);
        const count = s.count === undefined ? undefined : this.path(s.count);
        const skip = this.skipper(s.skip, s.ignoreEmpty ?? true);
        const split = ARGV_SPLITTERS[s.algorithm];
        return (r) => {
          const v = src.get(r);
          if (skip(v) || typeof v !== 'string') return;
          const list = split(v);
          args.set(r, list);
          if (count !== undefined) count.set(r, list.length);
        };
      }
      case 'append': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? undefined : this.path(s.from);
        const value = s.value === undefined ? undefined : constant(s.value);
        const skip = this.skipper(s.skip, s.ignoreEmpty ?? true);
        const unique = s.unique !== false;
        return (r) => {
          const v = src !== undefined ? src.get(r) : value?.();
          if (skip(v)) return;
          const items = Array.isArray(v) ? v : [v];
          let cur = dst.get(r);
          if (!Array.isArray(cur)) {
            cur = absent(cur) ? [] : [cur];
            dst.set(r, cur);
          }
          const list = cur as unknown[];
          for (const it of items) if (!unique || !list.includes(it)) list.push(cloneJson(it));
        };
      }
      case 'remove': {
        // Fields sharing a parent are deleted with one walk to that parent.
        const groups = new Map<string, { parent: Accessor | undefined; keys: string[]; single: Accessor }>();
        for (const f of s.fields) {
          const segs = splitPath(f);
          const parentSegs = segs.slice(0, -1);
          // Top-level fields are not grouped (each keeps its own accessor).
          const key = parentSegs.length === 0 ? `single:${pathText(f)}` : JSON.stringify(parentSegs);
          let g = groups.get(key);
          if (g === undefined) {
            g = { parent: parentSegs.length > 0 ? this.path(parentSegs) : undefined, keys: [], single: this.path(f) };
            groups.set(key, g);
          }
          g.keys.push(segs[segs.length - 1]!);
        }
        const list = [...groups.values()];
        return (r) => {
          for (const g of list) {
            if (g.parent === undefined) {
              g.single.del(r);
              continue;
            }
            const o = g.parent.get(r);
            if (isObject(o)) for (const k of g.keys) delete o[k];
          }
        };
      }
      case 'split': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? dst : this.path(s.from);
        const skip = this.skipper(s.skip, false);
        const sep = s.separator;
        const trailing = s.preserveTrailing === true;
        return (r) => {
          const v = src.get(r);
          if (skip(v) || typeof v !== 'string') return;
          const parts = v.split(sep);
          if (!trailing && parts.length > 1) while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
          dst.set(r, parts);
        };
      }
      case 'json': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? dst : this.path(s.from);
        const skip = this.skipper(s.skip, true);
        const quiet = s.onError === 'ignore';
        const where = this.where(s);
        return (r) => {
          const v = src.get(r);
          if (skip(v) || typeof v !== 'string') return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(v);
          } catch (e) {
            if (!quiet) r.report('field-format', `${where}: not JSON (${e instanceof Error ? e.message : String(e)})`);
            return;
          }
          dst.set(r, parsed);
        };
      }
      case 'lowercase':
      case 'uppercase':
      case 'trim': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? dst : this.path(s.from);
        const f =
          s.op === 'lowercase'
            ? (x: string) => x.toLowerCase()
            : s.op === 'uppercase'
              ? (x: string) => x.toUpperCase()
              : javaTrim;
        return (r) => {
          const v = src.get(r);
          if (typeof v === 'string') dst.set(r, f(v));
        };
      }
      case 'gsub': {
        const dst = this.path(s.field);
        const src = s.from === undefined ? dst : this.path(s.from);
        const re = new RegExp(
          s.pattern.source,
          s.pattern.flags.includes('g') ? s.pattern.flags : s.pattern.flags + 'g',
        );
        const rep = s.replacement;
        return (r) => {
          const v = src.get(r);
          if (typeof v === 'string') dst.set(r, v.replace(re, rep));
        };
      }
      case 'concat': {
        const dst = this.path(s.field);
        const parts = s.parts.map((p) => (typeof p === 'string' ? p : this.path(p.field)));
        return (r) => {
          let out = '';
          for (const p of parts) {
            if (typeof p === 'string') out += p;
            else {
              const v = p.get(r);
              if (!absent(v)) out += typeof v === 'string' ? v : JSON.stringify(v);
            }
          }
          dst.set(r, out);
        };
      }
      case 'when': {
        const p = this.cond(s.cond);
        const then = this.steps(s.then);
        const other = s.else === undefined ? undefined : this.steps(s.else);
        return (r) => {
          if (p(r)) then(r);
          else if (other !== undefined) other(r);
        };
      }
      case 'switch': {
        const on = this.path(s.on);
        const cases = new Map<string, Fn>(Object.entries(s.cases).map(([k, v]) => [k, this.steps(v)]));
        const dflt = s.default === undefined ? undefined : this.steps(s.default);
        return (r) => {
          const v = on.get(r);
          const f = absent(v) ? undefined : cases.get(typeof v === 'string' ? v : String(v));
          if (f !== undefined) f(r);
          else if (dflt !== undefined) dflt(r);
        };
      }
      case 'dispatch': {
        const on = this.path(s.on);
        const onText = pathText(s.on);
        // Each step: its compiled body, and the key values it is restricted to (undefined = all).
        const compiled = s.steps.map((st) => {
          const c = st.if;
          if (c !== undefined && 'in' in c && pathText(c.in) === onText) {
            return { fn: this.body(st), keys: new Set<unknown>(c.values) };
          }
          if (c !== undefined && 'eq' in c && pathText(c.eq) === onText) {
            return { fn: this.body(st), keys: new Set<unknown>([c.value]) };
          }
          return { fn: this.step(st), keys: undefined };
        });
        const all = new Set<unknown>();
        for (const c of compiled) if (c.keys !== undefined) for (const k of c.keys) all.add(k);
        const listFor = (k: unknown): Fn[] =>
          compiled.filter((c) => c.keys === undefined || (k !== NO_KEY && c.keys.has(k))).map((c) => c.fn);
        const table = new Map<unknown, Fn[]>();
        for (const k of all) table.set(k, listFor(k));
        const dflt = listFor(NO_KEY);
        return (r) => {
          const fns = table.get(on.get(r)) ?? dflt;
          for (let i = 0; i < fns.length; i++) fns[i]!(r);
        };
      }
      case 'script': {
        const fn = s.run;
        const where = `${this.name}: script ${s.name}`;
        return (r) => {
          try {
            fn(r);
          } catch (e) {
            // A failing script behaves like a Painless script with ignore_failure: reported, skipped.
            r.report('mapping-script', `${where}: ${e instanceof Error ? e.message : String(e)}`);
          }
        };
      }
    }
  }
}

export interface CompileOptions {
  /**
   * `generated` (default): JavaScript generated per mapping and per dispatch value. `interpreted`:
   * closures per step (the reference semantics; slower). `adaptive`: interpreted for the first
   * documents (`setAdaptiveThreshold`), then generated. All give the same documents and problems.
   */
  mode?: 'generated' | 'interpreted' | 'adaptive';
}

/**
 * Documents an adaptive mapping runs interpreted before it generates its JavaScript. Generating
 * and compiling it (and each dispatch value's code) costs tens of milliseconds per mapping, which a
 * handful of records never repays: the README's example hunt took 0.84 s with it, 0.71 s without.
 * An interpreted document costs some µs more, so a few hundred cost little where the input is
 * large; at 5,000 the EVTX fixtures' hunt was 10% slower, at 1,000 it is unchanged.
 */
let adaptiveThreshold = 1_000;

/** Sets how many documents adaptive mappings run interpreted (tests use 0: generated at once). */
export function setAdaptiveThreshold(documents: number): void {
  adaptiveThreshold = documents;
}

/** Compiles a mapping. Throws on malformed tables (bad paths), never on data. */
export function compileMapping(mapping: Mapping, options: CompileOptions = {}): CompiledMapping {
  const c = new Compiler(mapping.name);
  // Always built: it validates every path now, and the generated form calls into it.
  const interpreted = c.steps(mapping.steps);
  const name = mapping.name;
  if (options.mode === 'interpreted') {
    return {
      name,
      apply(doc, report = noReport) {
        interpreted(new Run(doc, {}, report, NO_PATHS));
        return doc;
      },
    };
  }
  const deferred = deferredPaths(mapping.deferDeletes);
  const generate = () => generateMapping(mapping.steps, c, mapping.deferDeletes ?? []);
  let run = options.mode === 'adaptive' ? undefined : generate();
  let interpretedRuns = 0;
  return {
    name,
    apply(doc, report = noReport) {
      if (run === undefined) {
        if (interpretedRuns++ < adaptiveThreshold) {
          interpreted(new Run(doc, {}, report, NO_PATHS));
          return doc;
        }
        run = generate();
      }
      const r = new Run(doc, {}, report, deferred);
      if (deferred.length === 0) run(r);
      else {
        try {
          run(r);
        } finally {
          // Also when a step throws: the document is then as the interpreted form leaves it.
          flushAll(r);
        }
      }
      return doc;
    },
  };
}

const NO_PATHS: DeferredPath[] = [];
