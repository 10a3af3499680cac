/**
 * Hand-made byte tests: every value type and BinXml token, including those no fixture carries.
 * Expected texts are Windows' renderings, written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { forEachEvtxRecord, type EvtxRecord } from '../../../src/sources/evtx/index.js';
import type { BadRecord } from '../../../src/sources/types.js';
import { toXml, type XmlElement } from '../../../src/sources/windows/xml-tree.js';
import { BinXml, buildChunk, buildFile, dataRecord, le, T, type RecordSpec, type Value } from './build.js';

function readAll(file: Buffer): { records: EvtxRecord[]; problems: BadRecord[] } {
  const records: EvtxRecord[] = [];
  const problems: BadRecord[] = [];
  forEachEvtxRecord(file, { file: 't.evtx', xml: true, onProblem: (p) => problems.push(p) }, (r) => records.push(r));
  return { records, problems };
}

function one(spec: RecordSpec): EvtxRecord {
  const { records, problems } = readAll(buildFile([buildChunk([spec])]));
  expect(problems).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0];
}

/** The text of each <Data> of a dataRecord. */
function dataTexts(values: Value[], optional = false): (string | null)[] {
  const ev = one(dataRecord(1, values, optional)).event;
  return ev.children.map((c) => (typeof c === 'string' ? null : c.children.join('')));
}

const v = (type: number, bytes: number[]): Value => ({ type, bytes });

describe('value types', () => {
  it('strings: UTF-16 with trailing NULs dropped, lone surrogates kept, ANSI as windows-1252', () => {
    expect(
      dataTexts([
        v(T.String, le.utf16('héllo wörld, a longer string past the short path')),
        v(T.String, le.utf16('x\0')),
        v(T.String, []),
        v(T.String, le.utf16('a\ud800b')),
        v(T.String, le.utf16('\udc00')),
        v(T.AnsiString, [0x80, 0x41, 0x9f, 0xe9, 0x00]),
      ]),
    ).toEqual(['héllo wörld, a longer string past the short path', 'x', '', 'a\ud800b', '\udc00', '€AŸé']);
  });

  it('integers, signed and unsigned, 8 to 64 bits', () => {
    expect(
      dataTexts([
        v(T.Int8, [0xff]),
        v(T.UInt8, [0xff]),
        v(T.Int16, le.u16(0x8000)),
        v(T.UInt16, le.u16(0xffff)),
        v(T.Int32, le.u32(-5)),
        v(T.UInt32, le.u32(0xffffffff)),
        v(T.Int64, le.u64(-1n)),
        v(T.Int64, le.u64(-(2n ** 63n))),
        v(T.Int64, le.u64(2n ** 53n + 1n)),
        v(T.UInt64, le.u64(2n ** 64n - 1n)),
        v(T.UInt64, le.u64(4294967296n)),
      ]),
    ).toEqual([
      '-1',
      '255',
      '-32768',
      '65535',
      '-5',
      '4294967295',
      '-1',
      '-9223372036854775808',
      '9007199254740993',
      '18446744073709551615',
      '4294967296',
    ]);
  });

  it('reals, booleans, binary', () => {
    expect(
      dataTexts([
        v(T.Real32, [0, 0, 0xc0, 0x3f]),
        v(T.Real32, [0xcd, 0xcc, 0xcc, 0x3d]), // 0.1f
        v(T.Real64, [0, 0, 0, 0, 0, 0, 0xd0, 0xbf]),
        v(T.Real64, [0, 0, 0, 0, 0, 0, 0xf0, 0x7f]),
        v(T.Bool, le.u32(1)),
        v(T.Bool, le.u32(0)),
        v(T.Bool, le.u32(0x100)), // irregular non-zero values are true
        v(T.Binary, [0xde, 0xad, 0x00, 0x0f]),
      ]),
    ).toEqual(['1.5', '0.1', '-0.25', '1.#INF', 'true', 'false', 'true', 'DEAD000F']);
  });

  it('GUID, SID, hex integers and size_t as Windows prints them', () => {
    expect(
      dataTexts([
        v(T.Guid, [0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]),
        v(T.Sid, [1, 5, 0, 0, 0, 0, 0, 5, ...le.u32(21), ...le.u32(1), ...le.u32(2), ...le.u32(3), ...le.u32(500)]),
        v(T.Sid, [1, 1, 0, 0, 0, 0, 0, 16, ...le.u32(12288)]),
        v(T.Sid, [1, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]), // 48-bit authority, printed in hex
        v(T.HexInt32, le.u32(0x3e7)),
        v(T.HexInt32, le.u32(0)),
        v(T.HexInt64, le.u64(0x8000000000000000n)),
        v(T.HexInt64, le.u64(0x135f2n)),
        v(T.SizeT, le.u32(0x7eec)),
        v(T.SizeT, le.u64(0x1122334455n)),
      ]),
    ).toEqual([
      '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      'S-1-5-21-1-2-3-500',
      'S-1-16-12288',
      'S-1-0x010203040506',
      '0x3e7',
      '0x0',
      '0x8000000000000000',
      '0x135f2',
      '0x7eec',
      '0x1122334455',
    ]);
  });

  it('FILETIME and SYSTEMTIME as ISO-8601 UTC with 7 fractional digits', () => {
    expect(
      dataTexts([
        v(T.FileTime, le.u64(131000000001234567n)),
        v(T.FileTime, le.u64(0n)),
        v(T.SysTime, [
          ...le.u16(2017),
          ...le.u16(4),
          ...le.u16(5),
          ...le.u16(21),
          ...le.u16(8),
          ...le.u16(43),
          ...le.u16(8),
          ...le.u16(123),
        ]),
      ]),
    ).toEqual(['2016-02-15T08:53:20.1234567Z', '1601-01-01T00:00:00.0000000Z', '2017-04-21T08:43:08.1230000Z']);
  });

  it('NULL: an empty element for a normal substitution, no element for an optional one', () => {
    expect(dataTexts([v(T.Null, []), v(T.String, le.utf16('x'))])).toEqual(['', 'x']);
    expect(dataTexts([v(T.Null, []), v(T.String, le.utf16('x'))], true)).toEqual(['x']);
  });

  it('arrays repeat the element once per item, for every base type', () => {
    const cases: [Value, string[]][] = [
      [v(T.Array | T.String, le.utf16('a\0bc\0')), ['a', 'bc']],
      [v(T.Array | T.String, le.utf16('a\0b')), ['a', 'b']],
      [v(T.Array | T.AnsiString, [0x61, 0, 0x80, 0]), ['a', '€']],
      [v(T.Array | T.Int8, [0xff, 1]), ['-1', '1']],
      [v(T.Array | T.UInt16, [...le.u16(1), ...le.u16(65535)]), ['1', '65535']],
      [v(T.Array | T.Int32, [...le.u32(-2), ...le.u32(3)]), ['-2', '3']],
      [v(T.Array | T.UInt64, [...le.u64(5n), ...le.u64(2n ** 64n - 1n)]), ['5', '18446744073709551615']],
      [v(T.Array | T.Real64, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f]), ['1.5']],
      [v(T.Array | T.Bool, [...le.u32(1), ...le.u32(0)]), ['true', 'false']],
      [
        v(T.Array | T.Guid, [...new Array<number>(16).fill(0), ...new Array<number>(16).fill(0xab)]),
        ['{00000000-0000-0000-0000-000000000000}', '{ABABABAB-ABAB-ABAB-ABAB-ABABABABABAB}'],
      ],
      [v(T.Array | T.HexInt32, [...le.u32(0x10), ...le.u32(0xffffffff)]), ['0x10', '0xffffffff']],
      [v(T.Array | T.HexInt64, le.u64(0x1n)), ['0x1']],
      [
        v(T.Array | T.FileTime, [...le.u64(131000000001234567n), ...le.u64(0n)]),
        ['2016-02-15T08:53:20.1234567Z', '1601-01-01T00:00:00.0000000Z'],
      ],
      [
        v(T.Array | T.SysTime, [...le.u16(2020), ...le.u16(1), 0, 0, ...le.u16(2), 0, 0, 0, 0, 0, 0, 0, 0]),
        ['2020-01-02T00:00:00.0000000Z'],
      ],
      [
        v(T.Array | T.Sid, [
          1,
          1,
          0,
          0,
          0,
          0,
          0,
          5,
          ...le.u32(18),
          1,
          2,
          0,
          0,
          0,
          0,
          0,
          5,
          ...le.u32(32),
          ...le.u32(544),
        ]),
        ['S-1-5-18', 'S-1-5-32-544'],
      ],
      [v(T.Array | T.SizeT, [...le.u64(0x20n), ...le.u64(0x30n)]), ['0x20', '0x30']],
      [v(T.Array | T.UInt32, []), ['']],
    ];
    for (const [value, items] of cases) {
      const ev = one(dataRecord(1, [value])).event;
      expect(
        ev.children.map((c) => (c as XmlElement).children.join('')),
        `type 0x${value.type.toString(16)}`,
      ).toEqual(items);
      for (const c of ev.children) expect((c as XmlElement).name).toBe('Data');
    }
  });

  it('substitutions in attributes; an optional one with no value drops the attribute', () => {
    const rec = one({
      id: 7,
      body: (w) => {
        w.fragmentHeader();
        w.template(
          (t) =>
            t.element('Event', [], (e) =>
              e.element('Execution', [
                ['ProcessID', (a) => a.sub(0, T.UInt32)],
                ['ThreadID', (a) => a.sub(1, T.UInt32, true)],
                ['Mixed', (a) => a.text('pid=', true).sub(0, T.UInt32).text(';')],
                ['Empty', (a) => a.sub(1, T.UInt32)],
              ]),
            ),
          [v(T.UInt32, le.u32(4)), v(T.Null, [])],
        );
        w.eof();
      },
    });
    expect((rec.event.children[0] as XmlElement).attrs).toEqual({ ProcessID: '4', Mixed: 'pid=4;', Empty: '' });
  });
});

describe('tokens', () => {
  it('character and entity references, CDATA, continued value text, processing instructions', () => {
    const rec = one({
      id: 3,
      body: (w) => {
        w.fragmentHeader();
        w.element('Event', [['a', (x) => x.text('x', true).entityRef('amp').entityRef('quot').charRef(0xe9)]], (e) => {
          e.pi('target', 'data');
          e.element('T', [], (t) =>
            t.text('a ', true).entityRef('lt').text('b', true).charRef(62).cdata(' <c> ').text('d'),
          );
          e.element('U', [], (t) => t.entityRef('unknown'));
        });
        w.eof();
      },
    });
    expect(rec.event).toEqual({
      name: 'Event',
      attrs: { a: 'x&"é' },
      children: [
        { name: 'T', attrs: {}, children: ['a <b> <c> d'] },
        { name: 'U', attrs: {}, children: ['&unknown;'] },
      ],
    });
    expect(rec.xml).toBe('<Event a="x&amp;&quot;é"><T>a &lt;b&gt; &lt;c&gt; d</T><U>&amp;unknown;</U></Event>');
  });

  it('records without a template', () => {
    const rec = one({
      id: 9,
      body: (w) => {
        w.fragmentHeader();
        w.element('Event', [['xmlns', (a) => a.text('http://schemas.microsoft.com/win/2004/08/events/event')]], (e) => {
          e.element('System', [], (s) => s.element('EventRecordID', [], (x) => x.text('9')));
          e.element('EventData', [], (d) => d.element('Data', [['Name', (a) => a.text('k')]], (x) => x.text('v')));
        });
        w.eof();
      },
    });
    expect(rec.recordId).toBe(9);
    expect(rec.xml).toBe(
      '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventRecordID>9</EventRecordID></System><EventData><Data Name="k">v</Data></EventData></Event>',
    );
  });

  it('embedded BinXml values: a fragment, a nested template instance, elements without dependency id', () => {
    const inner = (base: number): number[] => {
      const w = new BinXml(base);
      w.fragmentHeader();
      w.element('Inner', [['n', (a) => a.text('1')]], (e) => e.text('x'));
      w.eof();
      return w.bytes;
    };
    const nested = (base: number): number[] => {
      const w = new BinXml(base);
      w.fragmentHeader();
      w.template((t) => t.element('Nested', [], (e) => e.sub(0, T.UInt16)), [v(T.UInt16, le.u16(42))], 0x22);
      w.eof();
      return w.bytes;
    };
    const bare = (base: number): number[] => new BinXml(base, true).element('Bare', [], (e) => e.text('y')).bytes;
    const rec = one({
      id: 11,
      body: (w) => {
        w.fragmentHeader();
        w.template(
          (t) =>
            t.element('Event', [], (e) =>
              e.element('UserData', [], (u) => u.sub(0, T.BinXml).sub(1, T.BinXml).sub(2, T.BinXml)),
            ),
          [
            { type: T.BinXml, bytes: inner },
            { type: T.BinXml, bytes: nested },
            { type: T.BinXml, bytes: bare },
          ],
        );
        w.eof();
      },
    });
    expect(rec.xml).toBe('<Event><UserData><Inner n="1">x</Inner><Nested>42</Nested><Bare>y</Bare></UserData></Event>');
  });

  it('a template defined in one record is reused by offset in the next', () => {
    let def = 0;
    const first: RecordSpec = {
      id: 1,
      body: (w) => {
        w.fragmentHeader();
        def = w.template((t) => t.element('E', [], (e) => e.sub(0, T.String)), [v(T.String, le.utf16('one'))]);
        w.eof();
      },
    };
    const second: RecordSpec = {
      id: 2,
      body: (w) => {
        w.fragmentHeader();
        w.templateRef(def, [v(T.String, le.utf16('two'))]);
        w.eof();
      },
    };
    const { records, problems } = readAll(buildFile([buildChunk([first, second])]));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.xml)).toEqual(['<E>one</E>', '<E>two</E>']);
    expect(records.map((r) => r.recordId)).toEqual([1, 2]);
  });

  it('record fields: header id and written time when the event has no System block, file offset, chunk', () => {
    const { records } = readAll(
      buildFile([
        buildChunk([{ id: 5, written: 131000000001234567n, body: (w) => w.fragmentHeader().element('E').eof() }]),
      ]),
    );
    expect(records).toEqual([
      {
        recordId: 5,
        timeCreated: '2016-02-15T08:53:20.1234567Z',
        offset: 4096 + 512,
        chunkIndex: 0,
        event: { name: 'E', attrs: {}, children: [] },
        xml: '<E/>',
      },
    ]);
  });

  it('a damaged token fails only its record, located by offset', () => {
    const good = dataRecord(1, [v(T.UInt8, [1])]);
    const bad: RecordSpec = {
      id: 2,
      body: (w) => w.fragmentHeader().raw(0x01, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f).eof(),
    };
    const after: RecordSpec = { id: 3, body: (w) => w.fragmentHeader().element('After').eof() };
    const { records, problems } = readAll(buildFile([buildChunk([good, bad, after])]));
    expect(records.map((r) => r.recordId)).toEqual([1, 3]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'evtx-binxml', loc: { file: 't.evtx' } });
    expect(problems[0].message).toMatch(/^record 2 \(header id\): /);
    expect(problems[0].loc.offset).toBeGreaterThan(records[0].offset);
    expect(problems[0].loc.offset).toBeLessThan(records[1].offset);
  });
});

describe('XML text output', () => {
  it('escapes markup and control characters', () => {
    const rec = one(dataRecord(1, [v(T.String, le.utf16('a<b>&"c"\u0001\r\n'))]));
    expect(rec.xml).toBe('<Event><Data>a&lt;b&gt;&amp;"c"&#x1;\r\n</Data></Event>');
    expect(toXml({ name: 'X', attrs: { q: 'say "hi" & <go>' }, children: [] })).toBe(
      '<X q="say &quot;hi&quot; &amp; &lt;go&gt;"/>',
    );
  });
});
