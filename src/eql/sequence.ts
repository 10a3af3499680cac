/**
 * The sequence state machine (SEMANTICS §10.3–10.9), incremental: events are pushed in ordinal
 * order and each match is returned as soon as it is final. The same machine serves batch queries
 * (push everything, then `flush`) and streams.
 *
 * Per stage and join key only the newest partial sequence matters: an event of stage s takes the
 * newest partial of stage s-1 for its key and discards it together with every older one, then the
 * maxspan and until checks decide whether it extends. Missing-event stages `![…]` are judged after
 * the positive stages match, with strict millisecond windows; a sequence with trailing missing
 * stages is final only once its window has closed (never early, unlike ES issue #145323).
 *
 * Memory is bounded: partial sequences expire with `maxspan`, and a cap on live partials per query
 * drops the oldest first and counts every drop.
 */
import type { CompiledQuery, CompiledStage } from './query.js';
import { compareOrdinals, spanNanos, type Ordinal } from './ordinal.js';
import { keyTuples, type KeyTuple, type KeyValue } from './keys.js';

export interface SequenceEvent<T> {
  payload: T;
  ordinal: Ordinal;
}

export interface SequenceMatch<T> {
  /** Join key values, `sequence by` keys first, then per-stage keys. */
  keys: KeyValue[];
  /** One entry per written stage (runs expanded); null for a missing-event stage. */
  events: Array<SequenceEvent<T> | null>;
  /** Ordinal of the last positive event: results are ordered by it. */
  last: Ordinal;
}

export interface SequenceStats {
  /** Partial sequences alive now. */
  pending: number;
  /** Partials discarded because the cap on pending partials was reached (oldest first). */
  dropped: number;
  /** Partials discarded because they could no longer fit in `maxspan`. */
  expired: number;
  /** Events pushed with an ordinal lower than one already seen (the caller should reorder). */
  outOfOrder: number;
}

export interface SequenceOptions {
  /** Cap on live partial sequences (and completed ones waiting for a missing-event window). Default 100 000. */
  maxPending?: number;
}

/**
 * What a sequence query says of one event, computed where the event was read (a worker thread):
 * for each stage (`q.stages` order, `runs` expanded) and for `until`, the event's join-key tuples
 * when the stage's filter accepts it, else null. `pushVerdicts` then needs no document.
 */
export interface StageVerdicts {
  stages: Array<KeyTuple[] | null>;
  until: KeyTuple[] | null;
}

/**
 * The verdicts of every stage for `doc`, or null when no stage (nor until) accepts it. `mayMatch`
 * (stage index, `stages.length` for until), when given, has proved some filters false already
 * (a rule index): those are not evaluated.
 */
export function stageVerdicts(
  q: CompiledQuery,
  doc: Record<string, unknown>,
  mayMatch?: (stage: number) => boolean,
): StageVerdicts | null {
  const all = q.stages;
  let stages: Array<KeyTuple[] | null> | undefined;
  let prevFilter: CompiledStage['filter'] | undefined;
  let prev: KeyTuple[] | null = null;
  for (let i = 0; i < all.length; i++) {
    const s = all[i];
    // `runs` copies share one filter (query.ts): evaluated once.
    if (s.filter !== prevFilter) {
      prevFilter = s.filter;
      prev = (!mayMatch || mayMatch(i)) && s.filter(doc) ? keyTuples(s.keys, doc) : null;
      // A required key missing gives no tuple: the stage cannot use the event.
      if (prev && prev.length === 0) prev = null;
    }
    if (prev) (stages ??= new Array<KeyTuple[] | null>(all.length).fill(null))[i] = prev;
  }
  const until =
    q.until && (!mayMatch || mayMatch(all.length)) && q.until.filter(doc) ? keyTuples(q.until.keys, doc) : null;
  const u = until && until.length ? until : null;
  if (!stages && !u) return null;
  return { stages: stages ?? new Array<KeyTuple[] | null>(all.length).fill(null), until: u };
}

interface Partial<T> {
  key: KeyTuple;
  events: SequenceEvent<T>[];
  /** Index (among positive stages) of the last matched stage. */
  pos: number;
  alive: boolean;
  /** Latest leading missing-event hit before the first event (ms), or null. */
  leading: number | null;
  /** A middle missing-event stage had a hit: the sequence will be discarded when complete. */
  middleHit: boolean;
  /** Completed and waiting for a trailing missing-event window to close. */
  waiting: boolean;
  /** Reference time (ms) for the trailing window of a waiting match. */
  reference: number;
}

/** Per key: the last two distinct millisecond timestamps of hits, enough for "latest hit before t". */
interface HitTimes {
  last: number;
  prev: number;
}

const DEFAULT_MAX_PENDING = 100_000;
/** Shared empty result; never mutated. */
const NONE: readonly SequenceMatch<unknown>[] = Object.freeze([]);

export class SequenceMatcher<T> {
  readonly stats: SequenceStats = { pending: 0, dropped: 0, expired: 0, outOfOrder: 0 };
  private readonly positives: CompiledStage[];
  /** Index in `q.stages` of each positive stage. */
  private readonly positiveAt: number[];
  /** An event no stage accepts: it still moves time on (expiry, closing missing-event windows). */
  private readonly noVerdicts: StageVerdicts;
  /** pending[i] holds partials whose last event matched positive stage i (not the last one). */
  private readonly pending: Map<string, Partial<T>>[];
  private readonly fifo: Partial<T>[] = [];
  private fifoHead = 0;
  private readonly untilLatest = new Map<string, Ordinal>();
  private readonly leadingStages: CompiledStage[];
  private readonly trailingStages: CompiledStage[];
  /** Middle missing stages grouped by the positive stage index they precede. */
  private readonly middleBefore = new Map<number, CompiledStage[]>();
  private readonly hits = new Map<CompiledStage, Map<string, HitTimes>>();
  private readonly waiting = new Map<string, Partial<T>[]>();
  private readonly maxspanNanos: number | undefined;
  private readonly maxspanMs: number;
  private readonly maxPending: number;
  private now: Ordinal | undefined;
  private lastSweep = -Infinity;
  private out: SequenceMatch<T>[] = [];

  constructor(
    private readonly q: CompiledQuery,
    options: SequenceOptions = {},
  ) {
    if (q.kind !== 'sequence') throw new Error('SequenceMatcher needs a sequence query');
    this.positives = q.stages.filter((s) => !s.missing);
    this.positiveAt = q.stages.flatMap((s, i) => (s.missing ? [] : [i]));
    this.noVerdicts = { stages: q.stages.map(() => null), until: null };
    this.pending = this.positives.map(() => new Map());
    this.maxspanNanos = q.maxspanNanos;
    this.maxspanMs = (q.maxspanNanos ?? 0) / 1e6;
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    const firstPos = q.stages.findIndex((s) => !s.missing);
    let lastPos = -1;
    q.stages.forEach((s, i) => {
      if (!s.missing) lastPos = i;
    });
    this.leadingStages = q.stages.filter((s, i) => s.missing && i < firstPos);
    this.trailingStages = q.stages.filter((s, i) => s.missing && i > lastPos);
    let posIndex = -1;
    q.stages.forEach((s, i) => {
      if (!s.missing) posIndex++;
      else if (i > firstPos && i < lastPos) {
        const list = this.middleBefore.get(posIndex + 1) ?? [];
        list.push(s);
        this.middleBefore.set(posIndex + 1, list);
      }
    });
    for (const s of q.stages) if (s.missing) this.hits.set(s, new Map());
  }

  /** Pushes one event (in ordinal order); returns the matches that became final. */
  push(doc: Record<string, unknown>, payload: T, ordinal: Ordinal): SequenceMatch<T>[] {
    return this.pushVerdicts(stageVerdicts(this.q, doc) ?? this.noVerdicts, payload, ordinal);
  }

  /** Pushes an event through its precomputed verdicts (`stageVerdicts`): the same result as `push`. */
  pushVerdicts(verdicts: StageVerdicts, payload: T, ordinal: Ordinal): SequenceMatch<T>[] {
    if (this.now && compareOrdinals(ordinal, this.now) < 0) this.stats.outOfOrder++;
    this.now = ordinal;
    // Most events complete nothing: the output array and the event wrapper are made on demand.
    const out = this.out;
    if (this.maxspanNanos !== undefined) this.expire(ordinal, out);
    let ev: SequenceEvent<T> | undefined;

    // Positive stages, last first, so an event never extends a sequence it started itself.
    for (let i = this.positives.length - 1; i >= 0; i--) {
      const tuples = verdicts.stages[this.positiveAt[i]];
      if (!tuples) continue;
      for (let t = 0; t < tuples.length; t++) {
        ev ??= { payload, ordinal };
        if (i === 0) this.start(tuples[t], ev, out);
        else this.extend(i, tuples[t], ev, out);
      }
    }
    // Until: remember the latest until event per key (it affects later events only).
    if (verdicts.until) {
      for (const key of verdicts.until) {
        this.untilLatest.delete(key.id);
        this.untilLatest.set(key.id, ordinal);
      }
    }
    // Missing-event stages: record hits, and resolve waiting matches on a trailing hit.
    if (this.hits.size) {
      for (const [stage, index] of this.hits) {
        const tuples = verdicts.stages[stage.index];
        if (!tuples) continue;
        for (const key of tuples) {
          const h = index.get(key.id);
          if (!h) index.set(key.id, { last: ordinal.ms, prev: -Infinity });
          else if (h.last !== ordinal.ms) {
            index.delete(key.id);
            index.set(key.id, { last: ordinal.ms, prev: h.last });
          }
          if (this.trailingStages.includes(stage)) this.trailingHit(key.id, ordinal.ms, out);
        }
      }
    }
    if (this.stats.pending > this.maxPending || this.untilLatest.size > this.maxPending) this.enforceCap();
    if (out.length === 0) return NONE as SequenceMatch<T>[];
    this.out = [];
    return out;
  }

  /** End of input: every waiting match is final (no trailing hit can come any more). */
  flush(): SequenceMatch<T>[] {
    const out: SequenceMatch<T>[] = [];
    for (const list of this.waiting.values()) {
      for (const p of list) if (p.alive) this.emit(p, out);
    }
    this.waiting.clear();
    for (const m of this.pending) m.clear();
    this.fifo.length = 0;
    this.fifoHead = 0;
    this.stats.pending = 0;
    return out;
  }

  private latestHitBefore(stage: CompiledStage, keyId: string, ms: number): number | null {
    const h = this.hits.get(stage)?.get(keyId);
    if (!h) return null;
    if (h.last < ms) return h.last;
    if (h.prev < ms && h.prev !== -Infinity) return h.prev;
    return null;
  }

  private track(p: Partial<T>): void {
    this.fifo.push(p);
    this.stats.pending++;
  }

  private kill(p: Partial<T>): void {
    if (!p.alive) return;
    p.alive = false;
    this.stats.pending--;
  }

  private start(key: KeyTuple, ev: SequenceEvent<T>, out: SequenceMatch<T>[]): void {
    let leading: number | null = null;
    for (const s of this.leadingStages) {
      const t = this.latestHitBefore(s, key.id, ev.ordinal.ms);
      if (t !== null && (leading === null || t > leading)) leading = t;
    }
    const p: Partial<T> = {
      key,
      events: [ev],
      pos: 0,
      alive: true,
      leading,
      middleHit: false,
      waiting: false,
      reference: 0,
    };
    this.track(p);
    if (this.positives.length === 1) {
      this.complete(p, out);
      return;
    }
    const slot = this.pending[0];
    const old = slot.get(key.id);
    if (old) this.kill(old);
    slot.set(key.id, p);
  }

  private extend(i: number, key: KeyTuple, ev: SequenceEvent<T>, out: SequenceMatch<T>[]): void {
    const prev = this.pending[i - 1];
    const p = prev.get(key.id);
    if (!p) return;
    // The newest partial is taken and everything older for this key is gone with it.
    prev.delete(key.id);
    const first = p.events[0].ordinal;
    if (this.maxspanNanos !== undefined && spanNanos(first, ev.ordinal) > this.maxspanNanos) {
      this.kill(p);
      return;
    }
    const u = this.untilLatest.get(key.id);
    const last = p.events[p.events.length - 1].ordinal;
    if (u && compareOrdinals(u, last) >= 0 && compareOrdinals(u, ev.ordinal) <= 0) {
      this.kill(p);
      return;
    }
    for (const s of this.middleBefore.get(i) ?? []) {
      const t = this.latestHitBefore(s, key.id, ev.ordinal.ms);
      if (t !== null && t > last.ms) p.middleHit = true;
    }
    p.events.push(ev);
    p.pos = i;
    if (i === this.positives.length - 1) {
      this.complete(p, out);
      return;
    }
    const next = this.pending[i];
    const old = next.get(key.id);
    if (old && old !== p) this.kill(old);
    next.set(key.id, p);
  }

  /** All positive stages matched: apply the missing-event rules (§10.9). */
  private complete(p: Partial<T>, out: SequenceMatch<T>[]): void {
    if (p.middleHit) {
      this.kill(p);
      return;
    }
    const hasLeading = this.leadingStages.length > 0;
    const hasTrailing = this.trailingStages.length > 0;
    const firstMs = p.events[0].ordinal.ms;
    const lastMs = p.events[p.events.length - 1].ordinal.ms;
    if (!hasTrailing) {
      if (hasLeading && p.leading !== null && !(lastMs - p.leading > this.maxspanMs)) {
        this.kill(p);
        return;
      }
      this.emit(p, out);
      return;
    }
    if (hasLeading && p.leading === null) {
      this.emit(p, out);
      return;
    }
    // Wait for the first trailing hit, or for the window to close.
    p.waiting = true;
    p.reference = hasLeading ? (p.leading as number) : firstMs;
    const list = this.waiting.get(p.key.id) ?? [];
    list.push(p);
    this.waiting.set(p.key.id, list);
  }

  private trailingHit(keyId: string, ms: number, out: SequenceMatch<T>[]): void {
    const list = this.waiting.get(keyId);
    if (!list) return;
    // Filter in place: matches that ended in this same millisecond keep waiting.
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i];
      if (!p.alive) continue;
      const lastMs = p.events[p.events.length - 1].ordinal.ms;
      if (ms <= lastMs) {
        list[kept++] = p;
        continue;
      }
      if (ms - p.reference > this.maxspanMs) this.emit(p, out);
      else this.kill(p);
    }
    list.length = kept;
    if (kept === 0) this.waiting.delete(keyId);
  }

  private emit(p: Partial<T>, out: SequenceMatch<T>[]): void {
    this.kill(p);
    const events: Array<SequenceEvent<T> | null> = [];
    let k = 0;
    for (const s of this.q.stages) events.push(s.missing ? null : p.events[k++]);
    out.push({ keys: p.key.values, events, last: p.events[p.events.length - 1].ordinal });
  }

  /** Drops partials that can no longer complete within maxspan, and closes trailing windows. */
  private expire(now: Ordinal, out: SequenceMatch<T>[]): void {
    if (this.maxspanNanos === undefined) return;
    while (this.fifoHead < this.fifo.length) {
      const p = this.fifo[this.fifoHead];
      if (!p.alive) {
        this.fifoHead++;
        continue;
      }
      if (p.waiting) {
        if (now.ms - p.reference > this.maxspanMs) {
          this.removeWaiting(p);
          this.emit(p, out);
          this.fifoHead++;
          continue;
        }
        break;
      }
      if (spanNanos(p.events[0].ordinal, now) > this.maxspanNanos) {
        this.removePending(p);
        this.kill(p);
        this.stats.expired++;
        this.fifoHead++;
        continue;
      }
      break;
    }
    this.compactFifo();
    // Until marks and missing-event hits older than maxspan cannot matter any more. Maps are
    // rebuilt once per maxspan of event time rather than trimmed per event: deleting from the front
    // of a Map leaves holes that every later iteration would have to skip.
    if (now.ms - this.lastSweep > Math.max(this.maxspanMs, 1000)) {
      this.lastSweep = now.ms;
      const horizon = now.ms - this.maxspanMs - 1;
      if (this.untilLatest.size) {
        const kept = [...this.untilLatest].filter(([, o]) => o.ms >= horizon);
        this.untilLatest.clear();
        for (const [id, o] of kept) this.untilLatest.set(id, o);
      }
      for (const index of this.hits.values()) {
        if (!index.size) continue;
        const kept = [...index].filter(([, h]) => h.last >= horizon);
        index.clear();
        for (const [id, h] of kept) index.set(id, h);
      }
    }
  }

  private removePending(p: Partial<T>): void {
    const slot = this.pending[p.pos];
    if (slot && slot.get(p.key.id) === p) slot.delete(p.key.id);
  }

  private removeWaiting(p: Partial<T>): void {
    const list = this.waiting.get(p.key.id);
    if (!list) return;
    const rest = list.filter((x) => x !== p);
    if (rest.length) this.waiting.set(p.key.id, rest);
    else this.waiting.delete(p.key.id);
  }

  private compactFifo(): void {
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo.splice(0, this.fifoHead);
      this.fifoHead = 0;
    }
  }

  /** Keeps memory bounded: beyond the cap, the oldest partials go first, each one counted. */
  private enforceCap(): void {
    while (this.stats.pending > this.maxPending && this.fifoHead < this.fifo.length) {
      const p = this.fifo[this.fifoHead++];
      if (!p.alive) continue;
      if (p.waiting) {
        // A waiting match is complete: emitting it early would be wrong, dropping it is a drop.
        this.removeWaiting(p);
      } else this.removePending(p);
      this.kill(p);
      this.stats.dropped++;
    }
    this.compactFifo();
    // Until marks without maxspan are bounded the same way.
    while (this.untilLatest.size > this.maxPending) {
      const first = this.untilLatest.keys().next().value as string;
      this.untilLatest.delete(first);
    }
  }
}
