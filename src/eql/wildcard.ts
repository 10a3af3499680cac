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
  return segmentMatcher(tokens);
}

/** A run of literal text and `?` wildcards between two `*`. */
type Seg = Array<{ lit: string } | { one: number }>;

function segmentsOf(tokens: Token[]): {
  head: Seg | undefined;
  middles: Seg[];
  tail: Seg | undefined;
  anyStar: boolean;
} {
  const segs: Seg[] = [[]];
  let anyStar = false;
  for (const t of tokens) {
    const cur = segs[segs.length - 1];
    if (t.kind === 'star') {
      anyStar = true;
      segs.push([]);
    } else if (t.kind === 'lit') cur.push({ lit: t.text });
    else {
      const last = cur[cur.length - 1];
      if (last && 'one' in last) last.one++;
      else cur.push({ one: 1 });
    }
  }
  if (!anyStar) return { head: segs[0], middles: [], tail: undefined, anyStar };
  const head = segs[0].length ? segs[0] : undefined;
  const tail = segs[segs.length - 1].length ? segs[segs.length - 1] : undefined;
  return { head, middles: segs.slice(1, -1).filter((x) => x.length), tail, anyStar };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Matches a segment at `p`; returns the end offset or -1. `?` consumes one code point. */
function matchAt(v: string, p: number, seg: Seg): number {
  for (let i = 0; i < seg.length; i++) {
    const item = seg[i];
    if ('lit' in item) {
      if (!v.startsWith(item.lit, p)) return -1;
      p += item.lit.length;
    } else {
      for (let k = 0; k < item.one; k++) {
        if (p >= v.length) return -1;
        p += isHigh(v.charCodeAt(p)) && isLow(v.charCodeAt(p + 1)) ? 2 : 1;
      }
    }
  }
  return p;
}

/** Leftmost match of a segment starting at or after `from`: returns [start, end] or undefined. */
function findFrom(v: string, from: number, seg: Seg): [number, number] | undefined {
  const first = seg[0];
  for (let p = from; p <= v.length; p++) {
    if ('lit' in first) {
      p = v.indexOf(first.lit, p);
      if (p < 0) return undefined;
    } else if (p > 0 && isLow(v.charCodeAt(p)) && isHigh(v.charCodeAt(p - 1))) continue;
    const end = matchAt(v, p, seg);
    if (end >= 0) return [p, end];
  }
  return undefined;
}

/**
 * Glob matching without backtracking: the head is anchored at the start, the tail at the end, and
 * each middle segment is taken at its leftmost position, which leaves the most room for the rest.
 */
function segmentMatcher(tokens: Token[]): StringTest {
  const { head, middles, tail, anyStar } = segmentsOf(tokens);
  if (!anyStar) {
    const whole = head as Seg;
    return (v) => matchAt(v, 0, whole) === v.length;
  }
  const tailUnits = tail ? tail.reduce((n, x) => n + ('lit' in x ? x.lit.length : x.one), 0) : 0;
  const tailOnes = tail ? tail.reduce((n, x) => n + ('one' in x ? x.one : 0), 0) : 0;
  return (v) => {
    let pos = 0;
    if (head) {
      pos = matchAt(v, 0, head);
      if (pos < 0) return false;
    }
    for (const m of middles) {
      const found = findFrom(v, pos, m);
      if (!found) return false;
      pos = found[1];
    }
    if (!tail) return true;
    // The tail spans tailUnits UTF-16 units, plus one more for each `?` that meets a surrogate pair.
    for (let extra = 0; extra <= tailOnes; extra++) {
      const start = v.length - tailUnits - extra;
      if (start < pos) return false;
      if (start > 0 && isLow(v.charCodeAt(start)) && isHigh(v.charCodeAt(start - 1))) continue;
      if (matchAt(v, start, tail) === v.length) return true;
    }
    return false;
  };
}

/**
 * The longest literal run a pattern requires anywhere in a matching value, if any. For a list,
 * "none of the required literals occurs" proves that no pattern matches, which one regular
 * expression scan can tell before the patterns are tried one by one.
 */
function requiredLiteral(pattern: string, luceneEscapes: boolean): string | undefined {
  let best = '';
  for (const t of tokenize(pattern, luceneEscapes)) if (t.kind === 'lit' && t.text.length > best.length) best = t.text;
  return best.length >= 2 ? best : undefined;
}

/**
 * For each pattern, its longest run of printable ASCII between wildcards (3 characters at least):
 * a value the pattern matches contains it. Undefined when some pattern has no such run. Rules are
 * indexed on these (a byte automaton reads the values); the caller folds case-insensitive patterns.
 */
export function patternLiterals(patterns: string[], luceneEscapes = false): string[] | undefined {
  const out = new Set<string>();
  for (const p of patterns) {
    let best = '';
    for (const t of tokenize(p, luceneEscapes))
      if (t.kind === 'lit') for (const run of t.text.split(/[^\x20-\x7e]+/)) if (run.length > best.length) best = run;
    if (best.length < 3) return undefined;
    out.add(best);
  }
  return [...out];
}

/** A test for several patterns (an OR), sharing one folding of the value. */
export function compileWildcardList(patterns: string[], caseInsensitive: boolean, luceneEscapes = false): StringTest {
  const tests = patterns.map((p) => compileWildcard(p, caseInsensitive, luceneEscapes));
  let anyOf: StringTest;
  if (tests.length === 1) anyOf = tests[0];
  else {
    const run: StringTest = (v) => {
      for (let i = 0; i < tests.length; i++) if (tests[i](v)) return true;
      return false;
    };
    const lits = patterns.map((p) => requiredLiteral(caseInsensitive ? foldCase(p) : p, luceneEscapes));
    if (tests.length >= 4 && lits.every((l) => l !== undefined)) {
      const screen = new RegExp(
        [...new Set(lits as string[])].map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'),
      );
      anyOf = (v) => screen.test(v) && run(v);
    } else anyOf = run;
  }
  return caseInsensitive ? (v) => anyOf(foldCase(v)) : anyOf;
}
