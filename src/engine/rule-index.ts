/**
 * Skipping rules that cannot match an event, so hundreds of rules cost a few lookups per event.
 *
 * Most EQL rules require values of some string fields: an exact one (`process.name :
 * "rundll32.exe"`, `event.action in (…)`, one of several across fields: `process.name : "a.exe" or
 * process.pe.original_file_name : "A.EXE"`), or one containing a literal (`process.executable :
 * "?:\\PerfLogs\\*"` needs `\perflogs\`), or at least some value of a field (a leaf is false
 * without one: `process.parent.Ext.real.pid > 0` needs Elastic Defend's field).
 * Each filter (an event query, a sequence stage, an until clause) is a conjunction; up to four of
 * its requirements are indexed, the most selective first, and an event must meet every one of
 * them: a filter keyed on `event.type == "start"` and on `process.executable` containing
 * `\perflogs\` is left out for a start event elsewhere. Exact values are looked up in a map per
 * field; contained literals are found by one automaton pass over each field's value; a field's
 * entries for its recent values are remembered. Values are compared as the leaf compares them
 * (converted, case-folded where the leaf folds), so a filter left out is a filter whose condition
 * is false for the event.
 */
import { presenceReader, valuesReader, type Cond } from '../eql/compiler.js';
import type { Scalar } from '../eql/values.js';
import { foldCase } from '../eql/fold.js';
import type { CompiledQuery, FieldDef } from '../eql/index.js';
import { LiteralAutomaton } from './hunt/byte-search.js';

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

/** Fields whose few values each cover a whole kind of event (`event.action == "start"`). */
const COARSE = new Set(['event.action', 'event.code', 'event.dataset', 'event.provider', 'data_stream.dataset']);

/** Values remembered per field; the memo starts over when full. */
const MEMO_SIZE = 4096;
/** Longer values are not remembered (a script block's command line would hold megabytes). */
const MEMO_LENGTH = 512;

/** Requirements indexed per filter at most (each costs a mark per event that meets it). */
const MAX_KEYS = 4;

/**
 * A value of `def` equal to (`exact`) or containing (`contains`) one of `values`, folded when `ci`;
 * or any value at all (`present`: a leaf never holds for a field without one).
 */
interface Key {
  def: FieldDef;
  kind: 'exact' | 'contains' | 'present';
  values: string[];
  ci: boolean;
}

/** Keys one of which every event satisfying a condition meets (a disjunction). */
type KeySet = Key[];

/** Lower is more selective: a value of an entity field (a process or file name) beats a kind of event. */
function score(keys: KeySet): number {
  let s = 0;
  for (const k of keys) {
    if (COMMON.has(k.def.name)) s += 1_000_000;
    else if (k.kind === 'present') {
      // Many fields are in every event of their kind; others (an EDR's own) only in its events.
      s += 5_000;
    } else if (k.kind === 'contains') {
      // A literal inside a value selects less than a whole value, and a short one little.
      for (const v of k.values) s += v.length >= 8 ? 3 : v.length >= 5 ? 6 : 20;
    } else s += (COARSE.has(k.def.name) ? 1_000 : 0) + k.values.length;
  }
  return s;
}

const isCommon = (ks: KeySet): boolean => ks.every((k) => k.kind !== 'contains' && COMMON.has(k.def.name));

/**
 * Key sets that every event satisfying `c` meets, each of them: a leaf's own values; for `and`,
 * its items' sets together; for `or`, one set: the union of each branch's most selective set (each
 * branch needs one), none when a branch has none. Negations and scripts require nothing.
 */
function keySets(c: Cond): KeySet[] {
  switch (c.k) {
    case 'leaf': {
      const { exact, contains, def } = c.leaf;
      if (exact) return [[{ def, kind: 'exact', values: exact.values, ci: exact.ci }]];
      if (contains) return [[{ def, kind: 'contains', values: contains.values, ci: contains.ci }]];
      // A leaf tests the field's values: none, and it is false (compiler.ts `anyValue`).
      return [[{ def: c.leaf.def, kind: 'present', values: [], ci: false }]];
    }
    case 'exists':
      return [[{ def: c.def, kind: 'present', values: [], ci: false }]];
    case 'and':
      return c.items.flatMap(keySets);
    case 'or': {
      const out: KeySet = [];
      for (const it of c.items) {
        const best = bestOf(keySets(it));
        if (!best) return [];
        out.push(...best);
      }
      return [out];
    }
    default:
      return [];
  }
}

function bestOf(sets: KeySet[]): KeySet | undefined {
  let best: KeySet | undefined;
  for (const ks of sets) if (!best || score(ks) < score(best)) best = ks;
  return best;
}

/** The sets indexed for a filter: the most selective few, leaving out common ones when others exist. */
function chosenSets(c: Cond): KeySet[] {
  const all = keySets(c).sort((a, b) => score(a) - score(b));
  const selective = all.filter((ks) => !isCommon(ks));
  // A field's presence only where values select too little: every such field is read per event.
  const valued = selective.filter((ks) => ks.some((k) => k.kind !== 'present'));
  const chosen =
    valued.length >= 2 ? valued : [...valued, ...selective.filter((ks) => !valued.includes(ks)).slice(0, 1)];
  return chosen.length ? chosen.slice(0, MAX_KEYS) : all.slice(0, 1);
}

/** One field's lookups. An entry is a filter and which of its sets a value meets: `filter << 5 | set`. */
interface FieldIndex {
  def: FieldDef;
  read: (doc: Record<string, unknown>) => string | Scalar[] | undefined;
  cs: Map<string, number[]>;
  ci: Map<string, number[]>;
  /** Contained literals and their entries (the automata below are built from them). */
  csLits: Map<string, number[]>;
  ciLits: Map<string, number[]>;
  /**
   * Built on the field's first value: building costs about 20 ms for the Windows corpus's longer
   * lists, wasted on each thread for fields the input never has.
   */
  built: boolean;
  /** Entries by value, for values seen lately (logs repeat their executables, users, actions…). */
  memo: Map<string, number[]>;
  /** Entries met by any value of the field. */
  present: number[];
  /** Whether some entry needs a value (exact or contained), not just any; if not, `has` is read. */
  valued: boolean;
  has: (doc: Record<string, unknown>) => boolean;
  /** The automata over `csLits` and `ciLits`: tag `t` stands for `entries[t]`. */
  csAuto?: { auto: LiteralAutomaton; entries: number[][] };
  ciAuto?: { auto: LiteralAutomaton; entries: number[][] };
}

function automaton(lits: Map<string, number[]>, ci: boolean): FieldIndex['csAuto'] {
  if (!lits.size) return undefined;
  const texts = [...lits.keys()];
  return {
    auto: new LiteralAutomaton(
      texts.map((text, tag) => ({ text, tag })),
      ci,
    ),
    entries: texts.map((t) => lits.get(t) as number[]),
  };
}

function addEntry(map: Map<string, number[]>, value: string, entry: number): void {
  const list = map.get(value);
  if (!list) map.set(value, [entry]);
  else if (!list.includes(entry)) list.push(entry);
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

/** Whether `doc` has a key of its own with a dot (a flattened field name such as `"process.name"`). */
function ownDottedKey(doc: Record<string, unknown>): boolean {
  for (const k in doc) if (k.includes('.')) return true;
  return false;
}

export class RuleIndex {
  private readonly fields: FieldIndex[] = [];
  /**
   * The fields by the first part of their path: an event without that object (and without dotted
   * keys of its own, which could spell the path otherwise) has none of them, unread.
   */
  private readonly groups: Array<{ top: string; fields: FieldIndex[] }> = [];
  /** Filters (indexes into the constructor's list) without an indexed key: in play for every event. */
  private readonly alwaysFilters: number[];
  /** Rules that some filter without an indexed key keeps in play for every event. */
  readonly always: number[];
  /** The rule of each filter. */
  private readonly ruleOf: Uint32Array;
  /** Per filter: the bit mask of all its indexed sets, and of those the current event met. */
  private readonly full: Uint32Array;
  private readonly met: Uint32Array;
  private readonly metEpoch: Uint32Array;
  private readonly marks: Uint32Array;
  private readonly filterMarks: Uint32Array;
  private epoch = 0;
  /** The current call's output, and the entries of the automaton being run, for its callback. */
  private out: number[] = [];
  private tagEntries: number[][] = [];
  private collected: number[] = [];
  private readonly onTag = (tag: number): void => this.collect(this.tagEntries[tag]);

  constructor(filters: IndexedFilter[], ruleCount: number) {
    const byKey = new Map<string, FieldIndex>();
    const alwaysFilters: number[] = [];
    const always = new Set<number>();
    this.full = new Uint32Array(filters.length);
    filters.forEach((f, filter) => {
      const sets = chosenSets(f.cond);
      if (!sets.length) {
        alwaysFilters.push(filter);
        always.add(f.rule);
        return;
      }
      this.full[filter] = (1 << sets.length) - 1;
      sets.forEach((keys, set) => {
        const entry = (filter << 5) | set;
        for (const key of keys) {
          const d = key.def;
          const id = `${d.sourcePath}|${d.type}|${d.ignoreAbove ?? ''}|${String(d.nullValue ?? '')}`;
          let fi = byKey.get(id);
          if (!fi) {
            fi = {
              def: d,
              read: valuesReader(d),
              cs: new Map(),
              ci: new Map(),
              csLits: new Map(),
              ciLits: new Map(),
              built: false,
              memo: new Map(),
              present: [],
              valued: false,
              has: presenceReader(d),
            };
            byKey.set(id, fi);
            this.fields.push(fi);
          }
          if (key.kind === 'present') {
            if (!fi.present.includes(entry)) fi.present.push(entry);
            continue;
          }
          fi.valued = true;
          const map = key.kind === 'contains' ? (key.ci ? fi.ciLits : fi.csLits) : key.ci ? fi.ci : fi.cs;
          for (const v of key.values) addEntry(map, v, entry);
        }
      });
    });
    const groups = new Map<string, FieldIndex[]>();
    for (const fi of this.fields) {
      const top = fi.def.sourcePath.split('.')[0];
      const g = groups.get(top);
      if (g) g.push(fi);
      else groups.set(top, [fi]);
    }
    for (const [top, fields] of groups) this.groups.push({ top, fields });
    this.alwaysFilters = alwaysFilters;
    this.always = [...always].sort((a, b) => a - b);
    this.ruleOf = Uint32Array.from(filters, (f) => f.rule);
    this.met = new Uint32Array(filters.length);
    this.metEpoch = new Uint32Array(filters.length);
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
    this.out = out;
    if (++this.epoch === 0xffffffff) {
      this.marks.fill(0);
      this.filterMarks.fill(0);
      this.metEpoch.fill(0);
      this.epoch = 1;
    }
    const fm = this.filterMarks;
    const ep = this.epoch;
    for (const f of this.alwaysFilters) {
      fm[f] = ep;
      this.markRule(this.ruleOf[f]);
    }
    let dotted: boolean | undefined;
    for (const g of this.groups) {
      if (doc[g.top] === undefined && !(dotted ??= ownDottedKey(doc))) continue;
      for (const fi of g.fields) {
        if (!fi.valued) {
          if (fi.has(doc)) this.meet(fi.present);
          continue;
        }
        const v = fi.read(doc);
        if (v === undefined) continue;
        if (fi.present.length && (typeof v === 'string' || v.length > 0)) this.meet(fi.present);
        if (typeof v === 'string') this.hit(fi, v);
        else for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string') this.hit(fi, v[i] as string);
      }
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

  private hit(fi: FieldIndex, v: string): void {
    if (v.length > MEMO_LENGTH) {
      this.meet(this.entriesOf(fi, v));
      return;
    }
    let e = fi.memo.get(v);
    if (e === undefined) {
      e = this.entriesOf(fi, v);
      if (fi.memo.size >= MEMO_SIZE) fi.memo.clear();
      fi.memo.set(v, e);
    }
    this.meet(e);
  }

  /** Every entry a value of `fi` meets: exact lookups and contained literals. */
  private entriesOf(fi: FieldIndex, v: string): number[] {
    const out: number[] = [];
    this.collected = out;
    if (fi.cs.size) this.collect(fi.cs.get(v));
    if (fi.ci.size) this.collect(fi.ci.get(foldCase(v)));
    if (!fi.built) {
      fi.csAuto = automaton(fi.csLits, false);
      fi.ciAuto = automaton(fi.ciLits, true);
      fi.built = true;
    }
    if (fi.csAuto) {
      this.tagEntries = fi.csAuto.entries;
      fi.csAuto.auto.scanString(v, this.onTag, false);
    }
    if (fi.ciAuto) {
      this.tagEntries = fi.ciAuto.entries;
      // ASCII text folds as the automaton folds it; other text is folded as the leaves fold it.
      if (fi.ciAuto.auto.scanString(v, this.onTag, true) >= 0)
        fi.ciAuto.auto.scanString(foldCase(v), this.onTag, false);
    }
    return out.length > 1 ? [...new Set(out)] : out;
  }

  /** Adds `list`'s entries to those `entriesOf` is collecting. */
  private collect(list: number[] | undefined): void {
    if (list) for (const e of list) this.collected.push(e);
  }

  /** Records each entry's set as met; a filter whose sets are all met is marked, and its rule. */
  private meet(list: number[] | undefined): void {
    if (!list) return;
    const { met, metEpoch, full } = this;
    const fm = this.filterMarks;
    const ep = this.epoch;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      const f = e >>> 5;
      if (fm[f] === ep) continue;
      const m = (metEpoch[f] === ep ? met[f] : 0) | (1 << (e & 31));
      metEpoch[f] = ep;
      met[f] = m;
      if (m === full[f]) {
        fm[f] = ep;
        this.markRule(this.ruleOf[f]);
      }
    }
  }

  private markRule(r: number): void {
    if (this.marks[r] !== this.epoch) {
      this.marks[r] = this.epoch;
      this.out.push(r);
    }
  }
}
