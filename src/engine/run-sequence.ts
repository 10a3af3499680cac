/**
 * Runs a sequence or sample query over a stream of records for `eqlite query`, producing
 * `hits.sequences` entries: `{ join_keys, events }`, events in stage order, a missing-event stage as
 * `null`. Records that no stage, `until` or missing-event filter can use are not kept; the rest are
 * ordered by ordinal before matching, so any input order gives ES's answer.
 */
import type { CompiledQuery } from '../eql/index.js';
import { applyLimits, type LimitOptions } from '../eql/limits.js';
import { compareOrdinals, type Ordinal } from '../eql/ordinal.js';
import { joinKeyJson } from '../eql/output.js';
import { SampleCollector } from '../eql/sample.js';
import { ordinalOf } from '../eql/search.js';
import { SequenceMatcher, type SequenceMatch } from '../eql/sequence.js';
import type { EventDoc, SourceRecord } from '../sources/types.js';
import { counted } from './counted.js';

export interface SequenceResult {
  join_keys: Array<string | number | boolean | null>;
  events: Array<EventDoc | null>;
}

export interface SequenceRunOptions extends LimitOptions {
  maxSamplesPerKey?: number;
  maxPending?: number;
  onWarning?: (message: string) => void;
}

function keyType(q: CompiledQuery, i: number) {
  const first = q.stages.find((s) => !s.missing) ?? q.stages[0];
  return first.keys[i]?.def?.type;
}

export async function runSequenceQuery(
  q: CompiledQuery,
  records: AsyncIterable<SourceRecord>,
  opts: SequenceRunOptions,
): Promise<SequenceResult[]> {
  if (q.kind === 'sample') {
    const collector = new SampleCollector<EventDoc>(q, opts.maxSamplesPerKey ?? 1);
    for await (const r of records) collector.push(r.doc, r.doc);
    const samples = applyLimits(collector.flush(), q.pipes, opts);
    return samples.map((s) => ({
      join_keys: s.keys.map((k, i) => joinKeyJson(k, keyType(q, i), 'sample')),
      events: s.events,
    }));
  }
  const filters = [...q.stages.map((s) => s.filter), ...(q.until ? [q.until.filter] : [])];
  const kept: Array<{ doc: EventDoc; ordinal: Ordinal }> = [];
  let seq = 0;
  for await (const r of records) {
    const s = seq++;
    if (!filters.some((f) => f(r.doc))) continue;
    const ordinal = ordinalOf(q, r.doc, s);
    if (ordinal) kept.push({ doc: r.doc, ordinal });
  }
  kept.sort((a, b) => compareOrdinals(a.ordinal, b.ordinal));
  const matcher = new SequenceMatcher<EventDoc>(q, { maxPending: opts.maxPending });
  const matches: SequenceMatch<EventDoc>[] = [];
  for (const e of kept) matches.push(...matcher.push(e.doc, e.doc, e.ordinal));
  matches.push(...matcher.flush());
  if (matcher.stats.dropped > 0) {
    opts.onWarning?.(
      `${counted(matcher.stats.dropped, 'partial sequence')} dropped at the --max-pending cap; results may be incomplete`,
    );
  }
  const ordered = matches.map((m, i) => ({ m, i })).sort((a, b) => compareOrdinals(a.m.last, b.m.last) || a.i - b.i);
  const limited = applyLimits(
    ordered.map((x) => x.m),
    q.pipes,
    opts,
  );
  return limited.map((m) => ({
    join_keys: m.keys.map((k, i) => joinKeyJson(k, keyType(q, i), 'sequence')),
    events: m.events.map((e) => (e ? e.payload : null)),
  }));
}
