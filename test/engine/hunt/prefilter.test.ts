/**
 * The line prefilter keeps every line a rule can match, whichever way the JSON writer escaped it:
 * `\/` (PHP), `\u0026 \u003c \u003e` (Go's encoder), raw characters (most writers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPrefilter } from '../../../src/engine/hunt/prefilter.js';
import { compileQuery } from '../../../src/eql/index.js';

/** Go's encoding/json escapes <, > and & as \u003c, \u003e, \u0026; PHP escapes / as \/. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
function phpJson(v: unknown): string {
  return JSON.stringify(v).replace(/\//g, '\\/');
}

/** The two searches: WebAssembly SIMD (the default where the runtime has it) and JavaScript. */
let simd = true;

/**
 * Which lines the prefilter keeps; checks on the way that it counts newlines right: before each
 * line it keeps and in all.
 */
function kept(query: string, lines: string[]): boolean[] {
  const pre = buildPrefilter([compileQuery(query)], { simd });
  if (!pre) throw new Error('no prefilter');
  const buf = Buffer.from(lines.join('\n') + '\n', 'utf8');
  const starts: number[] = [];
  const lineStarts: number[] = [];
  for (let at = 0, k = 0; k < lines.length; at += Buffer.byteLength(lines[k]) + 1, k++) lineStarts.push(at);
  const total = pre.scan(buf, 0, buf.length, (start, end, newlines) => {
    expect(lineStarts[newlines]).toBe(start);
    expect(end).toBe(start + Buffer.byteLength(lines[newlines]));
    starts.push(start);
  });
  expect(total).toBe(lines.length);
  return lineStarts.map((at) => starts.includes(at));
}

describe.each([
  ['WebAssembly SIMD', true],
  ['JavaScript', false],
])('line prefilter (%s)', (_name, useSimd) => {
  beforeAll(() => {
    simd = useSimd;
  });

  const query =
    'process where process.name : "cmd.exe" and process.command_line : ("*&cls&cls&cls&*", "*/?cMD<*", "*dir /s /b *echo*", "*a>b*")';
  const lines = [
    'cmd.exe /c x &cls&cls&cls&cls',
    'cmd.exe /?CMD< x',
    'CMD.EXE /c dir /s /b c:\\ & echo',
    'cmd.exe a>b',
    'cmd.exe /c whoami',
    'cmd.exe /c dir /s',
  ];
  const docs = lines.map((cl) => ({ event: { category: 'process' }, process: { name: 'cmd.exe', command_line: cl } }));
  const q = compileQuery(query);
  const matches = docs.map((d) => q.filter!(d));

  it('the query matches the first four lines and not the last two', () => {
    expect(matches).toEqual([true, true, true, true, false, false]);
  });

  for (const [name, write] of [
    ['plain JSON', JSON.stringify],
    ["Go's encoder", goJson],
    ['PHP', phpJson],
  ] as const) {
    it(`keeps every matching line written by ${name}, and skips the others`, () => {
      const out = kept(
        query,
        docs.map((d) => write(d)),
      );
      // Never skips a match; skipping the non-matches is what it is for.
      expect(out.slice(0, 4)).toEqual([true, true, true, true]);
      expect(out.slice(4)).toEqual([false, false]);
    });
  }

  it('needs every literal part of some pattern, and each branch of a disjunction whole', () => {
    const q =
      'process where process.name : "cmd.exe" and (process.command_line : ("*echo*wscript*", "*copy /b *ping*") or ' +
      '(process.args : "type" and process.parent.name : "explorer.exe"))';
    const compiled = compileQuery(q);
    const doc = (cl: string, args: string, parent: string) =>
      JSON.stringify({
        event: { category: 'process' },
        process: { name: 'cmd.exe', command_line: cl, args, parent: { name: parent } },
      });
    const lines = [
      doc('cmd /c echo x | wscript y', 'a', 'b'),
      // The best part of a pattern without its other part: no pattern can match.
      doc('cmd /c wscript y', 'a', 'b'),
      doc('cmd /c ping -n 1 host', 'a', 'b'),
      doc('cmd /c copy /b a b & ping -n 1 host', 'a', 'b'),
      // One branch's literal without the rest of that branch.
      doc('cmd /c dir', 'type', 'svchost.exe'),
      doc('cmd /c dir', 'type', 'explorer.exe'),
    ];
    const matches = lines.map((l) => compiled.filter!(JSON.parse(l) as Record<string, unknown>));
    expect(matches).toEqual([true, false, false, true, false, true]);
    expect(kept(q, lines)).toEqual(matches);
  });

  it('stops judging finer needs where they turn no line away, and keeps judging where they do', () => {
    const fine = compileQuery('process where process.command_line : ("*echo*wscript*", "*copy /b *ping*")');
    const coarse = compileQuery('process where process.command_line : "*zzz*"');
    const line = (cl: string) => JSON.stringify({ event: { category: 'process' }, process: { command_line: cl } });
    // `wscript` without `echo`: the first rule's need turns the line away, the second rule's
    // literal, later on the line, keeps it.
    const keptByOther = Buffer.from(Array.from({ length: 3000 }, () => line('run wscript zzz')).join('\n') + '\n');
    const both = buildPrefilter([fine, coarse], { simd });
    let kept = 0;
    both!.scan(keptByOther, 0, keptByOther.length, () => {
      kept++;
    });
    expect(kept).toBe(3000);
    expect(both!.judgesNeeds).toBe(false);
    // Alone, the first rule's need turns every such line away, and stays judged.
    const alone = buildPrefilter([fine], { simd });
    let keptAlone = 0;
    alone!.scan(keptByOther, 0, keptByOther.length, () => {
      keptAlone++;
    });
    expect(keptAlone).toBe(0);
    expect(alone!.judgesNeeds).toBe(true);
  });

  it('folds case as the rules do: the Kelvin sign meets k, in the anchor and in other groups', () => {
    const q = 'process where process.name : "kworker.exe" and process.command_line : ("*pack*", "*kill*")';
    const doc = (name: string, cl: string) =>
      JSON.stringify({ event: { category: 'process' }, process: { name, command_line: cl } });
    const kelvin = '\u212a';
    const lines = [
      doc(`${kelvin}worker.exe`, 'x pac' + kelvin + ' y'),
      doc('kworker.exe', 'nothing'),
      doc('KWORKER.EXE', 'KILL'),
    ];
    const compiled = compileQuery(q);
    expect(lines.map((l) => compiled.filter!(JSON.parse(l) as Record<string, unknown>))).toEqual([true, false, true]);
    expect(kept(q, lines)).toEqual([true, false, true]);
  });

  it('keeps lines whose bytes hide a literal: JSON escapes of ASCII, and İ / the Kelvin sign raw or escaped', () => {
    const q = 'process where process.name : "cmd.exe" and process.command_line : ("*pack*", "*kill*")';
    const compiled = compileQuery(q);
    const lines = [
      // `c` written as \u0063 (a writer escaping ASCII): the text is cmd.exe all the same.
      '{"event":{"category":"process"},"process":{"name":"\\u0063md.exe","command_line":"kill"}}',
      // Python's ensure_ascii writes the Kelvin sign as \u212a; it folds to k.
      '{"event":{"category":"process"},"process":{"name":"cmd.exe","command_line":"\\u212aill"}}',
      // İ folds to i (Java's simple mapping, as the rules fold).
      JSON.stringify({ event: { category: 'process' }, process: { name: 'cmd.exe', command_line: 'K\u0130LL' } }),
      // An escaped backslash followed by u0063 is no escape: no cmd.exe here, the line is skipped.
      '{"event":{"category":"process"},"process":{"name":"\\\\u0063md.exe","command_line":"kill"}}',
      // No literal at all.
      JSON.stringify({ event: { category: 'process' }, process: { name: 'cmd.exe', command_line: 'dir' } }),
    ];
    expect(lines.map((l) => compiled.filter!(JSON.parse(l) as Record<string, unknown>))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(kept(q, lines)).toEqual([true, true, true, false, false]);
  });

  it('never skips a line the query matches, over random command lines in three JSON dialects', () => {
    const q = compileQuery(query);
    const pieces = [
      'cmd.exe',
      'CMD.EXE',
      '&cls',
      '&CLS',
      '/?',
      'cMD<',
      'dir /s /b ',
      'echo',
      'a>b',
      'x',
      ' ',
      '\\',
      '"',
      'é',
    ];
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const write of [JSON.stringify, goJson, phpJson]) {
      const docs = Array.from({ length: 3000 }, () => {
        let cl = '';
        const n = 1 + Math.floor(rnd() * 8);
        for (let i = 0; i < n; i++) cl += pieces[Math.floor(rnd() * pieces.length)];
        return {
          event: { category: 'process' },
          process: { name: rnd() < 0.7 ? 'cmd.exe' : 'CmD.eXe', command_line: cl },
        };
      });
      const out = kept(
        query,
        docs.map((d) => write(d)),
      );
      const missed = docs.filter((d, i) => q.filter!(d) && !out[i]);
      expect(missed).toEqual([]);
      // And it does skip: most random lines cannot match.
      expect(out.filter((k) => !k).length).toBeGreaterThan(0);
    }
  });
});

describe('line prefilter and sequences', () => {
  // An until event and a missing-event stage's event end no sequence but stop one: skipping their
  // lines reported sequences Elasticsearch does not (found by a hunt over three lines).
  const line = (name: string) =>
    JSON.stringify({ event: { category: ['process'] }, host: { name: 'h' }, process: { name: name } });
  const stage = (name: string) => `[process where process.name == "${name}"]`;
  it.each([
    [
      'until clauses',
      `sequence by host.name ${stage('alpha.exe')} ${stage('bravo.exe')} until ${stage('stopper.exe')}`,
    ],
    [
      'missing-event stages',
      `sequence by host.name with maxspan=1h ${stage('alpha.exe')} !${stage('stopper.exe')} ${stage('bravo.exe')}`,
    ],
  ])('keeps the lines of %s', (_kind, query) => {
    for (const useSimd of [true, false]) {
      const pre = buildPrefilter([compileQuery(query)], { simd: useSimd });
      const lines = ['alpha.exe', 'stopper.exe', 'bravo.exe', 'other.exe'].map(line);
      const buf = Buffer.from(lines.join('\n') + '\n');
      const keptLines: number[] = [];
      pre?.scan(buf, 0, buf.length, (_s, _e, newlines) => keptLines.push(newlines));
      expect(keptLines, `SIMD ${useSimd}`).toEqual([0, 1, 2]);
    }
  });
});
