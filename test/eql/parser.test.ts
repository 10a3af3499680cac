import { describe, expect, it } from 'vitest';
import { parse } from '../../src/eql/parser.js';
import { EqlError } from '../../src/eql/errors.js';
import type { Expr } from '../../src/eql/ast.js';

function parseError(q: string): EqlError {
  try {
    parse(q);
  } catch (e) {
    if (e instanceof EqlError) return e;
    throw e;
  }
  throw new Error(`expected a parse error for: ${q}`);
}

function condition(q: string): Expr {
  const s = parse(q);
  if (s.query.kind !== 'event') throw new Error('not an event query');
  return s.query.filter.condition;
}

/** Renders an expression with explicit parentheses, to check precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'field':
      return (e.optional ? '?' : '') + e.name;
    case 'not':
      return `(not ${show(e.expr)})`;
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'compare':
    case 'arith':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'neg':
      return `(-${show(e.expr)})`;
    case 'in':
      return `(${show(e.expr)} ${e.negated ? 'not ' : ''}in${e.insensitive ? '~' : ''} [${e.list.map(show).join(', ')}])`;
    case 'match':
      return `(${show(e.expr)} ${e.op} [${e.patterns.map(show).join(', ')}])`;
    case 'call':
      return `${e.name}${e.insensitive ? '~' : ''}(${e.args.map(show).join(', ')})`;
  }
}

describe('precedence and forms (EqlBase.g4)', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(show(condition('any where not a == 1 and b == 2 or c == 3'))).toBe(
      '(((not (a == 1)) and (b == 2)) or (c == 3))',
    );
  });
  it('binds * / % tighter than + -, unary minus tightest', () => {
    expect(show(condition('any where -a + b * c % 2 == 1'))).toBe('(((-a) + ((b * c) % 2)) == 1)');
  });
  it('parses predicates as suffixes of primaries', () => {
    expect(show(condition('any where x not in~ ("a", "b") and y : ("c*", "d") and z like~ "e"'))).toBe(
      '(((x not in~ ["a", "b"]) and (y : ["c*", "d"])) and (z like~ ["e"]))',
    );
  });
  it('reads optional and backquoted fields, with doubled backquotes', () => {
    expect(show(condition('any where ?`my-field`.`odd``name` == 1 and event.`sequence` == 2'))).toBe(
      '((?my-field.odd`name == 1) and (event.sequence == 2))',
    );
  });
  it('reads @timestamp without quoting and categories as identifiers or strings', () => {
    const s = parse('"my-category" where @timestamp > 1');
    expect(s.query.kind === 'event' && s.query.filter.category).toBe('my-category');
    const any = parse('any where true');
    expect(any.query.kind === 'event' && any.query.filter.category).toBe(null);
  });
  it('reads function names case-insensitively later, keeping the ~ form here', () => {
    expect(show(condition('any where CIDRMATCH(ip, "10.0.0.0/8") and endsWith~(p, "x")'))).toBe(
      '(CIDRMATCH(ip, "10.0.0.0/8") and endsWith~(p, "x"))',
    );
  });
  it('types integer literals as integer or long, decimals as double', () => {
    const c = condition('any where a == 2147483648 and b == 1 and c == 1.5e3 and d == .5');
    const lits: string[] = [];
    const walk = (e: Expr) => {
      if (e.kind === 'literal') lits.push(`${e.type}:${String(e.value)}`);
      if (e.kind === 'and' || e.kind === 'compare') {
        walk(e.left);
        walk(e.right);
      }
    };
    walk(c);
    expect(lits).toEqual(['long:2147483648', 'integer:1', 'double:1500', 'double:0.5']);
  });
});

describe('strings and comments', () => {
  const value = (q: string) => {
    const e = condition(q);
    if (e.kind !== 'compare' || e.right.kind !== 'literal') throw new Error('no literal');
    return e.right.value;
  };
  it('decodes escapes and \\u{…} code points', () => {
    expect(value('any where a == "tab\\t quote\\" apostrophe\\\' bs\\\\ \\u{202E}\\u{1F600}"')).toBe(
      'tab\t quote" apostrophe\' bs\\ \u202E\u{1F600}',
    );
  });
  it('keeps raw strings raw and lets up to two extra quotes close them', () => {
    expect(value('any where a == """C:\\Windows\\"""')).toBe('C:\\Windows\\');
    expect(value('any where a == """a""""')).toBe('a"');
  });
  it('skips line comments and nested block comments', () => {
    expect(show(condition('any where /* a /* nested */ comment */ a == 1 // trailing\n and b == 2'))).toBe(
      '((a == 1) and (b == 2))',
    );
  });
});

describe('parse errors name the line, column and what was expected', () => {
  it('rejects an invalid escape such as an unescaped Windows path', () => {
    const e = parseError('process where process.executable == "C:\\Windows"');
    expect(e.message).toMatch(/^line 1:40: invalid escape sequence \[\\W\]/);
  });
  it('rejects \\u{} with the wrong number of digits', () => {
    expect(parseError('any where a == "\\u{1}"').message).toContain('Unicode sequence should use [2-8] hex digits');
  });
  it('rejects single quotes and ?"…"', () => {
    expect(parseError("any where a == 'x'").message).toContain('single quotes are not supported');
    expect(parseError('any where a == ?"x"').message).toContain('is not a raw string');
  });
  it('rejects upper-case keywords with a hint', () => {
    const e = parseError('process where a == 1 AND b == 2');
    expect(e.message).toBe(
      "line 1:22: expected 'and', 'or', '|' or end of query but found 'AND'; EQL keywords are lowercase: did you mean 'and'?",
    );
  });
  it('rejects = as equality and the !: operator', () => {
    expect(parseError('process where a = 1').message).toContain('= is not an equality operator');
    expect(parseError('process where a !: "x"').message).toContain('there is no !: operator');
  });
  it('rejects chained comparisons', () => {
    expect(parseError('any where 1 < a < 3').message).toMatch(/comparisons do not chain/);
  });
  it('rejects array indexes and process relationships as ES does', () => {
    expect(parseError('registry where a[0] == "x"').detail).toBe('Array indexes are not supported');
    const rel = parseError('process where a == 1\n  and descendant of [file where true]');
    expect(rel.detail).toBe('Process relationships are not supported');
    expect(rel.span?.start).toMatchObject({ line: 2, column: 7 });
  });
  it('rejects join and unsupported pipes', () => {
    expect(parseError('join [a where true] [b where true]').detail).toBe('Queries using [join] are not supported');
    expect(parseError('any where true | unique a').detail).toBe('Pipe [unique] is not supported');
    expect(parseError('any where true | frobnicate 1').detail).toBe('Unrecognized pipe [frobnicate]');
    expect(parseError('any where true | head -1').detail).toMatch(/non-negative integer/);
  });
  it('checks sequence parameters: by before with, maxspan units, runs range, two stages', () => {
    expect(parseError('sequence with maxspan=1s by key [a where true] [b where true]').detail).toBe(
      'Please specify sequence [by] before [with] not after',
    );
    expect(parseError('sequence with maxspan=30 [a where true] [b where true]').detail).toBe(
      'No time unit specified, did you mean [s] as in [30s]?',
    );
    expect(parseError('sequence with maxspan=1.5s [a where true] [b where true]').detail).toBe(
      'Decimal time interval [1.5] not supported',
    );
    expect(parseError('sequence with maxspan=5y [a where true] [b where true]').detail).toMatch(
      /Unrecognized time unit \[y\]/,
    );
    expect(parseError('sequence with maxspan=0s [a where true] [b where true]').detail).toMatch(/positive maxspan/);
    expect(parseError('sequence [a where true] with runs=101 [b where true]').detail).toMatch(/between 1 and 100/);
    expect(parseError('sequence [a where true]').detail).toMatch(/minimum of 2 queries/);
  });
  it('accepts one stage repeated with runs, missing stages, until', () => {
    const s = parse(
      'sequence by host.id with maxspan=1m [a where true] with runs=2 ![b where true] until [c where true]',
    );
    expect(s.query.kind).toBe('sequence');
    if (s.query.kind !== 'sequence') return;
    expect(s.query.maxspan?.nanos).toBe(60e9);
    expect(s.query.stages.map((x) => [x.runs, x.missing])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(s.query.until?.filter.category).toBe('c');
  });
  it('positions errors on later lines', () => {
    const e = parseError('process where\n  a == 1 and\n  b == ');
    expect(e.span?.start.line).toBe(3);
    expect(e.format()).toContain('^');
  });
});
