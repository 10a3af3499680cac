/**
 * From hunt matches to Kibana alert documents (src/engine/alerts), plus eqlite's own additions:
 * `eqlite.explain` (with --explain) and `eqlite.source` (where the event was read: file and line,
 * byte offset or record). These live under `eqlite.*` so they never collide with Kibana's fields.
 */
import { explainMatch } from '../../eql/index.js';
import type { PreparedRule } from '../../rules/index.js';
import {
  buildEventAlert,
  buildSequenceAlerts,
  eventAlertUuid,
  eventContentId,
  inTimeline,
  timelineHeader as header,
  timelineRow as row,
  type AlertContext,
  type AlertDoc,
} from '../alerts/index.js';
import { formatLocation } from '../problems.js';
import type { EventDoc } from '../../sources/types.js';
import type { EventHit, SeqEvent } from './messages.js';
import type { SequenceHit } from './run.js';

export type { AlertDoc };

export interface AlertingContext {
  spaceId: string;
  now: Date;
  executionUuid: string;
  explain: boolean;
}

function alertContext(ctx: AlertingContext): AlertContext {
  // A hunt is a manual run over past data: Kibana calls that execution type "manual".
  return {
    spaceId: ctx.spaceId,
    now: ctx.now,
    executionUuid: ctx.executionUuid,
    executionType: 'manual',
    intendedTimestamp: ctx.now,
  };
}

/**
 * The id of the alert `eventAlert` would build for `hit`, computed first so that an event read
 * twice is not built twice. Gives the hit its content id when it has no `_id` (hashed once).
 */
export function eventAlertId(rule: PreparedRule, hit: EventHit, ctx: AlertingContext): string {
  hit.id ??= eventContentId(hit.doc);
  return eventAlertUuid(rule, { doc: hit.doc, index: hit.index, id: hit.id }, alertContext(ctx));
}

export function eventAlert(rule: PreparedRule, hit: EventHit, ctx: AlertingContext): AlertDoc | undefined {
  const a = buildEventAlert(rule, { doc: hit.doc, index: hit.index, id: hit.id }, alertContext(ctx));
  if (!a) return undefined;
  const eqlite: Record<string, unknown> = { source: formatLocation(hit.loc) };
  if (hit.explain) eqlite.explain = { matched: hit.explain.matched, exclusions_passed: hit.explain.exclusionsPassed };
  a.eqlite = eqlite;
  return a;
}

/** The parsed document of an ordered-stage event: its JSON text is parsed only when needed. */
function docOf(e: SeqEvent): EventDoc {
  if (e.doc) return e.doc;
  // The hunt gives every event of a match its text (read back from the input when not kept).
  if (e.text === undefined) throw new Error(`no text for the event at ${formatLocation(e.loc)}`);
  return (e.doc = JSON.parse(e.text) as EventDoc);
}

export function sequenceAlerts(rule: PreparedRule, hit: SequenceHit, ctx: AlertingContext): AlertDoc[] {
  const events = hit.events as Array<SeqEvent | null>;
  const docs = buildSequenceAlerts(
    rule,
    events.map((e) => (e ? { doc: docOf(e), index: e.index, id: e.id } : null)),
    alertContext(ctx),
  );
  // docs = [shell, ...blocks]; blocks follow the present events in order.
  const present = events.filter((e): e is SeqEvent => e !== null);
  const stages = rule.query.stages.filter((s) => !s.missing);
  docs.slice(1).forEach((block, i) => {
    const e = present[i];
    if (!e) return;
    const eqlite: Record<string, unknown> = { source: formatLocation(e.loc) };
    const stage = stages[i];
    if (ctx.explain && stage) {
      const x = explainMatch(stage.cond, docOf(e));
      eqlite.explain = { stage: i + 1, matched: x.matched, exclusions_passed: x.exclusionsPassed };
    }
    block.eqlite = eqlite;
  });
  if (docs[0]) docs[0].eqlite = { join_keys: hit.keys, sources: present.map((e) => formatLocation(e.loc)) };
  return docs;
}

export function timelineHeader(): string {
  return header();
}

export function timelineRow(a: AlertDoc): string | undefined {
  if (!inTimeline(a)) return undefined;
  const src = (a.eqlite as { source?: string } | undefined)?.source;
  return row(a, src);
}
