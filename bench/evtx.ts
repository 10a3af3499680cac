/**
 * EVTX reader benchmark: records/s and MB/s over the shared fixtures and over a large file made by
 * concatenating their chunks, side by side with `evtxexport` (libevtx-utils) and @ts-evtx/core.
 *
 *     npx tsx bench/evtx.ts [--size-mb 256] [--rounds 3] [--skip-peers] [--src]
 *
 * The reader is first compiled with tsc to bench/out/build, so what is measured is the JavaScript
 * the package ships (`--src` runs the TypeScript through tsx instead, which is slower). The large
 * file is written to bench/out/ (gitignored). Every reader's XML goes to /dev/null, as evtxexport's
 * stdout does, so the text encoding and writing are measured too.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';

type Lib = typeof import('../src/sources/evtx/index.js');
type XmlLib = typeof import('../src/sources/windows/xml-reader.js');

const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/evtx');
const OUT = join(import.meta.dirname, 'out');
const CHUNK = 65536;
const HEADER = 4096;

/** @ts-evtx/core's EvtxFile refuses larger files. */
const TS_EVTX_MAX = 100 * 1024 * 1024;

/** Files evtxexport cannot finish (see evtx-expected/README.md): left out of the big file. */
const EVTXEXPORT_FAILS = ['CAPI2', 'MSExchange_Management_wec', 'ID1116-1117', 'ID4799-4624'];

interface Job {
  /** URL of the reader module (compiled or source). */
  lib: string;
  /** Files, each with an optional block range. */
  parts: { path: string; first?: number; end?: number }[];
  /** tree: EVTX to element trees; xml: EVTX to XML text; winxml: XML text files to element trees. */
  kind: 'tree' | 'xml' | 'winxml';
}

interface JobResult {
  records: number;
  xmlBytes: number;
}

const libs = new Map<string, Promise<Lib>>();
function loadLib(url: string): Promise<Lib> {
  let p = libs.get(url);
  if (p === undefined) libs.set(url, (p = import(url) as Promise<Lib>));
  return p;
}

/**
 * Decode the parts of a job in this thread, reading only the chunks asked for. Tree mode builds
 * every record's element tree; XML mode writes every record's XML to /dev/null (no trees).
 */
async function runJob(job: Job): Promise<JobResult> {
  const lib = await loadLib(job.lib);
  let records = 0;
  let xmlBytes = 0;
  if (job.kind === 'winxml') {
    const xmlLib = (await import(job.lib.replace('/evtx/index.', '/windows/xml-reader.'))) as XmlLib;
    for (const part of job.parts) {
      for (const _ of xmlLib.readWindowsXml(xmlLib.decodeXmlBytes(readFileSync(part.path)))) records++;
    }
    return { records, xmlBytes };
  }
  const devnull = job.kind === 'xml' ? openSync('/dev/null', 'w') : -1;
  for (const part of job.parts) {
    const opts = { firstChunk: part.first, endChunk: part.end };
    if (job.kind === 'xml') {
      lib.forEachEvtxXmlInFile(part.path, opts, (bytes, n) => {
        records += n;
        xmlBytes += bytes.length;
        writeSync(devnull, bytes);
      });
    } else {
      lib.forEachEvtxRecordInFile(part.path, opts, () => records++);
    }
  }
  if (devnull >= 0) closeSync(devnull);
  return { records, xmlBytes };
}

/** Compile the reader with tsc into bench/out/build; returns the module URL. */
function compileLib(): string {
  const outDir = join(OUT, 'build');
  const root = join(import.meta.dirname, '..');
  const r = spawnSync(
    'npx',
    [
      'tsc',
      join(root, 'src/sources/evtx/index.ts'),
      join(root, 'src/sources/windows/xml-reader.ts'),
      '--outDir',
      outDir,
      '--rootDir',
      join(root, 'src'),
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2023',
      '--strict',
      '--skipLibCheck',
      '--types',
      'node',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  return pathToFileURL(join(outDir, 'sources/evtx/index.js')).href;
}

function listFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFixtures(p));
    else if (e.name.endsWith('.evtx')) out.push(p);
  }
  return out.sort();
}

/** A large EVTX file: header + every chunk of the (evtxexport-readable) fixtures, repeated. */
function makeBigFile(files: string[], sizeMb: number): string {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `evtx-big-${sizeMb}mb.evtx`);
  const want = Math.ceil((sizeMb * 1e6 - HEADER) / CHUNK);
  if (existsSync(path) && statSync(path).size === HEADER + want * CHUNK) return path;
  const chunks: Buffer[] = [];
  for (const f of files) {
    if (EVTXEXPORT_FAILS.some((x) => f.includes(x))) continue;
    const b = readFileSync(f);
    for (let p = HEADER; p + CHUNK <= b.length; p += CHUNK) {
      if (b.toString('latin1', p, p + 8) === 'ElfChnk\0') chunks.push(b.subarray(p, p + CHUNK));
    }
  }
  const head = Buffer.from(readFileSync(files[0]).subarray(0, HEADER));
  head.writeUInt16LE(Math.min(want, 0xffff), 42);
  head.writeUInt32LE(0, 120); // clean flags
  head.writeUInt32LE(crc32(head.subarray(0, 120)), 124);
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  for (let i = 0; i < want; i++) writeSync(fd, chunks[i % chunks.length]);
  closeSync(fd);
  return path;
}

/** A pool of worker threads, started (and warmed up) before anything is timed. */
class Pool {
  private readonly workers: Worker[];
  constructor(n: number) {
    // Under tsx a worker registers tsx's loader before importing this file (a .js build needs nothing).
    const me = JSON.stringify(import.meta.url);
    this.workers = Array.from({ length: n }, () =>
      import.meta.url.endsWith('.ts')
        ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${me}); })`, { eval: true })
        : new Worker(new URL(import.meta.url)),
    );
  }

  async run(jobs: Job[]): Promise<JobResult> {
    const rs = await Promise.all(
      jobs.map(
        (job, i) =>
          new Promise<JobResult>((resolve, reject) => {
            const w = this.workers[i];
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage(job);
          }),
      ),
    );
    return { records: rs.reduce((a, r) => a + r.records, 0), xmlBytes: rs.reduce((a, r) => a + r.xmlBytes, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Split a set of files into `n` jobs of about equal size (big files by block ranges). */
function splitJobs(lib: string, files: string[], n: number, kind: Job['kind']): Job[] {
  const jobs: Job[] = Array.from({ length: n }, () => ({ lib, parts: [], kind }));
  if (files.length === 1) {
    const blocks = Math.ceil((statSync(files[0]).size - HEADER) / CHUNK);
    const per = Math.ceil(blocks / n);
    for (let i = 0; i < n; i++) jobs[i].parts.push({ path: files[0], first: i * per, end: (i + 1) * per });
    return jobs;
  }
  const load = new Array<number>(n).fill(0);
  const sized = files.map((f) => ({ f, s: statSync(f).size })).sort((a, b) => b.s - a.s);
  for (const { f, s } of sized) {
    const i = load.indexOf(Math.min(...load));
    jobs[i].parts.push({ path: f });
    load[i] += s;
  }
  return jobs;
}

interface Row {
  input: string;
  reader: string;
  seconds: number;
  records: number;
  bytes: number;
}

async function time(fn: () => Promise<number> | number, rounds: number): Promise<{ seconds: number; records: number }> {
  let best = Infinity;
  let records = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    records = await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, records };
}

/** Run evtxexport -f xml on each file with stdout to /dev/null (the timed part). */
function evtxexport(files: string[]): void {
  const devnull = openSync('/dev/null', 'w');
  for (const f of files) spawnSync('evtxexport', ['-f', 'xml', f], { stdio: ['ignore', devnull, 'ignore'] });
  closeSync(devnull);
}

/** Records libevtx reads in each file, from evtxinfo (untimed; equal to evtxexport's count where it finishes). */
function libevtxRecords(files: string[]): number {
  let n = 0;
  for (const f of files) {
    const out = spawnSync('evtxinfo', [f], { encoding: 'utf8' }).stdout ?? '';
    n += Number(/Number of records\s*:\s*(\d+)/.exec(out)?.[1] ?? 0);
  }
  return n;
}

async function tsEvtx(files: string[]): Promise<number> {
  const { EvtxFile } = await import('@ts-evtx/core');
  const devnull = openSync('/dev/null', 'w');
  let records = 0;
  for (const f of files) {
    try {
      const file = EvtxFile.openSync(f);
      for (const rec of file.records()) {
        writeSync(devnull, rec.renderXml());
        records++;
      }
    } catch {
      // Counted up to the failure, like evtxexport on the files it cannot finish.
    }
  }
  closeSync(devnull);
  return records;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, def: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const sizeMb = arg('--size-mb', 256);
  const lib = args.includes('--src')
    ? pathToFileURL(join(import.meta.dirname, '../src/sources/evtx/index.ts')).href
    : compileLib();
  const rounds = arg('--rounds', 3);
  const skipPeers = args.includes('--skip-peers');
  const fixtures = listFixtures(FIXTURES);
  const big = makeBigFile(fixtures, sizeMb);
  const inputs: [string, string[]][] = [
    [`fixtures (${fixtures.length} files)`, fixtures],
    [relative(process.cwd(), big), [big]],
  ];
  const rows: Row[] = [];
  const hasEvtxexport = spawnSync('evtxexport', ['-V']).status === 0;
  for (const [name, files] of inputs) {
    const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
    const add = (reader: string, r: { seconds: number; records: number }, ownBytes = bytes): void => {
      rows.push({ input: name, reader, bytes: ownBytes, ...r });
      const last = rows[rows.length - 1];
      console.error(`${name} | ${reader}: ${(ownBytes / 1e6 / last.seconds).toFixed(1)} MB/s, ${last.records} records`);
    };
    // Every eqlite figure comes from fresh worker threads (1 or 2), started and warmed up untimed.
    for (const threads of [1, 2]) {
      const pool = new Pool(threads);
      await pool.run(splitJobs(lib, fixtures.slice(0, 8), threads, 'xml'));
      await pool.run(splitJobs(lib, fixtures.slice(0, 8), threads, 'tree'));
      const label = threads === 1 ? '1 thread' : `${threads} workers`;
      for (const kind of ['tree', 'xml'] as const) {
        const r = await time(async () => (await pool.run(splitJobs(lib, files, threads, kind))).records, rounds);
        add(`eqlite ${kind === 'tree' ? 'tree' : 'XML'}, ${label}`, r);
      }
      await pool.close();
    }
    if (!skipPeers && hasEvtxexport) {
      const r = await time(() => (evtxexport(files), 0), Math.min(rounds, 2));
      add('evtxexport -f xml', { seconds: r.seconds, records: libevtxRecords(files) });
    }
    if (!skipPeers) {
      if (bytes <= TS_EVTX_MAX) add('@ts-evtx/core renderXml', await time(() => tsEvtx(files), 1));
      else {
        // It refuses files over 100 MB: time it on a 96 MB file of the same chunks instead.
        const small = makeBigFile(fixtures, 96);
        const r = await time(() => tsEvtx([small]), 1);
        add('@ts-evtx/core renderXml (on a 96 MB file of the same chunks)', r, statSync(small).size);
      }
    }
  }
  // The Windows XML reader over the same events as XML text (the fixtures' XML, one event per line).
  {
    const evtxLib = await loadLib(lib);
    const xmlPath = join(OUT, 'fixtures-events.xml');
    const parts: Buffer[] = [];
    for (const f of fixtures) evtxLib.forEachEvtxXmlInFile(f, {}, (b) => parts.push(Buffer.from(b)));
    writeFileSync(xmlPath, Buffer.concat(parts));
    const bytes = statSync(xmlPath).size;
    const pool = new Pool(1);
    const job: Job = { lib, parts: [{ path: xmlPath }], kind: 'winxml' };
    await pool.run([job]);
    const r = await time(async () => (await pool.run([job])).records, rounds);
    await pool.close();
    const input = `fixtures as XML text (${(bytes / 1e6).toFixed(1)} MB)`;
    rows.push({ input, reader: 'eqlite Windows XML reader, 1 thread', bytes, ...r });
  }
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
  const lines = [
    `Machine: ${cpus().length} cores (nproc), ${cpu}, Node ${process.version}. Best of ${rounds} rounds (evtxexport 2, @ts-evtx/core 1).`,
    '',
    '| input | reader | MB/s | records/s | records | vs evtxexport |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const base = rows.find((x) => x.input === r.input && x.reader.startsWith('evtxexport'));
    const mbs = r.bytes / 1e6 / r.seconds;
    const ratio = base ? (mbs / (base.bytes / 1e6 / base.seconds)).toFixed(2) + '×' : '';
    lines.push(
      `| ${r.input} | ${r.reader} | ${mbs.toFixed(1)} | ${Math.round(r.records / r.seconds)} | ${r.records} | ${ratio} |`,
    );
  }
  console.log(lines.join('\n'));
  writeFileSync(join(OUT, 'evtx-latest.md'), lines.join('\n') + '\n');
}

if (!isMainThread) {
  parentPort!.on('message', (job: Job) => void runJob(job).then((r) => parentPort!.postMessage(r)));
} else {
  await main();
}
