/** The incremental sequence engine: when matches are emitted, and how memory stays bounded. */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../src/eql/index.js';
import { SequenceMatcher } from '../../src/eql/sequence.js';
import type { Ordinal } from '../../src/eql/ordinal.js';
import { mapping } from './helpers.js';

const schema = mapping({
  '@timestamp': { type: 'date' },
  'event.category': { type: 'keyword' },
  'host.id': { type: 'keyword' },
  tag: { type: 'keyword' },
});

let seq = 0;
const at = (ms: number): Ordinal => ({ ms, ns: 0, tb: undefined, seq: seq++ });
const doc = (category: string, host: string, tag = 'normal') => ({ event: { category }, host: { id: host }, tag });

describe('SequenceMatcher', () => {
  it('emits a sequence as soon as its last stage arrives', () => {
    const q = compileQuery('sequence by host.id with maxspan=1m [process where true] [network where true]', { schema });
    const m = new SequenceMatcher<string>(q);
    expect(m.push(doc('process', 'a'), 'p1', at(0))).toEqual([]);
    const out = m.push(doc('network', 'a'), 'n1', at(1000));
    expect(out.map((s) => s.events.map((e) => e?.payload))).toEqual([['p1', 'n1']]);
    expect(out[0].keys).toEqual(['a']);
  });

  it('maxspan is inclusive and measured from the first event', () => {
    const q = compileQuery('sequence by host.id with maxspan=1s [process where true] [network where true]', { schema });
    const m = new SequenceMatcher<string>(q);
    m.push(doc('process', 'a'), 'p', at(0));
    expect(m.push(doc('network', 'a'), 'n', at(1000))).toHaveLength(1);
    m.push(doc('process', 'b'), 'p', at(2000));
    expect(m.push(doc('network', 'b'), 'n', at(3001))).toHaveLength(0);
  });

  it('expires partial sequences that can no longer fit in maxspan', () => {
    const q = compileQuery('sequence by host.id with maxspan=1s [process where true] [network where true]', { schema });
    const m = new SequenceMatcher<string>(q);
    for (let i = 0; i < 1000; i++) m.push(doc('process', `h${i}`), 'p', at(i));
    expect(m.stats.pending).toBe(1000);
    m.push(doc('file', 'x'), 'f', at(10_000));
    expect(m.stats.pending).toBe(0);
    expect(m.stats.expired).toBe(1000);
  });

  it('caps pending partials under a flood of distinct keys, dropping the oldest and counting each drop', () => {
    const q = compileQuery('sequence by host.id [process where true] [network where true]', { schema });
    const m = new SequenceMatcher<string>(q, { maxPending: 100 });
    for (let i = 0; i < 10_000; i++) m.push(doc('process', `h${i}`), `p${i}`, at(i));
    expect(m.stats.pending).toBe(100);
    expect(m.stats.dropped).toBe(9_900);
    // The newest partials survive and still complete.
    expect(m.push(doc('network', 'h9999'), 'n', at(20_000))).toHaveLength(1);
    expect(m.push(doc('network', 'h0'), 'n', at(20_001))).toHaveLength(0);
  });

  it('until kills the pending sequence of its key', () => {
    const q = compileQuery('sequence by host.id [process where true] [network where true] until [file where true]', {
      schema,
    });
    const m = new SequenceMatcher<string>(q);
    m.push(doc('process', 'a'), 'p', at(0));
    m.push(doc('file', 'a'), 'f', at(1));
    expect(m.push(doc('network', 'a'), 'n', at(2))).toHaveLength(0);
  });

  it('a trailing missing event holds the match until its window closes, never early', () => {
    const q = compileQuery('sequence by host.id with maxspan=10s [process where true] ![network where true]', {
      schema,
    });
    const m = new SequenceMatcher<string>(q);
    expect(m.push(doc('process', 'a'), 'p', at(0))).toEqual([]);
    // Other data arrives inside the window: still not final.
    expect(m.push(doc('file', 'a'), 'f', at(5_000))).toEqual([]);
    // Time passes beyond maxspan with no network event for host a: final now.
    const out = m.push(doc('file', 'b'), 'f', at(10_001));
    expect(out.map((s) => s.events.map((e) => e?.payload ?? null))).toEqual([['p', null]]);
  });

  it('a trailing missing event inside the window discards the match', () => {
    const q = compileQuery('sequence by host.id with maxspan=10s [process where true] ![network where true]', {
      schema,
    });
    const m = new SequenceMatcher<string>(q);
    m.push(doc('process', 'a'), 'p', at(0));
    expect(m.push(doc('network', 'a'), 'n', at(3_000))).toEqual([]);
    expect(m.push(doc('file', 'b'), 'f', at(60_000))).toEqual([]);
    expect(m.flush()).toEqual([]);
  });

  it('flush makes waiting matches final at the end of input', () => {
    const q = compileQuery('sequence by host.id with maxspan=10s [process where true] ![network where true]', {
      schema,
    });
    const m = new SequenceMatcher<string>(q);
    m.push(doc('process', 'a'), 'p', at(0));
    expect(m.flush()).toHaveLength(1);
  });

  it('counts events pushed out of order', () => {
    const q = compileQuery('sequence by host.id [process where true] [network where true]', { schema });
    const m = new SequenceMatcher<string>(q);
    m.push(doc('process', 'a'), 'p', at(10));
    m.push(doc('process', 'a'), 'p', { ms: 5, ns: 0, tb: undefined, seq: seq++ });
    expect(m.stats.outOfOrder).toBe(1);
  });
});
