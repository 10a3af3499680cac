/**
 * EQL's function library as Elasticsearch registers it (`EqlFunctionRegistry`): names, arities,
 * argument types, which functions take the `~` case-insensitive form, and the script-path behaviour
 * of each on null and edge inputs (SEMANTICS.md §9). Pushdown behaviour (field + constants) lives in
 * the compiler, because there ES answers with a Lucene query instead (§15).
 */
import { EqlError } from './errors.js';
import { cidrContains, formatIpKey, parseCidr } from './ip.js';
import { javaDoubleToString } from './java.js';
import { formatNanos } from './dates.js';
import type { DataType } from './types.js';
import type { Scalar } from './values.js';

export type ArgKind = 'string' | 'numeric' | 'integer' | 'boolean-constant' | 'ip' | 'string-constant' | 'any';

export interface FunctionSpec {
  /** Registry name, lower case (`cidrmatch`). */
  name: string;
  /** Canonical spelling for messages (`cidrMatch`). */
  display: string;
  minArgs: number;
  maxArgs: number;
  /** ES's arity message, e.g. "expects three or four arguments". */
  arity: string;
  /** Accepts the `name~(...)` form. */
  caseInsensitive: boolean;
  /** Kind expected at each position; the last entry repeats for variadic functions. */
  args: ArgKind[];
  result: DataType | ((argTypes: DataType[]) => DataType);
}

export type Value = Scalar | null;

const SPECS: FunctionSpec[] = [
  {
    name: 'add',
    display: 'add',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: false,
    args: ['numeric', 'numeric'],
    result: (t) => arithType(t[0], t[1]),
  },
  {
    name: 'between',
    display: 'between',
    minArgs: 3,
    maxArgs: 4,
    arity: 'expects three or four arguments',
    caseInsensitive: true,
    args: ['string', 'string', 'string', 'boolean-constant'],
    result: 'keyword',
  },
  {
    name: 'cidrmatch',
    display: 'cidrMatch',
    minArgs: 2,
    maxArgs: Infinity,
    arity: 'expects at least two arguments',
    caseInsensitive: false,
    args: ['ip', 'string-constant'],
    result: 'boolean',
  },
  {
    name: 'concat',
    display: 'concat',
    minArgs: 1,
    maxArgs: Infinity,
    arity: 'expects at least one argument',
    caseInsensitive: false,
    args: ['any'],
    result: 'keyword',
  },
  {
    name: 'divide',
    display: 'divide',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: false,
    args: ['numeric', 'numeric'],
    result: (t) => arithType(t[0], t[1]),
  },
  {
    name: 'endswith',
    display: 'endsWith',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: true,
    args: ['string', 'string'],
    result: 'boolean',
  },
  {
    name: 'indexof',
    display: 'indexOf',
    minArgs: 2,
    maxArgs: 3,
    arity: 'expects two or three arguments',
    caseInsensitive: true,
    args: ['string', 'string', 'integer'],
    result: 'integer',
  },
  {
    name: 'length',
    display: 'length',
    minArgs: 1,
    maxArgs: 1,
    arity: 'expects exactly one argument',
    caseInsensitive: false,
    args: ['string'],
    result: 'integer',
  },
  {
    name: 'modulo',
    display: 'modulo',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: false,
    args: ['numeric', 'numeric'],
    result: (t) => arithType(t[0], t[1]),
  },
  {
    name: 'multiply',
    display: 'multiply',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: false,
    args: ['numeric', 'numeric'],
    result: (t) => arithType(t[0], t[1]),
  },
  {
    name: 'number',
    display: 'number',
    minArgs: 1,
    maxArgs: 2,
    arity: 'expects one or two arguments',
    caseInsensitive: false,
    args: ['string', 'integer'],
    result: 'double',
  },
  {
    name: 'startswith',
    display: 'startsWith',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: true,
    args: ['string', 'string'],
    result: 'boolean',
  },
  {
    name: 'string',
    display: 'string',
    minArgs: 1,
    maxArgs: 1,
    arity: 'expects exactly one argument',
    caseInsensitive: false,
    args: ['any'],
    result: 'keyword',
  },
  {
    name: 'stringcontains',
    display: 'stringContains',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: true,
    args: ['string', 'string'],
    result: 'boolean',
  },
  {
    name: 'substring',
    display: 'substring',
    minArgs: 2,
    maxArgs: 3,
    arity: 'expects two or three arguments',
    caseInsensitive: false,
    args: ['string', 'integer', 'integer'],
    result: 'keyword',
  },
  {
    name: 'subtract',
    display: 'subtract',
    minArgs: 2,
    maxArgs: 2,
    arity: 'expects exactly two arguments',
    caseInsensitive: false,
    args: ['numeric', 'numeric'],
    result: (t) => arithType(t[0], t[1]),
  },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** The surrogate functions that are the arithmetic operators under another name. */
export const ARITHMETIC_FUNCTIONS: Readonly<Record<string, '+' | '-' | '*' | '/' | '%'>> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  modulo: '%',
};

/** Java's binary numeric promotion: int op int → int; long involved → long; any floating → double. */
export function arithType(a: DataType, b: DataType): DataType {
  if (a === 'dynamic' || b === 'dynamic') return 'dynamic';
  if (a === 'double' || b === 'double') return 'double';
  if (a === 'long' || b === 'long') return 'long';
  if (a === 'null') return b === 'null' ? 'integer' : b;
  if (b === 'null') return a;
  return 'integer';
}

function runtime(detail: string): never {
  throw new EqlError('runtime', detail);
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
// Long.MAX_VALUE as the nearest double (2^63); beyond it a Java long would have overflowed.
const LONG_LIMIT = 2 ** 63;

/** Arithmetic with Java semantics: integer division truncates, `%` keeps the dividend's sign, overflow fails. */
export function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: Value, b: Value, type: DataType): Value {
  if (a === null || b === null) return null;
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  const integral =
    type === 'integer' || type === 'long' || (type === 'dynamic' && Number.isInteger(a) && Number.isInteger(b));
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      if (integral) {
        if (b === 0) runtime('/ by zero');
        r = Math.trunc(a / b);
      } else r = a / b;
      break;
    case '%':
      if (integral && b === 0) runtime('/ by zero');
      r = a % b;
      break;
  }
  if (integral) {
    if (type === 'integer' && (r < INT_MIN || r > INT_MAX)) runtime('integer overflow');
    if (Math.abs(r) > LONG_LIMIT) runtime('long overflow');
  }
  return r;
}

/** Java `toString` of a script value of the given static type. */
export function scriptToString(v: Value, type: DataType): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return type === 'ip' ? formatIpKey(v) : v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return formatNanos(v, type === 'date_nanos');
  if (type === 'double') return javaDoubleToString(v);
  if (type === 'dynamic') return Number.isInteger(v) ? String(v) : javaDoubleToString(v);
  return String(v);
}

function lower(s: string): string {
  // Java toLowerCase(Locale.ROOT) on both sides, as the EQL string processors do.
  return s.toLowerCase();
}

export function between(s: Value, left: Value, right: Value, greedy: boolean, ci: boolean): Value {
  if (s === null || left === null || right === null) return null;
  const str = String(s);
  const l = String(left);
  const r = String(right);
  if (str.length === 0 || l.length === 0 || r.length === 0) return str;
  const m = ci ? lower(str) : str;
  const ml = ci ? lower(l) : l;
  const mr = ci ? lower(r) : r;
  const start = m.indexOf(ml);
  if (start < 0) return '';
  const end = greedy ? m.lastIndexOf(mr) : m.indexOf(mr, start + ml.length);
  if (end < 0) return '';
  if (end < start + ml.length) {
    runtime(`begin ${start + ml.length}, end ${end}, length ${str.length}`);
  }
  return str.substring(start + ml.length, end);
}

export function indexOf(s: Value, sub: Value, start: Value, ci: boolean): Value {
  if (s === null || sub === null) return null;
  const str = ci ? lower(String(s)) : String(s);
  const needle = ci ? lower(String(sub)) : String(sub);
  const from = typeof start === 'number' ? Math.max(0, Math.trunc(start)) : 0;
  const at = str.indexOf(needle, from);
  return at < 0 ? null : at;
}

export function substring(s: Value, start: Value, end: Value): Value {
  if (s === null) return null;
  const str = String(s);
  const n = str.length;
  if (n === 0) return str;
  const norm = (x: number) => {
    const y = x < 0 ? n + x : x;
    return Math.min(Math.max(y, 0), n);
  };
  const a = norm(typeof start === 'number' ? Math.trunc(start) : 0);
  const b = norm(typeof end === 'number' ? Math.trunc(end) : n);
  return a >= b ? '' : str.substring(a, b);
}

export function toNumber(s: Value, base: Value): Value {
  if (s === null) return null;
  let text = String(s);
  let radix = typeof base === 'number' ? Math.trunc(base) : null;
  if (text.startsWith('0x') && (radix === null || radix === 16)) {
    text = text.slice(2);
    radix = 16;
  }
  if (radix === null) radix = 10;
  const fail = (): never => runtime(`Unable to convert [${String(s)}] to number of base [${radix}]`);
  if (radix === 10) {
    // Java DecimalFormat: optional '-', digits, optional fraction; whole numbers stay integral.
    if (!/^-?(\d+\.?\d*|\.\d+)$/.test(text)) fail();
    return Number(text);
  }
  if (radix < 2 || radix > 36) fail();
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix);
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (!body || [...body.toLowerCase()].some((c) => !digits.includes(c))) fail();
  const v = parseInt(text, radix);
  // Integer.parseInt is 32-bit.
  if (v < INT_MIN || v > INT_MAX) fail();
  return v;
}

export function cidrMatch(ip: Value, blocks: string[]): Value {
  if (ip === null || typeof ip !== 'string') return null;
  for (const b of blocks) {
    const c = parseCidr(b);
    if (c && cidrContains(c, ip)) return true;
  }
  return false;
}

export function stringContains(s: Value, sub: Value, ci: boolean): Value {
  if (s === null || sub === null) return null;
  const a = String(s);
  const b = String(sub);
  if (a.length === 0 || b.length === 0) return false;
  return ci ? lower(a).includes(lower(b)) : a.includes(b);
}

export function startsWith(s: Value, p: Value, ci: boolean): Value {
  if (s === null || p === null) return null;
  return ci ? lower(String(s)).startsWith(lower(String(p))) : String(s).startsWith(String(p));
}

export function endsWith(s: Value, p: Value, ci: boolean): Value {
  if (s === null || p === null) return null;
  return ci ? lower(String(s)).endsWith(lower(String(p))) : String(s).endsWith(String(p));
}
