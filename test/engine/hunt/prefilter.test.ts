/**
 * The line prefilter keeps every line a rule can match, whichever way the JSON writer escaped it:
 * `\/` (PHP), `\u0026 \u003c \u003e` (Go's encoder), raw characters (most writers).
 */
import { describe, expect, it } from 'vitest';
import { buildPrefilter } from '../../../src/engine/hunt/prefilter.js';
import { compileQuery } from '../../../src/eql/index.js';

/** Go's encoding/json escapes <, > and & as \u003c, \u003e, \u0026; PHP escapes / as \/. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
function phpJson(v: unknown): string {
  return JSON.stringify(v).replace(/\//g, '\\/');
}

function kept(query: string, lines: string[]): boolean[] {
  const pre = buildPrefilter([compileQuery(query)]);
  if (!pre) throw new Error('no prefilter');
  const text = lines.join('\n') + '\n';
  const starts: number[] = [];
  pre.scan(text, 0, text.length, (start) => starts.push(start));
  let at = 0;
  return lines.map((l) => {
    const k = starts.includes(at);
    at += l.length + 1;
    return k;
  });
}

describe('line prefilter', () => {
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
});
