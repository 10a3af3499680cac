/**
 * Skipping rules that cannot match an event, so hundreds of rules cost a few lookups per event.
 *
 * Most EQL rules require an exact value of some string field: `process.name : "rundll32.exe"`,
 * `event.action in (…)`, `file.extension : "lnk"`, one of several (`process.name : "a.exe" or
 * process.pe.original_file_name : "A.EXE"`), or at least their event category. For each filter
 * (an event query, a sequence stage, an until clause) the most selective such set of exact keys is
 * chosen; a map from value to rules is built per field. An event then needs only the rules listed
 * under its own values, plus the rules without any exact key. Values are compared exactly as the
 * leaf compares them (the same converted values, case-folded where the leaf folds), so the rules
 * left out are exactly rules whose condition is false for the event.
 */
import { valuesReader, type Cond } from '../eql/compiler.js';
import type { Scalar } from '../eql/values.js';
import { foldCase } from '../eql/fold.js';
import type { CompiledQuery, FieldDef } from '../eql/index.js';

/** Fields that select little: almost every event of a kind has the same value. */
const COMMON = new Set([
  'event.category',
  'event.type',
  'event.kind',
  'event.outcome',
  'host.os.type',
  'host.os.family',
  'host.os.platform',
  'event.module',
]);

interface Key {
  def: FieldDef;
  values: string[];
  ci: boolean;
}

/**
 * Exact keys that every event satisfying `c` meets at least one of, or null when there is no such
 * set: a leaf's own values; for `and`, the most selective set among its items; for `or`, the union
 * of its branches' sets (each branch needs one). Negations and scripts give none.
 */
function keySet(c: Cond): Key[] | null {
  switch (c.k) {
    case 'leaf':
      return c.leaf.exact ? [{ def: c.leaf.def, values: c.leaf.exact.values, ci: c.leaf.exact.ci }] : null;
    case 'and': {
      let best: Key[] | null = null;
      for (const it of c.items) {
        const ks = keySet(it);
        if (ks && (!best || score(ks) < score(best))) best = ks;
      }
      return best;
    }
    case 'or': {
      const out: Key[] = [];
      for (const it of c.items) {
        const ks = keySet(it);
        if (!ks) return null;
        out.push(...ks);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Fields whose few values each cover a whole kind of event (`event.action == "start"`). */
const COARSE = new Set(['event.action', 'event.code', 'event.dataset', 'event.provider', 'data_stream.dataset']);

/** Lower is more selective: a value of an entity field (a process or file name) beats a kind of event. */
function score(keys: Key[]): number {
  let s = 0;
  for (const k of keys)
    s += (COMMON.has(k.def.name) ? 1_000_000 : COARSE.has(k.def.name) ? 1_000 : 0) + k.values.length;
  return s;
}

interface FieldIndex {
  def: FieldDef;
  read: (doc: Record<string, unknown>) => string | Scalar[] | undefined;
  cs: Map<string, number[]>;
  ci: Map<string, number[]>;
}

export interface IndexedFilter {
  rule: number;
  /** The condition of an event query, a sequence stage, an until clause or a missing stage. */
  cond: Cond;
}

/** Every condition of each query (rule `i` is `queries[i]`), for a `RuleIndex`. */
export function queryFilters(
  queries: ReadonlyArray<Pick<CompiledQuery, 'cond' | 'stages' | 'until'>>,
): IndexedFilter[] {
  const out: IndexedFilter[] = [];
  queries.forEach((q, rule) => {
    if (q.cond) out.push({ rule, cond: q.cond });
    for (const s of q.stages) out.push({ rule, cond: s.cond });
    if (q.until) out.push({ rule, cond: q.until.cond });
  });
  return out;
}

/**
 * For each query, the position in `queryFilters`' list of its first filter: its condition, or its
 * first stage (stage `k` follows at `+ k`, then `until`).
 */
export function firstFilters(queries: ReadonlyArray<Pick<CompiledQuery, 'cond' | 'stages' | 'until'>>): number[] {
  let n = 0;
  return queries.map((q) => {
    const first = n;
    n += (q.cond ? 1 : 0) + q.stages.length + (q.until ? 1 : 0);
    return first;
  });
}

export class RuleIndex {
  private readonly fields: FieldIndex[] = [];
  /** Filters (indexes into the constructor's list) without an exact key: in play for every event. */
  private readonly alwaysFilters: number[];
  /** Rules that some filter without an exact leaf keeps in play for every event. */
  readonly always: number[];
  /** The rule of each filter. */
  private readonly ruleOf: Uint32Array;
  private readonly marks: Uint32Array;
  private readonly filterMarks: Uint32Array;
  private epoch = 0;

  constructor(filters: IndexedFilter[], ruleCount: number) {
    const byKey = new Map<string, FieldIndex>();
    const alwaysFilters: number[] = [];
    const always = new Set<number>();
    const chosen: Array<{ filter: number; key: Key }> = [];
    filters.forEach((f, i) => {
      const keys = keySet(f.cond);
      if (!keys) {
        alwaysFilters.push(i);
        always.add(f.rule);
      } else for (const key of keys) chosen.push({ filter: i, key });
    });
    for (const { filter, key } of chosen) {
      const d = key.def;
      const id = `${d.sourcePath}|${d.type}|${d.ignoreAbove ?? ''}|${String(d.nullValue ?? '')}`;
      let fi = byKey.get(id);
      if (!fi) {
        fi = { def: d, read: valuesReader(d), cs: new Map(), ci: new Map() };
        byKey.set(id, fi);
        this.fields.push(fi);
      }
      const map = key.ci ? fi.ci : fi.cs;
      for (const v of key.values) {
        const list = map.get(v);
        if (!list) map.set(v, [filter]);
        else if (list[list.length - 1] !== filter) list.push(filter);
      }
    }
    this.alwaysFilters = alwaysFilters;
    this.always = [...always].sort((a, b) => a - b);
    this.ruleOf = Uint32Array.from(filters, (f) => f.rule);
    this.marks = new Uint32Array(ruleCount);
    this.filterMarks = new Uint32Array(filters.length);
  }

  /** Number of fields looked up per event. */
  get indexedFields(): number {
    return this.fields.length;
  }

  /**
   * Rules that might match `doc`, each once, in no particular order. Until the next call,
   * `mayMatch` tells which of their filters might.
   */
  candidates(doc: Record<string, unknown>, out: number[] = []): number[] {
    out.length = 0;
    const e = ++this.epoch;
    if (e === 0xffffffff) {
      this.marks.fill(0);
      this.filterMarks.fill(0);
      this.epoch = 1;
    }
    const ep = this.epoch;
    this.mark(this.alwaysFilters, out, ep);
    for (const fi of this.fields) {
      const v = fi.read(doc);
      if (v === undefined) continue;
      if (typeof v === 'string') this.hit(fi, v, out, ep);
      else for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') this.hit(fi, v[i] as string, out, ep);
    }
    return out;
  }

  /**
   * Whether filter `f` (its index in the constructor's list) might hold for the document of the
   * last `candidates` call; false proves it does not.
   */
  mayMatch(f: number): boolean {
    return this.filterMarks[f] === this.epoch;
  }

  private hit(fi: FieldIndex, v: string, out: number[], ep: number): void {
    if (fi.cs.size) this.mark(fi.cs.get(v), out, ep);
    if (fi.ci.size) this.mark(fi.ci.get(foldCase(v)), out, ep);
  }

  /** Marks each filter of `list`, and adds its rule to `out` if not there yet for this event. */
  private mark(list: number[] | undefined, out: number[], ep: number): void {
    if (!list) return;
    const fm = this.filterMarks;
    const marks = this.marks;
    for (let i = 0; i < list.length; i++) {
      const f = list[i];
      if (fm[f] === ep) continue;
      fm[f] = ep;
      const r = this.ruleOf[f];
      if (marks[r] !== ep) {
        marks[r] = ep;
        out.push(r);
      }
    }
  }
}
