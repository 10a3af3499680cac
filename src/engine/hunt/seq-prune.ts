/**
 * Pruning the ordered stage by join keys (a semi-join). A sequence without missing-event stages
 * completes only for a key tuple that events carry at every one of its positive stages: a stage
 * extends only the partial of the same key (`SequenceMatcher.extend`), and a partial never changes
 * key. Once the whole input is read, an event whose tuples are, for every sequence rule it serves,
 * absent from some other stage of that rule can be part of no match: it is not decoded and not
 * replayed. On the bench, six corpus sequences accept nearly every process start as their first
 * stage, while their later stages (network, file, registry events of the same process) are rare.
 *
 * The answer never changes: the presence sets are bitmaps over a hash of the tuple id, so a
 * collision only keeps an event that could have been dropped. Events kept unconditionally: those
 * serving a sample rule or a sequence with missing-event stages (time moving on matters to those),
 * and those carrying `until` tuples. A pruned event only ever sat in a partial that expired or
 * was replaced, so fewer partials can also mean fewer drops under the `maxPending` cap.
 *
 * Workers compute, per event (`pruneEvent`), (rule, stage, hash) triples for the main thread's
 * bitmaps (`KeyPresence.add`) and a line prefix `rule.hash,…|` that travels with the encoded event
 * through sorting and spilled runs; `KeyPresence.keep` reads the prefix at replay.
 */
import type { CompiledQuery } from '../../eql/index.js';
import type { RuleVerdict } from './messages.js';
import type { LineFilter } from './seq-store.js';

/** Bits per (rule, stage) bitmap: 512 KB each; a stage with a million keys fills about a fifth. */
const BITS = 22;
const MASK = (1 << BITS) - 1;

/** How many stages a sequence the pruning applies to has; 0 for any other query. */
export function prunableStageCount(q: CompiledQuery): number {
  if (q.kind !== 'sequence' || q.filter) return 0;
  if (q.stages.some((s) => s.missing)) return 0;
  return q.stages.length;
}

/** A 30-bit hash (FNV-1a over UTF-16 units): small integers stay unboxed in V8. */
export function keyHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/**
 * For one event: appends its (rule, stage, hash) triples to `triples` and returns its line
 * prefix (`rule.hash,…|`), or '' when the event must be kept whatever the keys (see above).
 */
export function pruneEvent(
  rules: readonly number[],
  verdicts: ReadonlyArray<RuleVerdict | null>,
  prunable: ReadonlyArray<number>,
  triples: number[],
): string {
  let prefix = '';
  let keepAlways = false;
  for (let k = 0; k < rules.length; k++) {
    const r = rules[k];
    const v = verdicts[k];
    if (!v || !prunable[r]) {
      keepAlways = true;
      continue;
    }
    // An until event ends partials of its key: kept, its stage keys still count as seen.
    if (v.until) keepAlways = true;
    for (let s = 0; s < v.stages.length; s++) {
      const tuples = v.stages[s];
      if (!tuples) continue;
      for (let t = 0; t < tuples.length; t++) {
        const h = keyHash(tuples[t].id);
        triples.push(r, s, h);
        if (!keepAlways) prefix += `${prefix ? ',' : ''}${r}.${h}`;
      }
    }
  }
  return keepAlways || !prefix ? '' : prefix + '|';
}

/** The main thread's view: which key hashes each stage of each prunable rule has seen. */
export class KeyPresence implements LineFilter {
  private readonly maps: Array<Uint32Array[] | null>;
  /** A text prefix's bytes, for `keep` (prefixes are ASCII). */
  private scratch = new Uint8Array(256);

  constructor(private readonly prunable: ReadonlyArray<number>) {
    // Bitmaps are made on a rule's first triple: most hunts feed few sequence rules.
    this.maps = prunable.map(() => null);
  }

  /** Records triples from `pruneEvent`. */
  add(triples: ArrayLike<number>): void {
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const r = triples[i];
      const stages = this.prunable[r];
      if (!stages) continue;
      let m = this.maps[r];
      if (!m) {
        m = Array.from({ length: stages }, () => new Uint32Array(1 << (BITS - 5)));
        this.maps[r] = m;
      }
      const h = triples[i + 2] & MASK;
      m[triples[i + 1]][h >>> 5] |= 1 << (h & 31);
    }
  }

  /** Whether rule `r`'s every stage has seen a tuple with hash `h`. */
  private complete(r: number, h: number): boolean {
    const m = this.maps[r];
    if (!m) return false;
    const b = h & MASK;
    const word = b >>> 5;
    const bit = 1 << (b & 31);
    for (let s = 0; s < m.length; s++) if ((m[s][word] & bit) === 0) return false;
    return true;
  }

  /**
   * Whether an encoded line (with its prefix, if any) may take part in a match; `end` is where
   * its prefix ends (the `|`), or -1 for a line without one (always kept).
   */
  keep(line: string, end: number): boolean {
    if (end < 0) return true;
    // The `|` too: the parser reads up to it.
    if (this.scratch.length <= end) this.scratch = new Uint8Array(2 * end + 2);
    for (let i = 0; i <= end; i++) this.scratch[i] = line.charCodeAt(i);
    return this.keepBytes(this.scratch, 0, end);
  }

  /** `keep` on the bytes of a prefix, `buf[from, end)`; `buf[end]` must be its `|`, where parsing stops. */
  keepBytes(buf: Uint8Array, from: number, end: number): boolean {
    let i = from;
    while (i < end) {
      let r = 0;
      let c = buf[i];
      while (c !== 46) {
        r = r * 10 + (c - 48);
        c = buf[++i];
      }
      let h = 0;
      c = buf[++i];
      while (c !== 44 && c !== 124) {
        h = h * 10 + (c - 48);
        c = buf[++i];
      }
      i++;
      if (this.complete(r, h)) return true;
    }
    return false;
  }
}

/** Where an encoded line's prefix ends (its `|`), or -1 when it has none (JSON starts with `[`). */
export function prefixEnd(line: string): number {
  return line.charCodeAt(0) === 91 ? -1 : line.indexOf('|');
}
