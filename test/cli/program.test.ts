import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { buildProgram } from '../../src/cli/program.js';

describe('cli program', () => {
  it('is named eqlite and reports the package version', async () => {
    const program = await buildProgram();
    expect(program.name()).toBe('eqlite');
    expect(program.version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('cli start-up', () => {
  const names = (p: { commands: ReadonlyArray<{ name(): string }> }) => p.commands.map((c) => c.name()).sort();

  it('registers only the subcommand it runs, so hunt does not load the server', async () => {
    expect(names(await buildProgram(['hunt', 'logs/', '--threads', '2']))).toEqual(['hunt']);
    expect(names(await buildProgram(['--no-color', 'serve']))).toEqual(['serve']);
  });

  it('registers every command for help, version and unknown names, so they are all listed', async () => {
    const all = ['dump', 'hunt', 'query', 'rules', 'serve', 'validate'];
    expect(names(await buildProgram([]))).toEqual(all);
    expect(names(await buildProgram(['--help']))).toEqual(all);
    expect(names(await buildProgram(['hnut']))).toEqual(all);
    expect(names(await buildProgram(['toString']))).toEqual(all);
  });
});

describe('the installed command', () => {
  it('is an executable file, so `npx eqlite` runs it (npm runs a package bin as it is on disk)', () => {
    const bin = new URL('../../dist/cli/main.js', import.meta.url).pathname;
    // `npm test` builds first; the build sets the mode tsc does not.
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
