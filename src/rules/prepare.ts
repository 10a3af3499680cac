/**
 * Rules ready for the engine: each runnable rule with its compiled query, the index routing
 * decision, and one exclusion predicate built from its Kibana exception lists and eqlite's
 * allowlist. The engine evaluates, per event and rule:
 *
 *   seesIndex(eventIndex(doc, readerIndex))  &&  !excluded?.(doc)  &&  <query>
 *
 * `excluded` applies to every event before the query, so for sequences an excluded event cannot
 * join (Kibana puts the exception filter into the EQL request's `filter`, which every stage's
 * search carries).
 */
import { defaultSchema, type CompiledQuery, type Schema } from '../eql/index.js';
import { allowEntriesFor, type Allowlist } from './allowlist.js';
import { compileExceptions, exceptionProblems, type ExceptionItem, type ExceptionStore } from './exceptions.js';
import { compileIndexPatterns, ruleSeesIndex, type IndexMatcher } from './index-routing.js';
import type { LoadResult } from './load.js';
import type { Rule, RuleProblem } from './model.js';
import type { LoadedRule } from './parse-rule.js';
import type { DocTest } from './field-match.js';

export interface PreparedRule {
  rule: Rule;
  query: CompiledQuery;
  index: IndexMatcher;
  /** True when the rule searches this index (undefined: unknown index, always true). */
  seesIndex(index: string | undefined): boolean;
  /** True when an exception or allowlist entry removes the event from the rule's searches. */
  excluded: DocTest | undefined;
  /** Both gates at once: the rule searches the event's index and no exception removes it. */
  admits(doc: Record<string, unknown>, index: string | undefined): boolean;
  /** Exception items in force, and allowlist entries in force. */
  exceptionItems: ExceptionItem[];
  allowItems: ExceptionItem[];
  problems: RuleProblem[];
}

export interface PrepareOptions {
  exceptions?: ExceptionStore;
  allowlists?: Allowlist[];
  /** EQL field types (also used to type exception fields). */
  schema?: Schema;
  /** Wall-clock time for expiry of exception items and allowlist entries. */
  now?: number;
}

export function prepareRule(loaded: LoadedRule, options: PrepareOptions = {}): PreparedRule | undefined {
  if (loaded.status !== 'ready' || !loaded.rule || !loaded.query) return undefined;
  const rule = loaded.rule;
  const schema = options.schema ?? defaultSchema();
  const now = options.now ?? Date.now();
  const problems: RuleProblem[] = [];
  const base = { file: rule.source.file, ruleId: rule.ruleId, ruleName: rule.name };

  let kibanaItems: ExceptionItem[] = [];
  if (options.exceptions) {
    const { items, missing } = options.exceptions.itemsFor(rule);
    kibanaItems = items;
    for (const ref of missing) {
      problems.push({
        ...base,
        severity: ref.type === 'endpoint' ? 'info' : 'warning',
        code: 'exception-list-missing',
        key: 'rule.exceptions_list',
        message: `exception list "${ref.listId}" (${ref.namespaceType}) is referenced but was not loaded; its items are not applied`,
      });
    }
  }
  const allowItems: ExceptionItem[] = [];
  for (const list of options.allowlists ?? []) {
    const { active, expired } = allowEntriesFor(list, rule, now);
    allowItems.push(...active.map((e) => e.item));
    for (const e of expired) {
      problems.push({
        ...base,
        file: list.file,
        line: e.line,
        severity: 'warning',
        code: 'allowlist-expired',
        message: `allowlist entry "${e.comment}" expired on ${e.expires}; not applied`,
      });
    }
  }
  const compiled = compileExceptions([...kibanaItems, ...allowItems], { schema, now });
  problems.push(...exceptionProblems(rule, compiled));
  const index = compileIndexPatterns(rule.effectiveIndex);
  const excluded = compiled.test;
  return {
    rule,
    query: loaded.query,
    index,
    seesIndex: (i) => ruleSeesIndex(index, i),
    excluded,
    admits: excluded ? (doc, i) => ruleSeesIndex(index, i) && !excluded(doc) : (_doc, i) => ruleSeesIndex(index, i),
    exceptionItems: compiled.applied.filter((i) => i.listId !== 'eqlite-allowlist'),
    allowItems: compiled.applied.filter((i) => i.listId === 'eqlite-allowlist'),
    problems,
  };
}

/** Every runnable rule of a load, prepared. */
export function prepareRules(
  load: LoadResult,
  options: Omit<PrepareOptions, 'exceptions'> & { exceptions?: ExceptionStore } = {},
): { rules: PreparedRule[]; problems: RuleProblem[] } {
  const rules: PreparedRule[] = [];
  const problems: RuleProblem[] = [];
  for (const l of load.rules) {
    const p = prepareRule(l, { ...options, exceptions: options.exceptions ?? load.exceptions });
    if (p) {
      rules.push(p);
      problems.push(...p.problems);
    }
  }
  return { rules, problems };
}
