/** The API's views of rules (RuleSummary and its detail), as docs/serve-api.md defines them. */
import { findPlugins, type InvestigateEntry } from '../rules/index.js';
import type { RuleState } from '../store/index.js';
import type { DetectionEngine } from './detect/engine.js';
import type { ServedRule } from './detect/rules.js';
import { renderGuideHtml } from './html.js';

export interface RuleSummary {
  rule_id: string;
  name: string;
  severity: string;
  risk_score: number;
  type: string;
  language: string | null;
  enabled: boolean;
  mode: 'scheduled' | 'continuous';
  interval: string;
  from: string;
  index: string[];
  tactics: string[];
  techniques: string[];
  alerts_open: number;
  last_run: { at: string; duration_ms: number; status: string; gap_ms?: number; message?: string } | null;
  building_block: boolean;
}

function lastRun(r: ServedRule, state: RuleState | undefined, engine: DetectionEngine): RuleSummary['last_run'] {
  const errors = state?.errors ? `${state.errors} runtime error(s); last: ${state.last_error ?? ''}` : undefined;
  if (r.mode === 'continuous') {
    const a = engine.continuous.activity.get(r.ruleId);
    if (!a)
      return errors
        ? {
            at: new Date(state?.last_error_at ?? 0).toISOString(),
            duration_ms: 0,
            status: 'partial failure',
            message: errors,
          }
        : null;
    return {
      at: new Date(a.at).toISOString(),
      duration_ms: Math.round(a.durationMs * 1000) / 1000,
      status: errors ? 'partial failure' : 'succeeded',
      ...(errors ? { message: errors } : {}),
    };
  }
  if (!state?.last_run_at) return null;
  return {
    at: new Date(state.last_run_at).toISOString(),
    duration_ms: state.last_duration_ms ?? 0,
    status: state.last_status ?? 'succeeded',
    ...(state.last_gap_ms ? { gap_ms: state.last_gap_ms } : {}),
    ...(state.last_message ? { message: state.last_message } : {}),
  };
}

export function ruleSummary(
  r: ServedRule,
  engine: DetectionEngine,
  state: RuleState | undefined,
  open: Map<string, number>,
): RuleSummary {
  const rule = r.prepared.rule;
  return {
    rule_id: rule.ruleId,
    name: rule.name,
    severity: rule.severity,
    risk_score: rule.riskScore,
    type: rule.type,
    language: rule.language ?? null,
    enabled: r.enabled,
    mode: r.mode,
    interval: rule.schedule.interval,
    from: rule.schedule.from,
    index: rule.effectiveIndex,
    tactics: rule.threat.map((t) => t.tactic.name),
    techniques: rule.threat.flatMap((t) => t.technique.map((x) => x.id)),
    alerts_open: open.get(rule.ruleId) ?? 0,
    last_run: lastRun(r, state, engine),
    building_block: rule.buildingBlockType !== undefined,
  };
}

/** The investigate entries of a rule, by plugin number in its note. */
export function investigateEntries(r: ServedRule): InvestigateEntry[] {
  const rule = r.prepared.rule;
  if (rule.transform.investigate.length) return rule.transform.investigate;
  // Kibana exports carry the plugins already rendered into the note: read them back.
  return findPlugins(rule.note ?? '')
    .filter((o) => o.plugin === 'investigate')
    .map((o) => {
      const c = o.config ?? {};
      return {
        label: typeof c.label === 'string' ? c.label : `pivot ${o.index}`,
        description: typeof c.description === 'string' ? c.description : undefined,
        providers: Array.isArray(c.providers) ? (c.providers as InvestigateEntry['providers']) : [],
        relativeFrom: typeof c.relativeFrom === 'string' ? c.relativeFrom : undefined,
        relativeTo: typeof c.relativeTo === 'string' ? c.relativeTo : undefined,
      };
    });
}

export function ruleDetail(
  r: ServedRule,
  engine: DetectionEngine,
  state: RuleState | undefined,
  open: Map<string, number>,
): Record<string, unknown> {
  const rule = r.prepared.rule;
  const entries = investigateEntries(r);
  const note = rule.note ?? '';
  return {
    ...ruleSummary(r, engine, state, open),
    description: rule.description,
    query: rule.query,
    note: note || null,
    note_html: note
      ? renderGuideHtml(note, (n, config) => ({
          label: entries[n]?.label ?? (typeof config?.label === 'string' ? config.label : `pivot ${n}`),
        }))
      : '',
    setup: rule.setup ?? null,
    references: rule.references,
    false_positives: rule.falsePositives,
    investigation_fields: rule.investigationFields,
    threat: rule.threat,
    max_signals: rule.maxSignals,
    timestamp_override: rule.timestampOverride ?? null,
    runtime_errors: state?.errors ?? 0,
    last_error: state?.last_error ?? null,
  };
}
