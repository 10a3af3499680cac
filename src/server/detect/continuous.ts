/**
 * Continuous detection: rules evaluated on the stream as events are acknowledged.
 *
 * - Event queries run on each new event inside the ingest transaction, so an event and its alerts
 *   are committed together: a crash loses both (the shipper was not answered and resends) or
 *   keeps both. The store's cursor (`continuous_cursor`) moves in the same transaction.
 * - Sequences go through a bounded reorder window (events from several shippers arrive roughly in
 *   time order), then the incremental sequence engine. Their state is memory; after a restart it
 *   is rebuilt by replaying, in time order, the stored events from `maxspan` (plus the reorder
 *   window) before the persisted watermark. Replayed matches give the same alert ids, which the
 *   store already holds, so nothing is written twice and nothing in that span is missed.
 *
 * A rule's runtime error is counted on the rule and never stops the others.
 */
import { randomUUID } from 'node:crypto';
import { EqlError, requiredLiterals } from '../../eql/index.js';
import type { CandidateSpec } from '../ingest/prepare.js';
import { ReorderBuffer } from '../../eql/reorder.js';
import { ordinalOf } from '../../eql/search.js';
import { SequenceMatcher } from '../../eql/sequence.js';
import type { AlertContext } from '../../engine/alerts/index.js';
import type { Store } from '../../store/index.js';
import { alertsFor, parseRow, sequenceCandidate, type BuiltAlert, type StoredEvent } from './evaluate.js';
import type { ServedRule } from './rules.js';
import { queryFilters, RuleIndex } from '../../engine/rule-index.js';

export type AlertSink = (rule: ServedRule, alerts: BuiltAlert[]) => void;

export interface ContinuousOptions {
  store: Store;
  spaceId: string;
  /** Reorder window for sequences (ms of event time). */
  reorderWindowMs: number;
  sink: AlertSink;
  now?: () => number;
}

interface SequenceState {
  rule: ServedRule;
  buffer: ReorderBuffer<StoredEvent>;
  matcher: SequenceMatcher<StoredEvent>;
  /** Event time (ms) of the newest event released to the matcher. */
  released: number;
  /** Wall time of the last push, to release the buffer when the stream goes quiet. */
  lastPush: number;
  persisted: number;
}

export interface RuleActivity {
  at: number;
  durationMs: number;
  events: number;
}

const CURSOR = 'continuous_cursor';

export class ContinuousDetector {
  private eventRules: ServedRule[] = [];
  /** Skips, per event, the event rules whose exact values it does not carry (src/engine/rule-index.ts). */
  private eventIndex = new RuleIndex([], 0);
  /** The same over the sequence rules, in `this.sequences` order. */
  private sequenceIndex = new RuleIndex([], 0);
  private sequenceOrder: SequenceState[] = [];
  private readonly sequences = new Map<string, SequenceState>();
  readonly activity = new Map<string, RuleActivity>();
  /** Events that arrived too late for a sequence's reorder window, per rule. */
  readonly late = new Map<string, number>();
  private readonly now: () => number;
  private pendingErrors = new Map<string, { n: number; message: string }>();

  constructor(private readonly o: ContinuousOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The last event seq all continuous event rules have evaluated. */
  cursor(): number {
    return this.o.store.books.counter(CURSOR);
  }

  /** Which documents any continuous rule could match, by the literals they must contain. */
  spec(): CandidateSpec {
    const rules: CandidateSpec['rules'] = [];
    let always = false;
    const add = (conds: Parameters<typeof requiredLiterals>[0]) => {
      const groups = requiredLiterals(conds).filter((g) => g.values.length > 0);
      if (groups.length === 0) always = true;
      else rules.push(groups.map((g) => ({ values: g.values, ci: g.ci })));
    };
    for (const r of this.eventRules) if (r.prepared.query.cond) add([r.prepared.query.cond]);
    for (const s of this.sequences.values()) {
      const q = s.rule.prepared.query;
      add([...q.stages.map((x) => x.cond), ...(q.until ? [q.until.cond] : [])]);
    }
    return { always, rules };
  }

  /** Grows whenever the set of continuous rules changes. */
  version = 0;

  /** Takes the current set of continuous rules; new sequence rules replay their look-back. */
  refresh(rules: ServedRule[]): void {
    this.version++;
    this.eventRules = rules.filter((r) => r.prepared.query.kind === 'event');
    const seq = rules.filter((r) => r.prepared.query.kind === 'sequence');
    const keep = new Set(seq.map((r) => r.ruleId));
    for (const id of [...this.sequences.keys()]) if (!keep.has(id)) this.sequences.delete(id);
    for (const r of seq) {
      const existing = this.sequences.get(r.ruleId);
      if (existing && existing.rule.prepared === r.prepared) {
        existing.rule = r;
        continue;
      }
      this.startSequence(r);
    }
    this.eventIndex = new RuleIndex(queryFilters(this.eventRules.map((r) => r.prepared.query)), this.eventRules.length);
    this.sequenceOrder = [...this.sequences.values()];
    this.sequenceIndex = new RuleIndex(
      queryFilters(this.sequenceOrder.map((st) => st.rule.prepared.query)),
      this.sequenceOrder.length,
    );
  }

  /** For each rule of an index, the positions of the events that rule can match. */
  private static candidates(index: RuleIndex, rules: number, events: StoredEvent[]): number[][] {
    const per: number[][] = Array.from({ length: rules }, () => []);
    const scratch: number[] = [];
    for (let k = 0; k < events.length; k++) for (const r of index.candidates(events[k].doc, scratch)) per[r].push(k);
    return per;
  }

  private startSequence(rule: ServedRule): void {
    const q = rule.prepared.query;
    const state: SequenceState = {
      rule,
      buffer: new ReorderBuffer<StoredEvent>(this.o.reorderWindowMs),
      matcher: new SequenceMatcher<StoredEvent>(q),
      released: -Infinity,
      lastPush: this.now(),
      persisted: -Infinity,
    };
    this.sequences.set(rule.ruleId, state);
    // Replay: from the persisted watermark minus what a pending partial can span, or the rule's
    // look-back for a rule that never ran.
    const saved = this.o.store.rules.get(rule.ruleId)?.watermark;
    const span = (q.maxspanNanos ?? 0) / 1e6 + this.o.reorderWindowMs;
    const from =
      saved !== null && saved !== undefined ? saved - span : this.now() - rule.prepared.rule.schedule.lookbackMs;
    const upto = this.o.store.events.maxSeq();
    const events: StoredEvent[] = [];
    for (const page of this.o.store.events.timeRange('ts', from, Number.MAX_SAFE_INTEGER)) {
      for (const row of page) if (row.seq <= upto) events.push(parseRow(row));
      this.o.store.tx(() => this.pushSequence(state, events));
      events.length = 0;
    }
  }

  /** Evaluates new events (call inside the ingest transaction); moves the cursor to `upto`. */
  process(events: StoredEvent[], upto: number): void {
    const at = this.now();
    const eventCands = ContinuousDetector.candidates(this.eventIndex, this.eventRules.length, events);
    for (let ri = 0; ri < this.eventRules.length; ri++) {
      const r = this.eventRules[ri];
      const t0 = performance.now();
      const p = r.prepared;
      const filter = p.query.filter;
      if (!filter) continue;
      let built: BuiltAlert[] | undefined;
      let ctx: AlertContext | undefined;
      for (const k of eventCands[ri]) {
        const e = events[k];
        try {
          if (!p.admits(e.doc, e.index) || !filter(e.doc)) continue;
          ctx ??= {
            spaceId: this.o.spaceId,
            now: new Date(at),
            executionType: 'scheduled',
            executionUuid: randomUUID(),
          };
          (built ??= []).push(
            ...alertsFor(p, { events: [e], ordinal: { ms: 0, ns: 0, tb: undefined, seq: e.seq } }, ctx),
          );
        } catch (err) {
          this.error(r, err);
        }
      }
      if (built) this.o.sink(r, built);
      this.activity.set(r.ruleId, { at, durationMs: performance.now() - t0, events: events.length });
    }
    const seqCands = ContinuousDetector.candidates(this.sequenceIndex, this.sequenceOrder.length, events);
    this.sequenceOrder.forEach((s, si) => {
      const t0 = performance.now();
      this.pushSequence(
        s,
        seqCands[si].map((k) => events[k]),
      );
      this.activity.set(s.rule.ruleId, { at, durationMs: performance.now() - t0, events: events.length });
    });
    const books = this.o.store.books;
    const cur = books.counter(CURSOR);
    if (upto > cur) books.add(CURSOR, upto - cur);
    this.flushErrors();
  }

  private pushSequence(s: SequenceState, events: StoredEvent[]): void {
    const p = s.rule.prepared;
    const q = p.query;
    const ready: StoredEvent[] = [];
    for (const e of events) {
      try {
        if (!p.admits(e.doc, e.index) || !sequenceCandidate(q, e.doc)) continue;
        const o = ordinalOf(q, e.doc, e.seq);
        if (!o) continue;
        const r = s.buffer.push(e, o);
        if (r.late) this.late.set(s.rule.ruleId, (this.late.get(s.rule.ruleId) ?? 0) + 1);
        for (const x of r.ready) ready.push(x);
        s.lastPush = this.now();
      } catch (err) {
        this.error(s.rule, err);
      }
    }
    this.feed(s, ready);
  }

  private feed(s: SequenceState, ready: StoredEvent[]): void {
    if (ready.length === 0) return;
    const p = s.rule.prepared;
    const q = p.query;
    const built: BuiltAlert[] = [];
    const ctx: AlertContext = {
      spaceId: this.o.spaceId,
      now: new Date(this.now()),
      executionType: 'scheduled',
      executionUuid: randomUUID(),
    };
    for (const e of ready) {
      const o = ordinalOf(q, e.doc, e.seq);
      if (!o) continue;
      try {
        for (const m of s.matcher.push(e.doc, e, o)) {
          built.push(...alertsFor(p, { events: m.events.map((x) => (x ? x.payload : null)), ordinal: m.last }, ctx));
        }
      } catch (err) {
        this.error(s.rule, err);
      }
      if (o.ms > s.released) s.released = o.ms;
    }
    if (built.length) this.o.sink(s.rule, built);
    // The watermark only has to be old enough; writing it once per second is plenty.
    if (s.released - s.persisted > 1000) {
      this.o.store.rules.set(s.rule.ruleId, { watermark: s.released });
      s.persisted = s.released;
    }
  }

  /** Idle streams: release what the reorder window holds once no event came for a window's length. */
  tick(): void {
    const now = this.now();
    for (const s of this.sequences.values()) {
      if (now - s.lastPush < this.o.reorderWindowMs) continue;
      const ready = s.buffer.flush();
      if (ready.length) this.o.store.tx(() => this.feed(s, ready));
    }
    this.flushErrors();
  }

  /** Stats for health and metrics. */
  sequenceStats(): Array<{ ruleId: string; held: number; pending: number; late: number; released: number }> {
    return [...this.sequences.values()].map((s) => ({
      ruleId: s.rule.ruleId,
      held: s.buffer.stats.held,
      pending: s.matcher.stats.pending,
      late: this.late.get(s.rule.ruleId) ?? 0,
      released: s.released,
    }));
  }

  /** Any error of one rule (an EQL runtime error, or a bug) is recorded on it; detection goes on. */
  private error(rule: ServedRule, err: unknown): void {
    const e = this.pendingErrors.get(rule.ruleId) ?? { n: 0, message: '' };
    e.n++;
    e.message = err instanceof EqlError ? err.detail : err instanceof Error ? err.message : String(err);
    this.pendingErrors.set(rule.ruleId, e);
  }

  private flushErrors(): void {
    if (this.pendingErrors.size === 0) return;
    const errs = this.pendingErrors;
    this.pendingErrors = new Map();
    this.o.store.tx(() => {
      for (const [id, e] of errs) this.o.store.rules.recordError(id, `${e.message} (${e.n} event(s))`);
    });
  }
}
