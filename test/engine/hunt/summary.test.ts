import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/engine/hunt/summary.js';

describe('formatBytes (summary and progress)', () => {
  it('picks the unit that suits the size, so a small example hunt does not read "0.0 MB"', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(35_112)).toBe('35 kB');
    expect(formatBytes(2_400)).toBe('2.4 kB');
    expect(formatBytes(9_940_000)).toBe('9.9 MB');
    expect(formatBytes(288_100_026)).toBe('288 MB');
    expect(formatBytes(1_152_400_104)).toBe('1.2 GB');
    expect(formatBytes(37_300_000_000)).toBe('37 GB');
  });
});
