/**
 * Kibana security alerts for EQL matches, written as Kibana's detection engine writes them into
 * `.alerts-security.alerts-<space>` (behaviour of the Kibana 9.x line; see build.ts and the notes
 * in each module), plus a CSV timeline. Used by `eqlite hunt` (manual runs) and `eqlite serve`
 * (scheduled and continuous detection).
 *
 *   const ctx: AlertContext = { now: new Date(), spaceId: 'default', executionUuid, executionType: 'manual' };
 *   const alert = buildEventAlert(prepared, { doc, index, id }, ctx);      // AlertDoc | undefined
 *   const docs = buildSequenceAlerts(prepared, [ev1, null, ev3], ctx);     // [shell, ...blocks]
 *   bulk: { create: { _index: alertsIndex(ctx.spaceId), _id: alertIdOf(doc) } }, doc
 *   csv: timelineHeader(), then timelineRow(doc) for the docs where inTimeline(doc), CRLF-separated
 *
 * Ids are deterministic (ids.ts): a single-event alert's `_id` is
 * sha256(_index + _id + "undefined" + "<space>:<rule uuid>") as Kibana computes it for EQL hits; the
 * event `_id` is the input's own when it had one, else a content hash of the event; the rule uuid is
 * a UUID v5 of the rule_id. Sequences use Kibana's building-block and shell formulas over those.
 */
export {
  KIBANA_VERSION,
  alertIdOf,
  alertsIndex,
  buildEventAlert,
  buildSequenceAlerts,
  eventAlertUuid,
  type Ancestor,
  type AlertContext,
  type AlertDoc,
  type AlertEvent,
} from './build.js';
export {
  CONTENT_ID_EXCLUDED_FIELDS,
  EQLITE_RULE_NAMESPACE,
  EQL_HIT_VERSION,
  buildingBlockIds,
  canonicalJson,
  eventContentId,
  ruleSavedObjectId,
  shellAlertId,
  singleEventAlertId,
  uuidV5,
  type AncestorRef,
} from './ids.js';
export { alertReason, type ReasonSource } from './reason.js';
export { isEcsCompliant, stripNonEcs } from './ecs.js';
export { documentsIntersection } from './intersection.js';
export { riskScoreFromMapping, ruleNameFromMapping, severityFromMapping } from './mappings.js';
export { TIMELINE_COLUMNS, TIMELINE_EOL, csvField, inTimeline, timelineHeader, timelineRow } from './timeline.js';
export { alertJson } from './alert-json.js';
