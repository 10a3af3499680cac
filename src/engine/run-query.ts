/**
 * Runs one compiled EQL query over a stream of records, with `_eql/search` semantics: results in
 * ordinal order, then `size` / `result_position` / pipes. Only matches are buffered, and when a
 * limit applies only as many as the limit can keep.
 */
import type { CompiledQuery } from '../eql/index.js';
import { applyLimits, bufferBound, type LimitOptions } from '../eql/limits.js';
import { compareOrdinals, type Ordinal } from '../eql/ordinal.js';
import { ordinalOf } from '../eql/search.js';
import type { SourceRecord } from '../sources/types.js';

export interface EventMatch {
  record: SourceRecord;
  ordinal: Ordinal;
}

export interface QueryRunStats {
  records: number;
  matches: number;
  /** Records that matched but have no usable timestamp, so ES would never return them. */
  withoutTimestamp: number;
}

/** Keeps the best `n` items by order (smallest for head, largest for tail), sorted at the end. */
class Bounded<T> {
  private items: T[] = [];
  constructor(
    private readonly n: number,
    private readonly keep: 'head' | 'tail',
    private readonly cmp: (a: T, b: T) => number,
  ) {}
  push(x: T): void {
    this.items.push(x);
    // Amortised: compact when the buffer doubles.
    if (this.items.length >= Math.max(2 * this.n, 1024)) this.compact();
  }
  private compact(): void {
    this.items.sort(this.cmp);
    this.items =
      this.keep === 'head' ? this.items.slice(0, this.n) : this.items.slice(Math.max(0, this.items.length - this.n));
  }
  result(): T[] {
    this.compact();
    return this.items;
  }
}

export async function runEventQuery(
  q: CompiledQuery,
  records: AsyncIterable<SourceRecord>,
  limits: LimitOptions,
  stats: QueryRunStats = { records: 0, matches: 0, withoutTimestamp: 0 },
): Promise<EventMatch[]> {
  const filter = q.filter;
  if (!filter) throw new Error('runEventQuery needs an event query');
  const bound = bufferBound(q.pipes, limits);
  const cmp = (a: EventMatch, b: EventMatch) => compareOrdinals(a.ordinal, b.ordinal);
  const buf = bound.keep === 'all' ? undefined : new Bounded<EventMatch>(bound.n, bound.keep, cmp);
  const all: EventMatch[] = [];
  let seq = 0;
  for await (const record of records) {
    stats.records++;
    const s = seq++;
    if (!filter(record.doc)) continue;
    const ordinal = ordinalOf(q, record.doc, s);
    if (!ordinal) {
      stats.withoutTimestamp++;
      continue;
    }
    stats.matches++;
    if (buf) buf.push({ record, ordinal });
    else all.push({ record, ordinal });
  }
  const sorted = buf ? buf.result() : all.sort(cmp);
  return applyLimits(sorted, q.pipes, limits);
}
