/**
 * `POST /api/events/search`: EQL over the store. With a time range, candidate events are
 * selected in SQL on `@timestamp` first; the compiled query then runs over them with
 * `_eql/search` semantics (ordinal order, `size`, ES's default `tail`).
 */
import type { FastifyInstance } from 'fastify';
import { compileQuery, EqlError } from '../../eql/index.js';
import { runEventQuery } from '../../engine/run-query.js';
import { runSequenceQuery } from '../../engine/run-sequence.js';
import type { EventDoc, SourceRecord } from '../../sources/types.js';
import type { EventRow } from '../../store/index.js';
import type { ServerContext } from '../context.js';
import { eventItem, type EventItem } from '../investigate.js';
import { ApiError, isoMs, jsonBody } from './common.js';
import { resolveDateMath } from '../../rules/index.js';

function timeParam(v: unknown, key: string, now: number, roundUp: boolean): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && v.startsWith('now')) {
    const t = resolveDateMath(v, now, roundUp);
    if (t === undefined) throw new ApiError(400, 'illegal_argument_exception', `${key} is not valid date math`);
    return t;
  }
  return isoMs(v, key);
}

export function registerEventRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/events/search', { bodyLimit: ctx.maxApiBodyBytes }, async (req) => {
    const b = jsonBody(req);
    if (typeof b.query !== 'string' || b.query.trim() === '')
      throw new ApiError(400, 'illegal_argument_exception', 'query must be an EQL query');
    const size = b.size === undefined ? 10 : Number(b.size);
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      throw new ApiError(400, 'illegal_argument_exception', 'size must be an integer from 1 to 1000');
    const now = Date.now();
    const from = timeParam(b.from, 'from', now, false);
    const to = timeParam(b.to, 'to', now, true);
    let q;
    try {
      q = compileQuery(b.query);
    } catch (err) {
      if (err instanceof EqlError)
        throw new ApiError(400, err.kind === 'parse' ? 'parsing_exception' : 'verification_exception', err.message);
      throw err;
    }
    const rows = new WeakMap<EventDoc, EventRow>();
    const store = ctx.store;
    async function* records(): AsyncGenerator<SourceRecord> {
      const pages =
        from !== undefined || to !== undefined
          ? store.events.timeRange('ts', from ?? Number.MIN_SAFE_INTEGER, to ?? Number.MAX_SAFE_INTEGER)
          : store.events.all();
      for (const page of pages) {
        for (const r of page) {
          const doc = JSON.parse(r.text) as EventDoc;
          rows.set(doc, r);
          yield { doc, index: r.index, id: r.id, loc: { file: 'store', record: r.seq } };
        }
      }
    }
    const item = (doc: EventDoc): EventItem => eventItem(rows.get(doc) as EventRow, doc);
    try {
      if (q.kind === 'event') {
        const hits = await runEventQuery(q, records(), { size, resultPosition: 'tail' });
        return { events: hits.map((h) => item(h.record.doc)) };
      }
      const seqs = await runSequenceQuery(q, records(), { size, resultPosition: 'tail' });
      return {
        sequences: seqs.map((s) => ({ join_keys: s.join_keys, events: s.events.map((d) => (d ? item(d) : null)) })),
      };
    } catch (err) {
      if (err instanceof EqlError) throw new ApiError(400, 'ql_illegal_argument_exception', err.message);
      throw err;
    }
  });
}
