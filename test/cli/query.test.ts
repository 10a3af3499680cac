/** `eqlite query` end to end, through the built CLI (npm test builds first). */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'eqlite-cli-'));
const file = join(dir, 'events.ndjson');
writeFileSync(
  file,
  [
    {
      '@timestamp': '2026-01-01T00:00:02Z',
      event: { category: 'process' },
      host: { id: 'a' },
      process: { name: 'CMD.EXE', pid: 2 },
    },
    {
      '@timestamp': '2026-01-01T00:00:01Z',
      event: { category: 'process' },
      host: { id: 'a' },
      process: { name: 'cmd.exe', pid: 1 },
    },
    'garbage',
    { '@timestamp': '2026-01-01T00:00:03Z', event: { category: 'network' }, host: { id: 'a' }, process: { pid: 2 } },
  ]
    .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
    .join('\n'),
);

/** The NDJSON lines printed, parsed. */
function printed(out: string): Array<{ n?: number; process?: { pid?: number } }> {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { n?: number; process?: { pid?: number } });
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('eqlite query', () => {
  it('prints matches as NDJSON in timestamp order and reports bad lines with file:line', () => {
    const r = run(['query', 'process where process.name : "cmd.exe"', file]);
    expect(r.code).toBe(0);
    expect(printed(r.out).map((d) => d.process?.pid)).toEqual([1, 2]);
    expect(r.err).toContain(`${file}:3:`);
    expect(r.err).toContain('1 bad record skipped');
  });

  it('applies --size with result_position tail by default, and head on request', () => {
    const pid = (args: string[]) =>
      run(['query', 'process where true', file, ...args])
        .out.trim()
        .split('\n')
        .map((l) => JSON.parse(l).process.pid);
    expect(pid(['--size', '1'])).toEqual([2]);
    expect(pid(['--size', '1', '--result-position', 'head'])).toEqual([1]);
  });

  it('prints sequences as {join_keys, events}', () => {
    const r = run(['query', 'sequence by host.id [process where true] [network where true]', file]);
    const seqs = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(seqs).toHaveLength(1);
    expect(seqs[0].join_keys).toEqual(['a']);
    expect(seqs[0].events.map((e: { process: { pid: number } }) => e.process.pid)).toEqual([2, 2]);
  });

  it('exits 2 with a positioned message on a bad query', () => {
    const r = run(['query', 'process where process.name == "a" AND true', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 1:35');
    expect(r.err).toContain("did you mean 'and'");
  });

  it('reads stdin and prints a table on request', () => {
    const out = execFileSync(process.execPath, [cli, 'query', '--format', 'table', 'process where true'], {
      input:
        '{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":"process"},"host":{"name":"h"},"process":{"name":"x"}}\n',
      encoding: 'utf8',
    });
    expect(out.split('\n')[0]).toMatch(/^@timestamp\s+event.category\s+host.name/);
    expect(out).toContain('2026-01-01T00:00:00Z');
  });

  it('names the --mapping file that cannot be read or parsed', () => {
    const bad = join(dir, 'bad-mapping.json');
    writeFileSync(bad, '{"mappings": ');
    const r = run(['query', '--mapping', bad, 'process where true', file]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`--mapping ${bad}: `);
    const missing = run(['query', '--mapping', join(dir, 'nope.json'), 'process where true', file]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(`--mapping ${join(dir, 'nope.json')}: ENOENT`);
  });

  it('reads folders and globs like hunt does, skipping documentation files', () => {
    const d = mkdtempSync(join(tmpdir(), 'eqlite-cli-glob-'));
    writeFileSync(join(d, 'a.ndjson'), JSON.stringify({ '@timestamp': '2026-01-01T00:00:01Z', n: 1 }) + '\n');
    writeFileSync(join(d, 'README.md'), '# not events\n');
    const viaFolder = run(['query', 'any where true', d]);
    expect(viaFolder.code).toBe(0);
    expect(printed(viaFolder.out).map((d) => d.n)).toEqual([1]);
    expect(viaFolder.err).toBe('');
    const viaGlob = run(['query', 'any where true', join(d, '*.ndjson')]);
    expect(printed(viaGlob.out).map((d) => d.n)).toEqual([1]);
  });
});
