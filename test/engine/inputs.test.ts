import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs, readInputs } from '../../src/engine/inputs.js';
import type { BadRecord } from '../../src/sources/types.js';

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-inputs-'));
  writeFileSync(join(dir, 'b.ndjson'), '{"@timestamp":"2026-01-01T00:00:02Z","n":2}\n');
  writeFileSync(join(dir, 'a.ndjson'), '{"@timestamp":"2026-01-01T00:00:01Z","n":1}\n');
  writeFileSync(join(dir, 'README.md'), '# notes about these logs\n');
  writeFileSync(join(dir, '.hidden.ndjson'), '{"n":0}\n');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'c.ndjson'), '{"@timestamp":"2026-01-01T00:00:03Z","n":3}\n');
  return dir;
}

describe('expandInputs (hunt, query and dump share it)', () => {
  it('walks folders sorted, skipping hidden entries and documentation files', async () => {
    const dir = tree();
    const problems: BadRecord[] = [];
    const files = await expandInputs([dir], (p) => problems.push(p));
    expect(files).toEqual([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), join(dir, 'sub', 'c.ndjson')]);
    expect(problems).toEqual([]);
  });

  it('reports a folder the user named that holds nothing to read (only documentation, or empty)', async () => {
    const dir = tree();
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'nested'), { recursive: true });
    writeFileSync(join(empty, 'README.md'), '# nothing here\n');
    const problems: BadRecord[] = [];
    const files = await expandInputs([empty, join(dir, 'sub')], (p) => problems.push(p));
    expect(files).toEqual([join(dir, 'sub', 'c.ndjson')]);
    expect(problems).toEqual([{ loc: { file: empty }, kind: 'input-empty', message: 'no input files in this folder' }]);
  });

  it('reads a file once however it is reached: a symbolic link loop, the same file named twice', async () => {
    const dir = tree();
    symlinkSync('..', join(dir, 'sub', 'up'));
    const problems: BadRecord[] = [];
    const files = await expandInputs([dir, join(dir, 'a.ndjson'), join(dir, 'sub')], (p) => problems.push(p));
    expect(files).toEqual([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), join(dir, 'sub', 'c.ndjson')]);
    // `sub` was read inside `dir`: not reported as a folder without input.
    expect(problems).toEqual([]);
  });

  it('expands a glob the shell did not, and reports one that matches nothing', async () => {
    const dir = tree();
    const problems: BadRecord[] = [];
    const files = await expandInputs([join(dir, '**/*.ndjson'), join(dir, '*.evtx')], (p) => problems.push(p));
    expect(files).toEqual([join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), join(dir, 'sub', 'c.ndjson')]);
    expect(problems).toEqual([
      { loc: { file: join(dir, '*.evtx') }, kind: 'input-unreadable', message: 'no file matches this pattern' },
    ]);
  });

  it('a documentation file named explicitly is read like any other input', async () => {
    const dir = tree();
    const files = await expandInputs([join(dir, 'README.md')], () => undefined);
    expect(files).toEqual([join(dir, 'README.md')]);
  });

  it('readInputs (eqlite query, dump) reads the records of a glob in input order', async () => {
    const dir = tree();
    const problems: BadRecord[] = [];
    const ns: unknown[] = [];
    for await (const r of readInputs([join(dir, '*.ndjson')], { onProblem: (p) => problems.push(p) }))
      ns.push((r.doc as { n: number }).n);
    expect(ns).toEqual([1, 2]);
    expect(problems).toEqual([]);
  });
});
