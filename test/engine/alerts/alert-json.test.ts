/**
 * alertJson writes exactly what JSON.stringify writes: for real alerts of every bundled example
 * (shared, frozen rule parameters and a long investigation guide), and for the edge cases of
 * JSON.stringify (members it leaves out, toJSON, escapes), also when the cached texts are reused.
 */
import { describe, expect, it } from 'vitest';
import { alertJson } from '../../../src/engine/alerts/index.js';
import { quietHunt } from '../../helpers/hunt.js';

const examples = new URL('../../../examples/', import.meta.url).pathname;

describe('alertJson', () => {
  it('equals JSON.stringify for the alerts of the bundled examples', async () => {
    const r = await quietHunt([examples]);
    expect(r.alerts.length).toBeGreaterThan(5);
    // Twice: the second pass reads the cached texts.
    for (let pass = 0; pass < 2; pass++) for (const a of r.alerts) expect(alertJson(a)).toBe(JSON.stringify(a));
  });

  it('follows JSON.stringify on members it omits, toJSON, escapes and frozen values', () => {
    const frozen = Object.freeze({ a: [1, 'x"y'], b: { c: null } });
    const long = 'guide\n"quoted" \u2028 '.repeat(100);
    const doc: Record<string, unknown> = {
      u: undefined,
      f: () => 1,
      s: Symbol('s'),
      d: new Date(0),
      nested: { u: undefined, n: NaN, i: -Infinity },
      frozen,
      long,
      again: long,
      '"key\n': 1,
      10: 'integer-like key',
    };
    expect(alertJson(doc)).toBe(JSON.stringify(doc));
    expect(alertJson({ frozen, long })).toBe(JSON.stringify({ frozen, long }));
    expect(alertJson({})).toBe('{}');
    expect(alertJson({ u: undefined })).toBe('{}');
  });

  it('leaves out the keys it is given, as JSON.stringify of the document without them', async () => {
    const r = await quietHunt([examples]);
    const leaveOut = new Set(['kibana.alert.rule.parameters', 'kibana.alert.rule.note', '@timestamp', 'absent']);
    for (const a of r.alerts) {
      const rest = Object.fromEntries(Object.entries(a).filter(([k]) => !leaveOut.has(k)));
      expect(alertJson(a, leaveOut)).toBe(JSON.stringify(rest));
    }
    expect(alertJson({ a: 1, b: 2 }, new Set(['a', 'b']))).toBe('{}');
    expect(alertJson({ a: 1, b: 2 }, new Set(['a']))).toBe('{"b":2}');
  });
});
