/**
 * Java's text forms of values, which ES uses in `string()`, `concat()` and when a number is
 * compared with a keyword field: `Integer/Long.toString`, `Double.toString`.
 */

/** Java `Double.toString`: shortest digits, `.0` on whole numbers, `E` notation outside [1e-3, 1e7). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  // JS gives the same shortest digits; only the layout differs.
  const [mant, expPart] = d.toExponential().split('e');
  const m = mant.includes('.') ? mant : `${mant}.0`;
  const exp = Number(expPart);
  return `${m}E${exp}`;
}

/** Text of a typed scalar as Java would print it. `isDouble` says whether a number is floating. */
export function javaToString(v: unknown, isDouble: boolean): string {
  if (typeof v === 'number') return isDouble ? javaDoubleToString(v) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}
