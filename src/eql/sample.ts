/**
 * `sample by …` (SEMANTICS §11): no time order. Key combinations present in every filter are
 * visited in ascending key order (nulls first, strings by code point, numbers by value, dates as
 * epoch ms); within a combination each filter's candidates are taken in input order, at most
 * (filters × max_samples_per_key) of them, and the first `max_samples_per_key` samples found by
 * backtracking (one event per filter, no event twice in a sample) are kept.
 *
 * A sample is final only when the input is complete, so this collector emits at `flush`.
 */
import { compareCodePoints } from './compiler.js';
import { keyTuples, type KeyValue } from './keys.js';
import type { CompiledQuery } from './query.js';

export interface SampleMatch<T> {
  keys: KeyValue[];
  events: T[];
}

interface Bucket<T> {
  values: KeyValue[];
  /** Candidates per filter, input order, capped. */
  perFilter: T[][];
  /** Identity of each candidate (its input sequence number) to forbid reuse within one sample. */
  ids: number[][];
}

function compareKeyValue(a: KeyValue, b: KeyValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  return String(a) < String(b) ? -1 : 1;
}

export class SampleCollector<T> {
  private readonly buckets = new Map<string, Bucket<T>>();
  private seq = 0;
  private readonly cap: number;

  constructor(
    private readonly q: CompiledQuery,
    private readonly maxSamplesPerKey = 1,
  ) {
    if (q.kind !== 'sample') throw new Error('SampleCollector needs a sample query');
    this.cap = q.stages.length * maxSamplesPerKey;
  }

  push(doc: Record<string, unknown>, payload: T): void {
    const id = this.seq++;
    const n = this.q.stages.length;
    this.q.stages.forEach((stage, i) => {
      if (!stage.filter(doc)) return;
      for (const key of keyTuples(stage.keys, doc)) {
        let b = this.buckets.get(key.id);
        if (!b) {
          b = {
            values: key.values,
            perFilter: Array.from({ length: n }, () => []),
            ids: Array.from({ length: n }, () => []),
          };
          this.buckets.set(key.id, b);
        }
        if (b.perFilter[i].length < this.cap) {
          b.perFilter[i].push(payload);
          b.ids[i].push(id);
        }
      }
    });
  }

  flush(): SampleMatch<T>[] {
    const complete = [...this.buckets.values()].filter((b) => b.perFilter.every((l) => l.length > 0));
    complete.sort((x, y) => {
      for (let i = 0; i < x.values.length; i++) {
        const c = compareKeyValue(x.values[i], y.values[i]);
        if (c !== 0) return c;
      }
      return 0;
    });
    const out: SampleMatch<T>[] = [];
    for (const b of complete) {
      for (const picks of this.pick(b)) out.push({ keys: b.values, events: picks.map((p, i) => b.perFilter[i][p]) });
    }
    this.buckets.clear();
    return out;
  }

  /** Depth-first over candidates in input order; the first `maxSamplesPerKey` valid choices win. */
  private pick(b: Bucket<T>): number[][] {
    const found: number[][] = [];
    const n = b.perFilter.length;
    const chosen: number[] = [];
    const usedIds: number[] = [];
    const rec = (stage: number): boolean => {
      for (let c = 0; c < b.perFilter[stage].length; c++) {
        const id = b.ids[stage][c];
        if (usedIds.includes(id)) continue;
        chosen.push(c);
        usedIds.push(id);
        if (stage === n - 1) {
          found.push([...chosen]);
          if (found.length >= this.maxSamplesPerKey) return true;
        } else if (rec(stage + 1)) return true;
        chosen.pop();
        usedIds.pop();
      }
      return false;
    };
    rec(0);
    return found;
  }
}
