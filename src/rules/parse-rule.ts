/**
 * One rule, from a TOML document or a Kibana API object, to a validated `Rule` with Kibana's
 * defaults applied, plus every problem found on the way. Nothing here throws for a bad rule.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import type { CompiledQuery, Schema } from '../eql/index.js';
import { compileRuleQuery } from './compile.js';
import { parseDateMath, parseInterval, resolveDateMath } from './date-math.js';
import {
  DEFAULT_FROM,
  DEFAULT_INDEX_PATTERNS,
  DEFAULT_INTERVAL,
  DEFAULT_MAX_SIGNALS,
  DEFAULT_RULE_VERSION,
  DEFAULT_TO,
  MAX_ALERTS_PER_RUN,
  SUPPORTED_TYPES,
} from './defaults.js';
import { findPlugins, notePlaceholders, renderNote, splitSetup } from './guide.js';
import type {
  InvestigateEntry,
  OsqueryEntry,
  Rule,
  RuleLanguage,
  RuleMetadata,
  RuleProblem,
  RuleTransform,
  Severity,
  SourceRef,
  ThreatMapping,
} from './model.js';
import {
  EXTRA_KEYS,
  KIBANA_RUNTIME_KEYS,
  investigateSchema,
  metadataSchema,
  osquerySchema,
  ruleSchema,
  transformSchema,
  type RawMetadata,
  type RawRule,
  type RawTransform,
} from './schema.js';
import { locate, locateKeys, type KeyMap } from './toml-locate.js';
import { validateWith, type KeyProblem } from './validate.js';

export type RuleStatus = 'ready' | 'failed' | 'unsupported' | 'deprecated';

/** A rule as loaded: the model when it could be built, its compiled query when it runs, and its problems. */
export interface LoadedRule {
  source: SourceRef;
  status: RuleStatus;
  /** Why the rule does not run (for `unsupported`, `deprecated` and `failed`). */
  reason?: string;
  rule?: Rule;
  query?: CompiledQuery;
  /** As written, for summaries even when the rule is invalid. */
  type?: string;
  language?: string;
  ruleId?: string;
  name?: string;
  problems: RuleProblem[];
}

export interface ParseOptions {
  /** EQL field types; default ECS with unknown fields inferred. */
  schema?: Schema;
  /**
   * Compile EQL queries (default true). A function decides per rule, once its model is built: a
   * rule it declines stays `ready` without a query (a hunt's filters, so that the rules left out
   * cost no compilation).
   */
  compile?: boolean | ((rule: Rule) => boolean);
}

const TOP_LEVEL = new Set(['metadata', 'rule', 'transform']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A rule document split into its tables, before validation. */
interface RuleInput {
  source: SourceRef;
  metadata?: unknown;
  rule: Record<string, unknown>;
  transform?: unknown;
  /** TOML only: positions of keys, computed when first needed. */
  keys?: () => KeyMap;
  fileText?: string;
  /** Export lines carry a rendered note and no `[transform]`. */
  renderedNote: boolean;
}

class ProblemList {
  readonly items: RuleProblem[] = [];
  constructor(
    private readonly input: RuleInput,
    private readonly ident: () => { ruleId?: string; ruleName?: string },
  ) {}

  add(p: Omit<RuleProblem, 'file'> & { path?: (string | number)[]; find?: string }): void {
    const { path, find, ...rest } = p;
    const problem: RuleProblem = { file: this.input.source.file, ...this.ident(), ...rest };
    if (path && !problem.key) problem.key = path.join('.');
    if (this.input.keys && path && problem.line === undefined) {
      const loc = locate(this.input.keys(), path);
      if (loc) {
        problem.line = loc.line;
        problem.column = loc.column;
        // Point at the text inside a multi-line value when asked (a placeholder in the note).
        const text = this.input.fileText;
        if (find && text !== undefined) {
          const lines = text.split(/\r\n|\r|\n/);
          for (let i = loc.valueLine - 1; i < lines.length; i++) {
            const col = lines[i].indexOf(find);
            if (col >= 0) {
              problem.line = i + 1;
              problem.column = col + 1;
              break;
            }
          }
        }
      }
    } else if (this.input.source.line !== undefined && problem.line === undefined) {
      problem.line = this.input.source.line;
    }
    this.items.push(problem);
  }

  addKeyProblems(list: KeyProblem[]): void {
    for (const k of list) this.add({ severity: k.severity, code: k.code, message: k.message, path: k.path });
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

/** Parses a TOML rule file. Returns undefined when the document is not a rule (no `[rule]` table). */
export function parseTomlDocument(
  text: string,
  source: SourceRef,
): { doc?: Record<string, unknown>; problem?: RuleProblem } {
  try {
    return { doc: parseToml(text) as Record<string, unknown> };
  } catch (e) {
    if (e instanceof TomlError) {
      const firstLine = e.message.split('\n')[0];
      return {
        problem: {
          file: source.file,
          severity: 'error',
          code: 'toml-syntax',
          message: `TOML syntax error: ${firstLine.replace(/^Invalid TOML document: /, '')}`,
          line: e.line,
          column: e.column,
        },
      };
    }
    throw e;
  }
}

/** A rule from a parsed TOML document that has a `[rule]` table. */
export function ruleFromToml(
  doc: Record<string, unknown>,
  text: string,
  source: SourceRef,
  options: ParseOptions = {},
): LoadedRule {
  let keys: KeyMap | undefined;
  const input: RuleInput = {
    source,
    metadata: doc.metadata,
    rule: (doc.rule ?? {}) as Record<string, unknown>,
    transform: doc.transform,
    keys: () => (keys ??= locateKeys(text)),
    fileText: text,
    renderedNote: false,
  };
  const loaded = buildRule(input, options, (problems) => {
    for (const k of Object.keys(doc)) {
      if (!TOP_LEVEL.has(k)) {
        problems.add({
          severity: 'warning',
          code: 'unknown-key',
          message: `unknown table "${k}" (ignored)`,
          path: [k],
        });
      }
    }
    if (doc.metadata === undefined) {
      problems.add({
        severity: 'warning',
        code: 'missing-field',
        message: 'no [metadata] table (detection-rules requires creation_date and updated_date)',
      });
    }
  });
  return loaded;
}

/**
 * A rule from a Kibana API object (an export line, or a Fleet package saved object's attributes).
 * Kibana's bookkeeping fields are ignored; the note is already rendered.
 */
export function ruleFromApiObject(
  obj: Record<string, unknown>,
  source: SourceRef,
  options: ParseOptions = {},
): LoadedRule {
  if (obj.deprecated === true) {
    return {
      source,
      status: 'deprecated',
      reason: str(obj.deprecated_reason) ?? 'deprecated rule stub',
      ruleId: str(obj.rule_id),
      name: str(obj.name),
      type: str(obj.type),
      language: str(obj.language),
      problems: [],
    };
  }
  const rule: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!KIBANA_RUNTIME_KEYS.has(k)) rule[k] = v;
  return buildRule({ source, rule, renderedNote: true }, options, () => undefined);
}

function buildRule(input: RuleInput, options: ParseOptions, extraChecks: (p: ProblemList) => void): LoadedRule {
  const rawRule = input.rule;
  const ident = { ruleId: str(rawRule.rule_id), ruleName: str(rawRule.name) };
  const problems = new ProblemList(input, () => ident);
  const loaded: LoadedRule = {
    source: input.source,
    status: 'failed',
    type: str(rawRule.type),
    language: str(rawRule.language),
    ruleId: ident.ruleId,
    name: ident.ruleName,
    problems: problems.items,
  };
  extraChecks(problems);

  const meta =
    input.metadata === undefined
      ? { value: {} as RawMetadata, problems: [] }
      : validateWith(metadataSchema, input.metadata, ['metadata']);
  const deprecated = meta.value?.maturity === 'deprecated';
  const ruleV = validateWith(ruleSchema, rawRule, ['rule']);
  const transV =
    input.transform === undefined
      ? { value: undefined as RawTransform | undefined, problems: [] }
      : validateWith(transformSchema, input.transform, ['transform']);
  problems.addKeyProblems([...meta.problems, ...ruleV.problems, ...transV.problems]);
  if (meta.value && input.metadata !== undefined) {
    for (const k of ['creation_date', 'updated_date'] as const) {
      if (meta.value[k] === undefined) {
        problems.add({
          severity: 'warning',
          code: 'missing-field',
          message: `${k} is missing (detection-rules requires it)`,
          path: ['metadata'],
          key: `metadata.${k}`,
        });
      }
    }
  }

  if (deprecated) {
    // The repository loads deprecated rules without its schema, and Kibana does not install them.
    for (const p of problems.items) if (p.severity === 'error') p.severity = 'info';
    loaded.status = 'deprecated';
    loaded.reason = 'maturity = "deprecated": Kibana does not install it';
    return loaded;
  }
  if (!ruleV.value || problems.hasErrors) {
    loaded.reason = 'invalid rule file';
    return loaded;
  }
  const rule = toModel(ruleV.value, meta.value ?? {}, transV.value, input, problems);
  if (!rule || problems.hasErrors) {
    loaded.reason = 'invalid rule';
    if (rule) loaded.rule = rule;
    return loaded;
  }
  loaded.rule = rule;
  if (!SUPPORTED_TYPES.has(rule.type)) {
    loaded.status = 'unsupported';
    loaded.reason = `${rule.type} rules (${rule.language ?? 'no language'}) are not supported yet`;
    return loaded;
  }
  if (rule.filters.length > 0) {
    loaded.status = 'unsupported';
    loaded.reason = 'rules with query-DSL filters are not supported yet';
    return loaded;
  }
  if (options.compile === false || (typeof options.compile === 'function' && !options.compile(rule))) {
    loaded.status = 'ready';
    return loaded;
  }
  const compiled = compileRuleQuery(rule, options.schema, {
    location: input.keys ? () => input.keys?.().get('rule.query') : undefined,
    fileText: input.fileText,
    ndjsonLine: input.source.line,
  });
  problems.items.push(...compiled.problems);
  if (!compiled.query) {
    loaded.reason = 'the query does not compile';
    return loaded;
  }
  loaded.query = compiled.query;
  loaded.status = 'ready';
  return loaded;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function withSlash(url: string): string {
  return /^[a-z]+:\/\//i.test(url) && !url.endsWith('/') ? `${url}/` : url;
}

function toTransform(t: RawTransform | undefined): RuleTransform {
  return {
    investigate: (t?.investigate ?? []).map((e): InvestigateEntry => ({
      label: e.label,
      description: e.description,
      providers: e.providers.map((g) => g.map((p) => ({ ...p }))),
      relativeFrom: e.relativeFrom,
      relativeTo: e.relativeTo,
    })),
    osquery: (t?.osquery ?? []).map((e): OsqueryEntry => ({
      label: e.label,
      query: e.query,
      ecsMapping: e.ecs_mapping,
    })),
  };
}

/** The pivots and osquery buttons written in a rendered note (Kibana exports). */
function transformFromNote(note: string, problems: ProblemList): RuleTransform {
  const t: RuleTransform = { investigate: [], osquery: [] };
  const seen = new Set<string>();
  for (const occ of findPlugins(note)) {
    // A button placed twice in the note is one entry.
    const text = note.slice(occ.start, occ.end);
    if (seen.has(text)) continue;
    seen.add(text);
    if (!occ.config) {
      problems.add({
        severity: 'warning',
        code: 'guide',
        message: `!{${occ.plugin}...} #${occ.index} in the note: ${occ.error ?? 'unreadable'}`,
        path: ['rule', 'note'],
      });
      continue;
    }
    const path = ['rule', 'note', `${occ.plugin}_${occ.index}`];
    const demote = (list: KeyProblem[]) => list.map((p): KeyProblem => ({ ...p, severity: 'warning' }));
    if (occ.plugin === 'investigate') {
      const r = validateWith(investigateSchema, occ.config, path);
      problems.addKeyProblems(demote(r.problems));
      if (r.value) t.investigate.push(...toTransform({ investigate: [r.value] }).investigate);
    } else {
      const r = validateWith(osquerySchema, occ.config, path);
      problems.addKeyProblems(demote(r.problems));
      if (r.value) t.osquery.push(...toTransform({ osquery: [r.value] }).osquery);
    }
  }
  return t;
}

function toModel(
  r: RawRule,
  m: RawMetadata,
  rawTransform: RawTransform | undefined,
  input: RuleInput,
  problems: ProblemList,
): Rule | undefined {
  const at = (...path: (string | number)[]) => ['rule', ...path];

  // Language: EQL rules must say eql; query rules default to kuery as in Kibana.
  let language = r.language as RuleLanguage | undefined;
  if (r.type === 'eql') {
    if (language === undefined) {
      problems.add({
        severity: 'warning',
        code: 'missing-field',
        message: 'language is missing; assuming "eql"',
        path: at('language'),
      });
      language = 'eql';
    } else if (language !== 'eql') {
      problems.add({
        severity: 'error',
        code: 'invalid-value',
        message: `an eql rule must have language = "eql", got "${language}"`,
        path: at('language'),
      });
    }
  } else if (
    language === undefined &&
    (r.type === 'query' || r.type === 'threshold' || r.type === 'threat_match' || r.type === 'new_terms')
  ) {
    language = 'kuery';
  } else if (r.type === 'esql') language = 'esql';
  const needsQuery = r.type !== 'machine_learning' && r.type !== 'saved_query';
  if (needsQuery && (r.query === undefined || r.query.trim() === '')) {
    problems.add({
      severity: 'error',
      code: r.query === undefined ? 'missing-field' : 'invalid-value',
      message: r.query === undefined ? `required key is missing (${r.type} rules need a query)` : 'the query is empty',
      path: at('query'),
    });
  }

  // Schedule with Kibana's defaults.
  const interval = r.interval ?? DEFAULT_INTERVAL;
  const intervalMs = parseInterval(interval);
  if (intervalMs === undefined) {
    problems.add({
      severity: 'error',
      code: 'invalid-value',
      message: `interval "${interval}" is not like 5m, 1h, 30s`,
      path: at('interval'),
    });
  }
  const from = r.from ?? DEFAULT_FROM;
  const to = r.to ?? DEFAULT_TO;
  for (const [k, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!parseDateMath(v)) {
      problems.add({
        severity: 'error',
        code: 'invalid-value',
        message: `${k} "${v}" is not date math (like now-9m)`,
        path: at(k),
      });
    }
  }
  const now = Date.UTC(2000, 0, 1);
  const lookbackMs = (resolveDateMath(to, now, true) ?? now) - (resolveDateMath(from, now) ?? now);
  let maxSignals = r.max_signals ?? DEFAULT_MAX_SIGNALS;
  if (maxSignals > MAX_ALERTS_PER_RUN) {
    problems.add({
      severity: 'warning',
      code: 'max-signals',
      message: `max_signals ${maxSignals} is above Kibana's limit of ${MAX_ALERTS_PER_RUN} alerts per run (xpack.alerting.rules.run.alerts.max); capped to ${MAX_ALERTS_PER_RUN}`,
      path: at('max_signals'),
    });
    maxSignals = MAX_ALERTS_PER_RUN;
  }

  if (r.index && r.data_view_id) {
    problems.add({
      severity: 'warning',
      code: 'conflict',
      message: 'both index and data_view_id are set; the index patterns are used',
      path: at('data_view_id'),
    });
  }
  let effectiveIndex: string[];
  if (r.index && r.index.length > 0) effectiveIndex = r.index;
  else if (r.data_view_id) {
    problems.add({
      severity: 'warning',
      code: 'data-view',
      message: `data view "${r.data_view_id}" cannot be resolved offline; the rule sees events of every index`,
      path: at('data_view_id'),
    });
    effectiveIndex = ['*', '.*'];
  } else effectiveIndex = [...DEFAULT_INDEX_PATTERNS];

  // The guide: TOML notes are rendered from [transform]; export notes already are.
  let transform: RuleTransform;
  let note: string | undefined;
  let noteSource = r.note;
  let setup = r.setup;
  if (input.renderedNote) {
    note = r.note;
    transform = r.note ? transformFromNote(r.note, problems) : { investigate: [], osquery: [] };
  } else {
    transform = toTransform(rawTransform);
    const entries = transform.investigate.length + transform.osquery.length;
    if (r.note === undefined || r.note === '') {
      if (entries > 0) {
        problems.add({
          severity: 'warning',
          code: 'guide',
          message: '[transform] has entries but the rule has no note to place them in',
          path: ['transform'],
        });
      }
      note = r.note;
    } else {
      if (/!\{(investigate|osquery|insight)/.test(r.note)) {
        problems.add({
          severity: 'warning',
          code: 'guide',
          message:
            'the note writes !{investigate/osquery} markdown directly; detection-rules expects [transform] entries and $investigate_N placeholders',
          path: at('note'),
        });
      }
      const used = notePlaceholders(r.note);
      for (const [plugin, list] of [
        ['investigate', transform.investigate],
        ['osquery', transform.osquery],
      ] as const) {
        const names = used.filter((u) => u.startsWith(`${plugin}_`));
        for (const n of names) {
          if (Number(n.slice(plugin.length + 1)) >= list.length) {
            problems.add({
              severity: 'warning',
              code: 'guide',
              message: `$${n} in the note has no [[transform.${plugin}]] entry; it stays as text`,
              path: at('note'),
              find: `$${n}`,
            });
          }
        }
        if (list.length > 0 && names.length !== list.length) {
          problems.add({
            severity: 'warning',
            code: 'guide',
            message: `${list.length} [[transform.${plugin}]] entries but ${names.length} distinct $${plugin}_N placeholders in the note`,
            path: ['transform', plugin],
          });
        }
      }
      note = renderNote(r.note, transform);
    }
    if (note && !setup && /^##\s+Setup/m.test(note)) {
      const split = splitSetup(note);
      note = split.note;
      setup = split.setup;
    }
  }
  if (input.renderedNote) noteSource = r.note;

  // Building-block timing (detection-rules asks for at least now-119m every 60m unless bypassed).
  if (r.building_block_type && !m.bypass_bbr_timing && intervalMs !== undefined) {
    const lookback = -(resolveDateMath(from, 0) ?? 0);
    if (lookback < 119 * 60_000 || intervalMs < 60 * 60_000) {
      problems.add({
        severity: 'info',
        code: 'schedule',
        message: `building-block rule runs every ${interval} over ${from}; detection-rules expects at least every 60m over now-119m`,
        path: at('interval'),
      });
    }
  }

  const investigationFields = Array.isArray(r.investigation_fields)
    ? r.investigation_fields
    : (r.investigation_fields?.field_names ?? []);
  const threat: ThreatMapping[] = (r.threat ?? []).map((t) => ({
    framework: t.framework,
    tactic: { ...t.tactic, reference: withSlash(t.tactic.reference) },
    technique: (t.technique ?? []).map((x) => ({
      id: x.id,
      name: x.name,
      reference: withSlash(x.reference),
      subtechnique: (x.subtechnique ?? []).map((s) => ({ ...s, reference: withSlash(s.reference) })),
    })),
  }));
  const extra: Record<string, unknown> = {};
  for (const k of EXTRA_KEYS) if (r[k] !== undefined) extra[k] = r[k];
  const metadata: RuleMetadata = {
    creationDate: m.creation_date,
    updatedDate: m.updated_date,
    maturity: m.maturity,
    integration: asList(m.integration),
    minStackVersion: m.min_stack_version,
    minStackComments: m.min_stack_comments,
    deprecationDate: m.deprecation_date,
    deprecatedReason: m.deprecated_reason,
    bypassBbrTiming: m.bypass_bbr_timing,
    promotion: m.promotion,
    querySchemaValidation: m.query_schema_validation,
  };

  return {
    source: input.source,
    metadata,
    ruleId: r.rule_id,
    name: r.name,
    description: r.description,
    type: r.type,
    language,
    query: r.query ?? '',
    index: r.index,
    effectiveIndex,
    dataViewId: r.data_view_id,
    severity: r.severity as Severity,
    riskScore: r.risk_score,
    riskScoreMapping: (r.risk_score_mapping ?? []).map((x) => ({
      field: x.field,
      operator: 'equals',
      value: x.value ?? '',
      riskScore: x.risk_score,
    })),
    severityMapping: (r.severity_mapping ?? []).map((x) => ({
      field: x.field,
      operator: 'equals',
      value: x.value,
      severity: x.severity as Severity,
    })),
    tags: r.tags ?? [],
    threat,
    schedule: { interval, intervalMs: intervalMs ?? 0, from, to, lookbackMs },
    maxSignals,
    timestampOverride: r.timestamp_override,
    timestampOverrideFallbackDisabled: r.timestamp_override_fallback_disabled ?? false,
    eventCategoryOverride: r.event_category_override,
    timestampField: r.timestamp_field,
    tiebreakerField: r.tiebreaker_field,
    buildingBlockType: r.building_block_type,
    note,
    noteSource,
    setup,
    investigationFields,
    transform,
    exceptionsList: (r.exceptions_list ?? []).map((x) => ({
      id: x.id,
      listId: x.list_id,
      namespaceType: x.namespace_type,
      type: x.type,
    })),
    alertSuppression: r.alert_suppression?.group_by
      ? {
          groupBy: r.alert_suppression.group_by,
          duration: r.alert_suppression.duration,
          missingFieldsStrategy: r.alert_suppression.missing_fields_strategy ?? 'suppress',
        }
      : undefined,
    references: r.references ?? [],
    falsePositives: r.false_positives ?? [],
    author: r.author ?? [],
    license: r.license,
    version: r.version ?? DEFAULT_RULE_VERSION,
    enabled: r.enabled ?? true,
    filters: r.filters ?? [],
    ruleNameOverride: r.rule_name_override,
    timelineId: r.timeline_id,
    timelineTitle: r.timeline_title,
    meta: r.meta,
    extra,
  };
}
