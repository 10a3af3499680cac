/**
 * The generated form of the engine on the cases its specialisations could get wrong; each table
 * is also run through the reference interpreter (`compare`), which must agree exactly.
 */
import { describe, expect, it } from 'vitest';
import { compileMapping, type MappingRun, type Step } from '../../../src/sources/mapping/index.js';
import { compare } from './engines.js';

type Doc = Record<string, unknown>;

const counting = (r: MappingRun): boolean => {
  r.doc.tests = ((r.doc.tests as number | undefined) ?? 0) + 1;
  return true;
};

describe('generated mapping engine', () => {
  it('a condition decided by the dispatch key still evaluates the effectful operands before it', () => {
    const steps: Step[] = [
      {
        op: 'dispatch',
        on: 'k',
        steps: [
          { op: 'set', field: 'b', value: 'x', if: { all: [{ test: counting }, { eq: 'k', value: 'zz' }] } },
          { op: 'set', field: 'c', value: 'y', if: { any: [{ test: counting }, { ne: 'k', value: 'zz' }] } },
          { op: 'set', field: 'd', value: 'z', if: { all: [{ eq: 'k', value: 'zz' }, { test: counting }] } },
        ],
      },
    ];
    const m = compileMapping({ name: 't', steps });
    expect(m.apply({ k: '1' })).toEqual({ k: '1', tests: 2, c: 'y' });
    expect(m.apply({ k: 'zz' })).toEqual({ k: 'zz', tests: 3, b: 'x', c: 'y', d: 'z' });
    expect(compare(steps, [{ k: '1' }, { k: 'zz' }, {}])).toEqual([]);
  });

  it('dispatch keys: NaN, -0, numbers against strings, objects, unlisted values', () => {
    const steps: Step[] = [
      {
        op: 'dispatch',
        on: 'k',
        steps: [
          { op: 'set', field: 'pre', value: 1, if: { in: 'k', values: [NaN, 0, '1'] } },
          { op: 'set', field: 'eq', value: 1, if: { eq: 'k', value: NaN } },
          {
            op: 'when',
            cond: { in: 'k', values: [NaN, 1] },
            then: [{ op: 'set', field: 'nested', value: 1 }],
            else: [{ op: 'set', field: 'other', value: 1 }],
          },
          { op: 'set', field: 'neq', value: 1, if: { not: { eq: 'k', value: NaN } } },
          { op: 'lookup', key: 'k', into: 'ev', table: { '1': { a: 'one' }, NaN: { a: 'nan' }, '0': { a: 'zero' } } },
        ],
      },
    ];
    const keys = [NaN, 0, -0, 1, '1', 'NaN', '0', null, undefined, true, { o: 1 }, ['1'], 'unlisted'];
    expect(
      compare(
        steps,
        keys.map((k) => ({ k })),
      ),
    ).toEqual([]);
    // Twice, so the second pass takes the remembered functions.
    const m = compileMapping({ name: 't', steps });
    for (let pass = 0; pass < 2; pass++) {
      // A top-level eq pre-selects by SameValueZero (NaN matches), a nested one compares with ===.
      expect(m.apply({ k: NaN })).toEqual({ k: NaN, pre: 1, eq: 1, nested: 1, neq: 1, ev: { a: 'nan' } });
      expect(m.apply({ k: -0 })).toEqual({ k: -0, pre: 1, other: 1, neq: 1, ev: { a: 'zero' } });
      expect(m.apply({ k: 1 })).toEqual({ k: 1, nested: 1, neq: 1, ev: { a: 'one' } });
    }
  });

  it('a lookup keyed by the dispatch key folds for listed keys and runs for the others', () => {
    const table: Record<string, Record<string, string[] | string>> = {};
    for (let i = 0; i < 50; i++) table[String(4600 + i)] = { action: `a${i}`, type: ['t', String(i)] };
    const steps: Step[] = [
      {
        op: 'dispatch',
        on: 'code',
        steps: [
          { op: 'lookup', key: 'code', into: 'event', table },
          { op: 'set', field: 'seen', value: true, if: { in: 'code', values: ['4601'] } },
        ],
      },
    ];
    const docs: Doc[] = [4600, '4600', '4601', '4649', '4650', 4649, 'x', null].map((code) => ({ code }));
    expect(compare(steps, docs)).toEqual([]);
    const m = compileMapping({ name: 't', steps });
    const a = m.apply({ code: '4610' });
    const b = m.apply({ code: '4610' });
    expect(a).toEqual({ code: '4610', event: { action: 'a10', type: ['t', '10'] } });
    // Constants are fresh for every event.
    expect((a.event as Doc).type).not.toBe((b.event as Doc).type);
  });

  it('field names that are not identifiers, and constants that are not plain', () => {
    const steps: Step[] = [
      { op: 'set', field: ['a.b', "it's", 'line\u2028sep'], value: { __proto__: 'x', '1': [1, -0, NaN] } as never },
      { op: 'set', field: ['c', '"q"'], value: [Infinity, -Infinity, { 'a-b': null }] },
      { op: 'copy', field: 'd', from: ['a.b', "it's"] },
      { op: 'rename', field: ['e f', 'g'], from: ['c', '"q"'] },
      { op: 'map', field: 'm', from: ['x y'], table: { '\\': { deep: ['v'] } }, default: ['d'] },
    ];
    expect(compare(steps, [{}, { 'x y': '\\' }, { 'x y': 'other', 'a.b': 5 }])).toEqual([]);
  });

  it('many distinct dispatch values each get their own function, and stay correct past the cache bound', () => {
    const steps: Step[] = [
      {
        op: 'dispatch',
        on: 'k',
        steps: [
          { op: 'set', field: 'small', value: true, if: { in: 'k', values: ['1', '2'] } },
          { op: 'set', field: 'copy', value: 'c' },
        ],
      },
    ];
    const m = compileMapping({ name: 't', steps });
    for (let i = 0; i < 5000; i++) {
      const k = String(i % 3 === 0 ? 1 : i);
      const d = m.apply({ k });
      expect(d).toEqual(k === '1' || k === '2' ? { k, small: true, copy: 'c' } : { k, copy: 'c' });
    }
  });

  describe('deferred deletes', () => {
    const docs = (): Doc[] => [
      { e: { a: '1', b: '-', c: '3', d: '' }, x: 'y' },
      { e: { a: '-', b: '-' } },
      { e: { b: 'only' } },
      { e: {} },
      { e: 'not an object' },
      {},
    ];

    it('a deleted key is absent at once, and written again it moves to the end', () => {
      const steps: Step[] = [
        { op: 'rename', field: 'moved', from: 'e.a' },
        { op: 'set', field: 'seen', value: true, if: { exists: 'e.a' } },
        { op: 'set', field: 'e.a', value: 'again' },
        { op: 'remove', fields: ['e.c'] },
        { op: 'copy', field: 'e.c', from: 'x' },
      ];
      expect(compare(steps, docs(), 't', ['e'])).toEqual([]);
      const m = compileMapping({ name: 't', steps, deferDeletes: ['e'] });
      const d = m.apply({ e: { a: '1', b: '2', c: '3' }, x: 'y' });
      expect(Object.keys(d.e as Doc)).toEqual(['b', 'a', 'c']);
    });

    it('clean skips keys deleted before (also when it keeps undefined values), and removes an emptied object', () => {
      const steps: Step[] = [
        { op: 'rename', field: 'moved', from: 'e.a' },
        { op: 'clean', field: 'e', values: ['-'], dropUndefined: false, removeIfEmpty: true },
        { op: 'set', field: 'after', value: 1, if: { exists: 'e' } },
        { op: 'clean', field: 'e', values: [''], removeIfEmpty: true },
        { op: 'set', field: 'e.new', value: 'fresh', if: { missing: 'e' } },
      ];
      expect(compare(steps, docs(), 't', ['e'])).toEqual([]);
    });

    it('code that could see the difference sees the object rebuilt', () => {
      const keys = (r: MappingRun): void => {
        r.doc.keys = Object.keys((r.doc.e as Doc | undefined) ?? {}).join(',');
      };
      const steps: Step[] = [
        { op: 'clean', field: 'e', values: ['-', ''] },
        { op: 'script', name: 'keys', run: keys },
        { op: 'remove', fields: ['e.c'] },
        { op: 'set', field: 'tested', value: true, if: { test: (r) => 'c' in ((r.doc.e as Doc | undefined) ?? {}) } },
        { op: 'copy', field: 'copy', from: 'e' },
        { op: 'remove', fields: ['e.a'] },
        { op: 'rename', field: 'whole', from: 'e' },
      ];
      expect(compare(steps, docs(), 't', ['e'])).toEqual([]);
    });

    it('a key Object.prototype also has is deleted at once (an undefined value would hide the inherited one)', () => {
      const steps: Step[] = [
        { op: 'set', field: 'e.constructor', value: 'own' },
        { op: 'set', field: 'e.toString', value: 'own' },
        { op: 'rename', field: 'moved', from: 'e.constructor' },
        { op: 'remove', fields: ['e.toString'] },
        { op: 'concat', field: 'seen', parts: [{ field: 'e.constructor' }, '|', { field: 'e.toString' }] },
        { op: 'clean', field: 'e', values: ['own', '1'] },
      ];
      expect(compare(steps, docs(), 't', ['e'])).toEqual([]);
    });

    it('parent objects kept in variables follow writes, deletes and replacements across steps', () => {
      const steps: Step[] = [
        { op: 'set', field: 'p.q.r', value: 1 },
        { op: 'argv', from: 'x', args: 'p.q.args', count: 'p.q', algorithm: 'go' },
        { op: 'set', field: 'p.q.s', value: 2 },
        { op: 'rename', field: 'p.moved', from: 'p.q' },
        { op: 'set', field: 'p.q.t', value: 3 },
        { op: 'convert', field: 'p', from: 'p.moved.s', type: 'string', removeSource: true },
        { op: 'copy', field: 'c', from: 'p' },
        { op: 'set', field: 'p.after', value: 4 },
        {
          op: 'when',
          cond: { exists: 'x' },
          then: [{ op: 'set', field: 'w.a', value: 1 }],
          else: [{ op: 'remove', fields: ['w'] }],
        },
        { op: 'set', field: 'w.b', value: 2 },
      ];
      expect(
        compare(steps, [{ x: 'a b' }, { x: 'a', p: 'str' }, { p: { q: [] } }, { w: { z: 1 } }, {}], 't', ['p.q']),
      ).toEqual([]);
      expect(compare(steps, [{ x: 'a b' }, { x: 'a', p: 'str' }, { p: { q: [] } }, { w: { z: 1 } }, {}])).toEqual([]);
    });

    it('nested deferred objects, and a run that throws', () => {
      const boom = (r: MappingRun): void => {
        if (r.doc.x === 'y') throw new Error('stop');
      };
      const steps: Step[] = [
        { op: 'remove', fields: ['e.b', 'x'] },
        { op: 'clean', field: 'e', values: ['-', ''], removeIfEmpty: true },
        { op: 'convert', field: 'n', from: 'e.c', type: 'string', removeSource: true },
        { op: 'json', field: 'e.j', from: 'e.a' },
      ];
      expect(compare(steps, docs(), 't', ['e', 'e.j'])).toEqual([]);
      const throwing: Step[] = [
        { op: 'remove', fields: ['e.a'] },
        { op: 'set', field: 'z', value: 1 },
      ];
      const m = compileMapping({ name: 't', steps: throwing, deferDeletes: ['e'] });
      // A throwing function as the document's getter: the run stops with the delete carried out.
      const d: Doc = { e: { a: 1, b: 2 } };
      Object.defineProperty(d, 'z', {
        set() {
          throw new Error('read-only');
        },
        enumerable: true,
      });
      expect(() => m.apply(d)).toThrow('read-only');
      expect(Object.keys(d.e as Doc)).toEqual(['b']);
      expect(
        compare(
          [
            { op: 'remove', fields: ['e.a'] },
            { op: 'script', name: 'b', run: boom },
          ],
          docs(),
          't',
          ['e'],
        ),
      ).toEqual([]);
    });
  });
});

describe('generated mapping engine: names', () => {
  it('accepts any mapping name (digits first, reserved words, punctuation)', () => {
    for (const name of ['1st', 'delete', 'class', 'a-b.c d', '', 'function']) {
      const m = compileMapping({ name, steps: [{ op: 'set', field: 'x', value: 1 }] });
      expect(m.apply({})).toEqual({ x: 1 });
    }
  });
});
