/** The UI's display formats: Kibana's count format above all, since pivot buttons must read like Kibana's. */
import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatCount,
  formatDuration,
  formatTime,
  severityClass,
  valueText,
} from '../../../src/server/ui/lib/format.js';

describe('formatCount (numeral 0,0.[000]a)', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1k'],
    [1200, '1.2k'],
    [1234, '1.234k'],
    [1234.5678, '1.235k'],
    [12_345, '12.345k'],
    [100_000, '100k'],
    [999_999, '999.999k'],
    // Rounding reaches 1000k: numeral moves up to the next unit.
    [999_999.6, '1m'],
    [1_000_000, '1m'],
    [1_500_000, '1.5m'],
    [9_999_999, '10m'],
    [2_000_000_000, '2b'],
    [3_250_000_000_000, '3.25t'],
    [1_234_000_000_000_000, '1,234t'],
    [-1500, '-1.5k'],
    [0.5, '0.5'],
  ])('%s → %s', (n, s) => {
    expect(formatCount(n)).toBe(s);
  });

  it('treats non-finite input as zero', () => {
    expect(formatCount(Number.NaN)).toBe('0');
  });
});

describe('other formats', () => {
  it('formats times in UTC with milliseconds', () => {
    expect(formatTime('2025-11-23T19:01:01.456+01:00')).toBe('2025-11-23 18:01:01.456');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a date')).toBe('not a date');
  });

  it('formats durations and ages', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(7_260_000)).toBe('2 h 1 min');
    expect(formatAgo('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:03:10Z'))).toBe('3 min ago');
    expect(formatAgo(null)).toBe('never');
  });

  it('only yields known severity classes, whatever the data says', () => {
    expect(severityClass('High')).toBe('sev-high');
    expect(severityClass('x" onmouseover="alert(1)')).toBe('sev-unknown');
  });

  it('shows values as one line', () => {
    expect(valueText(['a', 1, null])).toBe('a, 1, —');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
    expect(valueText(undefined)).toBe('—');
  });
});
