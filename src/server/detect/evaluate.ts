/**
 * What both detection modes share: events as the store returns them, one rule's matches over a
 * set of events (a scheduled window), and the Kibana alert documents for a match. Alert ids are
 * deterministic (src/engine/alerts), so every path that finds the same match writes the same
 * alert, and the store keeps the first.
 */
import { EqlError, type CompiledQuery } from '../../eql/index.js';
import { applyLimits } from '../../eql/limits.js';
import { compareOrdinals, type Ordinal } from '../../eql/ordinal.js';
import { SampleCollector } from '../../eql/sample.js';
import { ordinalOf } from '../../eql/search.js';
import { SequenceMatcher } from '../../eql/sequence.js';
import { buildEventAlert, buildSequenceAlerts, type AlertContext, type AlertDoc } from '../../engine/alerts/index.js';
import type { PreparedRule } from '../../rules/index.js';
import type { EventDoc } from '../../sources/types.js';
import type { EventRow } from '../../store/index.js';

/** An event of the store, parsed. */
export interface StoredEvent {
  seq: number;
  id: string;
  index: string;
  doc: EventDoc;
}

/** One result of a rule: a single event, or a sequence/sample (null for a missing-event stage). */
export interface RuleMatch {
  events: Array<StoredEvent | null>;
  ordinal: Ordinal;
}

export function parseRow(r: EventRow): StoredEvent {
  return { seq: r.seq, id: r.id, index: r.index, doc: JSON.parse(r.text) as EventDoc };
}

/** Whether an event could take part in a sequence/sample query (some stage, until or missing stage). */
export function sequenceCandidate(q: CompiledQuery, doc: EventDoc): boolean {
  return (
    q.matchesAny(doc) ||
    (q.until !== undefined && q.until.filter(doc)) ||
    q.stages.some((s) => s.missing && s.filter(doc))
  );
}

/**
 * Collects one rule's matches over a window's events (fed page by page), then applies the run's
 * cap as Kibana's EQL request does (`size = max_signals`, ES's default `tail`: the most recent).
 */
export class WindowEvaluator {
  private readonly hits: RuleMatch[] = [];
  private readonly candidates: Array<{ e: StoredEvent; o: Ordinal }> = [];
  /** Runtime errors (EQL evaluation errors), counted per event. */
  errors = 0;
  lastError: string | undefined;

  constructor(private readonly rule: PreparedRule) {}

  push(e: StoredEvent): void {
    const r = this.rule;
    const q = r.query;
    try {
      if (!r.admits(e.doc, e.index)) return;
      if (q.filter) {
        if (!q.filter(e.doc)) return;
        const o = ordinalOf(q, e.doc, e.seq);
        if (o) this.hits.push({ events: [e], ordinal: o });
      } else if (sequenceCandidate(q, e.doc)) {
        const o = ordinalOf(q, e.doc, e.seq);
        if (o) this.candidates.push({ e, o });
      }
    } catch (err) {
      // A rule's runtime error is counted on the rule; the run goes on.
      this.errors++;
      this.lastError = err instanceof EqlError ? err.detail : err instanceof Error ? err.message : String(err);
    }
  }

  /** Matches in ascending order, capped; `total` counts them before the cap. */
  finish(maxSignals: number): { matches: RuleMatch[]; total: number } {
    const q = this.rule.query;
    let all: RuleMatch[];
    if (q.filter) {
      all = this.hits.sort((a, b) => compareOrdinals(a.ordinal, b.ordinal));
    } else {
      all = matchSequences(q, this.candidates);
    }
    return { matches: applyLimits(all, q.pipes, { size: maxSignals, resultPosition: 'tail' }), total: all.length };
  }
}

/** Sequence or sample matches over candidate events (any order). */
export function matchSequences(q: CompiledQuery, candidates: Array<{ e: StoredEvent; o: Ordinal }>): RuleMatch[] {
  candidates.sort((a, b) => compareOrdinals(a.o, b.o));
  if (q.kind === 'sample') {
    const c = new SampleCollector<StoredEvent>(q, 1);
    for (const x of candidates) c.push(x.e.doc, x.e);
    return c.flush().map((s) => {
      const evs = s.events as Array<StoredEvent | null>;
      const last = evs.filter((x): x is StoredEvent => x !== null).pop();
      return {
        events: evs,
        ordinal: (last && ordinalOf(q, last.doc, last.seq)) ?? { ms: 0, ns: 0, tb: undefined, seq: 0 },
      };
    });
  }
  const m = new SequenceMatcher<StoredEvent>(q);
  const out: RuleMatch[] = [];
  const take = (ms: ReturnType<typeof m.push>) => {
    for (const x of ms) out.push({ events: x.events.map((ev) => (ev ? ev.payload : null)), ordinal: x.last });
  };
  for (const x of candidates) take(m.push(x.e.doc, x.e, x.o));
  take(m.flush());
  return out.sort((a, b) => compareOrdinals(a.ordinal, b.ordinal));
}

/** A built alert and the event it stands for (single events and building blocks). */
export interface BuiltAlert {
  doc: AlertDoc;
  seq: number | null;
}

/** The alert documents of a match: one for an event, `[shell, ...blocks]` for a sequence. */
export function alertsFor(rule: PreparedRule, m: RuleMatch, ctx: AlertContext): BuiltAlert[] {
  if (m.events.length === 1 && rule.query.kind === 'event') {
    const e = m.events[0] as StoredEvent;
    const a = buildEventAlert(rule, { doc: e.doc, index: e.index, id: e.id }, ctx);
    return a ? [{ doc: a, seq: e.seq }] : [];
  }
  const docs = buildSequenceAlerts(
    rule,
    m.events.map((e) => (e ? { doc: e.doc, index: e.index, id: e.id } : null)),
    ctx,
  );
  const present = m.events.filter((e): e is StoredEvent => e !== null);
  return docs.map((doc, i) => ({ doc, seq: i === 0 ? null : (present[i - 1]?.seq ?? null) }));
}
