/**
 * Elastic detection rules for eqlite: load TOML / Kibana exports, validate, apply Kibana's
 * defaults, compile EQL once, route events by index, apply exceptions and the allowlist, and
 * carry the investigation guide and its pivots.
 *
 *   const load = loadRules(paths.length ? paths : [builtinRulesDir()]);
 *   const { rules } = prepareRules(load, { allowlists: [loadAllowlist('allow.toml')] });
 *   for (const r of rules)
 *     if (r.seesIndex(eventIndex(doc, record.index)) && !r.excluded?.(doc) && r.query.filter?.(doc)) ...
 */
export * from './model.js';
export {
  builtinRulesDir,
  emptyLoadResult,
  loadBuiltinRules,
  loadJsonText,
  loadNdjsonText,
  loadRules,
  loadTomlText,
  ruleSourceBytes,
  type LoadOptions,
  type LoadResult,
} from './load.js';
export { ruleFromApiObject, ruleFromToml, type LoadedRule, type ParseOptions, type RuleStatus } from './parse-rule.js';
export { prepareRule, prepareRules, type PrepareOptions, type PreparedRule } from './prepare.js';
export { compileIndexPatterns, eventIndex, ruleSeesIndex, type IndexMatcher } from './index-routing.js';
export {
  compileExceptions,
  compileItem,
  ExceptionStore,
  parseExceptionContainer,
  parseExceptionItem,
  type CompiledExceptions,
  type ExceptionContainer,
  type ExceptionEntry,
  type ExceptionItem,
} from './exceptions.js';
export { allowEntriesFor, loadAllowlist, parseAllowlist, type AllowEntry, type Allowlist } from './allowlist.js';
export {
  findPlugins,
  noteForTerminal,
  notePlaceholders,
  pythonCompactJson,
  renderNote,
  renderPluginEntry,
  splitSetup,
  type PluginOccurrence,
} from './guide.js';
export {
  bindPivot,
  describeBoundPivot,
  describePivot,
  pivotQuery,
  runPivot,
  runPivotAsync,
  timestampMs,
  type BindOptions,
  type BoundCondition,
  type BoundGroup,
  type BoundPivot,
  type PivotResult,
  type PivotWindow,
} from './pivots.js';
export { parseDateMath, parseInterval, relativeOffsetMs, resolveDateMath } from './date-math.js';
export { kibanaParams, kibanaRuleObject, mitreSummary } from './kibana.js';
export {
  DEFAULT_FROM,
  DEFAULT_INDEX_PATTERNS,
  DEFAULT_INTERVAL,
  DEFAULT_MAX_SIGNALS,
  DEFAULT_TO,
  MAX_ALERTS_PER_RUN,
} from './defaults.js';
export type { DocTest } from './field-match.js';
