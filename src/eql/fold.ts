/**
 * Case folding for case-insensitive matching. Lucene folds code point by code point with Java's
 * simple (1:1) case mappings; JavaScript's `toLowerCase()` uses full mappings, which differ for a
 * handful of characters (U+0130 'İ' lower-cases to two code points). ASCII text, the common case,
 * takes the fast path.
 */

/**
 * Folded forms of recently seen strings. Several case-insensitive leaves usually read the same
 * values of one event (a rule tests `process.args` a dozen times); V8 keeps a string's hash in the
 * string, so a lookup is cheaper than lower-casing again and allocates nothing.
 */
const recent = new Map<string, string>();
const RECENT_MAX = 4096;

export function foldCase(s: string): string {
  const hit = recent.get(s);
  if (hit !== undefined) return hit;
  const lower = foldText(s);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(s, lower);
  return lower;
}

/** `foldCase` without its memory of recent strings: for text seen once (a whole document). */
export function foldText(s: string): string {
  const lower = s.toLowerCase();
  // Same length and no final sigma: every code point mapped 1:1, as Java's simple mapping does.
  return lower.length !== s.length || lower.indexOf('\u03c2') >= 0 ? foldSlow(s) : lower;
}

function foldSlow(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    // Full mappings that expand (İ → i̇) are replaced by the simple mapping Java would use.
    out += ch === '\u03a3' ? '\u03c3' : [...lower].length === 1 ? lower : ch === '\u0130' ? 'i' : ch;
  }
  return out;
}

/** ASCII-only folding, as Lucene's `ASCII_CASE_INSENSITIVE` regexp flag does. */
export function foldAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
