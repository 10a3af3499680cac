/** Runs sequence and sample spec queries through eqlite's engines, flattened as ES's harness flattens them. */
import type { CompiledQuery } from '../eql/index.js';
import { applyLimits } from '../eql/limits.js';
import { compareOrdinals } from '../eql/ordinal.js';
import { ordinalOf } from '../eql/search.js';
import { SequenceMatcher, stageVerdicts, type SequenceMatch, type StageVerdicts } from '../eql/sequence.js';
import { SampleCollector } from '../eql/sample.js';
import { formatJoinKey } from '../eql/output.js';
import { parseKeys, stringifyKeys } from '../eql/keys.js';
import type { Execution, SequenceExecutor } from './runner.js';

type Doc = Record<string, unknown>;

function idOf(doc: Doc, idField: string): number {
  const v = doc[idField];
  return typeof v === 'number' ? v : Number(v);
}

/**
 * How events reach the sequence matcher: `document` pushes each document (the matcher evaluates
 * stages itself); `verdicts` is the hunt's path: stage verdicts computed first (`stageVerdicts`),
 * passed through a JSON round trip as when spilled to disk, and only events some stage accepts are
 * pushed.
 */
export type MatcherInput = 'document' | 'verdicts';

export const executeSequenceOrSample: SequenceExecutor = (q, docs, opts) => execute(q, docs, opts, 'document');

export const executeSequenceViaVerdicts: SequenceExecutor = (q, docs, opts) => execute(q, docs, opts, 'verdicts');

function execute(q: CompiledQuery, docs: Doc[], opts: Parameters<SequenceExecutor>[2], input: MatcherInput): Execution {
  if (q.kind === 'sample') {
    const collector = new SampleCollector<Doc>(q, opts.maxSamplesPerKey);
    for (const d of docs) collector.push(d, d);
    const samples = applyLimits(collector.flush(), q.pipes, { size: opts.size, resultPosition: 'head' });
    return {
      ids: samples.flatMap((s) => s.events.map((e) => idOf(e, opts.idField))),
      joinKeys: samples.flatMap((s) => s.keys.map((k, i) => formatJoinKey(k, sampleKeyType(q, i), 'sample'))),
    };
  }
  // Order the events (ES sorts by ordinal) and push them through the incremental matcher.
  const ordered = docs
    .map((doc, seq) => ({ doc, ordinal: ordinalOf(q, doc, seq) }))
    .filter((x): x is { doc: Doc; ordinal: NonNullable<typeof x.ordinal> } => x.ordinal !== undefined)
    .sort((a, b) => compareOrdinals(a.ordinal, b.ordinal));
  const matcher = new SequenceMatcher<Doc>(q);
  const matches: SequenceMatch<Doc>[] = [];
  for (const e of ordered) {
    if (input === 'document') {
      matches.push(...matcher.push(e.doc, e.doc, e.ordinal));
      continue;
    }
    const v = stageVerdicts(q, e.doc);
    if (v) matches.push(...matcher.pushVerdicts(parseKeys(stringifyKeys(v)) as StageVerdicts, e.doc, e.ordinal));
  }
  matches.push(...matcher.flush());
  // Sequences are ordered by their last positive event (stable: keys of one event keep their order).
  const sorted = matches.map((m, i) => ({ m, i })).sort((a, b) => compareOrdinals(a.m.last, b.m.last) || a.i - b.i);
  const limited = applyLimits(
    sorted.map((x) => x.m),
    q.pipes,
    { size: opts.size, resultPosition: 'tail' },
  );
  return {
    ids: limited.flatMap((m) => m.events.map((e) => (e ? idOf(e.payload, opts.idField) : opts.missingId))),
    joinKeys: limited.flatMap((m) => m.keys.map((k, i) => formatJoinKey(k, sequenceKeyType(q, i), 'sequence'))),
  };
}

function sequenceKeyType(q: CompiledQuery, i: number) {
  const first = q.stages.find((s) => !s.missing) ?? q.stages[0];
  return first.keys[i]?.def?.type;
}

function sampleKeyType(q: CompiledQuery, i: number) {
  return q.stages[0].keys[i]?.def?.type;
}
