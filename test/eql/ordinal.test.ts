/** The quick ISO timestamp parser agrees with the full one, whatever the previous timestamp was. */
import { describe, expect, it } from 'vitest';
import { fastIsoToMs } from '../../src/eql/ordinal.js';
import { rng } from '../../bench/gen-ecs.js';

describe('fastIsoToMs', () => {
  it('gives Date.parse’s milliseconds and the sub-millisecond nanoseconds, in runs of the same hour and across hours', () => {
    const r = rng(5);
    let t = Date.UTC(1999, 11, 31, 22);
    for (let i = 0; i < 20_000; i++) {
      // Mostly small steps (same hour), sometimes jumps of days or years, both directions.
      t += r() < 0.9 ? Math.floor(r() * 90_000) : Math.floor((r() - 0.4) * 4e10);
      const iso = new Date(t).toISOString();
      const micros = Math.floor(r() * 1000);
      const forms = [iso, iso.replace('Z', `${String(micros).padStart(3, '0')}Z`), iso.replace(/\.\d+Z$/, 'Z')];
      for (const s of forms) {
        const got = fastIsoToMs(s);
        const ms = Date.parse(s);
        expect(got?.ms).toBe(ms);
        expect(got?.ns).toBe(s === forms[1] ? micros * 1000 : 0);
      }
    }
  });

  it('refuses what it does not know, even right after a timestamp of the same hour', () => {
    expect(fastIsoToMs('2026-01-01T10:00:00.000Z')?.ms).toBe(Date.UTC(2026, 0, 1, 10));
    for (const bad of [
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:61Z',
      '2026-01-01T10:00:00+01:00',
      '2026-01-01T10:00:00.Z',
      '2026-01-01T10:0x:00Z',
      '2026-01-01T10',
      '2026-02-30T10:00:00Z',
    ]) {
      expect(fastIsoToMs(bad)).toBeUndefined();
      expect(fastIsoToMs('2026-01-01T10:00:00.000Z')?.ms).toBe(Date.UTC(2026, 0, 1, 10));
    }
  });
});
