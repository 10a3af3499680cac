/** `eqlite hunt` through the built CLI: worker threads give the same alerts as one thread; exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const examples = new URL('../../examples/', import.meta.url).pathname;

function hunt(args: string[], env: Record<string, string> = {}, input?: Buffer) {
  const r = spawnSync(process.execPath, [cli, 'hunt', '--no-progress', '--now', '2026-11-28T00:00:00Z', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function bigInput(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-threads-'));
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    const attack = i % 997 === 5;
    lines.push(
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 0, 1) + i * 250).toISOString(),
        event: { category: ['process'], type: ['start'] },
        host: { id: `host-${i % 40}`, name: `ws-${i % 40}`, os: { type: 'windows' } },
        process: {
          name: attack || i % 7 === 0 ? 'cmd.exe' : 'svchost.exe',
          command_line: attack
            ? `cmd.exe /c echo x${i} > y.vbs & wscript y.vbs`
            : 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
          args: ['cmd.exe', '/c', 'echo'],
          pid: 1000 + i,
          parent: { name: 'explorer.exe', executable: 'C:\\Windows\\explorer.exe' },
        },
      }),
    );
  }
  // Over 4 MB, split into two files so both workers get a share.
  writeFileSync(join(dir, 'a.ndjson'), lines.slice(0, 20_000).join('\n') + '\n');
  writeFileSync(join(dir, 'b.ndjson'), lines.slice(20_000).join('\n') + '\n');
  return dir;
}

describe('eqlite hunt (CLI)', () => {
  it('worker threads find exactly what one thread finds', () => {
    const dir = bigInput();
    const one = join(dir, 'one.ndjson');
    const two = join(dir, 'two.ndjson');
    expect(hunt([dir, '--threads', '1', '--output', one]).code).toBe(0);
    const r = hunt([dir, '--threads', '2', '--output', two]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('2 threads)');
    const ids = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)['kibana.alert.uuid'] as string)
        .sort();
    expect(ids(one).length).toBe(41);
    expect(ids(two)).toEqual(ids(one));
    // The main thread reads too and may finish before the worker is ready: once more with the
    // workers reading everything, so results that crossed threads are compared as well.
    const viaWorker = join(dir, 'worker.ndjson');
    expect(hunt([dir, '--threads', '2', '--output', viaWorker], { EQLITE_HUNT_MAIN_READS: '0' }).code).toBe(0);
    expect(ids(viaWorker)).toEqual(ids(one));
  });

  it('builds the same sequence alert documents with worker threads as with one thread', () => {
    // Workers send the ordered stage keys and verdicts only; the lines in alerts are read back.
    const dir = bigInput();
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'seq.toml'),
      `[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["eqlite tests"]
description = "cmd.exe then svchost.exe on the same host"
from = "now-9m"
language = "eql"
license = "Apache-2.0"
name = "Shell then service host"
risk_score = 47
rule_id = "0b6c8a59-0000-4000-8000-000000000002"
severity = "medium"
type = "eql"
query = '''
sequence by host.id with maxspan=15s
  [process where process.name == "cmd.exe"]
  [process where process.name == "svchost.exe"]
'''
`,
    );
    const docs = (f: string) =>
      readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.replace(/"kibana\.alert\.rule\.execution\.uuid":"[^"]*"/, ''))
        .sort();
    const one = join(dir, 'one.ndjson');
    const two = join(dir, 'two.ndjson');
    expect(
      hunt([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '--rules', rules, '--threads', '1', '--output', one]).code,
    ).toBe(0);
    const r = hunt([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '--rules', rules, '--threads', '2', '--output', two]);
    expect(r.err).toContain('2 threads)');
    const a = docs(one);
    // Shells and building blocks: 3 documents per sequence, each block with its event's fields.
    expect(a.length).toBeGreaterThan(3000);
    expect(
      a.filter((l) => l.includes('"name":"svchost.exe"') && l.includes('"kibana.alert.building_block_type":"default"'))
        .length,
    ).toBe(a.length / 3);
    expect(docs(two)).toEqual(a);
    const viaWorker = join(dir, 'worker.ndjson');
    hunt([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '--rules', rules, '--threads', '2', '--output', viaWorker], {
      EQLITE_HUNT_MAIN_READS: '0',
    });
    expect(docs(viaWorker)).toEqual(a);
  });

  it('lists the alerts on stdout as a table when no output file is asked for (not with --no-table)', () => {
    const r = hunt([examples, '-q']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^time\s+severity\s+host\s+rule\s+details$/);
    // One row per example alert, in time order, with the command line that made it.
    expect(lines.slice(1)).toHaveLength(9);
    expect(lines.slice(1).every((l) => / high {6}.*Suspicious Windows Command Shell Arguments {2}\S/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => l.includes('findstr /si passw'))).toBe(true);
    const times = lines.slice(1).map((l) => l.slice(0, 24));
    expect([...times].sort()).toEqual(times);
    expect(hunt([examples, '-q', '--no-table']).out).toBe('');
  });

  it('writes alerts to stdout with --output - and a CSV timeline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-out-'));
    const csv = join(dir, 't.csv');
    const r = hunt([examples, '--output', '-', '--timeline', csv, '-q']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(9);
    const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^"Timestamp","RuleTitle","Level"/);
    expect(rows).toHaveLength(10);
  });

  it('reads stdin (-), plain, gzipped or UTF-16, beside files, as it reads the same records from a file', () => {
    const file = join(examples, 'ecs/fin-ws-07-sysmon.ndjson');
    const text = readFileSync(file);
    const ids = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Record<string, unknown>)['kibana.alert.uuid'])
        .sort();
    const want = ids(hunt([file, '--output', '-', '-q']).out);
    expect(want.length).toBe(3);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.toString('utf8'), 'utf16le')]);
    for (const input of [text, gzipSync(text), utf16]) {
      const r = hunt(['-', '--output', '-', '-q'], {}, input);
      expect(r.code, r.err).toBe(0);
      // The same events, so the same alerts: ids come from the events' content, not where they were read.
      expect(ids(r.out)).toEqual(want);
    }
    // Stdin beside a file, with worker threads allowed: stdin stays with the main thread.
    const both = hunt(['-', join(examples, 'crowdstrike'), '--threads', '2', '-q', '--output', '-'], {}, text);
    expect(both.code, both.err).toBe(0);
    expect(both.out.trim().split('\n')).toHaveLength(4);
  });

  it('reads UTF-16 files (with a byte order mark, as Windows PowerShell writes) like their UTF-8 text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-utf16-'));
    const text = readFileSync(join(examples, 'ecs/fin-ws-07-sysmon.ndjson'), 'utf8');
    writeFileSync(join(dir, 'le.ndjson'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(
      join(dir, 'be.ndjson'),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
    );
    for (const f of ['le.ndjson', 'be.ndjson']) {
      const r = hunt([join(dir, f), '-q', '--output', '-']);
      expect(r.code, r.err).toBe(0);
      expect(r.out.trim().split('\n'), f).toHaveLength(3);
    }
  });

  it('documents its exit codes: 1 with --fail-on-alert, 2 for usage errors, 3 without input, 4 without rules', () => {
    expect(hunt([examples, '--fail-on-alert', '-q']).code).toBe(1);
    expect(hunt([examples, '--min-severity', 'bogus']).code).toBe(2);
    expect(hunt(['/no/such/input', '-q']).code).toBe(3);
    expect(hunt([examples, '--rule', 'no-such-rule', '-q']).code).toBe(4);
    expect(hunt([examples, '--now', 'yesterday-ish']).code).toBe(2);
  });
});
