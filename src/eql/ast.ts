/**
 * The EQL syntax tree: plain, discriminated-union data. Parsing builds it; the analyzer checks and
 * rewrites it; the compiler turns the analyzed form into closures. Every node keeps its text span.
 */
import type { SourceSpan } from './errors.js';

export type LiteralType = 'null' | 'boolean' | 'integer' | 'long' | 'double' | 'keyword';

export interface Literal {
  kind: 'literal';
  value: null | boolean | number | string;
  type: LiteralType;
  span: SourceSpan;
}

export interface FieldRef {
  kind: 'field';
  /** Dotted name as ES sees it (`process.parent.name`). */
  name: string;
  /** `?field`: optional, may be unmapped. */
  optional: boolean;
  span: SourceSpan;
}

export interface Not {
  kind: 'not';
  expr: Expr;
  span: SourceSpan;
}

export interface Logical {
  kind: 'and' | 'or';
  left: Expr;
  right: Expr;
  span: SourceSpan;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface Comparison {
  kind: 'compare';
  op: CompareOp;
  left: Expr;
  right: Expr;
  span: SourceSpan;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';

export interface Arithmetic {
  kind: 'arith';
  op: ArithOp;
  left: Expr;
  right: Expr;
  span: SourceSpan;
}

export interface Negate {
  kind: 'neg';
  expr: Expr;
  span: SourceSpan;
}

/** `x in (a, b)`, `x in~ (...)`, `x not in (...)`. */
export interface In {
  kind: 'in';
  expr: Expr;
  list: Expr[];
  insensitive: boolean;
  negated: boolean;
  span: SourceSpan;
}

export type MatchOp = ':' | 'like' | 'like~' | 'regex' | 'regex~';

/** `x : "a*"`, `x like ("a", "b")`, `x regex~ "..."`; the right side is always string literals. */
export interface Match {
  kind: 'match';
  op: MatchOp;
  expr: Expr;
  patterns: Literal[];
  span: SourceSpan;
}

export interface Call {
  kind: 'call';
  /** Name as written. */
  name: string;
  /** Written with `~` (case-insensitive variant). */
  insensitive: boolean;
  args: Expr[];
  span: SourceSpan;
  nameSpan: SourceSpan;
}

export type Expr = Literal | FieldRef | Not | Logical | Comparison | Arithmetic | Negate | In | Match | Call;

/** `category where condition`; `category` is null for `any`. */
export interface EventFilter {
  kind: 'filter';
  category: string | null;
  categorySpan: SourceSpan;
  condition: Expr;
  span: SourceSpan;
}

export interface JoinKey {
  field: FieldRef;
}

export interface SequenceStage {
  filter: EventFilter;
  keys: FieldRef[];
  /** `with runs=N`; 1 when absent. */
  runs: number;
  /** `![ ... ]`: a missing-event stage. */
  missing: boolean;
  span: SourceSpan;
}

export interface TimeSpan {
  /** Duration in nanoseconds (exact integer for every unit EQL allows). */
  nanos: number;
  text: string;
  span: SourceSpan;
}

export interface EventQuery {
  kind: 'event';
  filter: EventFilter;
}

export interface SequenceQuery {
  kind: 'sequence';
  keys: FieldRef[];
  maxspan: TimeSpan | null;
  stages: SequenceStage[];
  until: SequenceStage | null;
  span: SourceSpan;
}

export interface SampleQuery {
  kind: 'sample';
  keys: FieldRef[];
  stages: SequenceStage[];
  span: SourceSpan;
}

export type Query = EventQuery | SequenceQuery | SampleQuery;

export interface Pipe {
  name: 'head' | 'tail';
  count: number;
  span: SourceSpan;
}

export interface Statement {
  query: Query;
  pipes: Pipe[];
  text: string;
}
