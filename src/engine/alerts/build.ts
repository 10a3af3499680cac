/**
 * Kibana alert documents for EQL matches, built the way Kibana's detection engine builds them
 * (`transformHitToAlert` + `buildAlertFields`, `buildAlertGroupFromSequence`, then the rule-registry
 * persistence wrapper that adds the execution and framework fields before the bulk `create`).
 *
 * Single event (`buildEventAlert`):
 * 1. the merged document: Kibana merges the hit's `_source` with its `fields` (`missingFields`:
 *    only values `_source` lacks are added). Offline there is no `fields` block, and every value it
 *    could add comes from `_source` anyway, so the merged document is the event as read;
 * 2. overrides (severity_mapping, risk_score_mapping, rule_name_override) and the reason, from it;
 * 3. `kibana.*`/`signal*` removed, ECS-incompatible values removed, `event.*`/`data_stream.*` copied
 *    to `kibana.alert.original_event.*`/`original_data_stream.*` (ecs.ts); `event.kind` cleared;
 * 4. the alert fields merged on top (dotted `kibana.alert.*` keys at the top level, as Kibana
 *    writes them, beside the event's own nested objects);
 * 5. the persistence wrapper's fields first in key order: `kibana.alert.rule.execution.timestamp`,
 *    `kibana.alert.start`, `kibana.alert.last_detected`, `kibana.version`, then the framework's
 *    common rule fields (category, producer, revision, rule_type_id, execution.uuid, ...).
 * Values Kibana sets to `undefined` (absent optional rule settings, the risk/criticality
 * placeholders that only enrichment fills) are not in the document, as JSON leaves them out.
 *
 * Sequence (`buildSequenceAlerts`): one building block per event (no overrides; missing-event
 * stages `![...]` have no document and, as in Kibana since 9.2, get no block and no ancestor), and
 * one shell whose root holds the intersection of the blocks (intersection.ts) under the alert
 * fields. Returned as Kibana returns them: the shell first, then the blocks in sequence order.
 */
import type { EventDoc } from '../../sources/types.js';
import { eventIndex, kibanaParams, timestampMs, type PreparedRule, type Rule } from '../../rules/index.js';
import { stripNonEcs } from './ecs.js';
import {
  ALERT_ANCESTORS,
  ALERT_BUILDING_BLOCK_TYPE,
  ALERT_DEPTH,
  ALERT_GROUP_ID,
  ALERT_GROUP_INDEX,
  ALERT_INTENDED_TIMESTAMP,
  ALERT_LAST_DETECTED,
  ALERT_ORIGINAL_TIME,
  ALERT_REASON,
  ALERT_RISK_SCORE,
  ALERT_RULE_META,
  ALERT_RULE_NAME,
  ALERT_RULE_PARAMETERS,
  ALERT_RULE_UUID,
  ALERT_SEVERITY,
  ALERT_START,
  ALERT_STATUS,
  ALERT_URL,
  ALERT_UUID,
  ALERT_WORKFLOW_ASSIGNEE_IDS,
  ALERT_WORKFLOW_STATUS,
  ALERT_WORKFLOW_TAGS,
  EVENT_KIND,
  SPACE_IDS,
  TIMESTAMP,
  VERSION,
  cloneJson,
  dropUndefined,
  flattenWithPrefix,
  lodashGet,
  robustClear,
  robustGet,
  type Doc,
} from './fields.js';
import {
  EQL_HIT_VERSION,
  buildingBlockIds,
  eventContentId,
  ruleSavedObjectId,
  shellAlertId,
  singleEventAlertId,
  uuidV5,
  type AncestorRef,
} from './ids.js';
import { documentsIntersection } from './intersection.js';
import { riskScoreFromMapping, ruleNameFromMapping, severityFromMapping, sortedSeverityMapping } from './mappings.js';
import { alertReason } from './reason.js';

/** An alert document: the `_source` Kibana indexes; its `_id` is `kibana.alert.uuid`. */
export type AlertDoc = Record<string, unknown>;

/** A matched event as the engine hands it over. */
export interface AlertEvent {
  /** The event document as read (normalised ECS). Never modified. */
  doc: EventDoc;
  /** Its index (`_index` of an export, the data stream, or the reader's guess). */
  index?: string;
  /** Its `_id` when the input carried one (Elasticsearch exports); else a content hash stands in. */
  id?: string;
}

/** The run an alert comes from. Every field is optional. */
export interface AlertContext {
  /** Kibana space; `.alerts-security.alerts-<spaceId>`. Default `default`. */
  spaceId?: string;
  /** Alert creation time (`@timestamp`, `kibana.alert.start`, ...). Default: now. Pass a fixed clock for reproducible output. */
  now?: Date;
  /** `kibana.alert.rule.execution.uuid`. Default: derived from `now` and the space (stable for a fixed clock). */
  executionUuid?: string;
  /**
   * `scheduled` (Kibana's rule schedule; `eqlite serve`) or `manual` (Kibana's "manual rule run",
   * i.e. a backfill; `eqlite hunt`). Default `manual` when `intendedTimestamp` is given, else `scheduled`.
   */
  executionType?: 'scheduled' | 'manual';
  /** Manual runs: the instant the run stands for (Kibana: the backfill slot's start). Default: `now`. */
  intendedTimestamp?: Date;
  /** `kibana.version`. Default `KIBANA_VERSION`. */
  kibanaVersion?: string;
  /** Kibana's `server.publicBaseUrl`: with it alerts get `kibana.alert.url`, without it none (as Kibana). */
  publicBaseUrl?: string;
  /** The rule's saved-object id when known (e.g. from the serve store); default `ruleSavedObjectId(rule_id)`. */
  ruleUuid?: string;
  /** `kibana.alert.rule.created_by` / `updated_by` (Kibana: the user who saved the rule). Default `''`. */
  user?: string;
}

/** The Kibana release whose alert documents eqlite writes (`kibana.version`). */
export const KIBANA_VERSION = '9.5.0';

/** The alerts index of a space. */
export function alertsIndex(spaceId = 'default'): string {
  return `.alerts-security.alerts-${spaceId}`;
}

// The EQL rule type as the alerting framework registers it.
const RULE_CATEGORY = 'Event Correlation Rule';
const RULE_TYPE_ID = 'siem.eqlRule';
const PRODUCER = 'siem';
const CONSUMER = 'siem';
// eqlite's namespace for derived execution uuids (a fixed random UUID).
const EXECUTION_NAMESPACE = 'b8e4c1d2-7a35-4f96-8e0b-5d2c9a7f3e16';

interface Resolved {
  spaceId: string;
  now: string;
  executionUuid: string;
  executionType: 'scheduled' | 'manual';
  intended: string;
  kibanaVersion: string;
  publicBaseUrl?: string;
  ruleUuid: string;
  user: string;
}

function resolve(rule: Rule, ctx: AlertContext): Resolved {
  const spaceId = ctx.spaceId ?? 'default';
  const now = (ctx.now ?? new Date()).toISOString();
  const executionType = ctx.executionType ?? (ctx.intendedTimestamp ? 'manual' : 'scheduled');
  return {
    spaceId,
    now,
    executionUuid: ctx.executionUuid ?? uuidV5(`${spaceId}:${now}`, EXECUTION_NAMESPACE),
    executionType,
    // Kibana: the intended timestamp of a manual run, else the alert's own timestamp.
    intended: executionType === 'manual' ? (ctx.intendedTimestamp ?? ctx.now ?? new Date(now)).toISOString() : now,
    kibanaVersion: ctx.kibanaVersion ?? KIBANA_VERSION,
    publicBaseUrl: ctx.publicBaseUrl,
    ruleUuid: ctx.ruleUuid ?? ruleSavedObjectId(rule.ruleId),
    user: ctx.user ?? '',
  };
}

function asRule(r: PreparedRule | Rule): Rule {
  return 'ruleId' in r ? r : r.rule;
}

/** The rule's snake_case parameters, computed once per rule (and per severity-mapping order). */
const paramsCache = new WeakMap<Rule, { plain: Doc; sorted: Doc; shared?: Doc }>();

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * The sorted parameters as they end up in an event alert (no `undefined` inside), made once per
 * rule and shared by all its event alerts: copying ~20 KB per alert was most of an alert's cost.
 * Frozen, so a consumer that tried to edit one alert's copy would fail loudly rather than edit all.
 */
function sharedParams(rule: Rule): Doc {
  ruleParams(rule, true);
  const p = paramsCache.get(rule)!;
  return (p.shared ??= deepFreeze(dropUndefined(cloneJson(p.sorted)) as Doc));
}

function ruleParams(rule: Rule, sortedSeverity: boolean): Doc {
  let p = paramsCache.get(rule);
  if (!p) {
    const plain = kibanaParams(rule);
    const sorted = rule.severityMapping.length
      ? { ...plain, severity_mapping: sortedSeverityMapping(rule.severityMapping).map((m) => ({ ...m })) }
      : plain;
    p = { plain, sorted };
    paramsCache.set(rule, p);
  }
  return sortedSeverity ? p.sorted : p.plain;
}

/** `YYYY/MM/DD` (detection-rules metadata) as an ISO instant at midnight UTC. */
function metadataDate(d: string | undefined): string | undefined {
  const m = d ? /^(\d{4})\/(\d\d)\/(\d\d)$/.exec(d) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z` : undefined;
}

/** Kibana's `getAlertDetailsUrl`; undefined without a public base URL. */
function alertUrl(r: Resolved, alertId: string, timestamp: string): string | undefined {
  if (!r.publicBaseUrl) return undefined;
  const base = r.publicBaseUrl.endsWith('/') ? r.publicBaseUrl.slice(0, -1) : r.publicBaseUrl;
  const space = r.spaceId && r.spaceId !== 'default' ? `/s/${r.spaceId}` : '';
  return `${base}${space}/app/security/alerts/redirect/${alertId}?index=${alertsIndex(r.spaceId)}&timestamp=${timestamp}`;
}

export interface Ancestor {
  id: string;
  type: 'event' | 'signal';
  index: string;
  depth: number;
  rule?: string;
}

interface Parent {
  ancestors: Ancestor[];
  depth: number;
}

/**
 * Kibana's `buildParent` + `buildAncestors` for a source document: an event (depth 0), or an
 * alert being alerted on (a detection alert with `kibana.alert.uuid`, or a legacy `signal`
 * document), whose own ancestors come first.
 */
function parentOf(doc: Doc, id: string, index: string): Parent {
  const isAlert = doc[ALERT_UUID] !== null && doc[ALERT_UUID] !== undefined;
  const isLegacy = !isAlert && doc.signal !== null && doc.signal !== undefined;
  const get = (field: string, legacy: string): unknown => lodashGet(doc, isLegacy ? legacy : field);
  if (!isAlert && !isLegacy) return { ancestors: [{ id, type: 'event', index, depth: 0 }], depth: 0 };
  const depth = (get(ALERT_DEPTH, 'signal.depth') as number | undefined) ?? 1;
  const rule = get(ALERT_RULE_UUID, 'signal.rule.id') as string | undefined;
  const existing = get(ALERT_ANCESTORS, 'signal.ancestors');
  const self: Ancestor = { id, type: 'signal', index, depth, rule };
  return { ancestors: [...(Array.isArray(existing) ? (existing as Ancestor[]) : []), self], depth };
}

interface FieldsInput {
  rule: Rule;
  r: Resolved;
  parents: Parent[];
  originalTime: string | undefined;
  reason: string;
  alertUuid: string;
  params: Doc;
  overrides?: { name: string; severity: string; riskScore: number };
}

/** Kibana's `buildAlertFields`, in its key order. */
function alertFields(f: FieldsInput): Doc {
  const { rule, r, params } = f;
  const ancestors = f.parents.flatMap((p) => p.ancestors);
  const depth = f.parents.reduce((acc, p) => Math.max(acc, p.depth), 0) + 1;
  return {
    [TIMESTAMP]: r.now,
    [SPACE_IDS]: [r.spaceId],
    [EVENT_KIND]: 'signal',
    [ALERT_ORIGINAL_TIME]: f.originalTime,
    'kibana.alert.rule.consumer': CONSUMER,
    [ALERT_ANCESTORS]: ancestors,
    [ALERT_STATUS]: 'active',
    [ALERT_WORKFLOW_STATUS]: 'open',
    [ALERT_DEPTH]: depth,
    [ALERT_REASON]: f.reason,
    [ALERT_BUILDING_BLOCK_TYPE]: rule.buildingBlockType,
    [ALERT_SEVERITY]: f.overrides?.severity ?? rule.severity,
    [ALERT_RISK_SCORE]: f.overrides?.riskScore ?? rule.riskScore,
    [ALERT_RULE_PARAMETERS]: params,
    'kibana.alert.rule.actions': [],
    'kibana.alert.rule.author': params.author,
    'kibana.alert.rule.created_at': metadataDate(rule.metadata.creationDate) ?? r.now,
    'kibana.alert.rule.created_by': r.user,
    'kibana.alert.rule.description': rule.description,
    // Only enabled rules run (scheduled or manual), so every alert says so.
    'kibana.alert.rule.enabled': true,
    'kibana.alert.rule.exceptions_list': params.exceptions_list,
    'kibana.alert.rule.false_positives': params.false_positives,
    'kibana.alert.rule.from': rule.schedule.from,
    'kibana.alert.rule.immutable': params.immutable,
    'kibana.alert.rule.interval': rule.schedule.interval,
    'kibana.alert.rule.indices': rule.effectiveIndex,
    'kibana.alert.rule.license': rule.license,
    'kibana.alert.rule.max_signals': rule.maxSignals,
    [ALERT_RULE_NAME]: f.overrides?.name ?? rule.name,
    'kibana.alert.rule.namespace': undefined,
    'kibana.alert.rule.note': rule.note,
    'kibana.alert.rule.references': params.references,
    'kibana.alert.rule.risk_score_mapping': params.risk_score_mapping,
    'kibana.alert.rule.rule_id': rule.ruleId,
    'kibana.alert.rule.rule_name_override': rule.ruleNameOverride,
    'kibana.alert.rule.severity_mapping': params.severity_mapping,
    'kibana.alert.rule.tags': rule.tags,
    'kibana.alert.rule.threat': params.threat,
    'kibana.alert.rule.throttle': undefined,
    'kibana.alert.rule.timeline_id': rule.timelineId,
    'kibana.alert.rule.timeline_title': rule.timelineTitle,
    'kibana.alert.rule.timestamp_override': rule.timestampOverride,
    'kibana.alert.rule.to': rule.schedule.to,
    'kibana.alert.rule.type': rule.type,
    'kibana.alert.rule.updated_at': metadataDate(rule.metadata.updatedDate) ?? r.now,
    'kibana.alert.rule.updated_by': r.user,
    [ALERT_RULE_UUID]: r.ruleUuid,
    'kibana.alert.rule.version': rule.version,
    [ALERT_URL]: alertUrl(r, f.alertUuid, r.now),
    [ALERT_UUID]: f.alertUuid,
    [ALERT_WORKFLOW_TAGS]: [],
    [ALERT_WORKFLOW_ASSIGNEE_IDS]: [],
    ...flattenWithPrefix(ALERT_RULE_META, rule.meta),
    'kibana.alert.rule.risk_score': rule.riskScore,
    'kibana.alert.rule.severity': rule.severity,
    'kibana.alert.rule.building_block_type': rule.buildingBlockType,
    [ALERT_INTENDED_TIMESTAMP]: r.intended,
    'kibana.alert.rule.execution.type': r.executionType,
  };
}

/** The rule-registry persistence wrapper's own fields and the framework's common rule fields. */
function wrapperFields(rule: Rule, r: Resolved): Doc {
  return {
    'kibana.alert.rule.execution.timestamp': r.now,
    [ALERT_START]: r.now,
    [ALERT_LAST_DETECTED]: r.now,
    [VERSION]: r.kibanaVersion,
    // The framework puts the rule's camelCase params here; the alert's snake_case copy replaces them.
    [ALERT_RULE_PARAMETERS]: undefined,
    'kibana.alert.rule.category': RULE_CATEGORY,
    'kibana.alert.rule.consumer': CONSUMER,
    'kibana.alert.rule.execution.uuid': r.executionUuid,
    [ALERT_RULE_NAME]: rule.name,
    'kibana.alert.rule.producer': PRODUCER,
    // A rule's revision counts its edits in Kibana; one never edited there is at 0.
    'kibana.alert.rule.revision': 0,
    'kibana.alert.rule.rule_type_id': RULE_TYPE_ID,
    [ALERT_RULE_UUID]: r.ruleUuid,
    [SPACE_IDS]: [r.spaceId],
    'kibana.alert.rule.tags': rule.tags,
    [TIMESTAMP]: r.now,
  };
}

/**
 * The rule-registry persistence wrapper: its own fields and the framework's common rule fields
 * first, then the alert, which wins where both set a key (keys keep their first position).
 */
function persisted(rule: Rule, r: Resolved, alert: Doc): AlertDoc {
  const wrapper = wrapperFields(rule, r);
  // `{ ...wrapper, ...alert }` without `undefined` members, built in one pass: spreading ~150 keys
  // and then deleting from the result cost a fifth of an alert.
  const out: Doc = {};
  for (const k of Object.keys(wrapper)) {
    const v = Object.hasOwn(alert, k) ? alert[k] : wrapper[k];
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  for (const k of Object.keys(alert)) {
    if (Object.hasOwn(wrapper, k)) continue;
    const v = alert[k];
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  return out as AlertDoc;
}

/**
 * `persisted(rule, r, merge(source, fields))` for an event alert, without building the merged
 * document in between (a second object of ~150 keys, each added one at a time, was a third of an
 * event alert's cost). `merge` is `transform`'s lodash merge: a field wins over the source's key
 * unless it is `undefined`, and a source key keeps its place.
 */
function persistedMerge(rule: Rule, r: Resolved, source: Doc, fields: Doc): AlertDoc {
  const wrapper = wrapperFields(rule, r);
  const inSource = (k: string) => k in source;
  /** Whether the merged document has `k`, and its value there. */
  const has = (k: string) => Object.hasOwn(fields, k) || Object.hasOwn(source, k);
  const merged = (k: string): unknown => {
    if (Object.hasOwn(fields, k)) {
      const v = fields[k];
      if (v !== undefined || !inSource(k)) return cloneJson(v);
    }
    return source[k];
  };
  const out: Doc = {};
  for (const k of Object.keys(wrapper)) {
    const v = has(k) ? merged(k) : wrapper[k];
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  for (const k of Object.keys(source)) {
    if (Object.hasOwn(wrapper, k)) continue;
    const v = merged(k);
    if (v !== undefined) out[k] = dropUndefined(v);
  }
  for (const k of Object.keys(fields)) {
    if (Object.hasOwn(wrapper, k) || Object.hasOwn(source, k)) continue;
    const v = fields[k];
    if (v !== undefined) out[k] = dropUndefined(cloneJson(v));
  }
  return out as AlertDoc;
}

/** ISO time of the event's `@timestamp` as Elasticsearch parses it (ms precision), if any. */
function originalTime(doc: Doc): string | undefined {
  const ms = timestampMs(doc);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function eventRefs(e: AlertEvent): { id: string; index: string } {
  return { id: e.id ?? eventContentId(e.doc), index: e.index ?? eventIndex(e.doc) ?? '' };
}

/**
 * Kibana's `transformHitToAlert` for one event, in two parts: the source prepared for the alerts
 * index (a copy, stripped of what the mapping refuses, without `event.kind`) and the alert's own
 * fields, which `transform` merges into it.
 */
function transformParts(
  rule: Rule,
  r: Resolved,
  e: AlertEvent,
  applyOverrides: boolean,
  alertUuid: string,
): { doc: Doc; fields: Doc } {
  const { id, index } = eventRefs(e);
  const source = e.doc as Doc;
  // Event alerts (the ones with overrides) share one frozen copy; a sequence's building blocks get
  // their own, which the shell's identity-based intersection relies on.
  const params = applyOverrides ? sharedParams(rule) : ruleParams(rule, false);
  const overrides = applyOverrides
    ? {
        name: ruleNameFromMapping(source, rule.name, rule.ruleNameOverride),
        severity: severityFromMapping(source, rule.severity, rule.severityMapping),
        riskScore: riskScoreFromMapping(source, rule.riskScore, rule.riskScoreMapping),
      }
    : undefined;
  const reason = alertReason(source, overrides?.severity ?? rule.severity, overrides?.name ?? rule.name, 'fields');
  const fields = alertFields({
    rule,
    r,
    parents: [parentOf(source, id, index)],
    originalTime: originalTime(source),
    reason,
    alertUuid,
    params,
    overrides,
  });
  const { doc } = stripNonEcs(cloneJson(source));
  const kind = robustGet(doc, EVENT_KIND);
  if (kind !== null && kind !== undefined) robustClear(doc, EVENT_KIND);
  return { doc, fields };
}

/**
 * Kibana's `transformHitToAlert` for one event: the alert document before the persistence wrapper
 * (fields set to `undefined` still present, as Kibana has them at that stage).
 */
function transform(rule: Rule, r: Resolved, e: AlertEvent, applyOverrides: boolean, alertUuid: string): Doc {
  const { doc, fields } = transformParts(rule, r, e, applyOverrides, alertUuid);
  // lodash `merge`: no alert field meets an object in the stripped source (`kibana*` keys are
  // gone), so each field is assigned, as a deep copy (lodash copies arrays and objects it merges
  // into a missing key, which matters to the shell's identity-based intersection); `undefined`
  // does not overwrite, and existing keys (`@timestamp`, `event.kind`) keep their place.
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined || !(k in doc)) doc[k] = cloneJson(v);
  }
  return doc;
}

function ownRuleAncestor(parents: Parent[], ruleUuid: string): boolean {
  return parents.some((p) => p.ancestors.some((a) => a.rule === ruleUuid));
}

/**
 * The `_id` `buildEventAlert` gives the alert of `event`, without building it: a hunt that reads an
 * event twice (overlapping inputs) recognises the duplicate before paying for the alert.
 */
export function eventAlertUuid(rule: PreparedRule | Rule, event: AlertEvent, ctx: AlertContext = {}): string {
  const { id, index } = eventRefs(event);
  const ruleUuid = ctx.ruleUuid ?? ruleSavedObjectId(asRule(rule).ruleId);
  return singleEventAlertId(index, id, EQL_HIT_VERSION, ctx.spaceId ?? 'default', ruleUuid);
}

/**
 * The alert for an event matched by a single-event EQL rule, or undefined when Kibana would not
 * write one (the event is itself an alert from this rule).
 */
export function buildEventAlert(
  rule: PreparedRule | Rule,
  event: AlertEvent,
  ctx: AlertContext = {},
): AlertDoc | undefined {
  const rl = asRule(rule);
  const r = resolve(rl, ctx);
  const { id, index } = eventRefs(event);
  if (ownRuleAncestor([parentOf(event.doc as Doc, id, index)], r.ruleUuid)) return undefined;
  const alertId = eventAlertUuid(rl, { ...event, id, index }, ctx);
  const { doc, fields } = transformParts(rl, r, { ...event, id, index }, true, alertId);
  return persistedMerge(rl, r, doc, fields);
}

/**
 * The alerts for a matched sequence (or sample): `[shell, ...buildingBlocks]`, building blocks in
 * sequence order. `events` holds one entry per stage; `null` marks a missing-event stage (`![...]`),
 * which gets no building block, as in Kibana. Empty when no event is present or when an event is
 * an alert from this same rule (Kibana drops such sequences).
 */
export function buildSequenceAlerts(
  rule: PreparedRule | Rule,
  events: ReadonlyArray<AlertEvent | null>,
  ctx: AlertContext = {},
): AlertDoc[] {
  const rl = asRule(rule);
  const r = resolve(rl, ctx);
  const present = events.filter((e): e is AlertEvent => e !== null).map((e) => ({ ...e, ...eventRefs(e) }));
  if (present.length === 0) return [];
  const parents = present.map((e) => parentOf(e.doc as Doc, e.id, e.index));
  if (ownRuleAncestor(parents, r.ruleUuid)) return [];

  const base = present.map((e) => transform(rl, r, e, false, 'placeholder-alert-uuid'));
  const ids = buildingBlockIds(
    base.map((b) => b[ALERT_ANCESTORS] as AncestorRef[]),
    r.ruleUuid,
  );
  const blocks = base.map((b, i): Doc => ({ ...b, [ALERT_UUID]: ids[i] }));

  // The shell: built over the blocks as its parents (each a depth-1 alert in index '').
  const merged = documentsIntersection(blocks);
  const reason = alertReason(merged, rl.severity, rl.name, 'source');
  const blockParents = blocks.map((b, i) => parentOf(b, ids[i], ''));
  const fields = alertFields({
    rule: rl,
    r,
    parents: blockParents,
    // Kibana takes the first parent's `@timestamp`, which for a block is the alert's creation time.
    originalTime: r.now,
    reason,
    alertUuid: 'placeholder-uuid',
    params: ruleParams(rl, false),
  });
  const shellId = shellAlertId(fields[ALERT_ANCESTORS] as AncestorRef[], r.ruleUuid);
  const shell: Doc = {
    ...merged,
    ...fields,
    [ALERT_UUID]: shellId,
    [ALERT_GROUP_ID]: shellId,
    [ALERT_URL]: alertUrl(r, shellId, r.now),
  };
  const out: AlertDoc[] = [persisted(rl, r, shell)];
  blocks.forEach((b, i) => {
    out.push(
      persisted(rl, r, {
        ...b,
        [ALERT_BUILDING_BLOCK_TYPE]: 'default',
        [ALERT_GROUP_ID]: shellId,
        [ALERT_GROUP_INDEX]: i,
        [ALERT_URL]: alertUrl(r, ids[i], r.now),
      }),
    );
  });
  return out;
}

/** An alert's `_id`. */
export function alertIdOf(alert: AlertDoc): string {
  return String(alert[ALERT_UUID]);
}
