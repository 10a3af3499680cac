/**
 * Searching bytes for ASCII literals without decoding them: the line prefilter's two tools.
 * `AnchorSearch` finds the next occurrence of any of a few long strings in a block (Horspool's
 * skip loop over a case-folded shift table: most bytes are never looked at); `LiteralAutomaton`
 * reads bytes once each, an Aho–Corasick automaton compiled to a dense transition table over byte
 * classes: it reports which of many strings a line holds, or finds the next of many or short
 * strings in a block.
 *
 * Patterns are printable ASCII (the compiler gives nothing else as a literal). Case-insensitive
 * patterns fold ASCII letters only; what folds to ASCII from outside ASCII is the caller's concern.
 */

import type { SimdSearch, WalkTable } from './simd-search.js';

/** Byte → byte with A–Z folded to a–z. */
const FOLD = new Uint8Array(256).map((_, b) => (b >= 65 && b <= 90 ? b + 32 : b));
const IDENTITY = new Uint8Array(256).map((_, b) => b);

function asciiBytes(s: string, fold: boolean): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e) throw new Error(`not an ASCII literal: ${JSON.stringify(s)}`);
    out[i] = fold ? FOLD[c] : c;
  }
  return out;
}

/**
 * Case-insensitive search for any of a set of strings (set Horspool). The window is as long as the
 * shortest string; its last byte picks the shift, and only windows ending in a byte that ends some
 * string's first `m` bytes are compared in full.
 */
export class AnchorSearch {
  private readonly m: number;
  private readonly shift: Uint8Array;
  /** 1 for the bytes (either case) that end some string's first `m` bytes. */
  private readonly isLast: Uint8Array;
  /** The strings by the folded byte ending their first `m` bytes. */
  private readonly byLast: Uint8Array[][] = Array.from({ length: 256 }, () => []);

  constructor(strings: readonly string[]) {
    if (strings.length === 0) throw new Error('AnchorSearch needs at least one string');
    const pats = strings.map((s) => asciiBytes(s, true));
    // Shifts are bytes: windows longer than 255 gain nothing measurable.
    this.m = Math.min(255, ...pats.map((p) => p.length));
    const m = this.m;
    if (m === 0) throw new Error('AnchorSearch needs non-empty strings');
    this.shift = new Uint8Array(256).fill(m);
    this.isLast = new Uint8Array(256);
    const bothCases = (b: number) => (b >= 97 && b <= 122 ? [b, b - 32] : [b]);
    for (const p of pats) {
      for (let j = 0; j < m - 1; j++)
        for (const b of bothCases(p[j])) this.shift[b] = Math.min(this.shift[b], m - 1 - j);
      for (const b of bothCases(p[m - 1])) this.isLast[b] = 1;
      this.byLast[p[m - 1]].push(p);
    }
  }

  /** Start of the first occurrence at or after `from` that ends by `to`, or -1. */
  find(buf: Uint8Array, from: number, to: number): number {
    const m = this.m;
    const shift = this.shift;
    const isLast = this.isLast;
    let i = from + m - 1;
    while (i < to) {
      const b = buf[i];
      if (isLast[b] === 1) {
        const start = i - m + 1;
        if (this.matchAt(this.byLast[FOLD[b]], buf, start, to)) return start;
      }
      i += shift[b];
    }
    return -1;
  }

  private matchAt(pats: Uint8Array[], buf: Uint8Array, start: number, to: number): boolean {
    for (let k = 0; k < pats.length; k++) {
      const p = pats[k];
      if (start + p.length > to) continue;
      let j = 0;
      while (j < p.length && FOLD[buf[start + j]] === p[j]) j++;
      if (j === p.length) return true;
    }
    return false;
  }
}

/**
 * Which of a set of strings occur in a byte range, in one pass. Each string carries a tag; `scan`
 * calls back once per tag occurrence (a tag may be reported more than once).
 */
export class LiteralAutomaton {
  private readonly classes: Uint8Array;
  private readonly nClasses: number;
  private readonly delta: Int32Array;
  /** Tags reported on entering a state: `outs[outStart[s] .. outStart[s + 1])`. */
  private readonly outStart: Int32Array;
  private readonly outs: Int32Array;
  private readonly maxLength: number;
  /** The same table in WebAssembly memory, for `scanLoaded`. */
  private wasm: { simd: SimdSearch; table: WalkTable } | undefined;

  constructor(patterns: ReadonlyArray<{ text: string; tag: number }>, caseInsensitive: boolean) {
    const fold = caseInsensitive ? FOLD : IDENTITY;
    const bytes = patterns.map((p) => asciiBytes(p.text, caseInsensitive));
    this.maxLength = Math.max(1, ...bytes.map((p) => p.length));
    // Byte classes: one per byte the patterns use, 0 for every other byte.
    const classOf = new Uint8Array(256);
    let n = 1;
    for (const p of bytes) for (const b of p) if (classOf[b] === 0) classOf[b] = n++;
    this.nClasses = n;
    this.classes = new Uint8Array(256).map((_, b) => classOf[fold[b]]);

    // The trie, written straight into the flat transition table (a row of `n` entries per state,
    // -1 for no edge): the rule index builds automata of thousands of states for some fields, and
    // a typed array per state cost most of the construction.
    let delta = new Int32Array(
      Math.max(
        16,
        bytes.reduce((k, p) => k + p.length, 1),
      ) * n,
    ).fill(-1);
    const tags: number[][] = [[]];
    let states = 1;
    bytes.forEach((p, idx) => {
      let st = 0;
      for (const b of p) {
        const at = st * n + classOf[b];
        if (delta[at] < 0) {
          delta[at] = states++;
          tags.push([]);
        }
        st = delta[at];
      }
      tags[st].push(patterns[idx].tag);
    });
    // Shared prefixes make fewer states than the bound: the table is copied to its size.
    delta = delta.slice(0, states * n);
    // Breadth first: failure links folded into the table (missing edges become the failure
    // state's), outputs merged along them.
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let c = 0; c < n; c++) {
      const t = delta[c];
      if (t < 0) delta[c] = 0;
      else {
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const st = queue[q];
      for (const t of tags[fail[st]]) if (!tags[st].includes(t)) tags[st].push(t);
      const row = st * n;
      const failRow = fail[st] * n;
      for (let c = 0; c < n; c++) {
        const t = delta[row + c];
        if (t < 0) delta[row + c] = delta[failRow + c];
        else {
          fail[t] = delta[failRow + c];
          queue.push(t);
        }
      }
    }
    this.outStart = new Int32Array(states + 1);
    const outs: number[] = [];
    for (let st = 0; st < states; st++) {
      this.outStart[st] = outs.length;
      outs.push(...tags[st]);
    }
    this.outStart[states] = outs.length;
    this.outs = Int32Array.from(outs);
    // Entries become the target's row offset (state × classes), negated minus one for states with
    // tags: the scan loop then tests one sign per byte.
    for (let k = 0; k < delta.length; k++) {
      const t = delta[k];
      delta[k] = tags[t].length ? -(t * n) - 1 : t * n;
    }
    this.delta = delta;
  }

  /** Where the first occurrence of any string in `buf[from, to)` ends (its last byte), or -1. */
  findEnd(buf: Uint8Array, from: number, to: number): number {
    const { classes, delta } = this;
    let s = 0;
    for (let i = from; i < to; i++) {
      s = delta[s + classes[buf[i]]];
      if (s < 0) return i;
    }
    return -1;
  }

  /** Copies the table into `simd`'s memory, for `scanLoaded` (before `simd` loads a block). */
  useSimd(simd: SimdSearch): void {
    this.wasm = { simd, table: simd.table(this.classes, this.delta) };
  }

  /**
   * `scan` over [from, to) of the block `useSimd`'s searcher holds, the table walked in
   * WebAssembly (it stops only at states with tags; JavaScript reports their tags).
   */
  scanLoaded(from: number, to: number, onTag: (tag: number) => boolean): boolean {
    const { simd, table } = this.wasm as { simd: SimdSearch; table: WalkTable };
    // Long ranges as two halves at once; the first runs on for the longest string's length less
    // one, so a string that starts in it is whole in it and one starting later is in the second.
    const over = this.maxLength - 1;
    if (to - from >= 64 + 2 * over) {
      const mid = (from + to - over) >> 1;
      const hits = simd.walk2(table, from, mid, mid + over, to);
      if (hits >= 0) {
        for (let h = 0; h < hits; h++) if (this.report(simd.walked(h), onTag)) return true;
        return false;
      }
    }
    let s = 0;
    for (let i = simd.walk(table, 0, from, to); i >= 0; i = simd.walk(table, s, i + 1, to)) {
      s = simd.walkState;
      if (this.report(s, onTag)) return true;
    }
    return false;
  }

  /** Calls `onTag` for the tags of the state at row offset `row`; true when it returns true. */
  private report(row: number, onTag: (tag: number) => boolean | void): boolean {
    const { outStart, outs } = this;
    const st = row / this.nClasses;
    for (let k = outStart[st]; k < outStart[st + 1]; k++) if (onTag(outs[k])) return true;
    return false;
  }

  /**
   * `scan` over the UTF-16 units of `text`: calls `onTag` for each tag found. With `stopAtNonAscii`
   * it returns at the first unit above 0x7f (the caller folds such text itself and scans again)
   * with that unit's position; otherwise such units match nothing. Returns -1 when done.
   */
  scanString(text: string, onTag: (tag: number) => void, stopAtNonAscii: boolean): number {
    const { classes, delta } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        if (stopAtNonAscii) return i;
        s = delta[s];
      } else s = delta[s + classes[c]];
      if (s < 0) {
        s = -s - 1;
        this.report(s, onTag);
      }
    }
    return -1;
  }

  /**
   * Runs over `buf[from, to)`, calling `onTag` for each tag found; stops early when it returns true.
   * Returns whether it stopped early.
   */
  scan(buf: Uint8Array, from: number, to: number, onTag: (tag: number) => boolean): boolean {
    const { classes, delta } = this;
    let s = 0;
    for (let i = from; i < to; i++) {
      s = delta[s + classes[buf[i]]];
      if (s < 0) {
        s = -s - 1;
        if (this.report(s, onTag)) return true;
      }
    }
    return false;
  }
}
