/**
 * The script path: expressions evaluated on values (ES's Painless scripts), with three-valued
 * logic. Used for leaves that involve functions or arithmetic, for `isnull` over expressions, and
 * for constant folding. Each field is a slot in an environment filled by the caller.
 */
import { compareVersions } from './version.js';
import { ipKey } from './ip.js';
import { parseDateLiteral } from './dates.js';
import {
  arithmetic,
  between,
  cidrMatch,
  endsWith,
  indexOf,
  scriptToString,
  startsWith,
  stringContains,
  substring,
  toNumber,
  type Value,
} from './functions.js';
import type { TExpr } from './plan.js';
import type { FieldDef } from './types.js';
import { compileWildcardList } from './wildcard.js';
import { compileJavaRegex } from './regex.js';
import { foldCase } from './fold.js';

export type Env = Value[];
export type ScriptFn = (env: Env) => Value;

function eqValues(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return a === b;
}

/** Java-like ordering; undefined when the two values are not comparable. */
function compareValues(a: Value, b: Value, version: boolean): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    if (version) return compareVersions(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return undefined;
}

/** Converts a keyword literal to the representation of a typed side (ip key, date nanos). */
function convertLiteralFor(other: TExpr, literal: TExpr & { k: 'lit' }): Value {
  const v = literal.v;
  if (typeof v !== 'string') return v;
  if (other.t === 'ip') return ipKey(v) ?? v;
  if (other.t === 'date' || other.t === 'date_nanos') {
    const b = parseDateLiteral(v, undefined, other.t === 'date_nanos');
    return b ? b.lower : v;
  }
  return v;
}

export function compileScript(e: TExpr, slotOf: (def: FieldDef) => number): ScriptFn {
  switch (e.k) {
    case 'lit': {
      const v = e.v;
      return () => v;
    }
    case 'field': {
      const slot = slotOf(e.def);
      return (env) => env[slot] ?? null;
    }
    case 'neg': {
      const f = compileScript(e.e, slotOf);
      return (env) => {
        const v = f(env);
        return typeof v === 'number' ? -v : null;
      };
    }
    case 'arith': {
      const l = compileScript(e.l, slotOf);
      const r = compileScript(e.r, slotOf);
      const op = e.op;
      const t = e.t;
      return (env) => arithmetic(op, l(env), r(env), t);
    }
    case 'cmp': {
      const version = e.l.t === 'version' || e.r.t === 'version';
      const l = e.r.k === 'lit' && e.l.k !== 'lit' ? compileScript(e.l, slotOf) : compileScript(e.l, slotOf);
      const rv = e.r.k === 'lit' ? convertLiteralFor(e.l, e.r) : undefined;
      const r = e.r.k === 'lit' ? () => rv as Value : compileScript(e.r, slotOf);
      switch (e.op) {
        case '==':
          return (env) => {
            const a = l(env);
            const b = r(env);
            return a === null || b === null ? null : eqValues(a, b);
          };
        case '!=':
          return (env) => {
            const a = l(env);
            const b = r(env);
            return a === null || b === null ? null : !eqValues(a, b);
          };
        default: {
          const op = e.op;
          return (env) => {
            const a = l(env);
            const b = r(env);
            if (a === null || b === null) return null;
            const c = compareValues(a, b, version);
            if (c === undefined) return null;
            return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
          };
        }
      }
    }
    case 'match': {
      const f = compileScript(e.e, slotOf);
      const t = e.e.t;
      let test: (s: string) => boolean;
      if (e.op === 'regex' || e.op === 'regex~') {
        const tests = e.patterns.map((p) => compileJavaRegex(p, e.op === 'regex~'));
        test = (s) => tests.some((x) => x(s));
      } else {
        test = compileWildcardList(e.patterns, e.op !== 'like');
      }
      return (env) => {
        const v = f(env);
        if (v === null) return null;
        return test(scriptToString(v, t) as string);
      };
    }
    case 'in': {
      const f = compileScript(e.e, slotOf);
      const t = e.e.t;
      if (e.ci) {
        const set = new Set(e.values.filter((v) => v !== null).map((v) => foldCase(String(v))));
        return (env) => {
          const v = f(env);
          return v === null ? null : set.has(foldCase(scriptToString(v, t) as string));
        };
      }
      const values = e.values.filter((v) => v !== null);
      return (env) => {
        const v = f(env);
        if (v === null) return null;
        for (const x of values) if (eqValues(v, x)) return true;
        return false;
      };
    }
    case 'and':
    case 'or': {
      const l = compileScript(e.l, slotOf);
      const r = compileScript(e.r, slotOf);
      if (e.k === 'and') {
        return (env) => {
          const a = l(env);
          if (a === false) return false;
          const b = r(env);
          if (b === false) return false;
          return a === null || b === null ? null : true;
        };
      }
      return (env) => {
        const a = l(env);
        if (a === true) return true;
        const b = r(env);
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case 'not': {
      const f = compileScript(e.e, slotOf);
      return (env) => {
        const v = f(env);
        return v === null ? null : !v;
      };
    }
    case 'isnull': {
      const f = compileScript(e.e, slotOf);
      return (env) => f(env) === null;
    }
    case 'isnotnull': {
      const f = compileScript(e.e, slotOf);
      return (env) => f(env) !== null;
    }
    case 'call':
      return compileCall(e, slotOf);
  }
}

function compileCall(e: Extract<TExpr, { k: 'call' }>, slotOf: (def: FieldDef) => number): ScriptFn {
  const args = e.args.map((a) => compileScript(a, slotOf));
  const types = e.args.map((a) => a.t);
  const ci = e.ci;
  const str = (v: Value, i: number): Value => (v === null ? null : scriptToString(v, types[i]));
  switch (e.fn.name) {
    case 'between': {
      const greedyArg = e.args[3];
      const greedy = greedyArg !== undefined && greedyArg.k === 'lit' && greedyArg.v === true;
      return (env) => between(str(args[0](env), 0), str(args[1](env), 1), str(args[2](env), 2), greedy, ci);
    }
    case 'cidrmatch': {
      const blocks = e.args.slice(1).map((a) => (a.k === 'lit' ? String(a.v) : ''));
      return (env) => cidrMatch(args[0](env), blocks);
    }
    case 'concat':
      return (env) => {
        let out = '';
        for (let i = 0; i < args.length; i++) {
          const v = args[i](env);
          if (v === null) return null;
          out += scriptToString(v, types[i]);
        }
        return out;
      };
    case 'endswith':
      return (env) => endsWith(str(args[0](env), 0), str(args[1](env), 1), ci);
    case 'startswith':
      return (env) => startsWith(str(args[0](env), 0), str(args[1](env), 1), ci);
    case 'stringcontains':
      return (env) => stringContains(str(args[0](env), 0), str(args[1](env), 1), ci);
    case 'indexof':
      return (env) => indexOf(str(args[0](env), 0), str(args[1](env), 1), args.length > 2 ? args[2](env) : null, ci);
    case 'length':
      return (env) => {
        const v = str(args[0](env), 0);
        return v === null ? null : (v as string).length;
      };
    case 'number':
      return (env) => toNumber(str(args[0](env), 0), args.length > 1 ? args[1](env) : null);
    case 'string':
      return (env) => str(args[0](env), 0);
    case 'substring':
      return (env) => substring(str(args[0](env), 0), args[1](env), args.length > 2 ? args[2](env) : null);
    default: {
      const op = { add: '+', subtract: '-', multiply: '*', divide: '/', modulo: '%' }[e.fn.name] as
        '+' | '-' | '*' | '/' | '%' | undefined;
      if (op) return (env) => arithmetic(op, args[0](env), args[1](env), e.t);
      throw new Error(`no implementation for function ${e.fn.display}`);
    }
  }
}
