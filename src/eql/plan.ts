/**
 * The analyzed form of a query: typed expressions (`TExpr`) after field resolution, type checks,
 * ES's rewrites (null checks, boolean comparisons, literal-on-the-right, surrogate functions) and
 * constant folding. The compiler reads only this.
 */
import type { CompareOp, FieldRef, MatchOp } from './ast.js';
import type { SourceSpan } from './errors.js';
import type { FunctionSpec, Value } from './functions.js';
import type { DataType, FieldDef } from './types.js';

interface Base {
  t: DataType;
  /** Source text of the node, for messages and explain output. */
  text: string;
  span?: SourceSpan;
}

export type TExpr =
  | (Base & { k: 'lit'; v: Value })
  | (Base & { k: 'field'; def: FieldDef; ref: FieldRef })
  | (Base & { k: 'call'; fn: FunctionSpec; ci: boolean; args: TExpr[] })
  | (Base & { k: 'arith'; op: '+' | '-' | '*' | '/' | '%'; l: TExpr; r: TExpr })
  | (Base & { k: 'neg'; e: TExpr })
  | (Base & { k: 'cmp'; op: CompareOp; l: TExpr; r: TExpr })
  | (Base & { k: 'match'; op: MatchOp; e: TExpr; patterns: string[] })
  | (Base & { k: 'in'; e: TExpr; values: Value[]; ci: boolean })
  | (Base & { k: 'and' | 'or'; l: TExpr; r: TExpr })
  | (Base & { k: 'not'; e: TExpr })
  | (Base & { k: 'isnull' | 'isnotnull'; e: TExpr });

export type TLit = Extract<TExpr, { k: 'lit' }>;
export type TField = Extract<TExpr, { k: 'field' }>;

export function lit(v: Value, t: DataType, text: string, span?: SourceSpan): TLit {
  return { k: 'lit', v, t, text, span };
}

export function isLit(e: TExpr): e is TLit {
  return e.k === 'lit';
}

export function isNullLit(e: TExpr): boolean {
  return e.k === 'lit' && e.v === null;
}

/** Every field a typed expression reads, in first-use order. */
export function fieldsOf(e: TExpr, out: FieldDef[] = []): FieldDef[] {
  switch (e.k) {
    case 'lit':
      return out;
    case 'field':
      if (!out.some((f) => f.name === e.def.name)) out.push(e.def);
      return out;
    case 'call':
      for (const a of e.args) fieldsOf(a, out);
      return out;
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      fieldsOf(e.l, out);
      return fieldsOf(e.r, out);
    case 'neg':
    case 'not':
    case 'match':
    case 'in':
    case 'isnull':
    case 'isnotnull':
      return fieldsOf(e.e, out);
  }
}
