/**
 * The three command-line splitters, checked against the rules of ../shared/docs/ecs-mapping.md
 * ("Splitting process.command_line into process.args") and against every fixture pair that
 * carries a command line and its args.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  splitCommandLineGo as go,
  splitCommandLineQuoteWhitespace as quoteWs,
  splitCommandLineSingleSpace as single,
} from '../../../src/sources/mapping/argv.js';

const FIX = join(__dirname, '../../../../shared/fixtures/integrations');
const readJson = (p: string): unknown => JSON.parse(readFileSync(join(FIX, p), 'utf8'));

interface Proc {
  command_line?: string;
  args?: string[];
  args_count?: number;
  parent?: Proc;
}
const expectedDocs = (p: string): Array<{ process?: Proc }> =>
  (readJson(p) as { expected: Array<{ process?: Proc }> }).expected;

describe('A. Go-style splitter (CrowdStrike, SentinelOne, Sysmon)', () => {
  it('removes surrounding quotes and skips a trailing separator (beats sysmon golden)', () => {
    expect(go('"C:\\Windows\\system32\\notepad.exe" ')).toEqual(['C:\\Windows\\system32\\notepad.exe']);
    expect(go('C:\\Windows\\Explorer.EXE')).toEqual(['C:\\Windows\\Explorer.EXE']);
  });

  it('separates on space and TAB only, skipping runs; CR and LF are ordinary characters', () => {
    expect(go('a  \t b\t')).toEqual(['a', 'b']);
    expect(go('  a')).toEqual(['a']);
    expect(go('a\r\nb c')).toEqual(['a\r\nb', 'c']);
    expect(go('')).toEqual([]);
    expect(go(' \t ')).toEqual([]);
  });

  it('treats backslashes specially only before a double quote', () => {
    // 2n backslashes + quote: n backslashes, the quote toggles quoting.
    expect(go('a\\\\"b c"')).toEqual(['a\\b c']);
    // 2n+1 backslashes + quote: n backslashes and a literal quote, quoting unchanged.
    expect(go('a\\\\\\"b c')).toEqual(['a\\"b', 'c']);
    expect(go('\\"x\\"')).toEqual(['"x"']);
    // Elsewhere backslashes are literal, trailing ones included (SentinelOne fixture: `stuff.EXE\`).
    expect(go('C:\\dir\\ x')).toEqual(['C:\\dir\\', 'x']);
    expect(go('C:\\a\\\\b\\')).toEqual(['C:\\a\\\\b\\']);
    expect(go('"C:\\dir\\\\" x')).toEqual(['C:\\dir\\', 'x']);
  });

  it('keeps spaces and TABs inside quotes', () => {
    expect(go('"C:\\Program Files\\x.exe" -a "b\tc"')).toEqual(['C:\\Program Files\\x.exe', '-a', 'b\tc']);
    expect(go('pre"fix mid"post')).toEqual(['prefix midpost']);
  });

  it('applies the pre-2008 rule: "" inside quotes emits a quote and leaves quoted mode', () => {
    expect(go('"a""b c"')).toEqual(['a"b', 'c']);
    expect(go('"a""b" c')).toEqual(['a"b c']);
  });

  it('produces an empty argument for "" on its own', () => {
    expect(go('a "" b')).toEqual(['a', '', 'b']);
    expect(go('""')).toEqual(['']);
  });

  it('gives argv[0] the same backslash treatment as the other arguments', () => {
    expect(go('C:\\x\\"y z')).toEqual(['C:\\x"y', 'z']);
  });

  it('does not decode XML entities (Sysmon input-only fixture)', () => {
    const ev = (
      readJson('windows/sysmon_operational/extract-test-events.json') as {
        events: Array<{ winlog: { event_data: { CommandLine: string } } }>;
      }
    ).events[0]!;
    expect(go(ev.winlog.event_data.CommandLine)).toEqual([
      '&quot;C:\\Windows\\system32\\cmd.exe&quot;',
      '/c',
      'SQLCMD',
      '-S',
      '&quot;X&quot;',
      '-h',
      '-1',
      '-Q',
      '&quot;EXEC',
      'DBA.dbo.AGSYNC_ALERT&quot;',
      '&gt;',
      'C:\\tmp\\SQL_ASYNCMonitor.txt',
    ]);
  });

  it('matches every command line / args pair of the A-algorithm fixtures', () => {
    const docs = [
      ...expectedDocs('sentinel_one_cloud_funnel/event/test-process.log-expected.json'),
      ...expectedDocs('crowdstrike/fdr/extract-test-windows.log-expected.json'),
    ];
    const beats = readJson('_beats/winlogbeat-sysmon/ingest/sysmon-12-processcreate.golden.json') as Array<{
      process: Proc;
    }>;
    const procs = [...docs.map((d) => d.process), ...beats.map((d) => d.process)];
    let checked = 0;
    for (const p of procs) {
      for (const q of [p, p?.parent]) {
        if (q?.command_line === undefined || q.args === undefined) continue;
        expect(go(q.command_line)).toEqual(q.args);
        if (q.args_count !== undefined) expect(go(q.command_line).length).toBe(q.args_count);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('B. quote-aware whitespace splitter (Security 4688)', () => {
  it('keeps quotes in the tokens (both 4688 fixtures)', () => {
    expect(quoteWs('"C:\\Windows\\system32\\wevtutil.exe" cl Security')).toEqual([
      '"C:\\Windows\\system32\\wevtutil.exe"',
      'cl',
      'Security',
    ]);
    for (const p of [
      'system/security/test-security-windows2019-4688-process-created.json-expected.json',
      'windows/forwarded/test-security-windows2019-4688-process-created.json-expected.json',
    ]) {
      const proc = expectedDocs(p)[0]!.process!;
      expect(quoteWs(proc.command_line!)).toEqual(proc.args);
    }
  });

  it('gives empty tokens for consecutive, leading and trailing whitespace', () => {
    // The second system/security input event: `"…notepad.exe" ` has a trailing empty token.
    expect(quoteWs('"C:\\Windows\\System32\\notepad.exe" ')).toEqual(['"C:\\Windows\\System32\\notepad.exe"', '']);
    expect(quoteWs('a  b')).toEqual(['a', '', 'b']);
    expect(quoteWs(' a')).toEqual(['', 'a']);
  });

  it('has no backslash escaping and toggles on every quote', () => {
    expect(quoteWs('a\\" b" c')).toEqual(['a\\" b"', 'c']);
    expect(quoteWs('"unterminated x y')).toEqual(['"unterminated x y']);
  });

  it('splits on any Java whitespace (TAB, newline, U+2003) but not on no-break space', () => {
    expect(quoteWs('a\tb\nc\u2003d')).toEqual(['a', 'b', 'c', 'd']);
    expect(quoteWs('a\u00a0b')).toEqual(['a\u00a0b']);
  });

  it('gives an empty list for an empty command line', () => {
    expect(quoteWs('')).toEqual([]);
    expect(quoteWs(' ')).toEqual(['', '']);
  });
});

describe('C. single-space splitter (Microsoft Defender XDR)', () => {
  it('matches the Defender fixture, cutting nothing inside the quoted user-data-dir (no spaces there)', () => {
    const proc = expectedDocs('m365_defender/event/extract-test-device.log-expected.json')[0]!.process!;
    expect(single(proc.command_line!)).toEqual(proc.args);
    expect(single(proc.parent!.command_line!)).toEqual(proc.parent!.args);
  });

  it('trims, splits on single spaces, drops empty tokens, keeps quotes and TABs', () => {
    expect(single('  "C:\\Program Files\\x.exe"  -a\tb  ')).toEqual(['"C:\\Program', 'Files\\x.exe"', '-a\tb']);
    expect(single('')).toEqual([]);
    expect(single(' \t\n')).toEqual([]);
  });
});
