/**
 * Kibana's per-alert overrides for single-event alerts (`buildSeverityFromMapping`,
 * `buildRiskScoreFromMapping`, `buildRuleNameFromMapping`), read from the event's `_source` with
 * lodash `get`. Sequence building blocks and shells never apply them.
 */
import type { RiskScoreMapping, Severity, SeverityMapping } from '../../rules/index.js';
import { lodashGet, type Doc } from './fields.js';

const SEVERITY_ORDER: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Mappings sorted low → critical (stable). Kibana sorts the rule's own array in place before
 * matching, so the alert's `kibana.alert.rule.severity_mapping` (and the parameters' copy) show
 * this order too.
 */
export function sortedSeverityMapping(mapping: readonly SeverityMapping[]): SeverityMapping[] {
  return [...mapping].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function eventValues(field: string, value: unknown): Set<string | number> {
  const values = Array.isArray(value) ? value : [value];
  const out = new Set<string | number>();
  for (const v of values) {
    const int = typeof v === 'number' && Number.isSafeInteger(v);
    // `event.severity` is a long: only integers compare, as numbers; elsewhere strings too, as text.
    if (field === 'event.severity') {
      if (int) out.add(v);
    } else if (int || typeof v === 'string') out.add(String(v));
  }
  return out;
}

/** The severity after `severity_mapping`: the highest-severity mapping whose value the event holds. */
export function severityFromMapping(source: Doc, severity: Severity, mapping: readonly SeverityMapping[]): Severity {
  if (mapping.length === 0) return severity;
  let match: SeverityMapping | undefined;
  for (const m of sortedSeverityMapping(mapping)) {
    const have = eventValues(m.field, lodashGet(source, m.field));
    const want = m.field === 'event.severity' ? Math.floor(Number(m.value)) : m.value;
    if (have.has(want)) match = m;
  }
  return match && match.severity in SEVERITY_ORDER ? match.severity : severity;
}

/**
 * The risk score after `risk_score_mapping`: the first mapping's field, its numeric values (numbers,
 * or strings `Number()` reads) within 0..100, the largest; else the rule's score.
 */
export function riskScoreFromMapping(source: Doc, riskScore: number, mapping: readonly RiskScoreMapping[]): number {
  if (mapping.length === 0) return riskScore;
  const value = lodashGet(source, mapping[0].field);
  let best = -1;
  for (const v of Array.isArray(value) ? value : [value]) {
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (Number.isFinite(n) && n >= 0 && n <= 100 && n > best) best = n;
  }
  return best > -1 ? best : riskScore;
}

/** The rule name after `rule_name_override`: the event field's value when it is a string. */
export function ruleNameFromMapping(source: Doc, name: string, override: string | undefined): string {
  if (override === undefined) return name;
  const v = lodashGet(source, override);
  return typeof v === 'string' ? v : name;
}
