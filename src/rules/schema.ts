/**
 * The shape of a rule file, checked with zod: the `[metadata]`, `[rule]` and `[transform]` tables
 * of elastic/detection-rules TOML (schemas/definitions.py, rule.py), and the same rule object as
 * Kibana's API and exports write it. Objects are strict so that unknown keys are reported (as
 * warnings: Kibana would drop them, the repository would reject them); everything else that is
 * wrong is an error.
 */
import { z } from 'zod';
import { SEVERITIES } from './model.js';

const str = z.string();
const nonEmpty = z.string().min(1, 'must not be empty');
const strList = z.array(z.string());
const date = z.string().regex(/^\d{4}\/\d{2}\/\d{2}$/, 'must be a date written YYYY/MM/DD');

export const metadataSchema = z.strictObject({
  creation_date: date.optional(),
  updated_date: date.optional(),
  deprecation_date: date.optional(),
  deprecated_reason: str.optional(),
  maturity: z.enum(['development', 'experimental', 'beta', 'production', 'deprecated']).optional(),
  integration: z.union([str, strList]).optional(),
  min_stack_version: z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'must be a version like 8.14.0')
    .optional(),
  min_stack_comments: str.optional(),
  bypass_bbr_timing: z.boolean().optional(),
  promotion: z.boolean().optional(),
  query_schema_validation: z.boolean().optional(),
  os_type_list: strList.optional(),
  related_endpoint_rules: strList.optional(),
  comments: str.optional(),
  extended: z.record(z.string(), z.unknown()).optional(),
});

const threatRef = z.strictObject({ id: nonEmpty, name: nonEmpty, reference: str });

const threatSchema = z.strictObject({
  framework: nonEmpty,
  tactic: threatRef,
  technique: z
    .array(
      z.strictObject({
        id: nonEmpty,
        name: nonEmpty,
        reference: str,
        subtechnique: z.array(threatRef).optional(),
      }),
    )
    .optional(),
});

const severity = z.enum(SEVERITIES as [string, ...string[]]);

const providerSchema = z.strictObject({
  excluded: z.boolean(),
  field: nonEmpty,
  queryType: z.enum(['phrase', 'phrases', 'range', 'exists']),
  value: z.union([z.string(), z.number(), z.boolean()]),
  valueType: z.enum(['string', 'boolean', 'number']).optional(),
});

export const investigateSchema = z.strictObject({
  label: nonEmpty,
  description: str.optional(),
  providers: z.array(z.array(providerSchema)),
  relativeFrom: str.optional(),
  relativeTo: str.optional(),
});

export const osquerySchema = z.strictObject({
  label: nonEmpty,
  query: nonEmpty,
  ecs_mapping: z
    .record(z.string(), z.object({ field: str.optional(), value: z.union([str, strList]).optional() }))
    .optional(),
});

export const transformSchema = z.strictObject({
  investigate: z.array(investigateSchema).optional(),
  osquery: z.array(osquerySchema).optional(),
});

const exceptionRef = z.strictObject({
  id: str,
  list_id: nonEmpty,
  namespace_type: z.enum(['single', 'agnostic']),
  type: nonEmpty,
});

const alertSuppression = z.strictObject({
  group_by: z.array(nonEmpty).min(1).max(3).optional(),
  duration: z.strictObject({ value: z.number().int().min(1), unit: z.enum(['s', 'm', 'h']) }).optional(),
  missing_fields_strategy: z.enum(['suppress', 'doNotSuppress']).optional(),
});

/** Every key a rule may carry, across rule types. Type-specific keys are checked loosely. */
export const ruleSchema = z.strictObject({
  // identity and description
  rule_id: nonEmpty,
  name: nonEmpty,
  description: nonEmpty,
  author: strList.optional(),
  license: str.optional(),
  version: z.number().int().min(1).optional(),
  revision: z.number().int().min(0).optional(),
  // what and where
  type: z.enum(['eql', 'query', 'saved_query', 'threshold', 'threat_match', 'new_terms', 'machine_learning', 'esql']),
  language: z.enum(['eql', 'kuery', 'lucene', 'esql']).optional(),
  query: str.optional(),
  index: strList.optional(),
  data_view_id: str.optional(),
  filters: z.array(z.unknown()).optional(),
  event_category_override: nonEmpty.optional(),
  timestamp_field: nonEmpty.optional(),
  tiebreaker_field: nonEmpty.optional(),
  // schedule
  from: nonEmpty.optional(),
  to: nonEmpty.optional(),
  interval: nonEmpty.optional(),
  max_signals: z.number().int().min(1, 'must be at least 1').optional(),
  timestamp_override: nonEmpty.optional(),
  timestamp_override_fallback_disabled: z.boolean().optional(),
  enabled: z.boolean().optional(),
  // triage
  severity,
  risk_score: z.number().int('must be an integer').min(0).max(100),
  risk_score_mapping: z
    .array(
      z.strictObject({
        field: nonEmpty,
        operator: z.literal('equals').optional(),
        value: str.optional(),
        risk_score: z.number().optional(),
      }),
    )
    .optional(),
  severity_mapping: z
    .array(z.strictObject({ field: nonEmpty, operator: z.literal('equals').optional(), value: str, severity }))
    .optional(),
  rule_name_override: str.optional(),
  tags: strList.optional(),
  threat: z.array(threatSchema).optional(),
  threat_mappings: z.array(z.unknown()).optional(),
  references: strList.optional(),
  false_positives: strList.optional(),
  note: str.optional(),
  setup: str.optional(),
  investigation_fields: z.union([z.strictObject({ field_names: z.array(nonEmpty) }), z.array(nonEmpty)]).optional(),
  building_block_type: z.literal('default').optional(),
  exceptions_list: z.array(exceptionRef).optional(),
  alert_suppression: alertSuppression.optional(),
  timeline_id: str.optional(),
  timeline_title: str.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  // Kibana runtime settings and build-time fields
  actions: z.array(z.unknown()).optional(),
  response_actions: z.array(z.unknown()).optional(),
  throttle: z.union([str, z.null()]).optional(),
  related_integrations: z.array(z.unknown()).optional(),
  required_fields: z.array(z.unknown()).optional(),
  output_index: str.optional(),
  namespace: str.optional(),
  // other rule types (not run by eqlite; kept as written)
  threshold: z.record(z.string(), z.unknown()).optional(),
  new_terms: z.record(z.string(), z.unknown()).optional(),
  new_terms_fields: strList.optional(),
  history_window_start: str.optional(),
  threat_index: strList.optional(),
  threat_query: str.optional(),
  threat_language: str.optional(),
  threat_mapping: z.array(z.unknown()).optional(),
  threat_filters: z.array(z.unknown()).optional(),
  threat_indicator_path: str.optional(),
  concurrent_searches: z.number().optional(),
  items_per_search: z.number().optional(),
  anomaly_threshold: z.number().optional(),
  machine_learning_job_id: z.union([str, strList]).optional(),
  saved_id: str.optional(),
});

export type RawRule = z.infer<typeof ruleSchema>;
export type RawMetadata = z.infer<typeof metadataSchema>;
export type RawTransform = z.infer<typeof transformSchema>;

/** Keys type-specific to rule types eqlite does not run; kept in `Rule.extra`. */
export const EXTRA_KEYS = [
  'threshold',
  'new_terms',
  'new_terms_fields',
  'history_window_start',
  'threat_index',
  'threat_query',
  'threat_language',
  'threat_mapping',
  'threat_filters',
  'threat_indicator_path',
  'concurrent_searches',
  'items_per_search',
  'anomaly_threshold',
  'machine_learning_job_id',
  'saved_id',
  'threat_mappings',
] as const;

/**
 * Fields Kibana adds to a rule it stores and exports (ids, audit fields, state). They say nothing
 * about detection and are dropped before validation of an export line.
 */
export const KIBANA_RUNTIME_KEYS: ReadonlySet<string> = new Set([
  'id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'immutable',
  'rule_source',
  'execution_summary',
  'outcome',
  'alias_target_id',
  'alias_purpose',
  'last_failure_at',
  'last_failure_message',
  'last_success_at',
  'last_success_message',
  'status',
  'status_date',
  'interval_ms',
  'exceptions_list_items',
  'max_signals_reached',
  'rule_type_id',
  'consumer',
  'schedule',
  'params',
  'api_key_owner',
  'mute_all',
  'muted_alert_ids',
  'notify_when',
  'snooze_schedule',
  'is_snoozed_until',
  'deprecated',
  'deprecated_reason',
]);
