import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

describe('cli program', () => {
  it('is named eqlite and reports the package version', async () => {
    const program = await buildProgram();
    expect(program.name()).toBe('eqlite');
    expect(program.version()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
