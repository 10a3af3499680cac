/** The mapping engine's step semantics (Elasticsearch processor behaviour where one exists). */
import { describe, expect, it } from 'vitest';
import { compileMapping, setAdaptiveThreshold, type Step } from '../../../src/sources/mapping/index.js';
import {
  decodeLong,
  formatMillis,
  formatSeconds,
  parseDate,
  parseIso8601,
  toLong,
} from '../../../src/sources/mapping/values.js';

type Doc = Record<string, unknown>;

function run(steps: Step[], doc: Doc): { doc: Doc; problems: Array<[string, string]> } {
  const problems: Array<[string, string]> = [];
  compileMapping({ name: 't', steps }).apply(doc, (k, m) => problems.push([k, m]));
  return { doc, problems };
}

describe('mapping engine', () => {
  it('set / copy / rename follow set, copy_from and rename', () => {
    const { doc } = run(
      [
        { op: 'set', field: 'event.kind', value: 'event' },
        { op: 'set', field: 'host.os.type', value: 'windows', override: false },
        { op: 'copy', field: 'a.copy', from: 'src.x' },
        { op: 'copy', field: 'a.empty', from: 'src.empty' },
        { op: 'rename', field: 'a.moved', from: 'src.y' },
        { op: 'rename', field: 'a.copy', from: 'src.z' }, // target exists: untouched
        { op: 'set', field: 'list', value: ['x'] },
      ],
      { host: { os: { type: 'linux' } }, src: { x: 1, y: 2, z: 3, empty: '' } },
    );
    expect(doc).toEqual({
      event: { kind: 'event' },
      host: { os: { type: 'linux' } },
      src: { x: 1, z: 3, empty: '' },
      a: { copy: 1, moved: 2 },
      list: ['x'],
    });
  });

  it('adaptive: the same documents and problems before and after it switches to generated code', () => {
    // Deferred deletes and a dispatch: what differs most between the two forms inside.
    const steps: Step[] = [
      { op: 'remove', fields: ['e.gone'] },
      { op: 'set', field: 'e.later', value: 1 },
      {
        op: 'dispatch',
        on: 'id',
        steps: [{ op: 'rename', field: 'e.renamed', from: 'e.keep', if: { eq: 'id', value: '1' } }],
      },
      { op: 'convert', field: 'n', type: 'long' },
    ];
    const docs = (i: number) => ({
      id: String(1 + (i % 2)),
      n: i % 3 === 0 ? 'x' : String(i),
      e: { gone: 1, keep: i },
    });
    const interpreted = compileMapping({ name: 't', steps, deferDeletes: ['e'] }, { mode: 'interpreted' });
    try {
      setAdaptiveThreshold(3);
      const adaptive = compileMapping({ name: 't', steps, deferDeletes: ['e'] }, { mode: 'adaptive' });
      for (let i = 0; i < 8; i++) {
        const pa: string[] = [];
        const pb: string[] = [];
        const a = JSON.stringify(interpreted.apply(docs(i), (k, m) => pa.push(`${k} ${m}`)));
        const b = JSON.stringify(adaptive.apply(docs(i), (k, m) => pb.push(`${k} ${m}`)));
        expect([b, pb], `document ${i}`).toEqual([a, pa]);
      }
    } finally {
      setAdaptiveThreshold(1_000);
    }
  });

  it('never shares constant arrays between events', () => {
    const m = compileMapping({ name: 't', steps: [{ op: 'set', field: 'event.type', value: ['start'] }] });
    const a = m.apply({});
    const b = m.apply({});
    (a.event as { type: string[] }).type.push('x');
    expect((b.event as { type: string[] }).type).toEqual(['start']);
  });

  it('convert: long accepts decimal and 0x hex, reports bad values and leaves the document alone', () => {
    const { doc, problems } = run(
      [
        { op: 'convert', field: 'p.pid', from: 'e.pid', type: 'long' },
        { op: 'convert', field: 'p.hex', from: 'e.hex', type: 'long' },
        { op: 'convert', field: 'p.bad', from: 'e.bad', type: 'long' },
        { op: 'convert', field: 'p.ip', from: 'e.ip', type: 'ip' },
        { op: 'convert', field: 'p.b', from: 'e.b', type: 'boolean' },
        { op: 'convert', field: 'e.rid', type: 'string' },
      ],
      { e: { pid: '3616', hex: '0x11cc', bad: '12a', ip: '::ffff:10.0.0.1', b: 'TRUE', rid: 20 } },
    );
    expect(doc.p).toEqual({ pid: 3616, hex: 4556, ip: '::ffff:10.0.0.1', b: true });
    expect((doc.e as Doc).rid).toBe('20');
    expect(problems).toHaveLength(1);
    expect(problems[0]![0]).toBe('field-conversion');
    expect(problems[0]![1]).toContain('"12a"');
  });

  it('Long.decode and ES long parsing', () => {
    expect(decodeLong('0x122c')).toBe(4652);
    expect(decodeLong('#ff')).toBe(255);
    expect(decodeLong('010')).toBe(8);
    expect(decodeLong('-0x10')).toBe(-16);
    expect(typeof decodeLong('0x')).toBe('symbol');
    expect(toLong('+5')).toBe(5);
    expect(typeof toLong(' 5')).toBe('symbol');
    expect(toLong('9223372036854775807')).toBe(Number(2n ** 63n - 1n));
    expect(typeof toLong('9223372036854775808')).toBe('symbol');
    expect(typeof toLong('0x1ffffffffffffffff')).toBe('symbol');
    expect(typeof decodeLong('0x10000000000000000')).toBe('symbol');
  });

  it('date: truncates (never rounds) to milliseconds and honours formats', () => {
    const { doc, problems } = run(
      [
        { op: 'date', field: 'a', from: 's.iso', formats: ['ISO8601'] },
        { op: 'date', field: 'b', from: 's.sysmon', formats: ['yyyy-MM-dd HH:mm:ss.SSS'] },
        { op: 'date', field: 'c', from: 's.off', formats: ['ISO8601'] },
        { op: 'date', field: 'd', from: 's.bad', formats: ['ISO8601', 'UNIX'] },
        { op: 'date', field: 'e', from: 's.iso', formats: ['ISO8601'], precision: 'seconds' },
        { op: 'date', field: 'f', from: 's.unix', formats: ['ISO8601', 'UNIX'] },
      ],
      {
        s: {
          iso: '2023-07-19T18:03:21.9948950Z',
          sysmon: '2020-10-27 20:00:14.320',
          off: '2020-01-01T01:00:00+01:00',
          bad: '2020-13-01',
          unix: '1600000000.9999',
        },
      },
    );
    expect(doc.a).toBe('2023-07-19T18:03:21.994Z');
    expect(doc.b).toBe('2020-10-27T20:00:14.320Z');
    expect(doc.c).toBe('2020-01-01T00:00:00.000Z');
    expect(doc.d).toBeUndefined();
    expect(doc.e).toBe('2023-07-19T18:03:21Z');
    expect(doc.f).toBe('2020-09-13T12:26:40.999Z');
    expect(problems.map((p) => p[0])).toEqual(['field-conversion']);
    expect(parseDate('2019-02-29 00:00:00.000', 'yyyy-MM-dd HH:mm:ss.SSS')).toBeTypeOf('symbol');
    expect(formatSeconds(Date.UTC(2022, 3, 4, 18, 53, 18, 999))).toBe('2022-04-04T18:53:18Z');
  });

  it('fast date formatting and parsing agree with Date for any instant', () => {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rnd() * 4_102_444_800_000) * (i % 50 === 0 ? -1 : 1);
      const iso = new Date(ms).toISOString();
      expect(formatMillis(ms)).toBe(iso);
      expect(formatSeconds(ms)).toBe(iso.slice(0, iso.length - 5) + 'Z');
      if (ms >= 0) {
        expect(parseIso8601(iso)).toBe(ms);
        expect(parseIso8601(iso.replace('Z', '1234Z'))).toBe(ms);
        expect(parseIso8601(iso.replace(/\.\d+Z$/, 'Z'))).toBe(ms - (ms % 1000));
      }
    }
    expect(parseIso8601('2020-10-27T20:00:14.3242341Z')).toBe(Date.UTC(2020, 9, 27, 20, 0, 14, 324));
    expect(parseIso8601('2020-10-27T20:00:14.3Z')).toBe(Date.UTC(2020, 9, 27, 20, 0, 14, 300));
    expect(typeof parseIso8601('2020-02-30T00:00:00Z')).toBe('symbol');
  });

  it('lookup, map, flags', () => {
    const { doc } = run(
      [
        {
          op: 'lookup',
          key: 'event.code',
          into: 'event',
          table: { '4688': { category: ['process'], type: ['start'], action: 'created-process' } },
        },
        { op: 'map', field: 'winlog.logon.type', from: 'ed.LogonType', table: { '3': 'Network' } },
        {
          op: 'flags',
          field: 'ed.TicketOptionsDescription',
          from: 'ed.TicketOptions',
          table: [
            [0x40000000, 'Forwardable'],
            [0x00800000, 'Renewable'],
            [0x80000000, 'Reserved'],
          ],
        },
      ],
      { event: { code: '4688' }, ed: { LogonType: '3', TicketOptions: '0x40810000' } },
    );
    expect(doc.event).toEqual({ code: '4688', category: ['process'], type: ['start'], action: 'created-process' });
    expect((doc.winlog as Doc).logon).toEqual({ type: 'Network' });
    expect((doc.ed as Doc).TicketOptionsDescription).toEqual(['Forwardable', 'Renewable']);
  });

  it('basename, domainUser, hashList, clean', () => {
    const { doc } = run(
      [
        { op: 'clean', field: 'ed', values: ['', '-', '{00000000-0000-0000-0000-000000000000}'] },
        { op: 'basename', field: 'p.name', from: 'ed.Image' },
        { op: 'basename', field: 'p.none', from: 'ed.NoSep' },
        { op: 'domainUser', from: 'ed.User', domain: 'user.domain', name: 'user.name' },
        { op: 'domainUser', from: 'ed.Odd', domain: 'odd.domain', name: 'odd.name' },
        { op: 'hashList', from: 'ed.Hashes', field: '$hashes', related: 'related.hash' },
        { op: 'rename', field: 'p.hash', from: '$hashes' },
      ],
      {
        ed: {
          Image: 'C:\\Windows\\cmd.exe',
          NoSep: 'cmd.exe',
          User: 'VAGRANT\\vagrant',
          Odd: 'a\\b\\c',
          Hashes: 'SHA1=B6D2,MD5=00000000,IMPHASH=AB',
          Parent: '-',
          Guid: '{00000000-0000-0000-0000-000000000000}',
        },
      },
    );
    expect(doc.p).toEqual({ name: 'cmd.exe', hash: { sha1: 'b6d2', imphash: 'ab' } });
    expect(doc.user).toEqual({ domain: 'VAGRANT', name: 'vagrant' });
    expect(doc.odd).toBeUndefined();
    expect(doc.related).toEqual({ hash: ['b6d2', 'ab'] });
    expect(Object.keys(doc.ed as Doc)).not.toContain('Parent');
    expect(Object.keys(doc.ed as Doc)).not.toContain('Guid');
  });

  it('argv, append, split, concat, gsub, trim', () => {
    const { doc } = run(
      [
        { op: 'argv', from: 'p.command_line', args: 'p.args', count: 'p.args_count', algorithm: 'go' },
        { op: 'append', field: 'related.user', from: 'u' },
        { op: 'append', field: 'related.user', from: 'u' },
        { op: 'append', field: 'related.user', value: 'other' },
        { op: 'split', field: 'priv', separator: /\s+/ },
        { op: 'concat', field: 'file.path', parts: [{ field: 'dir' }, '\\', { field: 'name' }] },
        { op: 'gsub', field: 'ip', pattern: /::ffff:([0-9.]+)/, replacement: '$1' },
        { op: 'trim', field: 'text' },
      ],
      {
        p: { command_line: '"a b" c' },
        u: 'bob',
        priv: 'SeA\n\t\t\tSeB',
        dir: 'C:\\s',
        name: 'f.txt',
        ip: '::ffff:10.1.2.3',
        text: '  x \n',
      },
    );
    expect(doc.p).toEqual({ command_line: '"a b" c', args: ['a b', 'c'], args_count: 2 });
    expect(doc.related).toEqual({ user: ['bob', 'other'] });
    expect(doc.priv).toEqual(['SeA', 'SeB']);
    expect((doc.file as Doc).path).toBe('C:\\s\\f.txt');
    expect(doc.ip).toBe('10.1.2.3');
    expect(doc.text).toBe('x');
  });

  it('when / switch / conditions / scripts; scratch variables never reach the output', () => {
    const steps: Step[] = [
      { op: 'set', field: '$seen', value: true },
      {
        op: 'switch',
        on: 'code',
        cases: { '1': [{ op: 'set', field: 'one', value: 1 }] },
        default: [{ op: 'set', field: 'other', value: true }],
      },
      {
        op: 'when',
        cond: { all: [{ in: 'code', values: ['1', '2'] }, { not: { present: 'x', except: ['-'] } }] },
        then: [{ op: 'set', field: 'noX', value: true }],
      },
      {
        op: 'script',
        name: 'boom',
        run: () => {
          throw new Error('bad');
        },
      },
      { op: 'set', field: 'after', value: true, if: { test: (r) => r.vars.seen === true } },
    ];
    const a = run(steps, { code: '1', x: '-' });
    expect(a.doc).toEqual({ code: '1', x: '-', one: 1, noX: true, after: true });
    expect(a.problems).toEqual([['mapping-script', 't: script boom: bad']]);
    const b = run(steps, { code: 7, x: 'y' });
    expect(b.doc).toEqual({ code: 7, x: 'y', other: true, after: true });
  });

  it('remove: nested fields, top-level fields and variables', () => {
    const { doc } = run(
      [
        { op: 'set', field: '$v', value: 1 },
        { op: 'remove', fields: ['a.x', 'a.y', 'b', 'c', 'a.deep.z', '$v', 'missing.q'] },
        { op: 'set', field: 'seen', value: true, if: { exists: '$v' } },
      ],
      { a: { x: 1, y: 2, keep: 3, deep: { z: 1 } }, b: 1, c: 2, d: 3 },
    );
    expect(doc).toEqual({ a: { keep: 3, deep: {} }, d: 3 });
  });

  it('does not write through a non-object parent', () => {
    const { doc } = run([{ op: 'set', field: 'a.b', value: 1 }], { a: 'string' });
    expect(doc).toEqual({ a: 'string' });
  });
});

describe('prune', () => {
  it('removes listed values, blank strings and emptied containers, inside arrays too', () => {
    const { doc } = run([{ op: 'prune', values: [null], blankStrings: true, emptyContainers: true }], {
      a: { b: null, c: ' \t', d: ['x', '', ' ', null, { e: '' }], f: { g: {} } },
      h: 0,
      i: false,
      j: 'k',
    });
    expect(doc).toEqual({ a: { d: ['x'] }, h: 0, i: false, j: 'k' });
  });

  it('CrowdStrike-style: values removed from lists, a subtree only', () => {
    const { doc } = run([{ op: 'prune', field: 'p', values: ['', '-', 'none'], emptyContainers: true }], {
      p: { args: ['a', '-', 'none', '', 'b'], args_count: 5, x: '-' },
      q: { y: '-' },
    });
    expect(doc).toEqual({ p: { args: ['a', 'b'], args_count: 5 }, q: { y: '-' } });
  });
});

describe('json', () => {
  it('parses in place or to another field; bad JSON is reported and left alone', () => {
    const { doc, problems } = run(
      [
        { op: 'json', field: 'a' },
        { op: 'json', field: 'parsed', from: 'b' },
        { op: 'json', field: 'c' },
      ],
      { a: '{"x":1}', b: '[1,2]', c: '{oops' },
    );
    expect(doc).toEqual({ a: { x: 1 }, b: '[1,2]', parsed: [1, 2], c: '{oops' });
    expect(problems.map((p) => p[0])).toEqual(['field-format']);
  });
});
