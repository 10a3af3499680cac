/**
 * Case folding for case-insensitive matching. Lucene folds code point by code point with Java's
 * simple (1:1) case mappings; JavaScript's `toLowerCase()` uses full mappings, which differ for a
 * handful of characters (U+0130 'İ' lower-cases to two code points). ASCII text, the common case,
 * takes the fast path.
 */

// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function foldCase(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    // Full mappings that expand (İ → i̇) are replaced by the simple mapping Java would use.
    out += [...lower].length === 1 ? lower : ch === '\u0130' ? 'i' : ch;
  }
  return out;
}

/** ASCII-only folding, as Lucene's `ASCII_CASE_INSENSITIVE` regexp flag does. */
export function foldAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
