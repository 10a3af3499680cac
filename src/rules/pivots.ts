/**
 * Investigation pivots: the `[[transform.investigate]]` buttons of a guide as runnable queries.
 * Kibana turns each entry into a Timeline query (use_insight_data_providers.ts): the outer list of
 * providers is ORed, each inner list ANDed; `phrase` is `match_phrase`, `phrases` one of several
 * phrases, `exists`, `range`; `excluded` negates. Every `{{field}}` in a value is replaced by the
 * first value of that field in the alert (replace_params_query.ts); a placeholder with no value
 * stays literal, so that group cannot match anything — eqlite says so instead. The time window,
 * when both `relativeFrom` and `relativeTo` are set, is date math against the alert's
 * `@timestamp` (the end rounded up), applied to the events' `@timestamp`.
 *
 * Difference: when any provider is a `range`, Kibana builds filters without filling templates;
 * eqlite fills them in every case.
 */
import { defaultSchema, fieldValues, type FieldDef, type Schema } from '../eql/index.js';
import { resolveDateMath } from './date-math.js';
import {
  compileExists,
  compilePhrase,
  compileRange,
  firstValue,
  resolveField,
  type Compiled,
  type DocTest,
} from './field-match.js';
import type { InvestigateEntry, InvestigateProvider } from './model.js';

export interface BoundCondition {
  field: string;
  queryType: InvestigateProvider['queryType'];
  excluded: boolean;
  valueType?: InvestigateProvider['valueType'];
  /** The value as written in the rule. */
  template: string | number | boolean;
  /** The value with `{{field}}` filled from the alert. */
  value: string | number | boolean;
  /** Placeholders the alert had no value for. */
  missing: string[];
}

export interface BoundGroup {
  conditions: BoundCondition[];
  /** False when a placeholder could not be filled: Kibana's query for it matches nothing. */
  runnable: boolean;
  missing: string[];
}

export interface PivotWindow {
  /** Epoch milliseconds, inclusive. */
  from: number;
  to: number;
  relativeFrom: string;
  relativeTo: string;
}

export interface BoundPivot {
  label: string;
  description?: string;
  groups: BoundGroup[];
  window?: PivotWindow;
  /** At least one group can run. */
  runnable: boolean;
  /** Why parts of the pivot cannot run, for people. */
  notes: string[];
}

export interface BindOptions {
  /**
   * The instant `now` means in the relative window. Default: the alert's `@timestamp` (what
   * Kibana uses, i.e. when the alert was written).
   */
  now?: number;
}

const PLACEHOLDER = /\{\{([^}]+)\}\}/g;

function fill(
  value: string | number | boolean,
  alert: Record<string, unknown>,
): { value: typeof value; missing: string[] } {
  if (typeof value !== 'string') return { value, missing: [] };
  const missing: string[] = [];
  const out = value.replace(PLACEHOLDER, (whole, name: string) => {
    const field = name.trim();
    const v = firstValue(alert, field);
    if (v === undefined || v === '') {
      if (!missing.includes(field)) missing.push(field);
      return whole;
    }
    return String(v);
  });
  return { value: out, missing };
}

const TIMESTAMP_DEF: FieldDef = {
  name: '@timestamp',
  sourcePath: '@timestamp',
  type: 'date',
  esType: 'date',
  exact: true,
};

/** Epoch milliseconds of a document's `@timestamp` (or another date field), as ES parses it. */
export function timestampMs(doc: Record<string, unknown>, field = '@timestamp'): number | undefined {
  const def = field === '@timestamp' ? TIMESTAMP_DEF : { ...TIMESTAMP_DEF, name: field, sourcePath: field };
  const v = fieldValues(def, doc)[0];
  return typeof v === 'bigint' ? Number(v / 1_000_000n) : undefined;
}

/** Fills a pivot's templates and time window from an alert (or the event that raised it). */
export function bindPivot(
  entry: InvestigateEntry,
  alert: Record<string, unknown>,
  options: BindOptions = {},
): BoundPivot {
  const notes: string[] = [];
  const groups: BoundGroup[] = entry.providers.map((group) => {
    const conditions = group.map((p): BoundCondition => {
      const { value, missing } = fill(p.value, alert);
      return {
        field: p.field,
        queryType: p.queryType,
        excluded: p.excluded,
        valueType: p.valueType,
        template: p.value,
        value,
        missing,
      };
    });
    const missing = [...new Set(conditions.flatMap((c) => c.missing))];
    return { conditions, runnable: missing.length === 0, missing };
  });
  groups.forEach((g, i) => {
    if (!g.runnable) {
      notes.push(
        `group ${i + 1} cannot run: the alert has no value for ${g.missing.map((m) => `{{${m}}}`).join(', ')}`,
      );
    }
  });
  let window: PivotWindow | undefined;
  if (entry.relativeFrom && entry.relativeTo) {
    const now = options.now ?? timestampMs(alert);
    if (now === undefined) {
      notes.push('the alert has no @timestamp, so the relative time window cannot be placed; no window applied');
    } else {
      const from = resolveDateMath(entry.relativeFrom, now, false);
      const to = resolveDateMath(entry.relativeTo, now, true);
      if (from === undefined || to === undefined) {
        notes.push(`invalid time window ${entry.relativeFrom} .. ${entry.relativeTo}; no window applied`);
      } else window = { from, to, relativeFrom: entry.relativeFrom, relativeTo: entry.relativeTo };
    }
  }
  const runnable = groups.some((g) => g.runnable);
  if (!runnable && groups.length > 0) notes.unshift('no group of this pivot can run for this alert');
  return { label: entry.label, description: entry.description, groups, window, runnable, notes };
}

export interface PivotQuery {
  test: DocTest;
  /** Conditions ES would reject (e.g. a non-numeric value for a numeric field); they never match. */
  problems: string[];
}

function conditionTest(c: BoundCondition, schema: Schema, problems: string[]): DocTest {
  const field = resolveField(schema, c.field);
  const take = (r: Compiled, what: string): DocTest => {
    if ('test' in r) return r.test;
    problems.push(`${c.field} ${what}: ${r.problem}`);
    return () => false;
  };
  let t: DocTest;
  switch (c.queryType) {
    case 'exists':
      t = compileExists(schema, field);
      break;
    case 'phrases': {
      let values: unknown[] = [];
      try {
        const parsed: unknown = typeof c.value === 'string' ? JSON.parse(c.value) : c.value;
        values = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        problems.push(`${c.field}: phrases value is not a JSON array`);
      }
      if (c.valueType === 'number') values = values.map(Number);
      const tests = values.map((v) => take(compilePhrase(field, v), `is ${JSON.stringify(v)}`));
      t = (doc) => tests.some((x) => x(doc));
      break;
    }
    case 'range': {
      let bounds: Record<string, unknown> = {};
      try {
        const parsed: unknown = typeof c.value === 'string' ? JSON.parse(c.value) : c.value;
        if (parsed && typeof parsed === 'object') bounds = parsed as Record<string, unknown>;
      } catch {
        problems.push(`${c.field}: range value is not JSON`);
      }
      t = take(compileRange(field, bounds), `in range ${String(c.value)}`);
      break;
    }
    default:
      t = take(compilePhrase(field, c.value), `is ${JSON.stringify(c.value)}`);
  }
  if (!c.excluded) return t;
  return (doc) => !t(doc);
}

/** The pivot as a predicate over events (window included). Groups that cannot run match nothing. */
export function pivotQuery(bound: BoundPivot, schema: Schema = defaultSchema()): PivotQuery {
  const problems: string[] = [];
  const groups = bound.groups
    .filter((g) => g.runnable)
    .map((g) => {
      const tests = g.conditions.map((c) => conditionTest(c, schema, problems));
      return (doc: Record<string, unknown>) => tests.every((t) => t(doc));
    });
  const w = bound.window;
  const inWindow: DocTest = w
    ? (doc) => {
        const t = timestampMs(doc);
        return t !== undefined && t >= w.from && t <= w.to;
      }
    : () => true;
  return { test: (doc) => inWindow(doc) && groups.some((g) => g(doc)), problems };
}

export interface PivotResult<T> {
  count: number;
  /** The first `limit` matching events, in input order. */
  matches: T[];
  problems: string[];
}

export interface RunOptions {
  schema?: Schema;
  /** How many matching events to keep (all are counted). Default 100. */
  limit?: number;
}

/** Runs a bound pivot over events and counts the matches (Kibana's button count). */
export function runPivot<T extends Record<string, unknown>>(
  bound: BoundPivot,
  events: Iterable<T>,
  options: RunOptions = {},
): PivotResult<T> {
  const { test, problems } = pivotQuery(bound, options.schema);
  const limit = options.limit ?? 100;
  const matches: T[] = [];
  let count = 0;
  if (!bound.runnable) return { count, matches, problems };
  for (const e of events) {
    if (!test(e)) continue;
    count++;
    if (matches.length < limit) matches.push(e);
  }
  return { count, matches, problems };
}

/** The same over an async stream of events (a store cursor, a file reader). */
export async function runPivotAsync<T extends Record<string, unknown>>(
  bound: BoundPivot,
  events: AsyncIterable<T> | Iterable<T>,
  options: RunOptions = {},
): Promise<PivotResult<T>> {
  const { test, problems } = pivotQuery(bound, options.schema);
  const limit = options.limit ?? 100;
  const matches: T[] = [];
  let count = 0;
  if (!bound.runnable) return { count, matches, problems };
  for await (const e of events) {
    if (!test(e)) continue;
    count++;
    if (matches.length < limit) matches.push(e);
  }
  return { count, matches, problems };
}

function conditionText(c: { field: string; queryType: string; excluded: boolean; value: unknown }): string {
  let s: string;
  switch (c.queryType) {
    case 'exists':
      s = `${c.field}: *`;
      break;
    case 'phrases':
      s = `${c.field}: one of ${String(c.value)}`;
      break;
    case 'range':
      s = `${c.field}: range ${String(c.value)}`;
      break;
    default:
      s = `${c.field}: ${typeof c.value === 'string' ? JSON.stringify(c.value) : String(c.value)}`;
  }
  return c.excluded ? `NOT ${s}` : s;
}

/** A one-line KQL-like rendering of a pivot (templates unfilled), for listings. */
export function describePivot(entry: InvestigateEntry): string {
  const groups = entry.providers.map((g) => g.map(conditionText).join(' AND '));
  const query = groups.length > 1 ? groups.map((g) => `(${g})`).join(' OR ') : (groups[0] ?? '');
  const window =
    entry.relativeFrom && entry.relativeTo ? `  @ alert time ${entry.relativeFrom} .. ${entry.relativeTo}` : '';
  return `${query}${window}`;
}

/** The same for a bound pivot (values filled, absolute window). */
export function describeBoundPivot(bound: BoundPivot): string {
  const groups = bound.groups.filter((g) => g.runnable).map((g) => g.conditions.map(conditionText).join(' AND '));
  const query = groups.length > 1 ? groups.map((g) => `(${g})`).join(' OR ') : (groups[0] ?? '(nothing runnable)');
  const w = bound.window;
  return w ? `${query}  @timestamp in [${new Date(w.from).toISOString()}, ${new Date(w.to).toISOString()}]` : query;
}
