import { describe, expect, it } from 'vitest';
import { ReorderBuffer } from '../../src/eql/reorder.js';

const o = (ms: number, seq = ms) => ({ ms, ns: 0, tb: undefined, seq });

describe('ReorderBuffer', () => {
  it('releases events in order once the stream has moved a window past them', () => {
    const b = new ReorderBuffer<string>(1000);
    expect(b.push('a@5000', o(5000)).ready).toEqual([]);
    expect(b.push('b@4500', o(4500)).ready).toEqual([]);
    expect(b.push('c@5600', o(5600)).ready).toEqual(['b@4500']);
    expect(b.push('d@7000', o(7000)).ready).toEqual(['a@5000', 'c@5600']);
    expect(b.flush()).toEqual(['d@7000']);
  });

  it('counts an event too late to be placed and does not release it', () => {
    const b = new ReorderBuffer<string>(1000);
    b.push('a', o(10_000));
    b.push('b', o(12_000)); // releases a
    const r = b.push('late', o(9_000));
    expect(r.late).toBe(true);
    expect(b.stats.late).toBe(1);
    expect(b.flush()).toEqual(['b']);
  });

  it('keeps memory bounded: beyond maxHeld the oldest are released early and counted', () => {
    const b = new ReorderBuffer<number>(3_600_000, 100);
    let released = 0;
    for (let i = 0; i < 1000; i++) released += b.push(i, o(i)).ready.length;
    expect(b.stats.held).toBeLessThanOrEqual(100);
    expect(released).toBe(900);
    expect(b.stats.forced).toBe(900);
  });
});
