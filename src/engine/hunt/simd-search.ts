/**
 * The line prefilter's byte work in WebAssembly: finding strings and counting a byte in a block,
 * 16 bytes at a step (SIMD), and walking a `LiteralAutomaton`'s table over a line. The anchors and
 * newline counts are native-speed work that JavaScript can only do byte by byte (a Horspool skip
 * loop is a chain of dependent loads), and the native `Buffer.indexOf` has no case-insensitive
 * form; the table walk runs as two interleaved chains, which JavaScript's bounds checks made no
 * faster there.
 *
 * The search is Muła's "generic SIMD" filter: two bytes of the needle, compared at their offsets
 * in 16 candidate positions at once, pick the few positions worth comparing in full. For a letter,
 * `byte | 0x20` equals the lower-case letter exactly when the byte is that letter in either case,
 * so case-insensitive needles cost no more than exact ones.
 *
 * The module is small enough to be assembled here, from the opcodes, rather than built by a
 * toolchain: no build step, and the bytes below are the whole of it.
 */

// --- a minimal WebAssembly encoder -------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY = 0x40;

// Instructions used below, by their spec names.
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  i32_load: 0x28,
  i32_load8_u: 0x2d,
  i32_store: 0x36,
  i32_const: 0x41,
  i32_eqz: 0x45,
  i32_lt_s: 0x48,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_ge_s: 0x4e,
  i32_ctz: 0x68,
  i32_popcnt: 0x69,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_shl: 0x74,
} as const;
const SIMD = 0xfd;
const simd = {
  v128_load: 0x00,
  i8x16_splat: 0x0f,
  i8x16_eq: 0x23,
  v128_and: 0x4e,
  v128_or: 0x50,
  v128_any_true: 0x53,
  i8x16_bitmask: 0x64,
} as const;

const get = (l: number) => [op.local_get, ...uleb(l)];
const set = (l: number) => [op.local_set, ...uleb(l)];
const c32 = (n: number) => [op.i32_const, ...sleb(n)];
const load8 = [op.i32_load8_u, 0, 0];
const load128 = [SIMD, simd.v128_load, 0, 0];
const s = (o: number) => [SIMD, o];
/** `local += k` */
const inc = (l: number, k: number) => [...get(l), ...c32(k), op.i32_add, ...set(l)];
/** `while (!exit) body`: `exit` leaves an i32 on the stack. */
const loopUntil = (exit: number[], body: number[]) => [
  op.block,
  EMPTY,
  op.loop,
  EMPTY,
  ...exit,
  op.br_if,
  1,
  ...body,
  op.br,
  0,
  op.end,
  op.end,
];
/** `if (cond) then`: `cond` leaves an i32 on the stack. */
const when = (cond: number[], then: number[]) => [...cond, op.if, EMPTY, ...then, op.end];
/** `a >= b` (signed) for two locals. */
const geS = (a: number, b: number) => [...get(a), ...get(b), op.i32_ge_s];
/** The 16 bytes at `local + offset` (a local too), or-ed with a splat local, compared with another. */
const eqAt = (p: number, off: number, mask: number, c: number, imm = 0) => [
  ...get(p),
  ...get(off),
  op.i32_add,
  ...[SIMD, simd.v128_load, 0, ...uleb(imm)],
  ...get(mask),
  ...s(simd.v128_or),
  ...get(c),
  ...s(simd.i8x16_eq),
];
/**
 * One step of an automaton table: `st = delta[st + classes[byte at pos]]` (entries are row
 * offsets, negative for states with tags), leaving the new `st` on the stack too.
 */
const tableStep = (delta: number, classes: number, st: number, pos: number) => [
  ...get(delta),
  ...get(st),
  ...get(classes),
  ...get(pos),
  ...load8,
  op.i32_add,
  ...load8,
  op.i32_add,
  ...c32(2),
  op.i32_shl,
  op.i32_add,
  op.i32_load,
  2,
  0,
  op.local_tee,
  ...uleb(st),
];

/**
 * `find(np, m, i1, i2, o1, o2, ci, from, to)`: the first `p` in [from, to - m] where the `m` bytes
 * at `np` (lower case when `ci`) occur, or -1. `i1`, `i2` are the needle offsets the vector filter
 * compares; `o1`, `o2` are 0x20 where that needle byte is a letter of a case-insensitive needle.
 */
function findBody(): number[] {
  const [np, m, i1, i2, o1, o2, ci, from, to] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [last, p, mask, q, c1, c2, m1, m2] = [9, 10, 11, 12, 13, 14, 15, 16];
  const verify = (at: number) => [...get(np), ...get(m), ...get(ci), ...get(at), 0x10, 1]; // call $verify
  const splatAt = (off: number) => [...get(np), ...get(off), op.i32_add, ...load8, ...s(simd.i8x16_splat)];
  return [
    ...vec([
      [4, I32],
      [4, V128],
    ]),
    ...get(to),
    ...get(m),
    op.i32_sub,
    ...set(last),
    ...splatAt(i1),
    ...set(c1),
    ...splatAt(i2),
    ...set(c2),
    ...get(o1),
    ...s(simd.i8x16_splat),
    ...set(m1),
    ...get(o2),
    ...s(simd.i8x16_splat),
    ...set(m2),
    ...get(from),
    ...set(p),
    // 16 candidate starts per step while all of them (and their bytes at i1, i2) lie in range.
    ...loopUntil(
      [...get(p), ...c32(15), op.i32_add, ...get(last), op.i32_gt_s],
      [
        // Stretches without a candidate, 32 starts at a time: one test of both halves at once.
        ...loopUntil(
          [
            // Out of range ends it before anything past the block is read.
            ...get(p),
            ...c32(31),
            op.i32_add,
            ...get(last),
            op.i32_gt_s,
            op.if,
            I32,
            ...c32(1),
            op.else,
            ...eqAt(p, i1, m1, c1),
            ...eqAt(p, i2, m2, c2),
            ...s(simd.v128_and),
            ...eqAt(p, i1, m1, c1, 16),
            ...eqAt(p, i2, m2, c2, 16),
            ...s(simd.v128_and),
            ...s(simd.v128_or),
            ...s(simd.v128_any_true),
            op.end,
          ],
          inc(p, 32),
        ),
        // The skip may have run past the last whole step: the loop's own test ends it then.
        ...when(
          [...get(p), ...c32(15), op.i32_add, ...get(last), op.i32_gt_s, op.i32_eqz],
          [
            ...eqAt(p, i1, m1, c1),
            ...eqAt(p, i2, m2, c2),
            ...s(simd.v128_and),
            ...s(simd.i8x16_bitmask),
            ...set(mask),
            // Each candidate, lowest first: compared in full.
            ...loopUntil(
              [...get(mask), op.i32_eqz],
              [
                ...get(p),
                ...get(mask),
                op.i32_ctz,
                op.i32_add,
                ...set(q),
                ...when(verify(q), [...get(q), op.return]),
                ...get(mask),
                ...get(mask),
                ...c32(1),
                op.i32_sub,
                op.i32_and,
                ...set(mask),
              ],
            ),
            ...inc(p, 16),
          ],
        ),
      ],
    ),
    // The last few starts one by one.
    ...loopUntil([...get(p), ...get(last), op.i32_gt_s], [...when(verify(p), [...get(p), op.return]), ...inc(p, 1)]),
    ...c32(-1),
    op.end,
  ];
}

/** `verify(np, m, ci, q)`: 1 when the `m` bytes at `q` equal the needle at `np` (A–Z folded when `ci`). */
function verifyBody(): number[] {
  const [np, m, ci, q] = [0, 1, 2, 3];
  const [j, b] = [4, 5];
  return [
    ...vec([[2, I32]]),
    ...loopUntil(geS(j, m), [
      ...get(q),
      ...get(j),
      op.i32_add,
      ...load8,
      ...set(b),
      // An upper-case letter of a case-insensitive needle's text compares as lower case.
      ...when(
        [...get(ci), ...get(b), ...c32(65), op.i32_sub, ...c32(26), op.i32_lt_u, op.i32_and],
        [...get(b), ...c32(32), op.i32_or, ...set(b)],
      ),
      ...when([...get(b), ...get(np), ...get(j), op.i32_add, ...load8, op.i32_ne], [...c32(0), op.return]),
      ...inc(j, 1),
    ]),
    ...c32(1),
    op.end,
  ];
}

/** `count(byte, from, to)`: how many times `byte` occurs in [from, to). */
function countBody(): number[] {
  const [byte, from, to] = [0, 1, 2];
  const [p, n, c] = [3, 4, 5];
  return [
    ...vec([
      [2, I32],
      [1, V128],
    ]),
    ...get(byte),
    ...s(simd.i8x16_splat),
    ...set(c),
    ...get(from),
    ...set(p),
    ...loopUntil(
      [...get(p), ...c32(16), op.i32_add, ...get(to), op.i32_gt_s],
      [
        ...get(n),
        ...get(p),
        ...load128,
        ...get(c),
        ...s(simd.i8x16_eq),
        ...s(simd.i8x16_bitmask),
        op.i32_popcnt,
        op.i32_add,
        ...set(n),
        ...inc(p, 16),
      ],
    ),
    ...loopUntil(geS(p, to), [
      ...get(n),
      ...get(p),
      ...load8,
      ...get(byte),
      op.i32_eq,
      op.i32_add,
      ...set(n),
      ...inc(p, 1),
    ]),
    ...get(n),
    op.end,
  ];
}

/**
 * `walk(delta, classes, state, from, to)`: runs a `LiteralAutomaton`'s table (its `delta` entries
 * at `delta`, its byte classes at `classes`) from row offset `state` over [from, to). At the first
 * byte entering a state with tags it stores that state's row offset at address 0 and returns the
 * byte's position; -1 at `to`.
 */
function walkBody(): number[] {
  const [delta, classes, state, from, to] = [0, 1, 2, 3, 4];
  const p = 5;
  return [
    ...vec([[1, I32]]),
    ...get(from),
    ...set(p),
    ...loopUntil(geS(p, to), [
      ...tableStep(delta, classes, state, p),
      ...c32(0),
      op.i32_lt_s,
      op.if,
      EMPTY,
      ...c32(0),
      ...c32(-1),
      ...get(state),
      op.i32_sub,
      op.i32_store,
      2,
      0,
      ...get(p),
      op.return,
      op.end,
      ...inc(p, 1),
    ]),
    ...c32(-1),
    op.end,
  ];
}

/** Where `walk2` writes the states it enters with tags, and how many it may write. */
const OUT_AT = 3072;
const OUT_CAP = 256;

/**
 * `walk2(delta, classes, from, mid, endA, to)`: the table run as two independent chains, over
 * [from, endA) and [mid, to), interleaved: each byte's step waits on the one before it in its own
 * chain only, so two run in the time of one. Every state with tags entered is written (its row
 * offset) from `OUT_AT`; returns how many, or -1 past `OUT_CAP`.
 */
function walk2Body(): number[] {
  const [delta, classes, from, mid, endA, to] = [0, 1, 2, 3, 4, 5];
  const [a, b, i, j, n] = [6, 7, 8, 9, 10];
  /** One step of chain `st` at position `pos`, recording a state with tags. */
  const step = (st: number, pos: number) => [
    ...tableStep(delta, classes, st, pos),
    ...c32(0),
    op.i32_lt_s,
    op.if,
    EMPTY,
    ...c32(-1),
    ...get(st),
    op.i32_sub,
    ...set(st),
    ...when([...get(n), ...c32(OUT_CAP), op.i32_ge_s], [...c32(-1), op.return]),
    ...get(n),
    ...c32(2),
    op.i32_shl,
    ...get(st),
    op.i32_store,
    2,
    ...uleb(OUT_AT),
    ...inc(n, 1),
    op.end,
    ...inc(pos, 1),
  ];
  return [
    ...vec([[5, I32]]),
    ...get(from),
    ...set(i),
    ...get(mid),
    ...set(j),
    // Both chains while both last; then the rest of each.
    ...loopUntil([...geS(i, endA), ...geS(j, to), op.i32_or], [...step(a, i), ...step(b, j)]),
    ...loopUntil(geS(i, endA), step(a, i)),
    ...loopUntil(geS(j, to), step(b, j)),
    ...get(n),
    op.end,
  ];
}

function moduleBytes(): Uint8Array {
  const name = (t: string) => [...uleb(t.length), ...Buffer.from(t, 'latin1')];
  const fn = (params: number, results: number) => [0x60, ...uleb(params), ...Array(params).fill(I32), results, I32];
  const body = (b: number[]) => [...uleb(b.length), ...b];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([fn(9, 1), fn(4, 1), fn(3, 1), fn(5, 1), fn(6, 1)])),
    ...section(3, vec([[0], [1], [2], [3], [4]])),
    // One memory, grown by the caller as blocks need.
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('find'), 0x00, 0],
        [...name('count'), 0x00, 2],
        [...name('walk'), 0x00, 3],
        [...name('walk2'), 0x00, 4],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vec([body(findBody()), body(verifyBody()), body(countBody()), body(walkBody()), body(walk2Body())])),
  ]);
}

// --- the searcher ---------------------------------------------------------------------------------

/** The part of the WebAssembly API used here (the project's `lib` settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  find(
    np: number,
    m: number,
    i1: number,
    i2: number,
    o1: number,
    o2: number,
    ci: number,
    from: number,
    to: number,
  ): number;
  count(byte: number, from: number, to: number): number;
  walk(delta: number, classes: number, state: number, from: number, to: number): number;
  walk2(delta: number, classes: number, from: number, mid: number, endA: number, to: number): number;
  memory: WasmMemory;
}

/** A registered automaton table, for `walk`. */
export interface WalkTable {
  readonly delta: number;
  readonly classes: number;
}

/** A registered needle: where its bytes are and which two of them the vector filter compares. */
export interface Needle {
  readonly text: string;
  readonly at: number;
  readonly m: number;
  readonly i1: number;
  readonly i2: number;
  readonly o1: number;
  readonly o2: number;
  readonly ci: number;
}

/**
 * The memory: `walk`'s result state at 0, needles from 16 to `NEEDLE_SPACE`, automaton tables
 * after them, then the block.
 */
const NEEDLE_SPACE = 4096;
const NEEDLES_AT = 16;
const NEEDLES_END = OUT_AT;
const PAGE = 65536;

/**
 * How often a byte appears in ECS JSON, roughly (lower is rarer): the filter compares the needle's
 * two rarest bytes, so fewer candidates need the full comparison.
 */
function commonness(b: number): number {
  if (b === 0x22 || b === 0x3a || b === 0x2c || b === 0x5c || b === 0x2f || b === 0x2e || b === 0x20) return 9;
  if ('etaoinsr'.includes(String.fromCharCode(b))) return 8;
  if ('lcdumhpfgbyw_-0123456789'.includes(String.fromCharCode(b))) return 5;
  if (b >= 0x61 && b <= 0x7a) return 3;
  return 1;
}

let compiled: WasmModule | null | undefined;

function wasmModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = wasm ? new wasm.Module(moduleBytes()) : null;
    } catch {
      // No WebAssembly SIMD (an old or restricted runtime): callers keep their JavaScript search.
      compiled = null;
    }
  }
  return compiled;
}

/**
 * One block of bytes at a time, copied into WebAssembly memory by `load`; positions in and out are
 * the caller's buffer positions.
 */
export class SimdSearch {
  private readonly x: Exports;
  private mem: Uint8Array;
  private needleEnd = NEEDLES_AT;
  /** Where the block goes: after the tables. */
  private base = NEEDLE_SPACE;
  /** Memory position minus buffer position for the loaded block. */
  private delta = NEEDLE_SPACE;
  private loadedTo = -1;
  private view32: Int32Array;

  private constructor(mod: WasmModule) {
    this.x = new (wasm as WasmApi).Instance(mod).exports as Exports;
    this.mem = new Uint8Array(this.x.memory.buffer);
    this.view32 = new Int32Array(this.x.memory.buffer, 0, NEEDLE_SPACE >> 2);
  }

  /** A searcher, or undefined when this runtime has no WebAssembly SIMD. */
  static create(): SimdSearch | undefined {
    const mod = wasmModule();
    return mod ? new SimdSearch(mod) : undefined;
  }

  /** Registers a needle of bytes (one per character, at most 255); `ci` folds A–Z. */
  needle(text: string, ci: boolean): Needle {
    const m = text.length;
    if (m === 0 || m > 255) throw new Error(`needle length ${m} out of range`);
    if (this.needleEnd + m > NEEDLES_END) throw new Error('too many needles');
    const at = this.needleEnd;
    for (let k = 0; k < m; k++) {
      const c = text.charCodeAt(k);
      if (c > 0xff) throw new Error(`not a byte string: ${JSON.stringify(text)}`);
      this.mem[at + k] = ci && c >= 65 && c <= 90 ? c + 32 : c;
    }
    this.needleEnd += m;
    // The two rarest bytes, the first of equals preferred; a one-byte needle compares it twice.
    const order = [...Array(m).keys()].sort(
      (a, b) => commonness(this.mem[at + a]) - commonness(this.mem[at + b]) || a - b,
    );
    const [i1, i2] = m === 1 ? [0, 0] : [order[0], order[1]];
    const fold = (i: number) => (ci && this.mem[at + i] >= 97 && this.mem[at + i] <= 122 ? 0x20 : 0);
    return { text, at, m, i1, i2, o1: fold(i1), o2: fold(i2), ci: ci ? 1 : 0 };
  }

  /** Registers an automaton's tables (before any block is loaded). */
  table(classes: Uint8Array, delta: Int32Array): WalkTable {
    if (this.loadedTo >= 0) throw new Error('tables are registered before blocks are loaded');
    const d = this.base;
    const c = d + delta.byteLength;
    this.reserve(c + classes.length + 16);
    new Int32Array(this.mem.buffer, d, delta.length).set(delta);
    this.mem.set(classes, c);
    // 16-byte alignment for the next table and the block.
    this.base = (c + classes.length + 15) & ~15;
    return { delta: d, classes: c };
  }

  private reserve(bytes: number): void {
    if (bytes > this.mem.length) {
      this.x.memory.grow(Math.ceil((bytes - this.mem.length) / PAGE));
      this.mem = new Uint8Array(this.x.memory.buffer);
      this.view32 = new Int32Array(this.x.memory.buffer, 0, NEEDLE_SPACE >> 2);
    }
  }

  /**
   * A buffer of `size` bytes in this searcher's memory, where the blocks go: a block read into it
   * is loaded without a copy. It stays usable until a larger block, loaded from elsewhere, grows
   * the memory (then its length is 0 and the caller takes a new one or an ordinary buffer).
   * Tables must all be registered before.
   */
  blockBuffer(size: number): Buffer {
    this.loadedTo = Math.max(this.loadedTo, 0);
    // 16 spare bytes: a vector load near the end never reads past the memory.
    this.reserve(this.base + size + 16);
    return Buffer.from(this.x.memory.buffer, this.base, size);
  }

  /** Copies `buf[from, to)` into memory (unless it is there already); later calls search it, in `buf`'s positions. */
  load(buf: Uint8Array, from: number, to: number): void {
    if (buf.buffer === this.x.memory.buffer && buf.byteOffset === this.base) {
      // A block read into `blockBuffer`: in place already.
      this.delta = this.base;
      this.loadedTo = to;
      return;
    }
    this.reserve(this.base + (to - from) + 16);
    this.mem.set(buf.subarray(from, to), this.base);
    this.delta = this.base - from;
    this.loadedTo = to;
  }

  /**
   * Runs table `t` from row offset `state` over [from, to) of the loaded block: the position of the
   * first byte that enters a state with tags (that state's row offset is then `walkState`), or -1.
   */
  walk(t: WalkTable, state: number, from: number, to: number): number {
    const d = this.delta;
    const r = this.x.walk(t.delta, t.classes, state, from + d, Math.min(to, this.loadedTo) + d);
    return r < 0 ? -1 : r - d;
  }

  /**
   * Runs table `t` from its start state as two chains, over [from, endA) and [mid, to) of the
   * loaded block, both to their ends: how many states with tags they entered (`walked(k)` is the
   * k-th one's row offset, in no useful order), or -1 when more than fit.
   */
  walk2(t: WalkTable, from: number, mid: number, endA: number, to: number): number {
    const d = this.delta;
    return this.x.walk2(t.delta, t.classes, from + d, mid + d, endA + d, to + d);
  }

  walked(k: number): number {
    return this.view32[(OUT_AT >> 2) + k];
  }

  /** The state `walk` stopped in. */
  get walkState(): number {
    return this.view32[0];
  }

  /** The first occurrence of `n` starting at or after `from` and ending by `to` (≤ the loaded end), or -1. */
  find(n: Needle, from: number, to: number): number {
    const d = this.delta;
    const r = this.x.find(n.at, n.m, n.i1, n.i2, n.o1, n.o2, n.ci, from + d, Math.min(to, this.loadedTo) + d);
    return r < 0 ? -1 : r - d;
  }

  /** How many times `byte` occurs in [from, to) of the loaded block. */
  count(byte: number, from: number, to: number): number {
    const d = this.delta;
    return to > from ? this.x.count(byte, from + d, Math.min(to, this.loadedTo) + d) : 0;
  }
}
