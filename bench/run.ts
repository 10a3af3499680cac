/**
 * `npm run bench`: runs every benchmark in turn, each in its own process (so one's heap and JIT
 * state do not colour the next), printing their reports. Record the figures in bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BENCHES = ['eql', 'sequences', 'evtx', 'normalise-windows', 'normalise-edr', 'rule-index', 'hunt', 'serve'];
const only = process.argv.slice(2);
let failed = 0;
for (const name of BENCHES) {
  if (only.length && !only.includes(name)) continue;
  const file = new URL(`./${name}.ts`, import.meta.url).pathname;
  if (!existsSync(file)) continue;
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
