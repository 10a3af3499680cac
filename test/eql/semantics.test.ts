/**
 * Behaviour pinned by SEMANTICS.md (sections cited in test names) and Elasticsearch's own tests.
 */
import { describe, expect, it } from 'vitest';
import { EqlError, cacheDocument, compileQuery, releaseDocument } from '../../src/eql/index.js';
import { mapping, matcher, which } from './helpers.js';

const cat = { event: { category: 'process' } };

describe('§6.4 null, missing fields and two-valued negation', () => {
  const schema = mapping({
    'event.category': { type: 'keyword' },
    '@timestamp': { type: 'date' },
    x: { type: 'keyword' },
    ip: { type: 'ip' },
  });
  const docs = {
    missing: { ...cat },
    a: { ...cat, x: 'a' },
    ab: { ...cat, x: ['a', 'b'] },
    nullOnly: { ...cat, x: [null] },
  };
  const cases: Array<[string, string[]]> = [
    ['x == "a"', ['a', 'ab']],
    ['x != "a"', ['missing', 'nullOnly']],
    ['not x == "a"', ['missing', 'nullOnly']],
    ['x : "a*"', ['a', 'ab']],
    ['not x : "a*"', ['missing', 'nullOnly']],
    ['x in ("a")', ['a', 'ab']],
    ['x not in ("a")', ['missing', 'nullOnly']],
    ['x == null', ['missing', 'nullOnly']],
    ['x != null', ['a', 'ab']],
    ['length(x) > 0', ['a', 'ab']],
    ['length(x) != 3', ['a', 'ab']],
    ['not length(x) == 3', ['missing', 'a', 'ab', 'nullOnly']],
    ['length(x) == null', ['missing', 'nullOnly']],
    ['startsWith(x, "a")', ['a', 'ab']],
    ['not startsWith(x, "a")', ['missing', 'nullOnly']],
    ['cidrMatch(ip, "10.0.0.0/8") == false', ['missing', 'a', 'ab', 'nullOnly']],
    ['x == "a" and x == "b"', ['ab']],
    ['x != "c"', ['missing', 'a', 'ab', 'nullOnly']],
  ];
  for (const [cond, expected] of cases) {
    it(`process where ${cond}`, () => expect(which(`process where ${cond}`, docs, schema)).toEqual(expected));
  }
});

describe('§6.5 optional fields: mapped behaves as the field, unmapped becomes a null literal', () => {
  const schema = mapping({
    'event.category': { type: 'keyword' },
    '@timestamp': { type: 'date' },
    known: { type: 'keyword' },
  });
  const docs = { empty: { ...cat }, has: { ...cat, known: 'a' } };
  it('mapped but absent: not ?known : "a" keeps documents without it', () => {
    expect(which('process where not ?known : "a"', docs, schema)).toEqual(['empty']);
  });
  it('unmapped: ?x == null is true everywhere, ?x != null nowhere', () => {
    expect(which('process where ?x == null', docs, schema)).toEqual(['empty', 'has']);
    expect(which('process where ?x != null', docs, schema)).toEqual([]);
  });
  it('unmapped: ?x != "a" and not ?x == "a" are true everywhere', () => {
    expect(which('process where ?x != "a"', docs, schema)).toEqual(['empty', 'has']);
    expect(which('process where not ?x == "a"', docs, schema)).toEqual(['empty', 'has']);
  });
  it('unmapped: ?x : "a" and not ?x : "a" match nothing (not null is null)', () => {
    expect(which('process where ?x : "a"', docs, schema)).toEqual([]);
    expect(which('process where not ?x : "a"', docs, schema)).toEqual([]);
  });
  it('unmapped: ?x : "a" or known == "a" reduces to the second leaf', () => {
    expect(which('process where ?x : "a" or known == "a"', docs, schema)).toEqual(['has']);
  });
  it('an unknown field without ? is a verification error with a suggestion', () => {
    expect(() => compileQuery('process where knwn == "a"', { schema })).toThrow(
      'Unknown column [knwn], did you mean [known]?',
    );
  });
  it('ECS fields are mapped: the founding rule needs not ?process.parent.executable to keep CrowdStrike events', () => {
    const f = matcher('process where not ?process.parent.executable : "?:\\\\Perl64\\\\bin\\\\perl.exe"');
    expect(f({ event: { category: 'process' }, process: { name: 'cmd.exe' } })).toBe(true);
  });
});

describe('§5 operators: case and wildcards', () => {
  const f = (q: string) => matcher(`process where ${q}`);
  const doc = { ...cat, process: { name: 'CMD.EXE', command_line: 'cmd /c x*y' } };
  it('== is case-sensitive, : is not', () => {
    expect(f('process.name == "cmd.exe"')(doc)).toBe(false);
    expect(f('process.name == "CMD.EXE"')(doc)).toBe(true);
    expect(f('process.name : "cmd.exe"')(doc)).toBe(true);
  });
  it('== treats * literally; : treats it as a wildcard', () => {
    expect(f('process.name == "CMD*"')(doc)).toBe(false);
    expect(f('process.name : "cmd*"')(doc)).toBe(true);
    expect(f('process.command_line == "cmd /c x*y"')(doc)).toBe(true);
  });
  it('? is exactly one character, and a backslash is literal in : patterns', () => {
    expect(f('process.name : "cmd.ex?"')(doc)).toBe(true);
    expect(f('process.name : "cmd.e?"')(doc)).toBe(false);
    expect(
      matcher('process where file.path : "C:\\\\?indows\\\\*"')({ ...cat, file: { path: 'c:\\windows\\x' } }),
    ).toBe(true);
  });
  it('like is case-sensitive, like~ is not', () => {
    expect(f('process.name like "cmd*"')(doc)).toBe(false);
    expect(f('process.name like~ "cmd*"')(doc)).toBe(true);
  });
  it('in~ compares case-insensitively but has no wildcards (inFilterInsensitiveVerbatimMatch)', () => {
    expect(f('process.name in~ ("cmd.exe")')(doc)).toBe(true);
    expect(f('process.name in~ ("cmd*")')(doc)).toBe(false);
  });
  it('field regex is a Lucene regexp: anchored, ^ is an ordinary character', () => {
    expect(f('process.name regex "CMD\\\\..*"')(doc)).toBe(true);
    expect(f('process.name regex "CMD"')(doc)).toBe(false);
    expect(f('process.name regex "^CMD.*"')(doc)).toBe(false);
    expect(matcher('process where x regex "^a.*"')({ ...cat, x: '^abc' })).toBe(true);
    expect(f('process.name regex~ "cmd\\\\.exe"')(doc)).toBe(true);
  });
  it('regex on an expression is a Java Pattern, where ^ is an anchor (regexWithSubstring)', () => {
    expect(matcher('process where substring(x, 0) regex "^a.*"')({ ...cat, x: 'abc' })).toBe(true);
  });
  it('Lucene extras: quoted strings, @ any string, <n-m> intervals, \\d classes', () => {
    expect(matcher('any where x regex """a"*"@"""')({ x: 'a*zzz' })).toBe(true);
    expect(matcher('any where x regex "port<1-1024>"')({ x: 'port443' })).toBe(true);
    expect(matcher('any where x regex "port<1-1024>"')({ x: 'port8080' })).toBe(false);
    expect(matcher('any where x regex "\\\\d+"')({ x: '123' })).toBe(true);
  });
  it('case-insensitive folding is per code point: İ folds like Java, not to two characters', () => {
    expect(matcher('any where x : "i*"')({ x: 'İstanbul' })).toBe(true);
  });
});

describe('§7 arrays: any element for positive leaves, no element for negations', () => {
  const doc = { ...cat, pid: [50, 300], args: ['cmd.exe', '/c', 'echo'] };
  it('each leaf is evaluated on its own (twoRangesOnASingleField)', () => {
    expect(matcher('process where pid > 100 and pid < 200')(doc)).toBe(true);
  });
  it('!= fails when one element equals', () => {
    expect(matcher('process where args != "echo"')(doc)).toBe(false);
  });
  it('arrays of objects contribute every element', () => {
    expect(matcher('any where dll.name : "evil.dll"')({ dll: [{ name: 'a.dll' }, { name: 'EVIL.dll' }] })).toBe(true);
  });
});

describe('documents: nested objects and dotted keys are the same field', () => {
  const f = matcher('process where process.parent.name == "explorer.exe"');
  it('reads nested, dotted and mixed forms', () => {
    expect(f({ event: { category: 'process' }, process: { parent: { name: 'explorer.exe' } } })).toBe(true);
    expect(f({ 'event.category': 'process', 'process.parent.name': 'explorer.exe' })).toBe(true);
    expect(f({ event: { category: ['process'] }, process: { 'parent.name': 'explorer.exe' } })).toBe(true);
  });
  it('reads them the same while a document is cached (a path missing from a document without dotted keys is not searched)', () => {
    const g = matcher('process where process.parent.pe.original_file_name == "x.exe"');
    const docs: Array<[Record<string, unknown>, boolean]> = [
      [{ event: { category: 'process' }, process: { parent: { pe: { original_file_name: 'x.exe' } } } }, true],
      [{ event: { category: 'process' }, process: { parent: { name: 'x.exe' } } }, false],
      [{ event: { category: 'process' }, process: { 'parent.pe': { original_file_name: 'x.exe' } } }, true],
      [
        { event: { category: 'process' }, process: { parent: { name: 'a' }, 'parent.pe.original_file_name': 'x.exe' } },
        true,
      ],
      [{ event: { category: 'process' }, 'process.parent': { pe: { original_file_name: 'x.exe' } } }, true],
      [{ event: { category: 'process' }, process: [{ parent: { pe: { original_file_name: 'x.exe' } } }] }, true],
      [{ event: { category: 'process' }, process: { parent: [{ pe: { original_file_name: 'x.exe' } }] } }, true],
      [{ event: { category: 'process' }, process: { parent: 'x.exe' } }, false],
      [{ event: { category: 'process' }, process: { parent: { pe: null } } }, false],
    ];
    for (const [doc, expected] of docs) {
      expect(g(doc)).toBe(expected);
      cacheDocument(doc);
      try {
        expect(g(doc)).toBe(expected);
        // Other documents are read afresh while one is cached.
        expect(g({ event: { category: 'process' }, 'process.parent.pe.original_file_name': 'x.exe' })).toBe(true);
      } finally {
        releaseDocument();
      }
    }
  });
});

describe('§4 types from the mapping', () => {
  const schema = mapping({
    'event.category': { type: 'keyword' },
    '@timestamp': { type: 'date' },
    pid: { type: 'long' },
    ip: { type: 'ip' },
    v: { type: 'version' },
    name: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 10 } } },
    plain: { type: 'text' },
    nv: { type: 'keyword', null_value: 'NULL' },
  });
  const q = (c: string) => matcher(`process where ${c}`, schema);
  it('numbers from strings are indexed as numbers, and "5" compares with a long', () => {
    expect(q('pid == 5')({ ...cat, pid: '5' })).toBe(true);
    expect(q('pid == "5"')({ ...cat, pid: 5 })).toBe(true);
    expect(q('pid > 4.5')({ ...cat, pid: 5 })).toBe(true);
  });
  it('ip values compare as addresses, cidrMatch covers v4 and v6, and ip == "a/b" matches the block', () => {
    expect(q('ip == "10.0.0.1"')({ ...cat, ip: '10.0.0.1' })).toBe(true);
    expect(q('cidrMatch(ip, "10.0.0.0/8", "fe80::/10")')({ ...cat, ip: 'fe80::1' })).toBe(true);
    expect(q('ip == "10.0.0.0/8"')({ ...cat, ip: '10.1.2.3' })).toBe(true);
    expect(q('ip > "9.255.255.255"')({ ...cat, ip: '10.0.0.1' })).toBe(true);
  });
  it('versions order semantically, invalid versions still match ==', () => {
    expect(q('v > "1.5.0"')({ ...cat, v: '1.11.3' })).toBe(true);
    expect(q('v < "1.5.0"')({ ...cat, v: '1.2.4-SNAPSHOT' })).toBe(true);
    expect(q('v == "bad"')({ ...cat, v: 'bad' })).toBe(true);
  });
  it('text uses its keyword sub-field; values beyond ignore_above are never indexed', () => {
    expect(q('name == "short"')({ ...cat, name: 'short' })).toBe(true);
    expect(q('name : "a*"')({ ...cat, name: 'a-very-long-value' })).toBe(false);
    expect(q('name == null')({ ...cat, name: 'a-very-long-value' })).toBe(true);
  });
  it('a text field without an exact sub-field cannot be compared', () => {
    expect(() => compileQuery('process where plain == "x"', { schema })).toThrow(
      /No keyword\/multi-field defined exact matches for \[plain\]/,
    );
  });
  it('null_value indexes JSON nulls as that value (optionalDefaultNullValueField…)', () => {
    expect(q('nv == "NULL"')({ ...cat, nv: null })).toBe(true);
    expect(q('nv == null')({ ...cat, nv: null })).toBe(false);
    expect(q('nv == null')({ ...cat })).toBe(true);
  });
  it('date equality with a partial date covers the whole unspecified range', () => {
    expect(q('@timestamp == "2017-08-30T20:47:33Z"')({ ...cat, '@timestamp': '2017-08-30T20:47:33.999Z' })).toBe(true);
    expect(q('@timestamp == "2017-08-30"')({ ...cat, '@timestamp': '2017-08-30T23:59:59Z' })).toBe(true);
    expect(q('@timestamp < "2017-08-30T20:47:33Z"')({ ...cat, '@timestamp': '2017-08-30T20:47:33.001Z' })).toBe(false);
  });
});

describe('§5 boolean comparisons collapse, literals move right', () => {
  it('cidrMatch(...) == false matches documents without the field (functionEqualsFalse)', () => {
    expect(matcher('any where cidrMatch(source.ip, "10.0.0.0/8") == false')({})).toBe(true);
  });
  it('null == (exit_code > -1) is true when exit_code is missing (nullEqualityWithGtAndHead)', () => {
    expect(matcher('process where null == (process.exit_code > -1)')({ ...cat })).toBe(true);
    expect(matcher('process where null == (process.exit_code > -1)')({ ...cat, process: { exit_code: 0 } })).toBe(
      false,
    );
  });
  it('0 <= exit_code is exit_code >= 0', () => {
    expect(matcher('process where 0 <= process.exit_code')({ ...cat, process: { exit_code: 0 } })).toBe(true);
  });
});

describe('§15 pushdown quirks of endsWith and stringContains on a field', () => {
  it('endsWith(field, constant) reads the constant as an unescaped wildcard', () => {
    expect(matcher('any where endsWith(file.path, "\\\\x.exe")')({ file: { path: 'C:\\tmp\\x.exe' } })).toBe(true);
    expect(matcher('any where endsWith(file.path, "\\\\x.exe")')({ file: { path: 'C:\\tmpx.exe' } })).toBe(true);
    expect(matcher('any where endsWith(file.path, "*.exe")')({ file: { path: 'a.exe' } })).toBe(true);
  });
  it('stringContains(field, "") is true whenever the field has a value; false on the script path', () => {
    expect(matcher('any where stringContains(file.path, "")')({ file: { path: 'x' } })).toBe(true);
    expect(matcher('any where stringContains(file.path, "")')({})).toBe(false);
    expect(matcher('any where stringContains(concat(file.path, ""), "")')({ file: { path: 'x' } })).toBe(false);
  });
});

describe('§13 verification errors', () => {
  const err = (q: string) => {
    try {
      compileQuery(q);
    } catch (e) {
      if (e instanceof EqlError) return e;
    }
    throw new Error('expected an error');
  };
  it('field against field is rejected with the offender', () => {
    expect(err('process where process.pid == process.parent.pid').message).toBe(
      'line 1:30: Comparisons against fields are not (currently) supported; offender [process.parent.pid] in [==]',
    );
  });
  it('unknown functions suggest the closest one', () => {
    expect(err('process where match(process.name, "x")').detail).toBe(
      'Unknown function [match], did you mean [cidrmatch]?',
    );
  });
  it('wrong arity uses ES wording', () => {
    expect(err('process where between(process.name, "a")').detail).toBe(
      'error building [between]: expects three or four arguments',
    );
  });
  it('~ only on functions that support it', () => {
    expect(err('process where length~(process.name) > 1').detail).toMatch(/does not support case-insensitive/);
  });
  it(': needs a string field', () => {
    expect(err('process where process.pid : 5').detail).toBe(
      'first argument of [:] must be [string], found value [process.pid] type [long]; consider using [==] instead',
    );
  });
  it('a condition must be boolean', () => {
    expect(err('process where process.pid').detail).toBe('Condition expression needs to be boolean, found [LONG]');
  });
  it('in lists must match the field type', () => {
    expect(err('process where process.pid in (1, "x")').detail).toMatch(
      /2nd argument of \[.*\] must be \[long\], found value \["x"\] type \[keyword\]/,
    );
  });
  it('join keys must agree in count and type', () => {
    expect(err('sequence [process where true] by process.pid [file where true]').detail).toMatch(
      /Inconsistent number of join keys/,
    );
    expect(err('sequence [process where true] by process.pid [process where true] by process.name').detail).toBe(
      'Sequence key [process.name] type [keyword] is incompatible with key [process.pid] type [long]',
    );
  });
  it('missing events need maxspan; samples need keys', () => {
    expect(err('sequence [a where true] ![b where true]').detail).toMatch(/requires \[maxspan\]/);
    expect(err('sample [a where true] [b where true]').detail).toMatch(/requires at least one join key/);
  });
  it('runtime errors that ES raises while evaluating (number() on bad text)', () => {
    expect(err('process where number("abc") == 1').kind).toBe('runtime');
  });
});
