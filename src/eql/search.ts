/**
 * Running an event query over an in-memory set of documents: filter, order by ordinal, limit.
 * Streaming inputs go through the engine; this is the reference path (and the conformance harness's).
 */
import type { CompiledQuery } from './query.js';
import { applyLimits, type LimitOptions } from './limits.js';
import { compareOrdinals, type Ordinal } from './ordinal.js';
import { fieldValues } from './compiler.js';

export interface Hit<D> {
  doc: D;
  ordinal: Ordinal;
}

/** Reads the ordinal of a document (undefined when it has no timestamp). */
export function ordinalOf(q: CompiledQuery, doc: Record<string, unknown>, seq: number): Ordinal | undefined {
  const ts = q.timestamp.read(doc);
  if (!ts) return undefined;
  let tb: Ordinal['tb'];
  if (q.tiebreakerDef) {
    const v = fieldValues(q.tiebreakerDef, doc);
    tb = v.length ? v[0] : undefined;
  }
  return { ms: ts.ms, ns: ts.ns, tb, seq };
}

export function searchEvents<D extends Record<string, unknown>>(
  q: CompiledQuery,
  docs: Iterable<D>,
  opts: LimitOptions = {},
): Hit<D>[] {
  if (q.kind !== 'event' || !q.filter) throw new Error('searchEvents needs an event query');
  const filter = q.filter;
  const hits: Hit<D>[] = [];
  let seq = 0;
  for (const doc of docs) {
    const s = seq++;
    if (!filter(doc)) continue;
    // ES requires the timestamp field on every event it orders; events without it never match.
    const ordinal = ordinalOf(q, doc, s);
    if (ordinal) hits.push({ doc, ordinal });
  }
  hits.sort((a, b) => compareOrdinals(a.ordinal, b.ordinal));
  return applyLimits(hits, q.pipes, opts);
}
