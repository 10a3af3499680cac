import { describe, expect, it } from 'vitest';
import { counted, formatCount } from '../../src/engine/counted.js';

describe('formatCount', () => {
  it("writes what toLocaleString('en-US') writes", () => {
    const xs = [0, 1, -1, 12, 123, 999, 1000, -1000, 1234, 12345, 123456, 1234567, 1e9, -987654321, 2 ** 53 - 1];
    for (let i = 0; i < 2000; i++) xs.push(Math.floor(Math.random() * 10 ** Math.floor(Math.random() * 15)));
    xs.push(-0, 1.5, 1234.5678, -0.25, NaN, Infinity, 2 ** 60);
    for (const x of xs) expect(formatCount(x), String(x)).toBe(x.toLocaleString('en-US'));
  });

  it('counts with the word in the number it needs', () => {
    expect(counted(1, 'file')).toBe('1 file');
    expect(counted(1204, 'record')).toBe('1,204 records');
    expect(counted(2, 'match', 'matches')).toBe('2 matches');
  });
});
