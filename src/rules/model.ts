/**
 * The typed model of an Elastic detection rule, as eqlite holds it after loading a TOML file or a
 * Kibana export line and applying Kibana's defaults. Field names are camelCase; `kibanaParams`
 * (see kibana.ts) turns a rule back into the snake_case parameters Kibana writes into alerts.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** Where a rule (or a problem) came from. */
export interface SourceRef {
  /** Path as the user gave it (or relative to the folder they gave). */
  file: string;
  format: 'toml' | 'ndjson' | 'json';
  /** 1-based line of the object in an NDJSON export. */
  line?: number;
}

export interface RuleMetadata {
  creationDate?: string;
  updatedDate?: string;
  maturity?: 'development' | 'experimental' | 'beta' | 'production' | 'deprecated';
  integration: string[];
  minStackVersion?: string;
  minStackComments?: string;
  deprecationDate?: string;
  deprecatedReason?: string;
  bypassBbrTiming?: boolean;
  promotion?: boolean;
  querySchemaValidation?: boolean;
}

export interface ThreatEntryRef {
  id: string;
  name: string;
  reference: string;
}

export interface ThreatTechnique extends ThreatEntryRef {
  subtechnique: ThreatEntryRef[];
}

export interface ThreatMapping {
  framework: string;
  tactic: ThreatEntryRef;
  technique: ThreatTechnique[];
}

export interface RiskScoreMapping {
  field: string;
  operator: 'equals';
  value: string;
  riskScore?: number;
}

export interface SeverityMapping {
  field: string;
  operator: 'equals';
  value: string;
  severity: Severity;
}

/** A reference from a rule to an exception container (the items live in Kibana's lists service). */
export interface ExceptionListRef {
  id: string;
  listId: string;
  namespaceType: 'single' | 'agnostic';
  type: string;
}

export interface AlertSuppression {
  groupBy: string[];
  duration?: { value: number; unit: 's' | 'm' | 'h' };
  missingFieldsStrategy: 'suppress' | 'doNotSuppress';
}

/** One condition of an investigate button (`[[transform.investigate]]` providers). */
export interface InvestigateProvider {
  field: string;
  excluded: boolean;
  queryType: 'phrase' | 'phrases' | 'range' | 'exists';
  /** A literal, or a template with `{{field}}` placeholders filled from the alert. */
  value: string | number | boolean;
  valueType?: 'string' | 'boolean' | 'number';
}

export interface InvestigateEntry {
  label: string;
  description?: string;
  /** Outer list: OR of groups; inner list: AND of conditions. */
  providers: InvestigateProvider[][];
  relativeFrom?: string;
  relativeTo?: string;
}

export interface OsqueryEntry {
  label: string;
  query: string;
  ecsMapping?: Record<string, { field?: string; value?: string | string[] }>;
}

export interface RuleTransform {
  investigate: InvestigateEntry[];
  osquery: OsqueryEntry[];
}

/** Kibana's schedule for the rule, after defaults. */
export interface RuleSchedule {
  /** `5m` by default. */
  interval: string;
  intervalMs: number;
  /** Date math relative to the run time; `now-6m` by default. */
  from: string;
  /** `now` by default. */
  to: string;
  /** `to - from` in milliseconds (the look-back window of one run). */
  lookbackMs: number;
}

export type RuleLanguage = 'eql' | 'kuery' | 'lucene' | 'esql';

export interface Rule {
  source: SourceRef;
  metadata: RuleMetadata;
  ruleId: string;
  name: string;
  description: string;
  type: string;
  language: RuleLanguage | undefined;
  query: string;
  /** Index patterns as written; undefined when the rule names none (Kibana then uses its default patterns). */
  index: string[] | undefined;
  /** Patterns the rule actually searches: `index`, or Kibana's default security patterns. */
  effectiveIndex: string[];
  dataViewId?: string;
  severity: Severity;
  riskScore: number;
  riskScoreMapping: RiskScoreMapping[];
  severityMapping: SeverityMapping[];
  tags: string[];
  threat: ThreatMapping[];
  schedule: RuleSchedule;
  maxSignals: number;
  /** The field that selects the events of a run (`event.ingested` in most prebuilt rules). */
  timestampOverride?: string;
  timestampOverrideFallbackDisabled: boolean;
  /** EQL: the field compared with the category keyword (`event.category` by default). */
  eventCategoryOverride?: string;
  /** EQL: the field that orders events inside sequences and samples (`@timestamp` by default). */
  timestampField?: string;
  tiebreakerField?: string;
  buildingBlockType?: 'default';
  /** The note as Kibana receives it: `$investigate_N` / `$osquery_N` rendered to `!{...}` markdown. */
  note?: string;
  /** The note as written in the file (placeholders unrendered). */
  noteSource?: string;
  setup?: string;
  investigationFields: string[];
  transform: RuleTransform;
  exceptionsList: ExceptionListRef[];
  alertSuppression?: AlertSuppression;
  references: string[];
  falsePositives: string[];
  author: string[];
  license?: string;
  version: number;
  enabled: boolean;
  /** Kibana query-DSL filters attached to the rule (none in the prebuilt EQL rules). */
  filters: unknown[];
  ruleNameOverride?: string;
  timelineId?: string;
  timelineTitle?: string;
  meta?: Record<string, unknown>;
  /** Type-specific settings of rule types eqlite does not run (threshold, new_terms, ...), kept as written. */
  extra: Record<string, unknown>;
}

/** How bad a problem is: errors make a rule unusable, warnings and notes do not. */
export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Something wrong or noteworthy about a rule file, a rule or an exception list. */
export interface RuleProblem {
  severity: ProblemSeverity;
  /** A short stable class: `toml-syntax`, `missing-field`, `wrong-type`, `unknown-key`, `eql-parse`, ... */
  code: string;
  message: string;
  file: string;
  /** 1-based position in the file when it can be computed. */
  line?: number;
  column?: number;
  /** Dotted key path (`rule.severity`, `rule.threat.0.tactic.id`). */
  key?: string;
  ruleId?: string;
  ruleName?: string;
  /** The offending source line with a caret under the problem (EQL errors). */
  excerpt?: string;
}

export function formatProblem(p: RuleProblem): string {
  const where = `${p.file}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : ''}`;
  const key = p.key ? ` [${p.key}]` : '';
  return `${where}: ${p.severity}${key} ${p.message}`;
}
