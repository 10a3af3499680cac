import { describe, expect, it } from 'vitest';
import { documentsIntersection } from '../../../src/engine/alerts/index.js';

// Cases from Kibana's build_alert_group_from_sequence.test.ts (objectPairIntersection).
const pair = (a: Record<string, unknown>, b: Record<string, unknown>) => documentsIntersection([a, b]);

describe('shell intersection', () => {
  it('intersects arrays, scalars against arrays, and drops unequal values', () => {
    expect(pair({ f: [1] }, { f: [1] })).toEqual({ f: [1] });
    expect(pair({ f: 1 }, { f: [1, 2, 3] })).toEqual({ f: [1] });
    expect(pair({ f: [3, 4, 5] }, { f: [1, 2, 3, 4] })).toEqual({ f: [3, 4] });
    expect(pair({ a: [1, 2], b: [1, 2] }, { a: [1, 2], b: [3, 4] })).toEqual({ a: [1, 2], b: [] });
    expect(pair({ f1: 1, f2: 1 }, { f1: 1, f2: '1' })).toEqual({ f1: 1 });
    expect(pair({ f1: 1, f2: '1', f3: null }, { f1: null, f2: null, f3: null })).toEqual({ f3: null });
  });

  it('treats dot and nested notation the same, keeping dots only when both sides used them', () => {
    expect(pair({ 'user.email': 'a@b' }, { user: { email: 'a@b' } })).toEqual({ user: { email: 'a@b' } });
    expect(pair({ 'a.b.c': 42 }, { a: { b: { c: 42 } } })).toEqual({ a: { b: { c: 42 } } });
    expect(pair({ 'user.email': 'a@b' }, { 'user.email': 'a@b' })).toEqual({ 'user.email': 'a@b' });
  });

  it('is undefined when nothing is common, and recurses into objects', () => {
    expect(pair({ f1: 1 }, { f2: 1 })).toBeUndefined();
    expect(pair({}, { a: 1 })).toBeUndefined();
    expect(
      pair({ c: { f1: 1, f2: 1, n: { x: 1 } }, d: { s1: 1 } }, { c: { f1: 1, f2: 2, n: { x: 1 } }, d: { s2: 1 } }),
    ).toEqual({
      c: { f1: 1, n: { x: 1 } },
    });
  });

  it('compares objects inside arrays by identity, so separate copies intersect to nothing', () => {
    expect(pair({ answers: [{ name: 'a' }] }, { answers: [{ name: 'a' }] })).toEqual({ answers: [] });
  });

  it('returns a single document as it is, and folds more from the left', () => {
    const one = { x: 1 };
    expect(documentsIntersection([one])).toBe(one);
    expect(
      documentsIntersection([
        { a: 1, b: 2 },
        { a: 1, b: 2 },
        { a: 1, b: 3 },
      ]),
    ).toEqual({ a: 1 });
    expect(documentsIntersection([])).toBeUndefined();
  });

  it("flattens through an object under a dotted key (Kibana's rule parameters come back nested too)", () => {
    expect(pair({ 'k.params': { a: 'x', list: ['p', 'q'] } }, { 'k.params': { a: 'x', list: ['q'] } })).toEqual({
      k: { params: { a: 'x', list: ['q'] } },
    });
  });
});
