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
import { createHash } from 'node:crypto';
import { fastIsoToMs } from '../../eql/ordinal.js';
import { eventIndex, timestampMs } from '../../rules/index.js';
import type { EventDoc } from '../../sources/types.js';
import { hostOf, type Store } from '../../store/index.js';
import type { ContinuousDetector } from '../detect/continuous.js';
import type { StoredEvent } from '../detect/evaluate.js';
import { Normaliser, routeForIndex, type RouteKind } from './normalise.js';

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

export function autoId(index: string, text: string): string {
  return createHash('sha256').update(index).update('\0').update(text).digest('base64url').slice(0, 20);
}

export class Ingestor {
  private readonly normaliser: Normaliser;
  private readonly routes = new Map<string, RouteKind>();
  readonly stats: IngestStats = { events: 0, failed: 0, lastAt: 0 };
  /** Called after each commit with the number of new events. */
  onCommit: ((events: number, at: number) => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly detector: ContinuousDetector,
    options: { strictEcs?: boolean; setIngested?: boolean; now?: () => number } = {},
  ) {
    this.normaliser = new Normaliser(options);
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  private route(index: string): RouteKind {
    let r = this.routes.get(index);
    if (r === undefined) {
      r = routeForIndex(index);
      this.routes.set(index, r);
    }
    return r;
  }

  /** Stores and evaluates a batch in one transaction; outcomes in item order. */
  ingest(items: IngestItem[], extra?: () => void): ItemOutcome[] {
    const at = this.now();
    this.normaliser.setTime(at);
    const outcomes: ItemOutcome[] = new Array(items.length);
    const fresh: StoredEvent[] = [];
    const events = this.store.events;
    let created = 0;
    this.store.tx(() => {
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        let value: unknown;
        try {
          value = JSON.parse(it.text);
        } catch (err) {
          outcomes[i] = {
            ok: false,
            index: it.index,
            id: it.id,
            status: 400,
            type: 'mapper_parsing_exception',
            reason: `failed to parse: ${(err as Error).message}`,
          };
          continue;
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          outcomes[i] = {
            ok: false,
            index: it.index,
            id: it.id,
            status: 400,
            type: 'mapper_parsing_exception',
            reason: 'failed to parse: the document is not a JSON object',
          };
          continue;
        }
        const n = this.normaliser.normalise(it.route ?? this.route(it.index), value as EventDoc, it.text);
        if ('error' in n) {
          outcomes[i] = {
            ok: false,
            index: it.index,
            id: it.id,
            status: 400,
            type: 'mapper_parsing_exception',
            reason: `failed to parse: ${n.error}`,
          };
          continue;
        }
        const doc = n.doc;
        const index = it.route ? (n.index ?? eventIndex(doc, it.index) ?? it.index) : it.index;
        const text = n.changed ? JSON.stringify(doc) : it.text;
        const id = it.id ?? autoId(index, it.text);
        const r = events.insert({
          id,
          index,
          op: it.op,
          autoId: it.id === undefined,
          at,
          ts: timeOf(doc['@timestamp'], doc, '@timestamp'),
          ing: timeOf(fieldOf(doc, 'event', 'ingested'), doc, 'event.ingested'),
          host: hostOf(doc),
          text,
        });
        if (r.result === 'conflict') {
          outcomes[i] = {
            ok: false,
            index,
            id,
            status: 409,
            type: 'version_conflict_engine_exception',
            reason: `[${id}]: version conflict, document already exists (current version [${r.version}])`,
          };
          continue;
        }
        outcomes[i] = {
          ok: true,
          index,
          id,
          seq: r.seq,
          version: r.version,
          result: r.result === 'updated' ? 'updated' : 'created',
        };
        if (r.result !== 'duplicate') fresh.push({ seq: r.seq, id, index, doc });
        if (r.result === 'created') created++;
      }
      if (fresh.length) {
        this.detector.process(fresh, fresh[fresh.length - 1].seq);
        this.store.books.add('events_total', fresh.length);
        this.store.books.add('events_stored', created);
      }
      extra?.();
    });
    this.stats.events += fresh.length;
    this.stats.failed += outcomes.filter((o) => !o.ok).length;
    this.stats.lastAt = at;
    if (fresh.length) this.onCommit?.(fresh.length, at);
    return outcomes;
  }
}
