/**
 * The WebAssembly searches against the obvious JavaScript ones, on random text over a small
 * alphabet (so that candidate bytes, partial matches, overlaps and case variants are frequent), at
 * random offsets so that the 16-byte steps and the one-by-one tails both meet matches.
 */
import { describe, expect, it } from 'vitest';
import { LiteralAutomaton } from '../../../src/engine/hunt/byte-search.js';
import { SimdSearch } from '../../../src/engine/hunt/simd-search.js';
import { seededRandom } from '../../helpers/rng.js';

const ALPHABET = 'cmdCMD.eExX\\u \n"\u00e9';

function randomText(r: () => number, n: number): Buffer {
  let t = '';
  for (let i = 0; i < n; i++) t += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return Buffer.from(t, 'utf8');
}

function randomNeedle(r: () => number): string {
  const len = 1 + Math.floor(r() * 7);
  let p = '';
  // Bytes the alphabet's UTF-8 holds, raw ones included (the hazard search looks for raw UTF-8).
  const bytes = 'cmdCMD.eExX\\u \n"\xc3\xa9';
  for (let j = 0; j < len; j++) p += bytes[Math.floor(r() * bytes.length)];
  return p;
}

/** A–Z folded, on a latin1 view where byte offsets are string offsets. */
const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

const simd = SimdSearch.create();

describe('SimdSearch', () => {
  it('is available on this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(simd).toBeDefined();
  });

  it('finds every occurrence of a needle, case-folded or exact, like indexOf on folded text', () => {
    const r = seededRandom(21);
    for (let round = 0; round < 300; round++) {
      const s = SimdSearch.create() as SimdSearch;
      const ci = r() < 0.5;
      const text = randomNeedle(r);
      const needle = s.needle(text, ci);
      const buf = randomText(r, 20 + Math.floor(r() * 400));
      const from = Math.floor(r() * 20);
      const to = buf.length - Math.floor(r() * 20);
      // The block loaded may start before `from` (a scan loads once and searches from several
      // places) and end after `to` (an occurrence must end by `to` all the same).
      const loadFrom = Math.floor(r() * (from + 1));
      s.load(buf, loadFrom, r() < 0.5 ? to : buf.length);
      const hay = ci ? foldAscii(buf.toString('latin1')) : buf.toString('latin1');
      const want = ci ? foldAscii(text) : text;
      const expected: number[] = [];
      for (let i = hay.indexOf(want, from); i >= 0 && i + want.length <= to; i = hay.indexOf(want, i + 1))
        expected.push(i);
      const found: number[] = [];
      for (let i = s.find(needle, from, to); i >= 0; i = s.find(needle, i + 1, to)) found.push(i);
      expect(found, `${JSON.stringify(text)} (${ci ? 'ci' : 'exact'}) in ${JSON.stringify(hay)}`).toEqual(expected);
    }
  });

  it('finds an occurrence that ends exactly at the end of the range, and none that crosses it', () => {
    const s = SimdSearch.create() as SimdSearch;
    for (let m = 1; m <= 9; m++) {
      const needle = s.needle('cmd.exe!!'.slice(0, m), true);
      for (let at = 0; at < 40; at++) {
        const buf = Buffer.alloc(80, 'x');
        buf.write('CMD.EXE!!'.slice(0, m), at, 'latin1');
        // The bytes after the range are loaded too: only the range's end may stop the search.
        s.load(buf, 0, buf.length);
        expect(s.find(needle, 0, at + m), `m=${m} at=${at}`).toBe(at);
        expect(s.find(needle, 0, at + m - 1), `m=${m} at=${at}, one byte short`).toBe(-1);
        expect(s.find(needle, at + 1, buf.length), `m=${m} from after it`).toBe(-1);
      }
    }
  });

  it('counts a byte like a loop over the bytes', () => {
    const r = seededRandom(22);
    const s = simd as SimdSearch;
    for (let round = 0; round < 200; round++) {
      const buf = randomText(r, Math.floor(r() * 300));
      const from = Math.floor(r() * Math.min(20, buf.length + 1));
      const to = Math.max(from, buf.length - Math.floor(r() * 20));
      s.load(buf, 0, buf.length);
      let expected = 0;
      for (let i = from; i < to; i++) if (buf[i] === 10) expected++;
      expect(s.count(10, from, to)).toBe(expected);
    }
  });

  it('grows its memory for a larger block and keeps its needles', () => {
    const s = SimdSearch.create() as SimdSearch;
    const n = s.needle('CMD.exe', true);
    const big = Buffer.alloc(3 << 20, 'x');
    big.write('Cmd.Exe', big.length - 9, 'latin1');
    s.load(Buffer.from('cmd.exe'), 0, 7);
    expect(s.find(n, 0, 7)).toBe(0);
    s.load(big, 0, big.length);
    expect(s.find(n, 0, big.length)).toBe(big.length - 9);
  });

  it('searches a block read into its own buffer where it lies, and lets that buffer go when it grows', () => {
    const r = seededRandom(11);
    const s = SimdSearch.create() as SimdSearch;
    const n = s.needle('cmd.exe', true);
    const own = s.blockBuffer(1 << 16);
    for (let round = 0; round < 20; round++) {
      // Written into the buffer as a read would, not through `load`'s copy.
      randomText(r, 1 << 16).copy(own);
      own.write('CMD.EXE', Math.floor(r() * ((1 << 16) - 7)), 'latin1');
      const text = Buffer.from(own);
      const from = Math.floor(r() * 100);
      s.load(own, from, own.length);
      const want = foldAscii(text.toString('latin1')).indexOf('cmd.exe', from);
      expect(s.find(n, from, own.length)).toBe(want);
      expect(s.count(10, from, own.length)).toBe(text.subarray(from).filter((b) => b === 10).length);
      // A view of it (what a scan bounded at a line end passes) is in place too.
      expect(s.find(n, from, own.length - 1)).toBe(want + 7 <= own.length - 1 ? want : -1);
    }
    // A larger block from elsewhere grows the memory: the old buffer is let go, a new one works.
    const big = Buffer.alloc(4 << 20, 'x');
    big.write('cmd.exe', 5, 'latin1');
    s.load(big, 0, big.length);
    expect(s.find(n, 0, big.length)).toBe(5);
    expect(own.length).toBe(0);
    const again = s.blockBuffer(1 << 16);
    again.fill('y');
    again.write('Cmd.exe', 100, 'latin1');
    s.load(again, 0, again.length);
    expect(s.find(n, 0, again.length)).toBe(100);
  });
});

describe('LiteralAutomaton in WebAssembly', () => {
  for (const ci of [true, false]) {
    it(`reports the same tags as the JavaScript scan, one chain or two (${ci ? 'case-insensitive' : 'case-sensitive'})`, () => {
      const r = seededRandom(ci ? 23 : 24);
      for (let round = 0; round < 300; round++) {
        const s = SimdSearch.create() as SimdSearch;
        const pats = Array.from({ length: 1 + Math.floor(r() * 12) }, () =>
          randomNeedle(r).replace(/[^\x20-\x7e]/g, 'x'),
        );
        const tagged = pats.map((text, i) => ({ text, tag: i % 5 }));
        const auto = new LiteralAutomaton(tagged, ci);
        auto.useSimd(s);
        // Short ranges take one chain, long ones two.
        const buf = randomText(r, 10 + Math.floor(r() * (r() < 0.5 ? 60 : 600)));
        const from = Math.floor(r() * 10);
        const to = buf.length - Math.floor(r() * 10);
        s.load(buf, 0, buf.length);
        const expected = new Set<number>();
        auto.scan(buf, from, to, (t) => (expected.add(t), false));
        const found = new Set<number>();
        expect(auto.scanLoaded(from, to, (t) => (found.add(t), false))).toBe(false);
        expect(
          [...found].sort(),
          `${JSON.stringify(pats)} in ${JSON.stringify(buf.toString('latin1', from, to))}`,
        ).toEqual([...expected].sort());
        if (expected.size) expect(auto.scanLoaded(from, to, () => true)).toBe(true);
      }
    });
  }

  it("finds a string wherever it lies, across the two chains' meeting point included", () => {
    const s = SimdSearch.create() as SimdSearch;
    const auto = new LiteralAutomaton(
      [
        { text: 'needle', tag: 0 },
        { text: 'ne', tag: 1 },
      ],
      true,
    );
    auto.useSimd(s);
    for (let at = 0; at + 6 <= 200; at++) {
      const buf = Buffer.alloc(200, '.');
      buf.write('NeEdLe', at, 'latin1');
      s.load(buf, 0, buf.length);
      const found = new Set<number>();
      auto.scanLoaded(0, buf.length, (t) => (found.add(t), false));
      expect([...found].sort(), `at ${at}`).toEqual([0, 1]);
    }
  });

  it('falls back to one chain when a range enters more tagged states than the two chains can list', () => {
    const s = SimdSearch.create() as SimdSearch;
    const auto = new LiteralAutomaton(
      [
        { text: 'a', tag: 0 },
        { text: 'zq', tag: 1 },
      ],
      false,
    );
    auto.useSimd(s);
    // 2,000 hits of `a`, and the one `zq` at the very end.
    const buf = Buffer.from('a'.repeat(2000) + 'zq', 'latin1');
    s.load(buf, 0, buf.length);
    const found = new Set<number>();
    auto.scanLoaded(0, buf.length, (t) => (found.add(t), false));
    expect([...found].sort()).toEqual([0, 1]);
  });
});
