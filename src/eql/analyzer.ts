/**
 * Checks a parsed query against a schema and rewrites it as Elasticsearch's analyzer and optimizer
 * do, producing typed expressions (`plan.ts`). Verification errors name the offending text and its
 * position and use ES's wording where ES has one.
 *
 * Rewrites, in ES's order: unmapped `?field` becomes a null literal; `x == null` / `x != null`
 * become IsNull / IsNotNull; comparisons with boolean literals collapse (`f == false` → `not f`);
 * literals move to the right of comparisons; add/subtract/... become operators; constants fold
 * (Kleene logic only when every operand is constant; `not null` and comparisons with null fold to
 * null).
 */
import type { CompareOp, Expr, FieldRef, Literal } from './ast.js';
import { EqlError, type SourceSpan } from './errors.js';
import {
  ARITHMETIC_FUNCTIONS,
  FUNCTIONS,
  arithType,
  type ArgKind,
  type FunctionSpec,
  type Value,
} from './functions.js';
import { isLit, isNullLit, lit, type TExpr } from './plan.js';
import type { Schema } from './schema.js';
import { compileScript } from './script.js';
import { didYouMean, findSimilar } from './similar.js';
import { isIntegral, isNumeric, type DataType, type FieldDef } from './types.js';
import { javaToString } from './java.js';

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

function nth(i: number): string {
  const n = i + 1;
  const suffix =
    n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

const FLIP: Record<CompareOp, CompareOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function literalType(l: Literal): DataType {
  switch (l.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'long':
      return 'long';
    case 'double':
      return 'double';
    case 'keyword':
      return 'keyword';
  }
}

function upperType(t: DataType): string {
  return t === 'date' || t === 'date_nanos' ? 'DATETIME' : t.toUpperCase();
}

export class Analyzer {
  constructor(
    readonly schema: Schema,
    private readonly text: string,
  ) {}

  private src(span: SourceSpan): string {
    return this.text.slice(span.start.offset, span.end.offset);
  }

  fail(detail: string, span: SourceSpan): never {
    throw new EqlError('verification', detail, span, this.text);
  }

  /** Folds a node whose operands are all literals, with ES's runtime errors positioned on it. */
  private fold(e: TExpr, span: SourceSpan): TExpr {
    try {
      const v = compileScript(e, () => -1)([]);
      return lit(v, v === null ? 'null' : e.t, e.text, span);
    } catch (err) {
      if (err instanceof EqlError) throw new EqlError('runtime', err.detail, span, this.text);
      throw err;
    }
  }

  // ---- fields --------------------------------------------------------------------------------

  /** Resolves a field for use in a condition; an unmapped optional field becomes a null literal. */
  field(ref: FieldRef): TExpr {
    const def = this.resolveField(ref);
    if (!def) return lit(null, 'null', this.src(ref.span), ref.span);
    return { k: 'field', def, ref, t: def.type, text: this.src(ref.span), span: ref.span };
  }

  /** A field definition, or undefined for an unmapped optional field. Throws for unusable fields. */
  resolveField(ref: FieldRef): FieldDef | undefined {
    const name = ref.name;
    const def = this.schema.resolve(name);
    if (def) {
      if (def.nestedParent) {
        if (def.name === def.nestedParent || def.type === 'nested') {
          this.fail(`Cannot use field [${name}] type [nested] due to nested fields not being supported yet`, ref.span);
        }
        this.fail(
          `Cannot use field [${name}] type [${def.type === 'date' ? 'datetime' : def.type}] with unsupported nested type in hierarchy (field [${def.nestedParent}])`,
          ref.span,
        );
      }
      if (def.type === 'nested') {
        this.fail(`Cannot use field [${name}] type [nested] due to nested fields not being supported yet`, ref.span);
      }
      if (def.type === 'object') this.fail(`Cannot use field [${name}] type [object] only its subfields`, ref.span);
      if (def.type === 'unsupported')
        this.fail(`Cannot use field [${name}] with unsupported type [${def.esType}]`, ref.span);
      return def;
    }
    if (this.schema.isObject(name)) this.fail(`Cannot use field [${name}] type [object] only its subfields`, ref.span);
    if (this.schema.unknownFields === 'infer') {
      return { name, sourcePath: name, type: 'dynamic', esType: 'dynamic', exact: true };
    }
    if (ref.optional) return undefined;
    const suggestions = findSimilar(name, [...this.schema.names(), ...this.schema.aliasNames()]);
    this.fail(`Unknown column [${name}]${didYouMean(suggestions)}`, ref.span);
  }

  // ---- conditions ----------------------------------------------------------------------------

  condition(e: Expr): TExpr {
    const t = this.expr(e);
    if (t.t !== 'boolean' && t.t !== 'null' && t.t !== 'dynamic') {
      this.fail(`Condition expression needs to be boolean, found [${upperType(t.t)}]`, e.span);
    }
    // A dynamic (unmapped, inferred) field used as a condition means "is true", like a boolean field.
    return t;
  }

  expr(e: Expr): TExpr {
    switch (e.kind) {
      case 'literal':
        return lit(e.value, literalType(e), this.src(e.span), e.span);
      case 'field':
        return this.field(e);
      case 'not': {
        const inner = this.expr(e.expr);
        this.requireBoolean(inner, e.expr.span, 'not');
        const node: TExpr = { k: 'not', e: inner, t: 'boolean', text: this.src(e.span), span: e.span };
        return isLit(inner) ? this.fold(node, e.span) : node;
      }
      case 'and':
      case 'or': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        this.requireBoolean(l, e.left.span, e.kind);
        this.requireBoolean(r, e.right.span, e.kind);
        const node: TExpr = { k: e.kind, l, r, t: 'boolean', text: this.src(e.span), span: e.span };
        if (isLit(l) && isLit(r)) return this.fold(node, e.span);
        // true/false operands simplify (BooleanSimplification); null stays (three-valued).
        if (e.kind === 'and') {
          if ((isLit(l) && l.v === false) || (isLit(r) && r.v === false))
            return lit(false, 'boolean', node.text, e.span);
          if (isLit(l) && l.v === true) return r;
          if (isLit(r) && r.v === true) return l;
        } else {
          if ((isLit(l) && l.v === true) || (isLit(r) && r.v === true)) return lit(true, 'boolean', node.text, e.span);
          if (isLit(l) && l.v === false) return r;
          if (isLit(r) && r.v === false) return l;
        }
        return node;
      }
      case 'compare':
        return this.comparison(e.op, this.expr(e.left), this.expr(e.right), e.span, e.right.span);
      case 'arith': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        return this.arith(e.op, l, r, e.span);
      }
      case 'neg': {
        const inner = this.expr(e.expr);
        if (!isNumeric(inner.t) && inner.t !== 'null' && inner.t !== 'dynamic') {
          this.fail(
            `argument of [${this.src(e.span)}] must be [numeric], found value [${inner.text}] type [${inner.t}]`,
            e.span,
          );
        }
        const node: TExpr = {
          k: 'neg',
          e: inner,
          t: inner.t === 'null' ? 'integer' : inner.t,
          text: this.src(e.span),
          span: e.span,
        };
        return isLit(inner) ? this.fold(node, e.span) : node;
      }
      case 'in':
        return this.inExpr(e);
      case 'match':
        return this.match(e);
      case 'call':
        return this.call(e);
    }
  }

  private requireBoolean(t: TExpr, span: SourceSpan, op: string): void {
    if (t.t !== 'boolean' && t.t !== 'null' && t.t !== 'dynamic') {
      this.fail(`argument of [${op}] must be [boolean], found value [${t.text}] type [${t.t}]`, span);
    }
  }

  private exactCheck(t: TExpr, whole: string, position: string, span: SourceSpan): void {
    if (t.k === 'field' && t.def.type === 'text' && !t.def.exact) {
      const short = t.def.name.split('.').pop();
      this.fail(
        `[${whole}] cannot operate on ${position}field of data type [text]: No keyword/multi-field defined exact matches for [${short}]; define one or use MATCH/QUERY instead`,
        span,
      );
    }
    if (t.k === 'field' && t.def.normalized) {
      this.fail(
        `[${whole}] cannot operate on ${position}field of data type [keyword]: Normalized keyword field cannot be used for exact match operations`,
        span,
      );
    }
  }

  comparison(op: CompareOp, l: TExpr, r: TExpr, span: SourceSpan, rightSpan: SourceSpan): TExpr {
    const text = this.src(span);
    // ReplaceNullChecks: applies when either side is the null literal, before anything else.
    if (isNullLit(l) || isNullLit(r)) {
      const other = isNullLit(l) ? r : l;
      if (op === '==' || op === '!=') {
        const node: TExpr = { k: op === '==' ? 'isnull' : 'isnotnull', e: other, t: 'boolean', text, span };
        return isLit(other) ? this.fold(node, span) : node;
      }
      return lit(null, 'null', text, span);
    }
    // Literal on the left moves to the right.
    if (isLit(l) && !isLit(r)) {
      [l, r] = [r, l];
      op = FLIP[op];
    }
    // Boolean comparisons collapse: f == true → f, f == false → not f.
    if (isLit(r) && typeof r.v === 'boolean' && (l.t === 'boolean' || isLit(l)) && (op === '==' || op === '!=')) {
      const positive = (op === '==') === r.v;
      if (positive) return l;
      const node: TExpr = { k: 'not', e: l, t: 'boolean', text, span };
      return isLit(l) ? this.fold(node, span) : node;
    }
    const node: TExpr = { k: 'cmp', op, l, r, t: 'boolean', text, span };
    if (isLit(l) && isLit(r)) return this.fold(node, span);
    if (!isLit(r)) {
      const pos = r.span ?? rightSpan;
      throw new EqlError(
        'verification',
        `Comparisons against fields are not (currently) supported; offender [${r.text}] in [${op}]`,
        pos,
        this.text,
      );
    }
    this.exactCheck(l, text, 'first argument ', l.span ?? span);
    return node;
  }

  private arith(op: '+' | '-' | '*' | '/' | '%', l: TExpr, r: TExpr, span: SourceSpan): TExpr {
    const text = this.src(span);
    for (const [i, side] of [l, r].entries()) {
      if (!isNumeric(side.t) && side.t !== 'null' && side.t !== 'dynamic') {
        this.fail(
          `${ORDINALS[i]} argument of [${text}] must be [numeric], found value [${side.text}] type [${side.t}]`,
          side.span ?? span,
        );
      }
    }
    const node: TExpr = { k: 'arith', op, l, r, t: arithType(l.t, r.t), text, span };
    if (isNullLit(l) || isNullLit(r)) return lit(null, 'null', text, span);
    if (isLit(l) && isLit(r)) return this.fold(node, span);
    return node;
  }

  private inExpr(e: Extract<Expr, { kind: 'in' }>): TExpr {
    const text = this.src(e.span);
    const value = this.expr(e.expr);
    const items = e.list.map((x) => this.expr(x));
    for (const item of items) {
      if (!isLit(item)) {
        this.fail(
          `Comparisons against fields are not (currently) supported; offender [${item.text}] in [${text}]`,
          e.expr.span,
        );
      }
    }
    if (isNullLit(value)) return lit(null, 'null', text, e.span);
    if (value.k === 'field') {
      items.forEach((item, i) => {
        if (!compatible(value.t, item.t)) {
          this.fail(
            `${nth(i)} argument of [${text}] must be [${value.t}], found value [${item.text}] type [${item.t}]`,
            e.span,
          );
        }
      });
      this.exactCheck(value, text, 'first argument ', e.expr.span);
    }
    let node: TExpr = {
      k: 'in',
      e: value,
      values: items.map((i) => (i as { v: Value }).v),
      ci: e.insensitive,
      t: 'boolean',
      text,
      span: e.span,
    };
    if (isLit(value)) node = this.fold(node, e.span);
    if (e.negated) {
      const not: TExpr = { k: 'not', e: node, t: 'boolean', text, span: e.span };
      return isLit(node) ? this.fold(not, e.span) : not;
    }
    return node;
  }

  private match(e: Extract<Expr, { kind: 'match' }>): TExpr {
    const text = this.src(e.span);
    const value = this.expr(e.expr);
    const isString = (t: DataType) => t === 'keyword' || t === 'text' || t === 'dynamic' || t === 'null';
    if (!isString(value.t)) {
      const hint = e.op === ':' ? '; consider using [==] instead' : '';
      this.fail(
        `first argument of [${e.op === ':' ? ':' : text}] must be [string], found value [${value.text}] type [${value.t}]${hint}`,
        e.expr.span,
      );
    }
    for (const p of e.patterns) {
      if (p.type !== 'keyword' && p.type !== 'null') {
        this.fail(
          `second argument of [${text}] must be [string], found value [${this.src(p.span)}] type [${literalType(p)}]`,
          p.span,
        );
      }
    }
    this.exactCheck(value, text, 'first argument ', e.expr.span);
    if (isNullLit(value)) return lit(null, 'null', text, e.span);
    const patterns = e.patterns.filter((p) => p.value !== null).map((p) => p.value as string);
    if (patterns.length === 0) return lit(null, 'null', text, e.span);
    const node: TExpr = { k: 'match', op: e.op, e: value, patterns, t: 'boolean', text, span: e.span };
    if (isLit(value)) return this.fold(node, e.span);
    return node;
  }

  private call(e: Extract<Expr, { kind: 'call' }>): TExpr {
    const text = this.src(e.span);
    const lname = e.name.toLowerCase();
    const spec = FUNCTIONS.get(lname);
    if (!spec) {
      const sugg = findSimilar(lname, FUNCTIONS.keys(), 1);
      this.fail(`Unknown function [${e.name}]${sugg.length ? `, did you mean [${sugg[0]}]?` : ''}`, e.nameSpan);
    }
    if (e.insensitive && !spec.caseInsensitive) {
      this.fail(`Function [${e.name}] does not support case-insensitive matching (the ~ form)`, e.nameSpan);
    }
    if (e.args.length < spec.minArgs || e.args.length > spec.maxArgs) {
      throw new EqlError('parse', `error building [${lname}]: ${spec.arity}`, e.nameSpan, this.text);
    }
    const args = e.args.map((a) => this.expr(a));
    const surrogate = ARITHMETIC_FUNCTIONS[lname];
    if (surrogate) return this.arith(surrogate, args[0], args[1], e.span);
    args.forEach((a, i) => this.checkArg(spec, args, a, i, text, e.args[i].span, e.span));
    const resultType = typeof spec.result === 'function' ? spec.result(args.map((a) => a.t)) : spec.result;
    const node: TExpr = { k: 'call', fn: spec, ci: e.insensitive, args, t: resultType, text, span: e.span };
    if (args.every(isLit)) return this.fold(node, e.span);
    return node;
  }

  private checkArg(
    spec: FunctionSpec,
    args: TExpr[],
    a: TExpr,
    i: number,
    whole: string,
    span: SourceSpan,
    callSpan: SourceSpan,
  ): void {
    const kind: ArgKind = spec.args[Math.min(i, spec.args.length - 1)];
    const position = ORDINALS[i] ?? nth(i);
    const single = args.length === 1;
    const bad = (expected: string): never =>
      this.fail(
        `${position} argument of [${whole}] must be [${expected}], found value [${a.text}] type [${a.t}]`,
        callSpan,
      );
    if (a.t === 'null') return;
    switch (kind) {
      case 'string':
        if (a.t !== 'keyword' && a.t !== 'text' && a.t !== 'dynamic') bad('string');
        this.exactCheck(a, whole, single ? '' : `${position} argument `, callSpan);
        break;
      case 'numeric':
        if (!isNumeric(a.t) && a.t !== 'dynamic') bad('numeric');
        break;
      case 'integer':
        if (!isIntegral(a.t) && a.t !== 'dynamic') bad('integer');
        break;
      case 'boolean-constant':
        if (a.t !== 'boolean') bad('boolean');
        if (!isLit(a))
          this.fail(`${position} argument of [${whole}] must be a constant, received [${a.text}]`, callSpan);
        break;
      case 'ip':
        if (a.t !== 'ip' && a.t !== 'dynamic') bad('ip');
        break;
      case 'string-constant':
        if (!isLit(a))
          this.fail(`${position} argument of [${whole}] must be a constant, received [${a.text}]`, callSpan);
        if (a.t !== 'keyword') bad('string');
        break;
      case 'any':
        this.exactCheck(a, whole, '', callSpan);
        break;
    }
    void span;
  }
}

/** ES `DataTypes.areCompatible` for `in` lists: same type, both numeric, both strings, or null. */
function compatible(field: DataType, value: DataType): boolean {
  if (value === 'null' || field === 'dynamic' || field === value) return true;
  if (isNumeric(field) && isNumeric(value)) return true;
  const stringy = (t: DataType) => t === 'keyword' || t === 'text';
  if (stringy(field) && stringy(value)) return true;
  // ip, version, date fields take string literals (ES parses them into the field type).
  if ((field === 'ip' || field === 'version' || field === 'date' || field === 'date_nanos') && value === 'keyword')
    return true;
  if ((field === 'date' || field === 'date_nanos') && isNumeric(value)) return true;
  return false;
}

/** Text of a literal as ES would send it in a term query against a keyword field. */
export function literalText(v: Value, t: DataType): string {
  return javaToString(v, t === 'double');
}
