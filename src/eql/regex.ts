/**
 * Regular expressions for `regex` / `regex~`.
 *
 * On a field, ES sends a Lucene `regexp` query with all optional operators enabled: the pattern is
 * implicitly anchored, `^`/`$` are ordinary characters, `"…"` quotes a literal string, `@` is any
 * string, `#` the empty language, `<n-m>` a numeric interval, `&` intersection and `~` complement;
 * `\d \s \w` (and upper-case negations) are shorthand classes; everything else escapes with `\`.
 * `regex~` folds ASCII letters only (Lucene's ASCII_CASE_INSENSITIVE).
 * On an expression ES runs a Java `Pattern` full match instead (see `compileJavaRegex`).
 *
 * The Lucene pattern is parsed here and re-emitted as an anchored JavaScript RegExp. Intersection
 * and complement are exact when they apply to the whole pattern; deeper uses are refused clearly.
 */

export class RegexSyntaxError extends Error {}

type Node =
  | { k: 'union'; alts: Node[] }
  | { k: 'inter'; parts: Node[] }
  | { k: 'concat'; items: Node[] }
  | { k: 'repeat'; node: Node; min: number; max: number }
  | { k: 'complement'; node: Node }
  | { k: 'char'; cp: number }
  | { k: 'class'; negated: boolean; ranges: Array<[number, number]> }
  | { k: 'any' }
  | { k: 'anystring' }
  | { k: 'empty' }
  | { k: 'string'; text: string }
  | { k: 'interval'; lo: number; hi: number; width: number };

const DIGIT: Array<[number, number]> = [[48, 57]];
const SPACE: Array<[number, number]> = [
  [9, 10],
  [11, 13],
  [32, 32],
];
const WORD: Array<[number, number]> = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];

class LuceneParser {
  private i = 0;
  private readonly cps: number[];
  constructor(text: string) {
    this.cps = [...text].map((c) => c.codePointAt(0) as number);
  }
  private peek(): number | undefined {
    return this.cps[this.i];
  }
  private more(): boolean {
    return this.i < this.cps.length;
  }
  private eat(cp: number): boolean {
    if (this.cps[this.i] === cp) {
      this.i++;
      return true;
    }
    return false;
  }
  parse(): Node {
    const n = this.union();
    if (this.more())
      throw new RegexSyntaxError(`unexpected '${String.fromCodePoint(this.peek() as number)}' at position ${this.i}`);
    return n;
  }
  private union(): Node {
    const alts = [this.inter()];
    while (this.eat(124 /* | */)) alts.push(this.inter());
    return alts.length === 1 ? alts[0] : { k: 'union', alts };
  }
  private inter(): Node {
    const parts = [this.concat()];
    while (this.eat(38 /* & */)) parts.push(this.concat());
    return parts.length === 1 ? parts[0] : { k: 'inter', parts };
  }
  private concat(): Node {
    const items: Node[] = [];
    while (this.more() && this.peek() !== 124 && this.peek() !== 38 && this.peek() !== 41) items.push(this.repeat());
    return items.length === 1 ? items[0] : { k: 'concat', items };
  }
  private repeat(): Node {
    let node = this.complement();
    for (;;) {
      const c = this.peek();
      if (c === 63) {
        this.i++;
        node = { k: 'repeat', node, min: 0, max: 1 };
      } else if (c === 42) {
        this.i++;
        node = { k: 'repeat', node, min: 0, max: Infinity };
      } else if (c === 43) {
        this.i++;
        node = { k: 'repeat', node, min: 1, max: Infinity };
      } else if (c === 123) {
        const start = this.i;
        this.i++;
        const min = this.number();
        let max = min;
        if (this.eat(44)) max = this.peek() === 125 ? Infinity : this.number();
        if (!this.eat(125))
          throw new RegexSyntaxError(`expected '}' at position ${this.i} (repetition opened at ${start})`);
        node = { k: 'repeat', node, min, max };
      } else return node;
    }
  }
  private number(): number {
    let s = '';
    while (this.peek() !== undefined && (this.peek() as number) >= 48 && (this.peek() as number) <= 57) {
      s += String.fromCodePoint(this.cps[this.i++]);
    }
    if (!s) throw new RegexSyntaxError(`expected a number at position ${this.i}`);
    return Number(s);
  }
  private complement(): Node {
    if (this.eat(126 /* ~ */)) return { k: 'complement', node: this.complement() };
    return this.charClassExp();
  }
  private charClassExp(): Node {
    if (this.eat(91 /* [ */)) {
      const negated = this.eat(94 /* ^ */);
      const ranges: Array<[number, number]> = [];
      while (this.more() && this.peek() !== 93) {
        const shorthand = this.shorthand();
        if (shorthand) {
          ranges.push(...shorthand);
          continue;
        }
        const lo = this.classChar();
        if (this.peek() === 45 && this.cps[this.i + 1] !== 93 && this.cps[this.i + 1] !== undefined) {
          this.i++;
          const hi = this.classChar();
          if (hi < lo) throw new RegexSyntaxError(`invalid range in character class at position ${this.i}`);
          ranges.push([lo, hi]);
        } else ranges.push([lo, lo]);
      }
      if (!this.eat(93)) throw new RegexSyntaxError('unterminated character class: expected ]');
      return { k: 'class', negated, ranges };
    }
    return this.simple();
  }
  private shorthand(): Array<[number, number]> | undefined {
    if (this.peek() !== 92) return undefined;
    const n = this.cps[this.i + 1];
    const map: Record<number, Array<[number, number]>> = { 100: DIGIT, 115: SPACE, 119: WORD };
    if (n !== undefined && map[n]) {
      this.i += 2;
      return map[n];
    }
    return undefined;
  }
  private classChar(): number {
    if (this.eat(92)) {
      if (!this.more()) throw new RegexSyntaxError('pattern ends with a lone backslash');
      return this.cps[this.i++];
    }
    return this.cps[this.i++];
  }
  private simple(): Node {
    const c = this.peek();
    if (c === undefined) throw new RegexSyntaxError('unexpected end of pattern');
    this.i++;
    switch (c) {
      case 46:
        return { k: 'any' };
      case 64:
        return { k: 'anystring' };
      case 35:
        return { k: 'empty' };
      case 40: {
        if (this.eat(41)) return { k: 'string', text: '' };
        const inner = this.union();
        if (!this.eat(41)) throw new RegexSyntaxError('unbalanced parenthesis: expected )');
        return inner;
      }
      case 34: {
        let text = '';
        while (this.more() && this.peek() !== 34) text += String.fromCodePoint(this.cps[this.i++]);
        if (!this.eat(34)) throw new RegexSyntaxError('unterminated quoted string: expected "');
        return { k: 'string', text };
      }
      case 60: {
        let body = '';
        while (this.more() && this.peek() !== 62) body += String.fromCodePoint(this.cps[this.i++]);
        if (!this.eat(62)) throw new RegexSyntaxError('unterminated numeric interval: expected >');
        const m = /^(\d+)-(\d+)$/.exec(body);
        if (!m) throw new RegexSyntaxError(`invalid numeric interval <${body}>`);
        const a = Number(m[1]);
        const b = Number(m[2]);
        const width = m[1].length === m[2].length ? m[1].length : 0;
        return { k: 'interval', lo: Math.min(a, b), hi: Math.max(a, b), width };
      }
      case 92: {
        const n = this.cps[this.i];
        if (n === undefined) throw new RegexSyntaxError('pattern ends with a lone backslash');
        const classes: Record<number, [Array<[number, number]>, boolean]> = {
          100: [DIGIT, false],
          68: [DIGIT, true],
          115: [SPACE, false],
          83: [SPACE, true],
          119: [WORD, false],
          87: [WORD, true],
        };
        this.i++;
        const cls = classes[n];
        if (cls) return { k: 'class', negated: cls[1], ranges: cls[0] };
        return { k: 'char', cp: n };
      }
      case 41:
      case 63:
      case 42:
      case 43:
      case 123:
        throw new RegexSyntaxError(`unexpected '${String.fromCodePoint(c)}' at position ${this.i - 1}`);
      default:
        return { k: 'char', cp: c };
    }
  }
}

function escapeCp(cp: number, inClass = false): string {
  const ch = String.fromCodePoint(cp);
  // In unicode mode only syntax characters may be escaped; `-` only inside a class.
  if (/[\\^$.*+?()[\]{}|/]/.test(ch) || (inClass && ch === '-')) return '\\' + ch;
  if (cp < 32 || cp === 127) return `\\u{${cp.toString(16)}}`;
  return ch;
}

function caseVariants(cp: number, ci: boolean): number[] {
  if (!ci) return [cp];
  if (cp >= 65 && cp <= 90) return [cp, cp + 32];
  if (cp >= 97 && cp <= 122) return [cp, cp - 32];
  return [cp];
}

function classSource(ranges: Array<[number, number]>, negated: boolean, ci: boolean): string {
  const all: Array<[number, number]> = [...ranges];
  if (ci) {
    for (const [lo, hi] of ranges) {
      const a = Math.max(lo, 65);
      const b = Math.min(hi, 90);
      if (a <= b) all.push([a + 32, b + 32]);
      const c = Math.max(lo, 97);
      const d = Math.min(hi, 122);
      if (c <= d) all.push([c - 32, d - 32]);
    }
  }
  const body = all
    .map(([lo, hi]) => (lo === hi ? escapeCp(lo, true) : `${escapeCp(lo, true)}-${escapeCp(hi, true)}`))
    .join('');
  if (!body) return negated ? '[\\s\\S]' : '[]';
  return `[${negated ? '^' : ''}${body}]`;
}

function intervalSource(lo: number, hi: number, width: number): string {
  if (hi - lo > 5000) throw new RegexSyntaxError(`numeric interval <${lo}-${hi}> is too wide for eqlite`);
  const alts: string[] = [];
  for (let v = hi; v >= lo; v--) {
    const s = String(v);
    alts.push(width ? s.padStart(width, '0') : `0*${s}`);
  }
  return `(?:${alts.join('|')})`;
}

function emit(n: Node, ci: boolean): string {
  switch (n.k) {
    case 'union':
      return `(?:${n.alts.map((a) => emit(a, ci)).join('|')})`;
    case 'concat':
      return n.items.map((x) => emit(x, ci)).join('');
    case 'repeat': {
      const inner = `(?:${emit(n.node, ci)})`;
      if (n.min === 0 && n.max === 1) return `${inner}?`;
      if (n.min === 0 && n.max === Infinity) return `${inner}*`;
      if (n.min === 1 && n.max === Infinity) return `${inner}+`;
      return `${inner}{${n.min},${n.max === Infinity ? '' : n.max}}`;
    }
    case 'char': {
      const v = caseVariants(n.cp, ci);
      return v.length === 1 ? escapeCp(v[0]) : `[${v.map((x) => escapeCp(x, true)).join('')}]`;
    }
    case 'class':
      return classSource(n.ranges, n.negated, ci);
    case 'any':
      return '[\\s\\S]';
    case 'anystring':
      return '[\\s\\S]*';
    case 'empty':
      return '(?!)';
    case 'string':
      return [...n.text].map((ch) => emit({ k: 'char', cp: ch.codePointAt(0) as number }, ci)).join('');
    case 'interval':
      return intervalSource(n.lo, n.hi, n.width);
    case 'inter':
    case 'complement':
      throw new RegexSyntaxError(
        'intersection (&) and complement (~) are supported by eqlite only on the whole pattern',
      );
  }
}

/** Compiles a Lucene regexp into an anchored test. Throws `RegexSyntaxError` on invalid patterns. */
export function compileLuceneRegex(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  const ast = new LuceneParser(pattern).parse();
  return compileNode(ast, caseInsensitive);
}

function compileNode(ast: Node, ci: boolean): (value: string) => boolean {
  if (ast.k === 'inter') {
    const parts = ast.parts.map((p) => compileNode(p, ci));
    return (v) => parts.every((p) => p(v));
  }
  if (ast.k === 'complement') {
    const inner = compileNode(ast.node, ci);
    return (v) => !inner(v);
  }
  if (ast.k === 'union' && ast.alts.some((a) => a.k === 'inter' || a.k === 'complement')) {
    const alts = ast.alts.map((a) => compileNode(a, ci));
    return (v) => alts.some((a) => a(v));
  }
  const re = new RegExp(`^(?:${emit(ast, ci)})$`, 'u');
  return (v) => re.test(v);
}

/** True when the pattern has no Lucene regexp operator, so it means the literal text. */
export function isLiteralLuceneRegex(pattern: string): boolean {
  return !/[.?+*|{}[\]()"\\#@&<>~]/.test(pattern);
}

/** Java `Pattern.matcher(s).matches()` for the script path; `(?i)` folds ASCII like Java's default. */
export function compileJavaRegex(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  let src = pattern;
  // Java-only syntax with a direct JS equivalent.
  src = src.replace(/\\Q([\s\S]*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  src = src.replace(/([*+?}])\+/g, '$1'); // possessive → greedy (same full-match language)
  const re = new RegExp(`^(?:${src})$`, caseInsensitive ? 'i' : '');
  return (v) => re.test(v);
}
