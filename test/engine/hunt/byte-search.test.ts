/**
 * The prefilter's byte searches against the obvious string searches, on random text over a small
 * alphabet (so that partial matches, overlaps and case variants are frequent).
 */
import { describe, expect, it } from 'vitest';
import { AnchorSearch, LiteralAutomaton } from '../../../src/engine/hunt/byte-search.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = 'abcABC.e\\x-/ \u00e9';

function randomText(r: () => number, n: number): string {
  let t = '';
  for (let i = 0; i < n; i++) t += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return t;
}

function randomPatterns(r: () => number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(r() * 5);
    let p = '';
    // ASCII only: the compiler gives no other literal.
    for (let j = 0; j < len; j++) p += ALPHABET[Math.floor(r() * (ALPHABET.length - 1))];
    out.push(p);
  }
  return out;
}

/** Byte offsets of a string's characters in its UTF-8 form. */
function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

describe('AnchorSearch', () => {
  it('finds the first case-insensitive occurrence of any string, like a lower-cased indexOf', () => {
    const r = rng(7);
    for (let round = 0; round < 400; round++) {
      const pats = randomPatterns(r, 1 + Math.floor(r() * 4));
      const text = randomText(r, 200);
      const buf = utf8(text);
      // The same search on latin1 bytes as a string: byte offsets line up.
      const lower = buf.toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase());
      const search = new AnchorSearch(pats);
      const from = Math.floor(r() * 50);
      const to = buf.length - Math.floor(r() * 50);
      const expected = Math.min(
        ...pats.map((p) => {
          const i = lower.indexOf(p.toLowerCase(), from);
          return i >= 0 && i + p.length <= to ? i : Infinity;
        }),
      );
      expect(search.find(buf, from, to), `${JSON.stringify(pats)} in ${JSON.stringify(text)}`).toBe(
        expected === Infinity ? -1 : expected,
      );
    }
  });
});

describe('LiteralAutomaton', () => {
  for (const ci of [true, false]) {
    it(`reports exactly the tags of the strings a range holds (${ci ? 'case-insensitive' : 'case-sensitive'})`, () => {
      const r = rng(ci ? 11 : 13);
      for (let round = 0; round < 400; round++) {
        const pats = randomPatterns(r, 1 + Math.floor(r() * 12));
        const tagged = pats.map((text, i) => ({ text, tag: i % 5 }));
        const auto = new LiteralAutomaton(tagged, ci);
        const text = randomText(r, 120);
        const buf = utf8(text);
        const from = Math.floor(r() * 30);
        const to = buf.length - Math.floor(r() * 30);
        const hay = buf.toString('latin1', from, to);
        const norm = (s: string) => (ci ? s.replace(/[A-Z]/g, (c) => c.toLowerCase()) : s);
        const expected = new Set(tagged.filter((p) => norm(hay).includes(norm(p.text))).map((p) => p.tag));
        const found = new Set<number>();
        expect(auto.scan(buf, from, to, (t) => (found.add(t), false))).toBe(false);
        expect([...found].sort(), `${JSON.stringify(pats)} in ${JSON.stringify(hay)}`).toEqual([...expected].sort());
        // Stopping early: the callback's true ends the scan and is reported.
        if (expected.size) expect(auto.scan(buf, from, to, () => true)).toBe(true);
      }
    });
  }
});
