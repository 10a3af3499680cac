/**
 * Runs a hunt: plans the inputs, reads and evaluates them (the main thread and worker threads, one
 * thread per core; inline for small inputs), then runs sequence and sample rules over the events
 * they can use, in order.
 * Reports matches to the caller, which builds alerts and output; this module holds no output logic.
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compareOrdinals } from '../../eql/ordinal.js';
import { SampleCollector } from '../../eql/sample.js';
import { SequenceMatcher, type SequenceMatch } from '../../eql/sequence.js';
import type { EventDoc } from '../../sources/types.js';
import { ruleSourceBytes, type PreparedRule } from '../../rules/index.js';
import type { BadRecord } from '../../sources/types.js';
import type { HuntConfig, Segment } from './config.js';
import { expandInputs } from '../inputs.js';
import { describeInputs, planSegments, type InputFile } from './inputs.js';
import { STDIN } from '../../sources/input.js';
import type { Batch, EventHit, RuleError, RuleVerdict, SegmentDone, SeqEvent } from './messages.js';
import { SegmentProcessor } from './process.js';
import { huntRulePaths } from './rule-set.js';
import { LineReader, SeqStore } from './seq-store.js';
import { KeyPresence, prunableStageCount } from './seq-prune.js';
import type { FromWorker, ToWorker } from './worker.js';

export interface SequenceHit {
  rule: number;
  kind: 'sequence' | 'sample';
  keys: unknown[];
  /** Events in stage order; null for a missing-event stage. */
  events: Array<SeqEvent | null>;
}

export interface HuntProgress {
  bytesDone: number;
  bytesTotal: number;
  records: number;
  hits: number;
  phase: 'reading' | 'sequences' | 'done';
}

export interface HuntRunOptions {
  config: HuntConfig;
  paths: string[];
  rules: PreparedRule[];
  /** Worker threads; 1 runs inline. Default: one per CPU. */
  threads?: number;
  /** Inputs planned (and workers started) beforehand by `planHunt`; else planned here. */
  plan?: HuntPlan;
  onProblem: (p: BadRecord) => void;
  onHit: (h: EventHit) => void;
  onSequence: (s: SequenceHit) => void;
  onRuleError?: (e: RuleError) => void;
  onProgress?: (p: HuntProgress) => void;
  /** Cap on pending partial sequences per rule. */
  maxPending?: number;
  /** Events kept in memory for the ordered stage before spilling sorted runs to disk. */
  seqMemory?: number;
  /**
   * Whether the ordered stage skips events no sequence can use by their join keys
   * (seq-prune.ts); default true. Off only to prove it changes nothing.
   */
  pruneSequences?: boolean;
}

export interface HuntStats {
  files: InputFile[];
  segments: number;
  records: number;
  /** Lines the prefilter proved could not match, never parsed. */
  skippedByPrefilter: number;
  bytes: number;
  threads: number;
  seqEvents: number;
  /** Of those, events the ordered stage replayed (the others were pruned by join key). */
  seqReplayed: number;
  spilledRuns: number;
  sequenceDrops: number;
  outOfOrder: number;
}

/** Line numbers inside split NDJSON ranges are local; this turns them into file line numbers. */
class LineBases {
  private readonly lines = new Map<number, number>();
  constructor(private readonly segments: Segment[]) {}
  done(d: SegmentDone): void {
    if (d.lines !== undefined) this.lines.set(d.seg, d.lines);
  }
  base(seg: number): number {
    const s = this.segments[seg];
    if (!s || s.start === undefined || s.start === 0) return 0;
    let b = 0;
    for (let i = seg - 1; i >= 0 && this.segments[i].file === s.file; i--) b += this.lines.get(i) ?? 0;
    return b;
  }
}

/** What an ordered event's verdicts become once every matcher has seen them. */
const SPENT: Array<RuleVerdict | null> = [];

/** Gives `e` its text, read back from its file when it was not kept; false when that fails. */
function withText(e: SeqEvent, reader: LineReader): boolean {
  if (e.text !== undefined) return true;
  if (e.len === undefined || e.loc.offset === undefined) return false;
  e.text = reader.read(e.loc.file, e.loc.offset, e.len);
  return e.text !== undefined;
}

function canUseWorkers(): boolean {
  // Workers run the compiled JavaScript; under a TypeScript loader (tests) everything runs inline.
  return import.meta.url.endsWith('.js');
}

interface StartedWorker {
  worker: Worker;
  failed?: Error;
}

/**
 * The inputs of a hunt, planned, and the worker threads that will read them, already starting:
 * a worker loads its modules and compiles every rule (about a second for the 391 Windows rules),
 * which overlaps the main thread loading the same rules when the plan comes first.
 */
export interface HuntPlan {
  files: InputFile[];
  segments: Segment[];
  bytesTotal: number;
  workers?: StartedWorker[];
}

/**
 * Input below which worker threads cost more than they save, per byte of rule files: each worker
 * loads and compiles every rule and warms up its own JIT (about 1.3 s of CPU for the 391 Windows
 * rules, 4.6 MB), which a few tens of MB of input do not repay (measured: the 37 MB of EVTX
 * fixtures and a 40 MB NDJSON slice, all Windows rules, are slower with two workers than inline).
 */
const INPUT_PER_RULE_BYTE = 20;
const MIN_INPUT_FOR_WORKERS = 4 << 20;

export async function planHunt(
  paths: string[],
  config: HuntConfig,
  threads: number | undefined,
  onProblem: (p: BadRecord) => void,
): Promise<HuntPlan> {
  const files = await describeInputs(await expandInputs(paths, onProblem), config.format, onProblem);
  const segments = planSegments(files);
  const bytesTotal = segments.reduce((n, s) => n + s.bytes, 0);
  // Reading threads, the main thread among them; stdin is the main thread's alone to read.
  const stdin = files.some((f) => f.file === STDIN);
  const n = stdin ? 1 : Math.max(1, Math.min(threads ?? cpus().length, segments.length));
  const plan: HuntPlan = { files, segments, bytesTotal };
  const ruleBytes = ruleSourceBytes(huntRulePaths(config));
  if (n > 1 && canUseWorkers() && bytesTotal > Math.max(MIN_INPUT_FOR_WORKERS, ruleBytes * INPUT_PER_RULE_BYTE)) {
    plan.workers = Array.from({ length: n - 1 }, () => {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: config });
      const started: StartedWorker = { worker };
      worker.on('error', (err) => (started.failed = err));
      return started;
    });
  }
  return plan;
}

/** Stops the workers of a plan that will not run (no runnable rule). */
export function cancelPlan(plan: HuntPlan): void {
  for (const w of plan.workers ?? []) void w.worker.terminate();
}

export async function runHunt(opts: HuntRunOptions): Promise<HuntStats> {
  const { config, rules } = opts;
  const plan = opts.plan ?? (await planHunt(opts.paths, config, opts.threads, opts.onProblem));
  const { files, segments, bytesTotal } = plan;
  const stats: HuntStats = {
    files,
    segments: segments.length,
    records: 0,
    skippedByPrefilter: 0,
    bytes: 0,
    threads: 1,
    seqEvents: 0,
    seqReplayed: 0,
    spilledRuns: 0,
    sequenceDrops: 0,
    outOfOrder: 0,
  };
  const store = new SeqStore(
    opts.seqMemory,
    segments.map((s) => s.file),
  );
  const bases = new LineBases(segments);
  const presence = new KeyPresence(rules.map((r) => prunableStageCount(r.query)));
  // Hits are reported in input order (segment, then record) whatever thread read them first, so
  // the same event read twice (overlapping inputs) always keeps the same source; a segment's hits
  // go as soon as every earlier segment is read (their line counts give its file line numbers),
  // so alerts are built while the rest is read. Problems wait for the end.
  const hitsBySeg = new Map<number, EventHit[]>();
  const finished = new Uint8Array(segments.length);
  let nextSeg = 0;
  const emitHits = (list: EventHit[]) => {
    list.sort((a, b) => a.rec - b.rec);
    for (const h of list) {
      if (h.loc.line !== undefined) h.loc = { ...h.loc, line: h.loc.line + bases.base(h.seg) };
      opts.onHit(h);
    }
  };
  const finish = (seg: number) => {
    if (seg >= 0 && seg < finished.length) finished[seg] = 1;
    for (; nextSeg < segments.length && finished[nextSeg]; nextSeg++) {
      const list = hitsBySeg.get(nextSeg);
      if (list) emitHits(list);
      hitsBySeg.delete(nextSeg);
    }
  };
  const pendingProblems: Array<{ p: BadRecord; seg: number }> = [];
  let hits = 0;
  const progress = (phase: HuntProgress['phase']) =>
    opts.onProgress?.({ bytesDone: stats.bytes, bytesTotal, records: stats.records, hits, phase });

  const onBatch = (seg: number | undefined, b: Batch) => {
    stats.bytes += b.bytes;
    stats.records += b.records;
    stats.skippedByPrefilter += b.skipped;
    for (const h of b.hits) {
      hits++;
      const list = hitsBySeg.get(h.seg);
      if (list) list.push(h);
      else hitsBySeg.set(h.seg, [h]);
    }
    const { keys, lines, prune } = b.seq;
    if (prune.length) presence.add(prune);
    for (let k = 0; k < lines.length; k++)
      store.addLine(keys[4 * k], keys[4 * k + 1], keys[4 * k + 2], keys[4 * k + 3], lines[k]);
    for (const p of b.problems) pendingProblems.push({ p, seg: seg ?? -1 });
    for (const e of b.ruleErrors) opts.onRuleError?.(e);
    progress('reading');
  };

  // The main thread reads segments too, between handling what the workers send: it has its rules
  // loaded before any worker has, and small inputs are done before a worker is ready.
  const started = plan.workers ?? [];
  // EQLITE_HUNT_MAIN_READS=0 leaves all reading to the workers, when there are any (tests use it
  // to compare results that crossed threads).
  const mainReading = started.length === 0 || process.env.EQLITE_HUNT_MAIN_READS !== '0';
  const readers = started.length + (mainReading ? 1 : 0);
  stats.threads = readers;
  let next = 0;
  let failed = false;
  const segmentFailed = (seg: number, err: unknown) => {
    const s = segments[seg];
    opts.onProblem({
      loc: { file: s?.file ?? '?' },
      kind: 'input-unreadable',
      message: err instanceof Error ? err.message : String(err),
    });
    finish(seg);
  };
  const mainReads = (async () => {
    if (!mainReading) return;
    let current = -1;
    const proc = new SegmentProcessor(config, rules, (b) => onBatch(current, b));
    while (!failed && next < segments.length) {
      const s = segments[next++];
      current = s.id;
      try {
        bases.done(await proc.run(s));
        finish(s.id);
      } catch (err) {
        segmentFailed(s.id, err);
      }
      // Lets the workers' messages in (a segment may be read without awaiting anything).
      await new Promise<void>((r) => setImmediate(r));
    }
  })();
  const workersRead = new Promise<void>((resolve, reject) => {
    if (started.length === 0) {
      resolve();
      return;
    }
    let active = 0;
    const workers: Worker[] = [];
    /** Each worker's segments, in the order it reads them: the first is the one its batches are from. */
    const inFlight = new Map<Worker, number[]>();
    const give = (w: Worker) => {
      const queue = inFlight.get(w) ?? [];
      inFlight.set(w, queue);
      // Two segments ahead while many remain, so a worker never waits for the main thread to
      // finish a segment (it answers between its own) before it gets its next one; near the end,
      // one at a time, for balance.
      while (next < segments.length && queue.length < (segments.length - next > 2 * readers ? 3 : 1)) {
        const s = segments[next++];
        queue.push(s.id);
        w.postMessage({ type: 'segment', segment: s } satisfies ToWorker);
      }
      if (queue.length === 0) {
        w.postMessage({ type: 'stop' } satisfies ToWorker);
        active--;
        if (active === 0) resolve();
      }
    };
    const fail = (err: Error) => {
      failed = true;
      for (const x of workers) void x.terminate();
      reject(err);
    };
    for (const sw of started) {
      const w = sw.worker;
      workers.push(w);
      active++;
      // Segments are handed out now: the port holds them until the worker has loaded its rules.
      // Waiting for the worker to say it is ready meant waiting for the main thread to finish a
      // segment of its own before it heard (all Windows rules: the worker idled 2–4 s at the start).
      give(w);
      w.on('message', (m: FromWorker) => {
        if (m.type === 'batch') onBatch(inFlight.get(w)?.[0], m.batch);
        else if (m.type === 'done' || m.type === 'error') {
          inFlight.get(w)?.shift();
          if (m.type === 'done') {
            bases.done(m.done);
            finish(m.done.seg);
          } else segmentFailed(m.segment ?? -1, new Error(m.message));
          give(w);
        }
      });
      w.on('error', fail);
    }
    const early = started.find((sw) => sw.failed);
    if (early?.failed) fail(early.failed);
  });
  await Promise.all([mainReads, workersRead]);

  // Hits of segments that never reported an end (none expected), in order.
  for (const seg of [...hitsBySeg.keys()].sort((a, b) => a - b)) emitHits(hitsBySeg.get(seg) as EventHit[]);
  hitsBySeg.clear();
  for (const { p, seg } of pendingProblems) {
    opts.onProblem(
      seg >= 0 && p.loc.line !== undefined ? { ...p, loc: { ...p.loc, line: p.loc.line + bases.base(seg) } } : p,
    );
  }

  // The ordered stage: sequences and samples over the events they can use.
  stats.seqEvents = store.count;
  stats.spilledRuns = store.spilledRuns;
  const seqRules = rules.map((r, i) => ({ r, i })).filter(({ r }) => !r.query.filter);
  if (seqRules.length && store.count) {
    progress('sequences');
    const matchers = new Map<number, SequenceMatcher<SeqEvent>>();
    const samplers = new Map<number, SampleCollector<SeqEvent>>();
    for (const { r, i } of seqRules) {
      if (r.query.kind === 'sequence')
        matchers.set(i, new SequenceMatcher<SeqEvent>(r.query, { maxPending: opts.maxPending }));
      else samplers.set(i, new SampleCollector<SeqEvent>(r.query, 1));
    }
    const found: Array<{ rule: number; m: SequenceMatch<SeqEvent> }> = [];
    let order = 0;
    for (const e of store.sorted(opts.pruneSequences === false ? undefined : presence)) {
      order++;
      for (let k = 0; k < e.rules.length; k++) {
        const i = e.rules[k];
        const v = e.verdicts[k];
        const m = matchers.get(i);
        if (m && v) {
          for (const x of m.pushVerdicts(v, e, { ms: v.ms, ns: v.ns, tb: v.tb, seq: order }))
            found.push({ rule: i, m: x });
        } else {
          // Sample rules read the document (the text is parsed once, kept for the alerts).
          samplers.get(i)?.push((e.doc ??= JSON.parse(e.text as string) as EventDoc), e);
        }
      }
      // Partial sequences may hold the event for up to maxspan: its verdicts are not needed again.
      e.verdicts = SPENT;
    }
    stats.seqReplayed = order;
    for (const [i, m] of matchers) {
      for (const x of m.flush()) found.push({ rule: i, m: x });
      stats.sequenceDrops += m.stats.dropped;
      stats.outOfOrder += m.stats.outOfOrder;
    }
    found.sort((a, b) => compareOrdinals(a.m.last, b.m.last));
    // File line numbers (split NDJSON ranges), only for the events that make alerts.
    const located = new Set<SeqEvent>();
    const locate = (e: SeqEvent) => {
      if (located.has(e)) return;
      located.add(e);
      if (e.loc.line !== undefined) e.loc = { ...e.loc, line: e.loc.line + bases.base(e.seg) };
    };
    // Events whose text was not kept: their lines are read back from the inputs for the alerts.
    const reader = new LineReader();
    try {
      for (const { rule, m } of found) {
        const events = m.events.map((e) => (e ? e.payload : null));
        for (const e of events) if (e) locate(e);
        const lost = events.find((e) => e !== null && !withText(e, reader));
        if (lost) {
          opts.onProblem({
            loc: lost.loc,
            kind: 'input-unreadable',
            message: `the file changed while the hunt read it; the sequence alert of rule ${rules[rule].rule.name} was not built`,
          });
          continue;
        }
        opts.onSequence({ rule, kind: 'sequence', keys: m.keys, events });
      }
    } finally {
      reader.close();
    }
    for (const [i, c] of samplers) {
      for (const s of c.flush()) {
        for (const e of s.events) locate(e);
        opts.onSequence({ rule: i, kind: 'sample', keys: s.keys, events: s.events });
      }
    }
  } else store.close();
  progress('done');
  return stats;
}
