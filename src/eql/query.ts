/**
 * Compiling a whole EQL statement: event queries, sequences and samples, with their keys, pipes,
 * and the facts other stages of eqlite need (categories, fields read, literals every match contains).
 */
import type { FieldRef, Pipe, SequenceStage, Statement } from './ast.js';
import { Analyzer } from './analyzer.js';
import {
  categoryCond,
  compileCond,
  fieldValues,
  optimizeCond,
  toCond,
  type Cond,
  type DocPredicate,
} from './compiler.js';
import { EqlError, type SourceSpan } from './errors.js';
import { parse } from './parser.js';
import { Schema } from './schema.js';
import { timestampReader, type TimestampReader } from './ordinal.js';
import { isNumeric, type DataType, type FieldDef } from './types.js';
import type { Scalar } from './values.js';

export interface CompileOptions {
  /** Field types; defaults to ECS with unknown fields inferred from values. */
  schema?: Schema;
  /** Field holding the event category (`event.category`; a rule's `event_category_override`). */
  eventCategoryField?: string;
  /** Field ordering events (`@timestamp`; a rule's `timestamp_field`). */
  timestampField?: string;
  /** Secondary sort field (a rule's `tiebreaker_field`). */
  tiebreakerField?: string;
}

/** One join-key position of a stage: a field, or always-null for an unmapped optional field. */
export interface KeySpec {
  def: FieldDef | null;
  optional: boolean;
  name: string;
}

export interface CompiledStage {
  /** Position among the written stages (after `runs` expansion). */
  index: number;
  category: string | null;
  cond: Cond;
  filter: DocPredicate;
  keys: KeySpec[];
  missing: boolean;
  text: string;
}

export interface CompiledQuery {
  readonly text: string;
  readonly kind: 'event' | 'sequence' | 'sample';
  readonly statement: Statement;
  readonly pipes: Pipe[];
  readonly timestamp: TimestampReader;
  readonly timestampDef: FieldDef;
  readonly tiebreakerDef: FieldDef | undefined;
  /** Event queries: the whole filter. Sequences/samples: undefined. */
  readonly filter: DocPredicate | undefined;
  readonly cond: Cond | undefined;
  /** Sequences and samples: one per stage, `runs` expanded. */
  readonly stages: CompiledStage[];
  readonly until: CompiledStage | undefined;
  /** `with maxspan=` in nanoseconds. */
  readonly maxspanNanos: number | undefined;
  /** Event categories the query can match (`null` stands for `any`). */
  readonly categories: (string | null)[];
  /** Every field the query reads. */
  readonly fields: string[];
  /** True when some stage (or the event filter) accepts the document. */
  matchesAny(doc: Record<string, unknown>): boolean;
  /**
   * Literal groups for line prefiltering: a document can matter to the query (match the filter, or
   * any stage or the until clause of a sequence, missing-event stages included) only if, for every
   * group, its raw text contains one of the group's strings (`ci`: compare case-folded). Empty =
   * no constraint.
   */
  readonly requiredLiterals: LiteralGroup[];
  /**
   * The same requirement kept in the query's shape, and finer: every literal part of a wildcard
   * pattern rather than its best one, branches of a disjunction kept apart. Undefined = no
   * constraint. A document's raw text satisfies it whenever the document matches.
   */
  readonly literalNeed: LiteralNeed | undefined;
}

export interface LiteralGroup {
  values: string[];
  ci: boolean;
}

/** Text a matching document's raw form must hold: one of some strings, all of several needs, or any. */
export type LiteralNeed =
  | { k: 'text'; values: string[]; ci: boolean }
  | { k: 'all'; items: LiteralNeed[] }
  | { k: 'any'; items: LiteralNeed[] };

const defaultSchemaCache: { schema?: Schema } = {};

export function defaultSchema(): Schema {
  defaultSchemaCache.schema ??= Schema.ecs('infer');
  return defaultSchemaCache.schema;
}

function fieldRefFor(name: string, span: SourceSpan): FieldRef {
  return { kind: 'field', name, optional: false, span };
}

const EMPTY_SPAN: SourceSpan = { start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };

function sameKeyTypes(a: DataType, b: DataType): boolean {
  if (a === b || a === 'dynamic' || b === 'dynamic' || a === 'null' || b === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  const str = (t: DataType) => t === 'keyword' || t === 'text';
  if (str(a) && str(b)) return true;
  if ((a === 'date' || a === 'date_nanos') && (b === 'date' || b === 'date_nanos')) return true;
  return false;
}

function keyTypeName(t: DataType): string {
  return t === 'dynamic' ? 'unmapped' : t;
}

export function compileQuery(text: string, options: CompileOptions = {}): CompiledQuery {
  const statement = parse(text);
  const schema = options.schema ?? defaultSchema();
  const analyzer = new Analyzer(schema, text);
  const categoryField = options.eventCategoryField ?? 'event.category';
  const timestampField = options.timestampField ?? '@timestamp';
  const q = statement.query;

  const resolveRequired = (name: string): FieldDef => {
    const def = analyzer.resolveField(fieldRefFor(name, EMPTY_SPAN));
    if (!def) throw new EqlError('verification', `Unknown column [${name}]`, EMPTY_SPAN, text);
    return def;
  };

  let categoryDef: FieldDef | undefined;
  const needsCategory = () => {
    categoryDef ??= resolveRequired(categoryField);
    return categoryDef;
  };
  const timestampDef =
    q.kind === 'sample'
      ? (schema.resolve(timestampField) ?? {
          name: timestampField,
          sourcePath: timestampField,
          type: 'date',
          esType: 'date',
          exact: true,
        })
      : resolveRequired(timestampField);
  const tiebreakerDef = options.tiebreakerField ? resolveRequired(options.tiebreakerField) : undefined;

  const fields = new Set<string>();
  const collect = (c: Cond) => {
    switch (c.k) {
      case 'leaf':
        fields.add(c.leaf.def.sourcePath);
        break;
      case 'exists':
        fields.add(c.def.sourcePath);
        break;
      case 'not':
        collect(c.c);
        break;
      case 'and':
      case 'or':
        c.items.forEach(collect);
        break;
      case 'script':
        for (const f of scriptFields(c)) fields.add(f);
        break;
    }
  };

  const filterCond = (category: string | null, condition: import('./ast.js').Expr): Cond => {
    const t = analyzer.condition(condition);
    let cond = toCond(t);
    if (category !== null) cond = { k: 'and', items: [categoryCond(needsCategory(), category), cond] };
    cond = optimizeCond(cond);
    collect(cond);
    return cond;
  };

  const makeStage = (s: SequenceStage, index: number, sharedKeys: FieldRef[], count: number): CompiledStage => {
    const cond = filterCond(s.filter.category, s.filter.condition);
    const refs = [...sharedKeys, ...s.keys];
    if (refs.length !== count) {
      throw new EqlError(
        'verification',
        `Inconsistent number of join keys specified; expected [${count}] but found [${refs.length}]`,
        s.span,
        text,
      );
    }
    const keys = refs.map((r) => {
      const def = analyzer.resolveField(r) ?? null;
      if (def) fields.add(def.sourcePath);
      return { def, optional: r.optional, name: r.name };
    });
    return {
      index,
      category: s.filter.category,
      cond,
      filter: compileCond(cond),
      keys,
      missing: s.missing,
      text: text.slice(s.span.start.offset, s.span.end.offset),
    };
  };

  let filter: DocPredicate | undefined;
  let cond: Cond | undefined;
  const stages: CompiledStage[] = [];
  let until: CompiledStage | undefined;
  let maxspanNanos: number | undefined;
  const categories: (string | null)[] = [];

  if (q.kind === 'event') {
    cond = filterCond(q.filter.category, q.filter.condition);
    filter = compileCond(cond);
    categories.push(q.filter.category);
  } else {
    const count = q.keys.length + (q.stages[0]?.keys.length ?? 0);
    let index = 0;
    for (const s of q.stages) {
      // `runs` copies share one compiled filter and key list: engines test a shared filter once.
      const first = makeStage(s, index++, q.keys, count);
      stages.push(first);
      for (let r = 1; r < s.runs; r++) stages.push({ ...first, index: index++ });
      if (!categories.includes(s.filter.category)) categories.push(s.filter.category);
    }
    if (q.kind === 'sequence') {
      if (q.until) until = makeStage(q.until, -1, q.keys, count);
      maxspanNanos = q.maxspan?.nanos;
      const positives = q.stages.filter((s) => !s.missing);
      if (q.stages.some((s) => s.missing)) {
        if (!q.maxspan) {
          throw new EqlError('verification', 'A sequence with missing events ![…] requires [maxspan]', q.span, text);
        }
        if (positives.length === 0) {
          throw new EqlError(
            'verification',
            'A sequence requires at least one positive (non-missing) event query',
            q.span,
            text,
          );
        }
      }
    } else if (count === 0) {
      throw new EqlError(
        'verification',
        'A sample requires at least one join key (sample by … or […] by …)',
        q.span,
        text,
      );
    }
    // Keys at the same position must have compatible types across stages.
    const written = [...q.stages, ...(q.kind === 'sequence' && q.until ? [q.until] : [])];
    const all = [...stages, ...(until ? [until] : [])];
    for (let pos = 0; pos < count; pos++) {
      let first: { name: string; type: DataType } | undefined;
      all.forEach((st, i) => {
        const k = st.keys[pos];
        const type: DataType = k.def ? k.def.type : 'null';
        if (!first) first = { name: k.name, type };
        else if (!sameKeyTypes(first.type, type)) {
          const w = written[Math.min(i, written.length - 1)];
          const ref = pos < q.keys.length ? q.keys[pos] : w.keys[pos - q.keys.length];
          throw new EqlError(
            'verification',
            `Sequence key [${k.name}] type [${keyTypeName(type)}] is incompatible with key [${first.name}] type [${keyTypeName(first.type)}]`,
            ref?.span ?? w.span,
            text,
          );
        }
      });
    }
  }

  const preds = [...new Set(stages.filter((s) => !s.missing).map((s) => s.filter))];
  const matchesAny: (doc: Record<string, unknown>) => boolean = filter
    ? filter
    : (doc) => {
        for (const p of preds) if (p(doc)) return true;
        return false;
      };
  // The conditions a document that can change the query's result meets one of: the filter, or any
  // stage or the until clause of a sequence. A missing-event stage's event and an until event end
  // no sequence but stop one, so a reader that skipped them (the hunt's line prefilter) would
  // report sequences Elasticsearch does not.
  const matching = cond ? [cond] : [...stages.map((s) => s.cond), ...(until ? [until.cond] : [])];

  return {
    text,
    kind: q.kind,
    statement,
    pipes: statement.pipes,
    timestamp: timestampReader(timestampDef),
    timestampDef,
    tiebreakerDef,
    filter,
    cond,
    stages,
    until,
    maxspanNanos,
    categories,
    fields: [...fields],
    matchesAny,
    requiredLiterals: requiredLiterals(matching),
    literalNeed: literalNeed(matching),
  };
}

function scriptFields(c: Extract<Cond, { k: 'script' }>): string[] {
  const out: string[] = [];
  const walk = (e: import('./plan.js').TExpr): void => {
    switch (e.k) {
      case 'field':
        out.push(e.def.sourcePath);
        break;
      case 'call':
        e.args.forEach(walk);
        break;
      case 'arith':
      case 'cmp':
      case 'and':
      case 'or':
        walk(e.l);
        walk(e.r);
        break;
      case 'lit':
        break;
      default:
        walk(e.e);
    }
  };
  walk(c.expr);
  return out;
}

/**
 * Literal groups every match must contain. For one condition: a conjunction contributes every
 * child's groups; a disjunction contributes one group made of one group from each branch (or
 * nothing when a branch has none); negations and scripts contribute nothing. Several alternative
 * conditions (sequence stages) combine like a disjunction.
 */
export function requiredLiterals(conds: Cond[]): LiteralGroup[] {
  const of = (c: Cond): LiteralGroup[] => {
    switch (c.k) {
      case 'leaf':
        return c.leaf.literals ? [{ values: c.leaf.literals.values, ci: c.leaf.literals.ci }] : [];
      case 'and':
        return c.items.flatMap(of);
      case 'or':
        return orGroups(c.items.map(of));
      default:
        return [];
    }
  };
  return orGroups(conds.map(of));
}

/**
 * `requiredLiterals` in the conditions' shape: a conjunction needs each child's need (those it
 * has), a disjunction one of its branches' (none when a branch has none); negations and scripts
 * need nothing. Several conditions (sequence stages) combine like a disjunction.
 */
export function literalNeed(conds: Cond[]): LiteralNeed | undefined {
  const of = (c: Cond): LiteralNeed | undefined => {
    switch (c.k) {
      case 'leaf': {
        const { literals, parts } = c.leaf;
        if (!literals || literals.values.length === 0) return undefined;
        if (!parts) return { k: 'text', values: literals.values, ci: literals.ci };
        return any(parts.map((p) => all(p.map((values) => ({ k: 'text', values, ci: literals.ci })))));
      }
      case 'and':
        return all(c.items.map(of).filter((n): n is LiteralNeed => n !== undefined));
      case 'or':
        return any(c.items.map(of));
      default:
        return undefined;
    }
  };
  return any(conds.map(of));
}

function all(items: LiteralNeed[]): LiteralNeed | undefined {
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : { k: 'all', items };
}

function any(items: Array<LiteralNeed | undefined>): LiteralNeed | undefined {
  // A branch needing nothing makes the disjunction need nothing.
  if (items.length === 0 || !items.every((n): n is LiteralNeed => n !== undefined)) return undefined;
  return items.length === 1 ? items[0] : { k: 'any', items };
}

function orGroups(branches: LiteralGroup[][]): LiteralGroup[] {
  if (branches.length === 0 || branches.some((b) => b.length === 0)) return [];
  if (branches.length === 1) return branches[0];
  // Pick from each branch its most selective group (longest shortest literal), then union them.
  const picks = branches.map((b) => b.reduce((best, g) => (minLen(g) > minLen(best) ? g : best)));
  const ci = picks.some((p) => p.ci);
  const values = new Set<string>();
  for (const p of picks) for (const v of p.values) values.add(ci ? v.toLowerCase() : v);
  return [{ values: [...values], ci }];
}

function minLen(g: LiteralGroup): number {
  return Math.min(...g.values.map((v) => v.length));
}

export type { Scalar };
export { fieldValues };
