/**
 * A rule back in Kibana's snake_case form: the parameters Kibana stores for an EQL rule and
 * copies into every alert as `kibana.alert.rule.parameters` (defaults applied, note rendered).
 */
import type { Rule } from './model.js';

export function kibanaParams(rule: Rule): Record<string, unknown> {
  const p: Record<string, unknown> = {
    author: rule.author,
    description: rule.description,
    false_positives: rule.falsePositives,
    from: rule.schedule.from,
    to: rule.schedule.to,
    rule_id: rule.ruleId,
    max_signals: rule.maxSignals,
    risk_score: rule.riskScore,
    risk_score_mapping: rule.riskScoreMapping.map((m) => ({
      field: m.field,
      operator: m.operator,
      value: m.value,
      ...(m.riskScore !== undefined ? { risk_score: m.riskScore } : {}),
    })),
    severity: rule.severity,
    severity_mapping: rule.severityMapping.map((m) => ({ ...m })),
    threat: rule.threat.map((t) => ({
      framework: t.framework,
      tactic: { ...t.tactic },
      technique: t.technique.map((x) => ({
        id: x.id,
        name: x.name,
        reference: x.reference,
        subtechnique: x.subtechnique.map((s) => ({ ...s })),
      })),
    })),
    references: rule.references,
    version: rule.version,
    exceptions_list: rule.exceptionsList.map((e) => ({
      id: e.id,
      list_id: e.listId,
      namespace_type: e.namespaceType,
      type: e.type,
    })),
    immutable: false,
    related_integrations: [],
    required_fields: [],
    setup: rule.setup ?? '',
    type: rule.type,
    language: rule.language,
    index: rule.index ?? rule.effectiveIndex,
    query: rule.query,
    filters: rule.filters,
  };
  const optional: Record<string, unknown> = {
    building_block_type: rule.buildingBlockType,
    license: rule.license,
    note: rule.note,
    rule_name_override: rule.ruleNameOverride,
    timeline_id: rule.timelineId,
    timeline_title: rule.timelineTitle,
    timestamp_override: rule.timestampOverride,
    timestamp_override_fallback_disabled: rule.timestampOverride ? rule.timestampOverrideFallbackDisabled : undefined,
    event_category_override: rule.eventCategoryOverride,
    timestamp_field: rule.timestampField,
    tiebreaker_field: rule.tiebreakerField,
    data_view_id: rule.dataViewId,
    meta: rule.meta,
    investigation_fields: rule.investigationFields.length ? { field_names: rule.investigationFields } : undefined,
    alert_suppression: rule.alertSuppression
      ? {
          group_by: rule.alertSuppression.groupBy,
          duration: rule.alertSuppression.duration,
          missing_fields_strategy: rule.alertSuppression.missingFieldsStrategy,
        }
      : undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) p[k] = v;
  return p;
}

/**
 * The rule as Kibana's rules API and export write it: the parameters plus the alerting-framework
 * fields (`name`, `tags`, `interval`, `enabled`).
 */
export function kibanaRuleObject(rule: Rule): Record<string, unknown> {
  return {
    ...kibanaParams(rule),
    name: rule.name,
    tags: rule.tags,
    interval: rule.schedule.interval,
    enabled: rule.enabled,
  };
}

/** MITRE tactics, techniques and sub-techniques of a rule, flattened (ids and names). */
export function mitreSummary(rule: Rule): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of rule.threat) {
    tactics.push(`${t.tactic.id} ${t.tactic.name}`);
    for (const x of t.technique) {
      techniques.push(`${x.id} ${x.name}`);
      for (const s of x.subtechnique) techniques.push(`${s.id} ${s.name}`);
    }
  }
  return { tactics, techniques: [...new Set(techniques)] };
}
