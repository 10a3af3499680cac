#!/usr/bin/env node
import { buildProgram } from './program.js';

// `eqlite … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

buildProgram(process.argv.slice(2))
  .then((program) => program.parseAsync(process.argv))
  .catch((err: unknown) => {
    process.stderr.write(`eqlite: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
