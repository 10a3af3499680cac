#!/usr/bin/env node
import { buildProgram } from './program.js';

buildProgram()
  .then((program) => program.parseAsync(process.argv))
  .catch((err: unknown) => {
    process.stderr.write(`eqlite: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
