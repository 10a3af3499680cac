/**
 * Wildcard patterns (`*` any run, `?` one code point, anchored at both ends) compiled once into the
 * cheapest matcher that is exact: equality, prefix, suffix, contains, or an ordered segment scan.
 *
 * EQL's `:`/`like` have no escape character (a backslash is literal, ES `StringUtils.toLikePattern`).
 * The `endsWith`/`stringContains` pushdowns build Lucene wildcard text without escaping, so there a
 * backslash escapes the next character (SEMANTICS §15.1); `luceneEscapes` selects that reading.
 */
import { foldCase } from './fold.js';

export type StringTest = (value: string) => boolean;

type Token = { kind: 'lit'; text: string } | { kind: 'star' } | { kind: 'one' };

function tokenize(pattern: string, luceneEscapes: boolean): Token[] {
  const out: Token[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ kind: 'lit', text: lit });
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && luceneEscapes) {
      if (i + 1 < pattern.length) {
        // Escape the next whole code point.
        const cp = pattern.codePointAt(i + 1) as number;
        const ch = String.fromCodePoint(cp);
        lit += ch;
        i += ch.length;
      }
      continue;
    }
    if (c === '*') {
      flush();
      if (out.length === 0 || out[out.length - 1].kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      flush();
      out.push({ kind: 'one' });
    } else lit += c;
  }
  flush();
  return out;
}

export function hasWildcards(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** True when the whole string is one literal with no wildcard tokens. */
function isPlain(tokens: Token[]): boolean {
  return tokens.every((t) => t.kind === 'lit');
}

/**
 * Compiles a pattern. With `caseInsensitive`, the pattern is folded here and the caller must pass
 * values already folded with `foldCase` (so a list of patterns folds the value once).
 */
export function compileWildcard(pattern: string, caseInsensitive: boolean, luceneEscapes = false): StringTest {
  const p = caseInsensitive ? foldCase(pattern) : pattern;
  const tokens = tokenize(p, luceneEscapes);
  if (tokens.length === 0) return (v) => v.length === 0;
  if (isPlain(tokens)) {
    const lit = (tokens[0] as { text: string }).text;
    return (v) => v === lit;
  }
  const hasOne = tokens.some((t) => t.kind === 'one');
  if (!hasOne) {
    const lits = tokens.filter((t) => t.kind === 'lit').map((t) => (t as { text: string }).text);
    const leadingStar = tokens[0].kind === 'star';
    const trailingStar = tokens[tokens.length - 1].kind === 'star';
    if (tokens.length === 1) return () => true; // a lone *
    if (tokens.length === 2 && leadingStar) {
      const s = lits[0];
      return (v) => v.endsWith(s);
    }
    if (tokens.length === 2 && trailingStar) {
      const s = lits[0];
      return (v) => v.startsWith(s);
    }
    if (tokens.length === 3 && leadingStar && trailingStar) {
      const s = lits[0];
      return (v) => v.includes(s);
    }
    // General: first literal anchored unless *, last anchored unless *, middles found in order.
    const first = leadingStar ? undefined : lits[0];
    const last = trailingStar ? undefined : lits[lits.length - 1];
    const middles = lits.slice(first === undefined ? 0 : 1, last === undefined ? lits.length : lits.length - 1);
    const minLen = lits.reduce((n, s) => n + s.length, 0);
    return (v) => {
      if (v.length < minLen) return false;
      let pos = 0;
      let end = v.length;
      if (first !== undefined) {
        if (!v.startsWith(first)) return false;
        pos = first.length;
      }
      if (last !== undefined) {
        if (!v.endsWith(last)) return false;
        end = v.length - last.length;
        if (end < pos) return false;
      }
      for (const m of middles) {
        const at = v.indexOf(m, pos);
        if (at < 0 || at + m.length > end) return false;
        pos = at + m.length;
      }
      return true;
    };
  }
  // `?` is one code point: a regular expression in unicode mode is exact and fast enough here.
  let src = '^';
  for (const t of tokens) {
    if (t.kind === 'star') src += '[\\s\\S]*';
    else if (t.kind === 'one') src += '[\\s\\S]';
    else src += t.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(src + '$', 'u');
  return (v) => re.test(v);
}

/** A test for several patterns (an OR), sharing one folding of the value. */
export function compileWildcardList(patterns: string[], caseInsensitive: boolean, luceneEscapes = false): StringTest {
  const tests = patterns.map((p) => compileWildcard(p, caseInsensitive, luceneEscapes));
  const folded = (v: string) => v;
  void folded;
  if (tests.length === 1) {
    const t = tests[0];
    return caseInsensitive ? (v) => t(foldCase(v)) : t;
  }
  return caseInsensitive
    ? (v) => {
        const f = foldCase(v);
        for (let i = 0; i < tests.length; i++) if (tests[i](f)) return true;
        return false;
      }
    : (v) => {
        for (let i = 0; i < tests.length; i++) if (tests[i](v)) return true;
        return false;
      };
}
