#!/usr/bin/env node
/** `npm run conformance`: runs the ES spec suite and prints per-file and total verdicts. */
import { resolve } from 'node:path';
import { runSuites, summarize } from './runner.js';
import { defaultSpecDir, sequenceExecutor } from './wiring.js';

const dir = resolve(process.argv[2] ?? defaultSpecDir());
const results = runSuites(dir, sequenceExecutor);
const { byFile, total } = summarize(results);
const verbose = process.argv.includes('--verbose');
for (const [file, s] of byFile) {
  process.stdout.write(
    `${file.padEnd(52)} pass ${String(s.pass).padStart(4)}  fail ${String(s.fail).padStart(3)}  skip ${String(s.skip).padStart(3)}\n`,
  );
}
for (const r of results) {
  if (r.verdict === 'fail' || (verbose && r.verdict === 'skip')) {
    process.stdout.write(`${r.verdict.toUpperCase()} ${r.suite}/${r.file} ${r.name}: ${r.detail ?? ''}\n`);
  }
}
process.stdout.write(`TOTAL pass ${total.pass} fail ${total.fail} skip ${total.skip}\n`);
process.exitCode = total.fail > 0 ? 1 : 0;
