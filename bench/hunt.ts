/**
 * End-to-end hunt benchmark (issue 7): MB/s and events/s of `eqlite hunt` over ≥ 1 GB of generated
 * ECS NDJSON with the founding rule (with and without the line prefilter) and with every Windows
 * EQL rule of the corpus, and over the EVTX fixtures. Runs the built CLI as a user would. Beside
 * them, the reference points measured here on one file, one core: JSON.parse of every
 * line, a case-insensitive scan for `cmd.exe`, and a hand-written `cmd.exe` line prefilter.
 *
 *   npx tsx bench/hunt.ts [--gb 1] [--threads 2]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileQuery } from '../src/eql/index.js';
import { AnchorSearch } from '../src/engine/hunt/byte-search.js';
import { SimdSearch } from '../src/engine/hunt/simd-search.js';
import { counted } from '../src/engine/counted.js';
import { generateProcessEvents } from './gen-ecs.js';
import { report } from './report.js';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const outDir = join(root, 'bench/out/hunt-ndjson');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const GB = arg('--gb', 1);
const THREADS = arg('--threads', 2);

async function ensureData(): Promise<{ bytes: number; files: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const target = GB * 1e9;
  const files = readdirSync(outDir)
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => join(outDir, f));
  const have = files.reduce((n, f) => n + statSync(f).size, 0);
  if (have >= target) return { bytes: have, files };
  // Four files of a quarter each, like a collection of exports; deterministic content.
  let bytes = 0;
  const made: string[] = [];
  for (let f = 0; f < 4; f++) {
    const path = join(outDir, `events-${f}.ndjson`);
    const out = createWriteStream(path);
    let written = 0;
    let seed = 1000 + f;
    while (written < target / 4) {
      const batch = generateProcessEvents({ count: 50_000, seed: seed++, hosts: 500 });
      const text = batch.map((d) => JSON.stringify(d)).join('\n') + '\n';
      written += Buffer.byteLength(text);
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    bytes += written;
    made.push(path);
  }
  return { bytes, files: made };
}

// CPU time of the child (all its threads), where GNU time is there to measure it.
const TIME = '/usr/bin/time';

function run(args: string[]): { seconds: number; cpu?: number; stderr: string } {
  const t0 = process.hrtime.bigint();
  const cmd = [cli, 'hunt', ...args, '--no-progress'];
  const timed = existsSync(TIME);
  const r = timed
    ? spawnSync(TIME, ['-f', 'eqlite-bench-cpu %U %S', process.execPath, ...cmd], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
    : spawnSync(process.execPath, cmd, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`hunt failed (${r.status}): ${r.stderr}`);
  const m = /eqlite-bench-cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { seconds, cpu: m ? Number(m[1]) + Number(m[2]) : undefined, stderr: r.stderr };
}

function records(stderr: string): number {
  const m = /, ([\d,]+) records? in /.exec(stderr);
  return m ? Number(m[1].replace(/,/g, '')) : NaN;
}

/** The reading threads the hunt used, when fewer than asked (small inputs are read inline). */
function used(stderr: string): string {
  const m = /, (\d+) threads?\)/.exec(stderr);
  return m && Number(m[1]) !== THREADS ? `, ${counted(Number(m[1]), 'thread')} used` : '';
}

function alerts(stderr: string): string {
  const m = /([\d,]+) alerts?\b/.exec(stderr);
  return m ? m[1] : '0';
}

/**
 * The reference points, on this machine and data: one file read whole, one core, no
 * start-up. The hand-written prefilter is what the issue compares with: a case-insensitive search
 * for `cmd.exe`, JSON.parse of the lines holding it, the founding rule's query on them.
 */
export function referencePoints(file: string): string[] {
  const buf = readFileSync(file);
  const mb = buf.length / 1e6;
  const toml = readFileSync(join(root, 'builtin-rules/execution_windows_cmd_shell_susp_args.toml'), 'utf8');
  const query = compileQuery((/query = '''([\s\S]*?)'''/.exec(toml) as RegExpExecArray)[1]);
  const anchor = new AnchorSearch(['cmd.exe']);
  const best = (f: () => string): { s: number; what: string } => {
    let s = Infinity;
    let what = '';
    for (let k = 0; k < 3; k++) {
      const t0 = process.hrtime.bigint();
      what = f();
      s = Math.min(s, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return { s, what };
  };
  const eachLine = (f: (s: number, e: number) => void) => {
    for (let s = 0, e = buf.indexOf(10); e >= 0; s = e + 1, e = buf.indexOf(10, s)) f(s, e);
  };
  const parse = best(() => {
    let n = 0;
    eachLine((s, e) => {
      if (JSON.parse(buf.toString('utf8', s, e))) n++;
    });
    return `${n.toLocaleString('en-US')} lines`;
  });
  const scan = best(() => {
    let n = 0;
    for (let i = anchor.find(buf, 0, buf.length); i >= 0; i = anchor.find(buf, i + 1, buf.length)) n++;
    return `${n.toLocaleString('en-US')} hits`;
  });
  // The same search with WebAssembly SIMD, as eqlite's prefilter does it (block by block, as read).
  const simd = SimdSearch.create();
  const simdScan =
    simd &&
    best(() => {
      const needle = simd.needle('cmd.exe', true);
      const block = 4 << 20;
      let n = 0;
      for (let from = 0; from < buf.length; from += block) {
        const to = Math.min(buf.length, from + block);
        simd.load(buf, from, to);
        for (let i = simd.find(needle, from, to); i >= 0; i = simd.find(needle, i + 1, to)) n++;
      }
      return `${n.toLocaleString('en-US')} hits`;
    });
  const prefilter = best(() => {
    let kept = 0;
    let matched = 0;
    eachLine((s, e) => {
      if (anchor.find(buf, s, e) < 0) return;
      kept++;
      if (query.filter?.(JSON.parse(buf.toString('utf8', s, e)) as Record<string, unknown>)) matched++;
    });
    return `${kept.toLocaleString('en-US')} lines parsed, ${matched.toLocaleString('en-US')} matches`;
  });
  const rate = (r: { s: number; what: string }) => `${(mb / r.s).toFixed(0)} MB/s (${r.what}, ${r.s.toFixed(2)} s)`;
  return [
    `reference points, one core, ${mb.toFixed(0)} MB file in memory:`,
    `  JSON.parse of every line: ${rate(parse)}`,
    `  case-insensitive scan for cmd.exe, JavaScript skip loop: ${rate(scan)}`,
    ...(simdScan ? [`  case-insensitive scan for cmd.exe, WebAssembly SIMD: ${rate(simdScan)}`] : []),
    `  hand-written cmd.exe line prefilter + JSON.parse + the founding rule: ${rate(prefilter)}`,
  ];
}

export async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('build first: npm run build');
  const { bytes } = await ensureData();
  const lines: string[] = [];
  const mb = bytes / 1e6;
  const line = (label: string, r: { seconds: number; stderr: string }, size = mb) => {
    const n = records(r.stderr);
    lines.push(
      `${label}: ${(size / r.seconds).toFixed(0)} MB/s, ${Math.round(n / r.seconds).toLocaleString('en-US')} events/s ` +
        `(${size.toFixed(0)} MB, ${n.toLocaleString('en-US')} events, ${r.seconds.toFixed(1)} s, ${alerts(r.stderr)} alerts` +
        `${used(r.stderr)})`,
    );
  };
  line(`founding rule, ECS NDJSON, ${THREADS} threads, prefilter`, run([outDir, '--threads', String(THREADS)]));
  line(
    `founding rule, ECS NDJSON, ${THREADS} threads, --no-prefilter`,
    run([outDir, '--threads', String(THREADS), '--no-prefilter']),
  );
  const windowsRules = join(root, '../shared/rules/elastic/rules/windows');
  // Per core: events over wall time and threads (the target's measure), and over the CPU time
  // of the whole process (main thread included), which other load on the machine disturbs less.
  const perCore = (label: string, r: { seconds: number; cpu?: number; stderr: string }) => {
    const n = records(r.stderr);
    const cpu = r.cpu === undefined ? '' : `, ${Math.round(n / r.cpu).toLocaleString('en-US')} per CPU second`;
    lines.push(
      `  → ${Math.round(n / r.seconds / THREADS).toLocaleString('en-US')} events/s per core${label}` +
        (r.cpu === undefined ? '' : ` (CPU ${r.cpu.toFixed(1)} s${cpu})`),
    );
  };
  const all = run([outDir, '--threads', String(THREADS), '--rules', windowsRules]);
  line(`all Windows EQL rules of the corpus, ECS NDJSON, ${THREADS} threads`, all);
  perCore(' with all Windows EQL rules', all);
  const allNp = run([outDir, '--threads', String(THREADS), '--rules', windowsRules, '--no-prefilter']);
  line(`all Windows EQL rules of the corpus, ECS NDJSON, ${THREADS} threads, --no-prefilter`, allNp);
  perCore(' with all Windows EQL rules, --no-prefilter', allNp);
  const evtx = join(root, '../shared/fixtures/evtx');
  const evtxBytes = (function walk(d: string): number {
    return readdirSync(d).reduce((n, e) => {
      const p = join(d, e);
      const s = statSync(p);
      return n + (s.isDirectory() ? walk(p) : p.endsWith('.evtx') ? s.size : 0);
    }, 0);
  })(evtx);
  line(
    `EVTX fixtures, all Windows EQL rules, ${THREADS} threads`,
    run([evtx, '--threads', String(THREADS), '--rules', windowsRules]),
    evtxBytes / 1e6,
  );
  lines.push(...referencePoints(join(outDir, 'events-0.ndjson')));
  report('Hunt (end to end)', `npx tsx bench/hunt.ts --gb ${GB} --threads ${THREADS}`, lines);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
