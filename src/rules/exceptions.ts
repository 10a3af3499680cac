/**
 * Kibana rule exceptions: exception list containers and items (from Kibana's export NDJSON or
 * the detection-rules exception TOML), and their compilation to a predicate over documents that
 * is exactly the `must_not` filter Kibana adds to the EQL request (build_exception_filter in
 * @kbn/securitysolution-list-utils):
 *
 * - items are ORed, the entries of an item are ANDed;
 * - `match` / `match_any` are `match_phrase` (case-sensitive exact on keywords), `wildcard` is a
 *   Lucene `wildcard` query (case-sensitive, `\` escapes), `exists` is `exists`;
 * - `excluded` wraps the entry's clause in `must_not`, so "is not X" is also true when the field
 *   is missing;
 * - `nested` is a `nested` query: one element of the array must satisfy all its entries;
 * - `os_types` turns an item into "(host.os.type is OS or host.os.name.caseless is OS) and
 *   entries" for each OS;
 * - items with value-list (`list`) entries are not part of the EQL filter: Kibana leaves them out
 *   with a warning for EQL rules, and so does eqlite;
 * - items whose `expire_time` has passed are not applied.
 *
 * Because the filter is part of every EQL request, an excepted event is never seen by the query:
 * it cannot match, nor join a sequence.
 */
import { z } from 'zod';
import type { Schema } from '../eql/index.js';
import {
  compileExists,
  compilePhrase,
  compileWildcard,
  rawValues,
  relativeTo,
  resolveField,
  type Compiled,
  type DocTest,
} from './field-match.js';
import type { ExceptionListRef, Rule, RuleProblem, SourceRef } from './model.js';

export type EntryOperator = 'included' | 'excluded';

/** Kibana's entry shapes; `ignoreCase` is an eqlite allowlist extension (Kibana compares case-sensitively). */
export type ExceptionEntry =
  | { type: 'match'; field: string; operator: EntryOperator; value: string; ignoreCase?: boolean }
  | { type: 'match_any'; field: string; operator: EntryOperator; value: string[]; ignoreCase?: boolean }
  | { type: 'wildcard'; field: string; operator: EntryOperator; value: string; ignoreCase?: boolean }
  | { type: 'exists'; field: string; operator: EntryOperator }
  | { type: 'list'; field: string; operator: EntryOperator; list: { id: string; type: string } }
  | { type: 'nested'; field: string; entries: ExceptionEntry[] };

export interface ExceptionItem {
  itemId: string;
  listId: string;
  namespaceType: 'single' | 'agnostic';
  name: string;
  description?: string;
  osTypes: string[];
  entries: ExceptionEntry[];
  expireTime?: string;
  tags: string[];
  source: SourceRef;
  /** eqlite allowlist entries: the comment explaining why. */
  comment?: string;
  /** eqlite allowlist entries: compare strings ignoring case. */
  ignoreCase?: boolean;
}

export interface ExceptionContainer {
  listId: string;
  namespaceType: 'single' | 'agnostic';
  type: string;
  name: string;
  description?: string;
  source: SourceRef;
}

// ---- schemas of Kibana's export objects ---------------------------------------------------------

const operator = z.enum(['included', 'excluded']);

const baseEntry = { field: z.string().min(1) };

// Kibana's entry shapes are exactly the model's, so the schema produces ExceptionEntry directly.
const entrySchema: z.ZodType<ExceptionEntry> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ ...baseEntry, type: z.literal('match'), operator, value: z.string() }),
    z.object({ ...baseEntry, type: z.literal('match_any'), operator, value: z.array(z.string()).min(1) }),
    z.object({ ...baseEntry, type: z.literal('wildcard'), operator, value: z.string() }),
    z.object({ ...baseEntry, type: z.literal('exists'), operator }),
    z.object({
      ...baseEntry,
      type: z.literal('list'),
      operator,
      list: z.object({ id: z.string(), type: z.string() }),
    }),
    z.object({ ...baseEntry, type: z.literal('nested'), entries: z.array(entrySchema).min(1) }),
  ]),
);

const namespaceType = z.enum(['single', 'agnostic']);

const itemSchema = z.object({
  item_id: z.string().optional(),
  id: z.string().optional(),
  list_id: z.string().min(1),
  namespace_type: namespaceType.optional(),
  name: z.string(),
  description: z.string().optional(),
  type: z.string().optional(),
  os_types: z.array(z.string()).optional(),
  entries: z.array(entrySchema),
  expire_time: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

const containerSchema = z.object({
  list_id: z.string().min(1),
  namespace_type: namespaceType.optional(),
  type: z.string(),
  name: z.string(),
  description: z.string().optional(),
});

/** True when a Kibana export object is an exception item. */
export function isExceptionItemObject(o: Record<string, unknown>): boolean {
  return Array.isArray(o.entries) && typeof o.list_id === 'string';
}

/** True when a Kibana export object is an exception list container. */
export function isExceptionContainerObject(o: Record<string, unknown>): boolean {
  return (
    typeof o.list_id === 'string' &&
    !('entries' in o) &&
    typeof o.type === 'string' &&
    !('rule_id' in o) &&
    (o.type === 'detection' || o.type === 'rule_default' || o.type.startsWith('endpoint'))
  );
}

function issueText(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
}

export function parseExceptionItem(o: unknown, source: SourceRef): { item?: ExceptionItem; problem?: string } {
  const r = itemSchema.safeParse(o);
  if (!r.success) return { problem: `invalid exception item: ${issueText(r.error)}` };
  const v = r.data;
  return {
    item: {
      itemId: v.item_id ?? v.id ?? v.name,
      listId: v.list_id,
      namespaceType: v.namespace_type ?? 'single',
      name: v.name,
      description: v.description,
      osTypes: v.os_types ?? [],
      entries: v.entries,
      expireTime: v.expire_time,
      tags: v.tags ?? [],
      source,
    },
  };
}

export function parseExceptionContainer(
  o: unknown,
  source: SourceRef,
): { container?: ExceptionContainer; problem?: string } {
  const r = containerSchema.safeParse(o);
  if (!r.success) return { problem: `invalid exception list: ${issueText(r.error)}` };
  const v = r.data;
  return {
    container: {
      listId: v.list_id,
      namespaceType: v.namespace_type ?? 'single',
      type: v.type,
      name: v.name,
      description: v.description,
      source,
    },
  };
}

// ---- the store ----------------------------------------------------------------------------------

interface StoredList {
  container?: ExceptionContainer;
  items: ExceptionItem[];
  /** Rules the list is attached to by the detection-rules exception TOML (`metadata.rule_ids`). */
  ruleIds: Set<string>;
}

const listKey = (namespaceType: string, listId: string): string => `${namespaceType}:${listId}`;

/** Exception lists loaded from exports and exception TOML files, looked up by (namespace, list id). */
export class ExceptionStore {
  private readonly lists = new Map<string, StoredList>();

  private list(namespaceType: string, listId: string): StoredList {
    const key = listKey(namespaceType, listId);
    let l = this.lists.get(key);
    if (!l) {
      l = { items: [], ruleIds: new Set() };
      this.lists.set(key, l);
    }
    return l;
  }

  addContainer(c: ExceptionContainer, ruleIds: Iterable<string> = []): void {
    const l = this.list(c.namespaceType, c.listId);
    l.container = c;
    for (const id of ruleIds) l.ruleIds.add(id);
  }

  addItem(item: ExceptionItem): void {
    const l = this.list(item.namespaceType, item.listId);
    // The same item exported twice (a list shared by several exported rules) counts once.
    if (!l.items.some((x) => x.itemId === item.itemId)) l.items.push(item);
  }

  get size(): number {
    return this.lists.size;
  }

  get itemCount(): number {
    let n = 0;
    for (const l of this.lists.values()) n += l.items.length;
    return n;
  }

  containers(): ExceptionContainer[] {
    return [...this.lists.values()].flatMap((l) => (l.container ? [l.container] : []));
  }

  /** The items that apply to a rule, and the references that point to lists not loaded. */
  itemsFor(rule: Pick<Rule, 'ruleId' | 'exceptionsList'>): { items: ExceptionItem[]; missing: ExceptionListRef[] } {
    const items: ExceptionItem[] = [];
    const missing: ExceptionListRef[] = [];
    const seen = new Set<string>();
    const take = (l: StoredList, key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      items.push(...l.items);
    };
    for (const ref of rule.exceptionsList) {
      const key = listKey(ref.namespaceType, ref.listId);
      const l = this.lists.get(key);
      if (l) take(l, key);
      else missing.push(ref);
    }
    for (const [key, l] of this.lists) if (l.ruleIds.has(rule.ruleId)) take(l, key);
    return { items, missing };
  }
}

// ---- compilation --------------------------------------------------------------------------------

export interface CompileExceptionsOptions {
  schema: Schema;
  /** Wall-clock time for `expire_time` (Kibana compares with the time of the rule run). */
  now?: number;
}

export interface CompiledExceptions {
  /** True when the document matches an exception item (Kibana would keep it out of the search). */
  test: DocTest | undefined;
  applied: ExceptionItem[];
  /** Items not applied (value lists, expired), with the reason. */
  skipped: Array<{ item: ExceptionItem; reason: string }>;
  /** Clauses that can never match (ES would reject them), per item. */
  problems: Array<{ item: ExceptionItem; message: string }>;
}

function hasListEntry(entries: ExceptionEntry[]): boolean {
  return entries.some((e) => e.type === 'list' || (e.type === 'nested' && hasListEntry(e.entries)));
}

const never: DocTest = () => false;

function andAll(tests: DocTest[]): DocTest {
  if (tests.length === 1) return tests[0];
  return (doc) => {
    for (const t of tests) if (!t(doc)) return false;
    return true;
  };
}

function orAll(tests: DocTest[]): DocTest {
  if (tests.length === 0) return never;
  if (tests.length === 1) return tests[0];
  return (doc) => {
    for (const t of tests) if (t(doc)) return true;
    return false;
  };
}

interface EntryContext {
  schema: Schema;
  /** Full name of the enclosing nested field, for typing; reading is relative to the element. */
  parent?: string;
  ignoreCase: boolean;
  report: (message: string) => void;
}

function clause(c: Compiled, ctx: EntryContext, what: string): DocTest {
  if ('test' in c) return c.test;
  ctx.report(`${what}: ${c.problem}; Elasticsearch would reject the clause, eqlite treats it as never matching`);
  return never;
}

function compileEntry(e: ExceptionEntry, ctx: EntryContext): DocTest {
  const full = ctx.parent ? `${ctx.parent}.${e.field}` : e.field;
  let field = resolveField(ctx.schema, full);
  if (ctx.parent) field = relativeTo(field, e.field);
  const ignoreCase = ctx.ignoreCase || ('ignoreCase' in e && e.ignoreCase === true);
  if (ignoreCase && !field.normalize && (field.def.type === 'keyword' || field.def.type === 'dynamic')) {
    field = { ...field, normalize: (s) => s.toLowerCase() };
  }
  let positive: DocTest;
  switch (e.type) {
    case 'match':
      positive = clause(compilePhrase(field, e.value), ctx, `${full} is ${JSON.stringify(e.value)}`);
      break;
    case 'match_any':
      positive = orAll(
        e.value.map((v) => clause(compilePhrase(field, v), ctx, `${full} is one of ${JSON.stringify(e.value)}`)),
      );
      break;
    case 'wildcard':
      positive = clause(compileWildcard(field, e.value, ignoreCase), ctx, `${full} matches ${JSON.stringify(e.value)}`);
      break;
    case 'exists':
      positive = compileExists(ctx.schema, field);
      break;
    case 'nested': {
      const inner = andAll(e.entries.map((sub) => compileEntry(sub, { ...ctx, parent: full })));
      const path = e.field;
      return (doc) =>
        rawValues(doc, path).some(
          (el) => el !== null && typeof el === 'object' && inner(el as Record<string, unknown>),
        );
    }
    case 'list':
      // Items with list entries are filtered out before compilation.
      return never;
  }
  if (e.operator === 'excluded') {
    const p = positive;
    return (doc) => !p(doc);
  }
  return positive;
}

/** One item as a predicate (entries ANDed; `os_types` ORed in front). */
export function compileItem(item: ExceptionItem, schema: Schema, report: (message: string) => void): DocTest {
  const ctx: EntryContext = { schema, ignoreCase: item.ignoreCase === true, report };
  const entries = andAll(item.entries.map((e) => compileEntry(e, ctx)));
  if (item.osTypes.length === 0) return item.entries.length === 0 ? never : entries;
  const osTests = item.osTypes.flatMap((os) => [
    clause(compilePhrase(resolveField(schema, 'host.os.type'), os), ctx, 'os_types'),
    clause(compilePhrase(resolveField(schema, 'host.os.name.caseless'), os), ctx, 'os_types'),
  ]);
  const os = orAll(osTests);
  return (doc) => os(doc) && entries(doc);
}

export function compileExceptions(items: ExceptionItem[], options: CompileExceptionsOptions): CompiledExceptions {
  const now = options.now ?? Date.now();
  const applied: ExceptionItem[] = [];
  const skipped: CompiledExceptions['skipped'] = [];
  const problems: CompiledExceptions['problems'] = [];
  const tests: DocTest[] = [];
  for (const item of items) {
    if (hasListEntry(item.entries)) {
      skipped.push({
        item,
        reason: 'it uses a value list; Kibana does not apply value-list exceptions to EQL rules',
      });
      continue;
    }
    if (item.expireTime !== undefined) {
      const t = Date.parse(item.expireTime);
      if (Number.isFinite(t) && t <= now) {
        skipped.push({ item, reason: `it expired at ${item.expireTime}` });
        continue;
      }
    }
    if (item.entries.length === 0) {
      skipped.push({ item, reason: 'it has no entries' });
      continue;
    }
    applied.push(item);
    tests.push(compileItem(item, options.schema, (message) => problems.push({ item, message })));
  }
  return { test: tests.length ? orAll(tests) : undefined, applied, skipped, problems };
}

/** Problems of compiled exceptions as rule problems. */
export function exceptionProblems(rule: Rule, c: CompiledExceptions): RuleProblem[] {
  // Problems point at the item (its file and export line), and name the rule they concern.
  const base = (item: ExceptionItem) => ({
    file: item.source.file,
    line: item.source.line,
    ruleId: rule.ruleId,
    ruleName: rule.name,
  });
  return [
    ...c.skipped.map(({ item, reason }): RuleProblem => ({
      ...base(item),
      severity: 'warning',
      code: 'exception-not-applied',
      message: `exception "${item.name}" is not applied to this rule: ${reason}`,
    })),
    ...c.problems.map(({ item, message }): RuleProblem => ({
      ...base(item),
      severity: 'warning',
      code: 'exception-clause',
      message: `exception "${item.name}": ${message}`,
    })),
  ];
}
