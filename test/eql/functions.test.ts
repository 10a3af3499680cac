/** Function edge cases from SEMANTICS §9 and the spec tests they cite. */
import { describe, expect, it } from 'vitest';
import { compileQuery, EqlError } from '../../src/eql/index.js';

/** Folds a constant expression through the analyzer: `true` when the comparison holds. */
const holds = (expr: string) => {
  const q = compileQuery(`any where ${expr}`);
  return q.filter!({});
};

describe('string functions', () => {
  it('between: first left, next right; greedy to the last right; ~ finds case-insensitively', () => {
    expect(holds('between("System Idle Process", "S", "e", true) == "ystem Idle Proc"')).toBe(true);
    expect(holds('between("System Idle Process", "s", "E") == ""')).toBe(true);
    expect(holds('between~("System Idle Process", "s", "E") == "yst"')).toBe(true);
    expect(holds('between("abc", "", "c") == "abc"')).toBe(true);
    expect(holds('between("abc", "x", "c") == ""')).toBe(true);
  });
  it('indexOf: null when absent, start clamps at 0, ~ folds', () => {
    expect(holds('indexOf("explorer.exe", "plore") == 2')).toBe(true);
    expect(holds('indexOf("explorer.exe", "plore", 100) == null')).toBe(true);
    expect(holds('indexOf("explorer.exe", "plore", -5) == 2')).toBe(true);
    expect(holds('indexOf~("EXPLORER.exe", "plore") == 2')).toBe(true);
  });
  it('substring uses Python slices', () => {
    expect(holds('substring("hello world", 5, -1) == " worl"')).toBe(true);
    expect(holds('substring("explorer.exe", -4) == ".exe"')).toBe(true);
    expect(holds('substring("abc", 2, 1) == ""')).toBe(true);
    expect(holds('substring("abc", -10, 100) == "abc"')).toBe(true);
  });
  it('concat with any null is null; values print as Java does', () => {
    expect(holds('concat("a", null) == null')).toBe(true);
    expect(holds('concat(1, ":", 2.5, true) == "1:2.5true"')).toBe(true);
    expect(holds('string(1.0) == "1.0"')).toBe(true);
    expect(holds('string(12345678912.5) == "1.23456789125E10"')).toBe(true);
  });
  it('stringContains on the script path: empty arguments give false', () => {
    expect(holds('stringContains("abc", "")')).toBe(false);
    expect(holds('stringContains~("ABC", "b")')).toBe(true);
  });
  it('startsWith/endsWith with an empty affix are true', () => {
    expect(holds('startsWith("abc", "")')).toBe(true);
    expect(holds('endsWith~("ABC", "bc")')).toBe(true);
  });
  it('length counts UTF-16 units', () => {
    expect(holds('length("\\u{1F600}") == 2')).toBe(true);
  });
});

describe('number() and arithmetic', () => {
  it('parses bases and the 0x prefix', () => {
    expect(holds('number("0x32", 16) == 50')).toBe(true);
    expect(holds('number("32", 16) == 50')).toBe(true);
    expect(holds('number("-32.5") == -32.5')).toBe(true);
    expect(holds('number("31", 13) == 40')).toBe(true);
  });
  it('fails the query on text that is not a number (runtime error, not null)', () => {
    expect(() => holds('number("12abc") == 12')).toThrow(EqlError);
  });
  it('integer division truncates, % keeps the dividend sign, doubles divide exactly', () => {
    expect(holds('7 / 2 == 3')).toBe(true);
    expect(holds('-7 / 2 == -3')).toBe(true);
    expect(holds('-7 % 3 == -1')).toBe(true);
    expect(holds('7 / 2.0 == 3.5')).toBe(true);
    expect(holds('divide(30, 4.0) == 7.5')).toBe(true);
  });
  it('integer overflow and division by zero are errors', () => {
    expect(() => holds('2147483647 + 1 == 0')).toThrow(/integer overflow/);
    expect(() => holds('1 / 0 == 0')).toThrow(/by zero/);
  });
  it('cidrMatch needs an ip-typed first argument (CIDRMatch.java)', () => {
    expect(() => holds('cidrMatch("10.6.48.157", "10.0.0.0/8")')).toThrow(/first argument of .* must be \[ip\]/);
  });
});
