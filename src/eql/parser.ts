/**
 * A hand-written recursive-descent parser for Elasticsearch EQL. It follows `EqlBase.g4` (operator
 * precedence, predicate suffixes, sequence/sample forms) and raises the same errors ES raises while
 * parsing, each with a line, a column, the offending text and what was expected.
 */
import type {
  Call,
  EventFilter,
  Expr,
  FieldRef,
  Literal,
  MatchOp,
  Pipe,
  Query,
  SampleQuery,
  SequenceQuery,
  SequenceStage,
  Statement,
  TimeSpan,
} from './ast.js';
import { EqlError, LineMap, type SourceSpan } from './errors.js';
import { KEYWORDS, tokenize, type Token } from './lexer.js';

const UNIT_NANOS: Record<string, number> = {
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
};

const UNSUPPORTED_PIPES = new Set(['count', 'filter', 'sort', 'unique', 'unique_count']);
const MAX_INT = 2147483647;

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of query';
  if (t.type === 'string') return `string "${t.value}"`;
  return `'${t.value}'`;
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private readonly lines: LineMap;

  constructor(private readonly text: string) {
    this.lines = new LineMap(text);
    this.tokens = tokenize(text, this.lines);
  }

  // ---- token helpers -------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isOp(value: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.value === value;
  }

  private isKw(value: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'keyword' && t.value === value;
  }

  private span(start: number, end: number): SourceSpan {
    return this.lines.span(start, end);
  }

  private prevEnd(): number {
    return this.tokens[Math.max(0, this.pos - 1)].end;
  }

  fail(detail: string, start: number, end: number): never {
    throw new EqlError('parse', detail, this.span(start, Math.max(end, start + 1)), this.text);
  }

  private unexpected(expected: string): never {
    const t = this.peek();
    let detail = `expected ${expected} but found ${describe(t)}`;
    if (t.type === 'ident' && (KEYWORDS as readonly string[]).includes(t.value.toLowerCase())) {
      detail += `; EQL keywords are lowercase: did you mean '${t.value.toLowerCase()}'?`;
    } else if (t.type === 'op' && t.value === '=') {
      detail += '; = is not an equality operator: use == (case-sensitive) or : (case-insensitive)';
    }
    this.fail(detail, t.start, t.end);
  }

  private expectOp(value: string, what = `'${value}'`): Token {
    if (!this.isOp(value)) this.unexpected(what);
    return this.next();
  }

  private expectKw(value: string): Token {
    if (!this.isKw(value)) this.unexpected(`'${value}'`);
    return this.next();
  }

  // ---- statement -----------------------------------------------------------------------------

  parseStatement(): Statement {
    const query = this.parseQuery();
    const pipes: Pipe[] = [];
    while (this.isOp('|')) {
      pipes.push(this.parsePipe(query));
    }
    if (this.peek().type !== 'eof') {
      this.unexpected(
        pipes.length || query.kind !== 'event' ? "'|' or end of query" : "'and', 'or', '|' or end of query",
      );
    }
    return { query, pipes, text: this.text };
  }

  private parsePipe(query: Query): Pipe {
    const bar = this.next();
    const nameTok = this.peek();
    if (nameTok.type !== 'ident' && nameTok.type !== 'keyword') this.unexpected('a pipe name (head or tail)');
    this.next();
    const name = nameTok.value;
    if (query.kind === 'sample') {
      this.fail('Pipes are not supported with samples', bar.start, nameTok.end);
    }
    if (UNSUPPORTED_PIPES.has(name)) this.fail(`Pipe [${name}] is not supported`, nameTok.start, nameTok.end);
    if (name !== 'head' && name !== 'tail') this.fail(`Unrecognized pipe [${name}]`, nameTok.start, nameTok.end);
    const args: Expr[] = [];
    if (this.peek().type !== 'eof' && !this.isOp('|')) {
      args.push(this.parseExpression());
      while (this.isOp(',')) {
        this.next();
        args.push(this.parseExpression());
      }
    }
    const end = this.prevEnd();
    if (args.length !== 1) {
      this.fail(`Pipe [${name}] expects exactly one argument, a non-negative integer`, nameTok.start, end);
    }
    const arg = args[0];
    if (arg.kind !== 'literal' || (arg.type !== 'integer' && arg.type !== 'long') || typeof arg.value !== 'number') {
      this.fail(
        `Pipe [${name}] expects a non-negative integer, found [${this.text.slice(arg.span.start.offset, arg.span.end.offset)}]`,
        arg.span.start.offset,
        arg.span.end.offset,
      );
    }
    return { name, count: arg.value, span: this.span(bar.start, end) };
  }

  private parseQuery(): Query {
    const t = this.peek();
    if (t.type === 'keyword' && t.value === 'sequence') return this.parseSequence();
    if (t.type === 'keyword' && t.value === 'sample') return this.parseSample();
    if (t.type === 'keyword' && t.value === 'join') {
      this.fail('Queries using [join] are not supported', t.start, t.end);
    }
    return { kind: 'event', filter: this.parseEventFilter() };
  }

  private parseEventFilter(): EventFilter {
    const t = this.peek();
    let category: string | null;
    if (t.type === 'keyword' && t.value === 'any') category = null;
    else if (t.type === 'ident' || t.type === 'string') category = t.value;
    else this.unexpected("'any', an event category, 'sequence' or 'sample'");
    this.next();
    this.expectKw('where');
    const condition = this.parseExpression();
    return {
      kind: 'filter',
      category,
      categorySpan: this.span(t.start, t.end),
      condition,
      span: this.span(t.start, this.prevEnd()),
    };
  }

  private parseJoinKeys(): FieldRef[] {
    this.expectKw('by');
    const keys: FieldRef[] = [];
    for (;;) {
      const e = this.parseExpression();
      if (e.kind !== 'field') {
        this.fail(
          `Join keys must be field names, found [${this.text.slice(e.span.start.offset, e.span.end.offset)}]`,
          e.span.start.offset,
          e.span.end.offset,
        );
      }
      keys.push(e);
      if (!this.isOp(',')) break;
      this.next();
    }
    return keys;
  }

  private parseTimeSpan(): TimeSpan {
    const numTok = this.peek();
    if (numTok.type !== 'integer' && numTok.type !== 'decimal') this.unexpected('a time value such as 30s');
    this.next();
    let unitTok: Token | undefined;
    // The unit must follow the number directly or after spaces; it is an identifier token.
    if (this.peek().type === 'ident') unitTok = this.next();
    if (numTok.type === 'decimal') {
      this.fail(`Decimal time interval [${numTok.value}] not supported`, numTok.start, (unitTok ?? numTok).end);
    }
    if (!unitTok) {
      this.fail(`No time unit specified, did you mean [s] as in [${numTok.value}s]?`, numTok.start, numTok.end);
    }
    const unit = unitTok.value;
    const factor = UNIT_NANOS[unit];
    if (factor === undefined) {
      this.fail(
        `Unrecognized time unit [${unit}] in [${numTok.value}${unit}], please specify one of [ms, s, m, h, d]`,
        unitTok.start,
        unitTok.end,
      );
    }
    const value = Number(numTok.value);
    if (value <= 0)
      this.fail(`A positive maxspan value is required; found [${numTok.value}]`, numTok.start, unitTok.end);
    return { nanos: value * factor, text: `${numTok.value}${unit}`, span: this.span(numTok.start, unitTok.end) };
  }

  private parseStage(allowRuns: boolean, allowMissing: boolean): SequenceStage {
    const open = this.peek();
    let missing = false;
    if (this.isOp('![')) {
      if (!allowMissing) this.fail('Missing events ![…] are only allowed in sequences', open.start, open.end);
      missing = true;
      this.next();
    } else {
      this.expectOp('[', "'[' to open a query stage");
    }
    const filter = this.parseEventFilter();
    this.expectOp(']', "']' to close the query stage");
    let keys: FieldRef[] = [];
    if (this.isKw('by')) keys = this.parseJoinKeys();
    let runs = 1;
    if (this.isKw('with') && allowRuns) {
      const withTok = this.next();
      const keyTok = this.peek();
      if (this.isKw('maxspan')) {
        this.fail(
          'maxspan is set on the sequence (sequence [by …] with maxspan=…), not on a stage',
          keyTok.start,
          keyTok.end,
        );
      }
      if (keyTok.type !== 'ident') this.unexpected("'runs'");
      this.next();
      if (keyTok.value !== 'runs') {
        this.fail(`Unrecognized option [${keyTok.value}], expecting [runs]`, keyTok.start, keyTok.end);
      }
      this.expectOp('=', "'=' after runs");
      const numTok = this.peek();
      if (numTok.type !== 'integer') this.unexpected('an integer number of runs');
      this.next();
      runs = Number(numTok.value);
      if (runs < 1 || runs > 100) {
        this.fail(
          `A positive runs value between 1 and 100 is required; found [${numTok.value}]`,
          numTok.start,
          numTok.end,
        );
      }
      if (missing) {
        // ES accepts runs on a missing stage; repeating it changes nothing, see test_missing_events.
      }
      void withTok;
    }
    return { filter, keys, runs, missing, span: this.span(open.start, this.prevEnd()) };
  }

  private parseSequence(): SequenceQuery {
    const seqTok = this.next();
    let keys: FieldRef[] = [];
    let maxspan: TimeSpan | null = null;
    if (this.isKw('by')) {
      keys = this.parseJoinKeys();
    }
    if (this.isKw('with')) {
      this.next();
      this.expectKw('maxspan');
      this.expectOp('=', "'=' after maxspan");
      maxspan = this.parseTimeSpan();
      if (this.isKw('by')) {
        const byTok = this.peek();
        this.fail('Please specify sequence [by] before [with] not after', byTok.start, byTok.end);
      }
    }
    const stages: SequenceStage[] = [];
    while (this.isOp('[') || this.isOp('![')) {
      stages.push(this.parseStage(true, true));
    }
    if (stages.length === 0) this.unexpected("'[' to open the first sequence stage");
    let until: SequenceStage | null = null;
    if (this.isKw('until')) {
      this.next();
      const u = this.peek();
      if (this.isOp('![')) this.fail('until cannot be a missing event', u.start, u.end);
      until = this.parseStage(false, false);
    }
    const total = stages.reduce((n, s) => n + s.runs, 0);
    if (total < 2) {
      this.fail('A sequence requires a minimum of 2 queries, found [1]', seqTok.start, this.prevEnd());
    }
    return { kind: 'sequence', keys, maxspan, stages, until, span: this.span(seqTok.start, this.prevEnd()) };
  }

  private parseSample(): SampleQuery {
    const sampleTok = this.next();
    let keys: FieldRef[] = [];
    if (this.isKw('by')) keys = this.parseJoinKeys();
    const stages: SequenceStage[] = [];
    while (this.isOp('[') || this.isOp('![')) {
      const t = this.peek();
      if (t.value === '![') this.fail('Missing events ![…] are only allowed in sequences', t.start, t.end);
      stages.push(this.parseStage(false, false));
    }
    if (stages.length === 0) this.unexpected("'[' to open the first sample filter");
    if (this.isKw('with')) {
      const t = this.peek();
      this.fail('maxspan and runs are not allowed in samples', t.start, t.end);
    }
    if (this.isKw('until')) {
      const t = this.peek();
      this.fail('until is not allowed in samples', t.start, t.end);
    }
    return { kind: 'sample', keys, stages, span: this.span(sampleTok.start, this.prevEnd()) };
  }

  // ---- expressions ---------------------------------------------------------------------------

  parseExpression(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKw('or')) {
      this.next();
      const right = this.parseAnd();
      left = { kind: 'or', left, right, span: this.span(left.span.start.offset, right.span.end.offset) };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw('and')) {
      this.next();
      const right = this.parseNot();
      left = { kind: 'and', left, right, span: this.span(left.span.start.offset, right.span.end.offset) };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      const expr = this.parseNot();
      return { kind: 'not', expr, span: this.span(t.start, expr.span.end.offset) };
    }
    // `descendant of [...]`, `child of [...]`, `event of [...]`
    const t = this.peek();
    if (t.type === 'ident' && this.isKw('of', 1)) {
      this.fail('Process relationships are not supported', t.start, this.peek(1).end);
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const t = this.peek();
    if (
      t.type === 'op' &&
      (t.value === '==' ||
        t.value === '!=' ||
        t.value === '<' ||
        t.value === '<=' ||
        t.value === '>' ||
        t.value === '>=')
    ) {
      this.next();
      const right = this.parseAdditive();
      const n = this.peek();
      if (n.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(n.value)) {
        this.fail(
          `comparisons do not chain: found ${describe(n)} after a comparison; combine them with 'and'`,
          n.start,
          n.end,
        );
      }
      return {
        kind: 'compare',
        op: t.value as '==' | '!=' | '<' | '<=' | '>' | '>=',
        left,
        right,
        span: this.span(left.span.start.offset, right.span.end.offset),
      };
    }
    if (t.type === 'op' && t.value === '=') {
      this.fail('= is not an equality operator: use == (case-sensitive) or : (case-insensitive)', t.start, t.end);
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as '+' | '-';
      const right = this.parseMultiplicative();
      left = { kind: 'arith', op, left, right, span: this.span(left.span.start.offset, right.span.end.offset) };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().value as '*' | '/' | '%';
      const right = this.parseUnary();
      left = { kind: 'arith', op, left, right, span: this.span(left.span.start.offset, right.span.end.offset) };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      const expr = this.parseUnary();
      if (t.value === '+') return expr;
      return { kind: 'neg', expr, span: this.span(t.start, expr.span.end.offset) };
    }
    const primary = this.parsePrimary();
    return this.parsePredicate(primary);
  }

  private parsePredicate(expr: Expr): Expr {
    let negated = false;
    const t = this.peek();
    if (this.isKw('not') && (this.isKw('in', 1) || this.isKw('in~', 1))) {
      this.next();
      negated = true;
    }
    if (this.isKw('in') || this.isKw('in~')) {
      const inTok = this.next();
      this.expectOp('(', "'(' after in");
      const list: Expr[] = [this.parseExpression()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.parseExpression());
      }
      this.expectOp(')', "',' or ')'");
      return {
        kind: 'in',
        expr,
        list,
        insensitive: inTok.value === 'in~',
        negated,
        span: this.span(expr.span.start.offset, this.prevEnd()),
      };
    }
    if (negated) this.fail("expected 'in' after 'not'", t.start, t.end);
    const opTok = this.peek();
    let op: MatchOp | undefined;
    if (opTok.type === 'op' && opTok.value === ':') op = ':';
    else if (opTok.type === 'keyword' && ['like', 'like~', 'regex', 'regex~'].includes(opTok.value))
      op = opTok.value as MatchOp;
    if (!op) return expr;
    this.next();
    const patterns: Literal[] = [];
    if (this.isOp('(')) {
      this.next();
      patterns.push(this.parseConstant(op));
      while (this.isOp(',')) {
        this.next();
        patterns.push(this.parseConstant(op));
      }
      this.expectOp(')', "',' or ')'");
    } else {
      patterns.push(this.parseConstant(op));
    }
    return { kind: 'match', op, expr, patterns, span: this.span(expr.span.start.offset, this.prevEnd()) };
  }

  /** The right side of `:`, `like`, `regex`: constants only, by grammar. */
  private parseConstant(op: string): Literal {
    const t = this.peek();
    if (this.isOp('-') && (this.peek(1).type === 'integer' || this.peek(1).type === 'decimal')) {
      this.next();
      const lit = this.parseNumber(this.next());
      return { ...lit, value: -(lit.value as number), span: this.span(t.start, lit.span.end.offset) };
    }
    const lit = this.tryLiteral();
    if (!lit) this.unexpected(`a constant after ${op} (a string literal or a list of them)`);
    return lit;
  }

  private parseNumber(t: Token): Literal {
    const span = this.span(t.start, t.end);
    if (t.type === 'decimal') return { kind: 'literal', value: Number(t.value), type: 'double', span };
    const v = Number(t.value);
    if (!Number.isSafeInteger(v)) {
      // ES keeps exact 64-bit longs; eqlite's numbers are doubles, so it refuses what it cannot represent.
      if (BigInt(t.value) > 9223372036854775807n) this.fail(`Number [${t.value}] is too large`, t.start, t.end);
      this.fail(`Number [${t.value}] cannot be represented exactly (above 2^53)`, t.start, t.end);
    }
    return { kind: 'literal', value: v, type: v > MAX_INT ? 'long' : 'integer', span };
  }

  private tryLiteral(): Literal | undefined {
    const t = this.peek();
    const span = this.span(t.start, t.end);
    if (t.type === 'string') {
      this.next();
      return { kind: 'literal', value: t.value, type: 'keyword', span };
    }
    if (t.type === 'integer' || t.type === 'decimal') {
      this.next();
      return this.parseNumber(t);
    }
    if (t.type === 'keyword' && (t.value === 'true' || t.value === 'false')) {
      this.next();
      return { kind: 'literal', value: t.value === 'true', type: 'boolean', span };
    }
    if (t.type === 'keyword' && t.value === 'null') {
      this.next();
      return { kind: 'literal', value: null, type: 'null', span };
    }
    return undefined;
  }

  private parsePrimary(): Expr {
    const lit = this.tryLiteral();
    if (lit) return lit;
    const t = this.peek();
    if (this.isOp('(')) {
      this.next();
      const inner = this.parseExpression();
      this.expectOp(')', "')'");
      return { ...inner, span: this.span(t.start, this.prevEnd()) };
    }
    if ((t.type === 'ident' || t.type === 'tident') && this.isOp('(', 1)) return this.parseCall();
    if (t.type === 'tident') this.fail(`expected '(' after function name ${t.value}~`, t.start, t.end);
    if (t.type === 'ident' || t.type === 'qident' || this.isOp('?')) return this.parseField();
    this.unexpected('an expression (a field, a constant, a function call or a parenthesised expression)');
  }

  private parseCall(): Call {
    const nameTok = this.next();
    this.next(); // (
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.parseExpression());
      while (this.isOp(',')) {
        this.next();
        args.push(this.parseExpression());
      }
    }
    this.expectOp(')', "',' or ')' in the argument list");
    return {
      kind: 'call',
      name: nameTok.value,
      insensitive: nameTok.type === 'tident',
      args,
      span: this.span(nameTok.start, this.prevEnd()),
      nameSpan: this.span(nameTok.start, nameTok.end),
    };
  }

  private parseField(): FieldRef {
    const start = this.peek().start;
    let optional = false;
    if (this.isOp('?')) {
      this.next();
      optional = true;
    }
    const parts: string[] = [];
    const first = this.peek();
    if (first.type !== 'ident' && first.type !== 'qident') this.unexpected('a field name after ?');
    this.next();
    parts.push(first.value);
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const p = this.peek();
        if (p.type !== 'ident' && p.type !== 'qident') {
          this.unexpected(
            p.type === 'keyword'
              ? `a field name segment; '${p.value}' is a keyword, write it backquoted as \`${p.value}\``
              : 'a field name segment after .',
          );
        }
        this.next();
        parts.push(p.value);
        continue;
      }
      if (this.isOp('[')) {
        const open = this.peek();
        let j = 1;
        while (this.peek(j).type === 'integer') j++;
        if (j > 1 && this.isOp(']', j)) {
          this.fail('Array indexes are not supported', open.start, this.peek(j).end);
        }
      }
      break;
    }
    return { kind: 'field', name: parts.join('.'), optional, span: this.span(start, this.prevEnd()) };
  }
}

/** Parses a whole EQL statement (query plus pipes). Throws `EqlError` of kind `parse`. */
export function parse(text: string): Statement {
  return new Parser(text).parseStatement();
}

/** Parses a bare expression (used by tests and by pivots/explain tooling). */
export function parseExpression(text: string): Expr {
  const p = new Parser(text);
  const e = p.parseExpression();
  return e;
}
