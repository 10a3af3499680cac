/**
 * From documents to durable, evaluated events. One call = one transaction: every document is
 * normalised, given its `_id` and stored, then continuous detection runs over the new events and
 * writes its alerts, and all of it is committed (fsynced with `--sync full`) before the caller
 * answers the shipper. A bad document fails alone; the others are stored.
 *
 * A document without `_id` gets one derived from its index and bytes (20 characters of
 * base64url SHA-256, the length of Elasticsearch's ids): a shipper that resends a batch it got no
 * answer for (the server died after the commit) does not create a second copy or a second alert.
 */
import { fastIsoToMs } from '../../eql/ordinal.js';
import { eventIndex, timestampMs } from '../../rules/index.js';
import type { EventDoc } from '../../sources/types.js';
import { hostOf, type InsertOutcome, type NewEvent, type Store } from '../../store/index.js';
import type { ContinuousDetector } from '../detect/continuous.js';
import type { StoredEvent } from '../detect/evaluate.js';
import { Normaliser, ingestedText, routeForIndex, type RouteKind } from './normalise.js';
import type { PrepareBatch, PreparePool } from './pool.js';
import { FLAG_CANDIDATE, FLAG_NORMALISE, FLAG_OK, FLAG_SPLICED, type PreparedColumns } from './prepare.js';
import { autoId, splice } from './prepare.js';

export interface IngestItem {
  op: 'index' | 'create';
  /** Target index (data stream); for followed files the normaliser's choice may replace a default. */
  index: string;
  id?: string;
  /** The document's text as received. */
  text: string;
  /** Route by format instead of by index (followed files, stdin). */
  route?: RouteKind;
}

export type ItemOutcome =
  | { ok: true; index: string; id: string; seq: number; version: number; result: 'created' | 'updated' }
  | { ok: false; index: string; id?: string; status: number; type: string; reason: string };

export interface IngestStats {
  events: number;
  failed: number;
  lastAt: number;
}

function timeOf(v: unknown, doc: EventDoc, field: string): number | null {
  if (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') {
    const t = fastIsoToMs(v);
    if (t) return t.ms;
  }
  if (v === undefined || v === null) return null;
  return timestampMs(doc, field) ?? null;
}

function fieldOf(doc: EventDoc, a: string, b: string): unknown {
  const o = doc[a];
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    const v = (o as Record<string, unknown>)[b];
    if (v !== undefined) return v;
  }
  return doc[`${a}.${b}`];
}

export { autoId, splice } from './prepare.js';

/** One transaction's bookkeeping. */
interface Batch {
  at: number;
  fresh: StoredEvent[];
  created: number;
  stored: number;
}

export class Ingestor {
  private readonly normaliser: Normaliser;
  private readonly routes = new Map<string, RouteKind>();
  readonly stats: IngestStats = { events: 0, failed: 0, lastAt: 0 };
  /** Called after each commit with the number of new events. */
  onCommit: ((events: number, at: number) => void) | undefined;
  private readonly now: () => number;
  private readonly pool: PreparePool | undefined;
  private readonly setIngested: boolean;
  private specVersion = -1;
  /** Awaited before each pooled transaction while the store must not be written (a WAL restart). */
  writeGate: (() => Promise<void> | undefined) | undefined;

  constructor(
    private readonly store: Store,
    private readonly detector: ContinuousDetector,
    options: { strictEcs?: boolean; setIngested?: boolean; now?: () => number; pool?: PreparePool } = {},
  ) {
    this.normaliser = new Normaliser(options);
    this.now = options.now ?? Date.now;
    this.pool = options.pool;
    this.setIngested = options.setIngested !== false;
  }

  private route(index: string): RouteKind {
    let r = this.routes.get(index);
    if (r === undefined) {
      r = routeForIndex(index);
      this.routes.set(index, r);
    }
    return r;
  }

  /** Documents per transaction of a pooled bulk (see `ingestAsync`). */
  static readonly CHUNK = 1024;

  /**
   * Like `ingest`, with the per-document work done by the worker pool when there is one: the
   * main thread then only writes, and parses again just the documents a continuous rule could
   * match (and the raw vendor records, which go through their normaliser here).
   *
   * A large bulk goes to the pool in chunks of `CHUNK` documents, all sent at once, and each
   * chunk is written in its own transaction as soon as it is prepared, while the pool prepares
   * the next: the main thread and the worker work on the same bulk at once instead of one after
   * the other. Each chunk's events commit with their alerts; the bulk is answered once the last
   * commit is on disk (an fdatasync covers every commit before it), so a crash loses only
   * unanswered chunks, which the shipper resends (derived ids make that idempotent).
   */
  async ingestAsync(items: IngestItem[]): Promise<ItemOutcome[]> {
    const pool = this.pool;
    if (!pool || pool.broken || items.length < 64) return this.ingest(items);
    if (this.specVersion !== this.detector.version) {
      pool.setSpec(this.detector.spec());
      this.specVersion = this.detector.version;
    }
    const n = items.length;
    const batchIn: PrepareBatch = {
      texts: new Array<string>(n),
      indices: [],
      routes: [],
      indexOf: new Uint16Array(n),
      ids: new Array<string | undefined>(n),
    };
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const it = items[i];
      const key = it.route === undefined ? it.index : `${it.route}\0${it.index}`;
      let k = seen.get(key);
      if (k === undefined) {
        k = batchIn.indices.length;
        if (k > 0xffff) return this.ingest(items);
        seen.set(key, k);
        batchIn.indices.push(it.index);
        batchIn.routes.push(it.route ?? this.route(it.index));
      }
      batchIn.indexOf[i] = k;
      batchIn.texts[i] = it.text;
      batchIn.ids[i] = it.id;
    }
    const at = this.now();
    const member = this.setIngested ? `"event.ingested":"${ingestedText(at)}"` : undefined;
    // Chunks of equal size (the last is not a small remainder).
    const chunks = Math.ceil(n / Ingestor.CHUNK);
    const size = Math.ceil(n / chunks);
    const prepared: Array<Promise<PreparedColumns>> = [];
    for (let from = 0; from < n; from += size) {
      const to = Math.min(n, from + size);
      const whole = from === 0 && to === n;
      const part: PrepareBatch = whole
        ? batchIn
        : {
            texts: batchIn.texts.slice(from, to),
            indices: batchIn.indices,
            routes: batchIn.routes,
            indexOf: batchIn.indexOf.subarray(from, to),
            ids: batchIn.ids.slice(from, to),
          };
      const p = pool.prepare(part, member);
      // A failed chunk fails the bulk below; until then its rejection must not go unhandled.
      p.catch(() => undefined);
      prepared.push(p);
    }
    const outcomes: ItemOutcome[] = new Array(n);
    const total: Batch = { at, fresh: [], created: 0, stored: 0 };
    this.normaliser.setTime(at);
    const synced: Array<Promise<void>> = [];
    for (let c = 0; c < prepared.length; c++) {
      const p = await prepared[c];
      const gate = this.writeGate?.();
      if (gate) await gate;
      const batch = this.writeChunk(items, c * size, p, at, member, outcomes);
      // Awaited below, unless a later chunk fails first: then the bulk fails without it.
      batch.synced.catch(() => undefined);
      synced.push(batch.synced);
      total.stored += batch.stored;
      total.created += batch.created;
    }
    await Promise.all(synced);
    return this.done(outcomes, total);
  }

  /** Writes the prepared documents `from`… of a pooled bulk in one transaction (`ingestAsync`). */
  private writeChunk(
    items: IngestItem[],
    from: number,
    p: PreparedColumns,
    at: number,
    member: string | undefined,
    outcomes: ItemOutcome[],
  ): Batch & { synced: Promise<void> } {
    // Arrival as written: a small bulk stored on this thread while this one was prepared took
    // the seqs before these, and arrival must grow with seq (retention finds the first event
    // newer than its cutoff by a binary search over seqs).
    const batch: Batch = { at: Math.max(at, this.now()), fresh: [], created: 0, stored: 0 };
    // Documents go to the store in runs (EventStore.insertMany), in item order.
    const rows: NewEvent[] = [];
    const rowItems: number[] = [];
    const flush = () => {
      if (rows.length === 0) return;
      const results = this.store.events.insertMany(rows);
      for (let j = 0; j < rows.length; j++) {
        const i = rowItems[j];
        const e = rows[j];
        outcomes[i] = this.record(items[i], e, results[j], batch, () =>
          p.flags[i - from] & FLAG_CANDIDATE ? (JSON.parse(e.text) as EventDoc) : undefined,
        );
      }
      rows.length = 0;
      rowItems.length = 0;
    };
    const { synced } = this.store.txSynced(() => {
      for (let j = 0; j < p.flags.length; j++) {
        const i = from + j;
        const it = items[i];
        const f = p.flags[j];
        if (!(f & FLAG_OK)) {
          outcomes[i] = {
            ok: false,
            index: it.index,
            id: it.id,
            status: 400,
            type: 'mapper_parsing_exception',
            reason: p.reasons[j] ?? 'failed to parse',
          };
        } else if (f & FLAG_NORMALISE) {
          flush();
          outcomes[i] = this.one(it, batch);
        } else {
          const ts = p.ts[j];
          const ing = p.ing[j];
          rows.push({
            id: p.ids[j],
            index: it.index,
            op: it.op,
            autoId: it.id === undefined,
            at: batch.at,
            ts: Number.isNaN(ts) ? null : ts,
            ing: Number.isNaN(ing) ? null : ing,
            host: p.hosts[j],
            text: f & FLAG_SPLICED ? splice(it.text, member as string) : it.text,
          });
          rowItems.push(i);
        }
      }
      flush();
      this.finish(batch);
    });
    return { ...batch, synced };
  }

  /** Stores and evaluates a batch in one transaction; outcomes in item order. */
  ingest(items: IngestItem[], extra?: () => void): ItemOutcome[] {
    const batch: Batch = { at: this.now(), fresh: [], created: 0, stored: 0 };
    this.normaliser.setTime(batch.at);
    const outcomes: ItemOutcome[] = new Array(items.length);
    this.store.tx(() => {
      for (let i = 0; i < items.length; i++) outcomes[i] = this.one(items[i], batch);
      this.finish(batch);
      extra?.();
    });
    return this.done(outcomes, batch);
  }

  /** Parses, normalises and stores one item (inside the transaction). */
  private one(it: IngestItem, batch: Batch): ItemOutcome {
    let value: unknown;
    try {
      value = JSON.parse(it.text);
    } catch (err) {
      return {
        ok: false,
        index: it.index,
        id: it.id,
        status: 400,
        type: 'mapper_parsing_exception',
        reason: `failed to parse: ${(err as Error).message}`,
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return {
        ok: false,
        index: it.index,
        id: it.id,
        status: 400,
        type: 'mapper_parsing_exception',
        reason: 'failed to parse: the document is not a JSON object',
      };
    }
    const n = this.normaliser.normalise(it.route ?? this.route(it.index), value as EventDoc, it.text);
    if ('error' in n) {
      return {
        ok: false,
        index: it.index,
        id: it.id,
        status: 400,
        type: 'mapper_parsing_exception',
        reason: `failed to parse: ${n.error}`,
      };
    }
    const doc = n.doc;
    const index = it.route ? (n.index ?? eventIndex(doc, it.index) ?? it.index) : it.index;
    const text = n.changed ? JSON.stringify(doc) : n.prefix ? splice(it.text, n.prefix) : it.text;
    const ts = timeOf(doc['@timestamp'], doc, '@timestamp');
    return this.write(
      it,
      index,
      it.id ?? autoId(index, it.text, ts),
      text,
      ts,
      timeOf(fieldOf(doc, 'event', 'ingested'), doc, 'event.ingested'),
      hostOf(doc),
      batch,
      () => doc,
    );
  }

  private write(
    it: IngestItem,
    index: string,
    id: string,
    text: string,
    ts: number | null,
    ing: number | null,
    host: string | null,
    batch: Batch,
    docFor: () => EventDoc | undefined,
  ): ItemOutcome {
    const e: NewEvent = { id, index, op: it.op, autoId: it.id === undefined, at: batch.at, ts, ing, host, text };
    return this.record(it, e, this.store.events.insert(e), batch, docFor);
  }

  /** The outcome of storing one event, and the batch's bookkeeping. */
  private record(
    it: IngestItem,
    e: NewEvent,
    r: InsertOutcome,
    batch: Batch,
    docFor: () => EventDoc | undefined,
  ): ItemOutcome {
    const { index, id } = e;
    if (r.result === 'conflict') {
      return {
        ok: false,
        index,
        id,
        status: 409,
        type: 'version_conflict_engine_exception',
        reason: `[${id}]: version conflict, document already exists (current version [${r.version}])`,
      };
    }
    if (r.result !== 'duplicate') {
      batch.stored++;
      if (r.result === 'created') batch.created++;
      const doc = docFor();
      if (doc) batch.fresh.push({ seq: r.seq, id, index, doc });
    }
    return {
      ok: true,
      index,
      id,
      seq: r.seq,
      version: r.version,
      result: r.result === 'updated' ? 'updated' : 'created',
    };
  }

  /** Detection and counters, still inside the transaction. */
  private finish(batch: Batch): void {
    if (batch.stored === 0) return;
    this.detector.process(batch.fresh, this.store.events.maxSeq());
    this.store.books.add('events_total', batch.stored);
    this.store.books.add('events_stored', batch.created);
  }

  private done(outcomes: ItemOutcome[], batch: Batch): ItemOutcome[] {
    this.stats.events += batch.stored;
    this.stats.failed += outcomes.filter((o) => !o.ok).length;
    this.stats.lastAt = batch.at;
    if (batch.stored) this.onCommit?.(batch.stored, batch.at);
    return outcomes;
  }
}
