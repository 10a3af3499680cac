/**
 * `eqlite serve`: a streaming detection service. Elasticsearch-compatible ingest, a SQLite store,
 * scheduled and continuous detection, a JSON API and the triage UI (docs/serve-api.md).
 *
 *   const server = await startServer({ dataDir: '.eqlite-data', port: 0 });
 *   // server.url → http://127.0.0.1:PORT ; server.store, server.engine for tests
 *   await server.close();
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Store, type SyncMode } from '../store/index.js';
import { Checkpointer } from '../store/checkpointer.js';
import { buildApp } from './app.js';
import { isLoopback } from './auth.js';
import type { ServerContext } from './context.js';
import { DetectionEngine } from './detect/engine.js';
import type { DetectionMode, ModeChoice } from './detect/rules.js';
import type { RunResult } from './detect/scheduled.js';
import { FileFollower, ingestStream } from './ingest/follow.js';
import { Ingestor } from './ingest/ingestor.js';
import { PreparePool } from './ingest/pool.js';
import type { RouteKind } from './ingest/normalise.js';
import { health, RateMeter } from './metrics.js';
import { defaultUiDir } from './static-ui.js';
import { StreamHub } from './stream.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  dataDir: string;
  /** Rule files/folders; empty: the built-in rules. */
  rules?: string[];
  allowlists?: string[];
  mode?: ModeChoice;
  modes?: Map<string, DetectionMode>;
  sync?: SyncMode;
  maxBodyBytes?: number;
  maxApiBodyBytes?: number;
  retention?: { maxAgeMs?: number; maxBytes?: number };
  /** How often retention runs (ms). Default 60 s. */
  retentionEveryMs?: number;
  spaceId?: string;
  reorderWindowMs?: number;
  tickMs?: number;
  uiDir?: string;
  accessLog?: boolean;
  strictEcs?: boolean;
  follow?: string[];
  stdin?: Readable;
  /** Index for followed/stdin documents that name none. */
  inputIndex?: string;
  inputFormat?: RouteKind;
  /**
   * Worker threads preparing ECS documents for the store. Default: one per CPU but one when
   * running compiled JavaScript, none under a TypeScript loader (tests can ask for them).
   */
  ingestThreads?: number;
  log?: (line: string) => void;
  /** Log each scheduled run's start and end. */
  logRuns?: boolean;
  onRunStart?: (ruleId: string) => void;
  onRunEnd?: (result: RunResult) => void;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  store: Store;
  engine: DetectionEngine;
  ingestor: Ingestor;
  app: FastifyInstance;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 9201;

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  if (!isLoopback(host) && !o.apiKey) {
    throw new Error(
      `refusing to listen on ${host} without --api-key: anyone who can reach it could read and write events and alerts`,
    );
  }
  const log = o.log ?? ((l: string) => process.stderr.write(`eqlite serve: ${l}\n`));
  const store = Store.open(o.dataDir, { sync: o.sync });
  const engine = new DetectionEngine(store, {
    paths: o.rules ?? [],
    allowlists: o.allowlists,
    mode: o.mode,
    modes: o.modes,
    spaceId: o.spaceId,
    reorderWindowMs: o.reorderWindowMs,
    tickMs: o.tickMs,
    onRunStart: (id) => {
      if (o.logRuns) log(`run started: ${id}`);
      o.onRunStart?.(id);
    },
    onRunEnd: (r) => {
      if (o.logRuns)
        log(
          `run finished: ${r.ruleId} ${r.status}, ${r.windows.length} window(s), ${r.matches} match(es), ${r.durationMs} ms`,
        );
      if (r.status !== 'succeeded') log(`rule ${r.ruleId}: ${r.status}: ${r.message ?? ''}`);
      o.onRunEnd?.(r);
    },
  });
  const threads = o.ingestThreads ?? (import.meta.url.endsWith('.js') ? Math.max(1, availableParallelism() - 1) : 0);
  const pool = threads > 0 ? new PreparePool(threads) : undefined;
  const ingestor = new Ingestor(store, engine.continuous, { strictEcs: o.strictEcs, pool });
  const rate = new RateMeter();
  ingestor.onCommit = (n, at) => rate.add(n, at);
  const startedAt = Date.now();
  const ver = version();
  const hub = new StreamHub(() => health({ store, engine, rate, version: ver, startedAt }));
  engine.onAlerts((alerts) => {
    for (const a of alerts) hub.broadcast('alert', a);
  });
  const ctx: ServerContext = {
    store,
    engine,
    ingestor,
    rate,
    hub,
    version: ver,
    startedAt,
    clusterUuid: store.meta('cluster_uuid', () => randomUUID()),
    maxBodyBytes: o.maxBodyBytes ?? 100 * 1024 * 1024,
    maxApiBodyBytes: o.maxApiBodyBytes ?? 1024 * 1024,
    uiDir: o.uiDir ?? defaultUiDir(),
    log,
  };
  engine.start();
  const loaded = engine.rules.rules;
  log(
    `${loaded.length} rule(s): ${loaded.filter((r) => r.mode === 'continuous').length} continuous, ${loaded.filter((r) => r.mode === 'scheduled').length} scheduled; store ${store.path}`,
  );
  for (const p of engine.rules.problems.filter((x) => x.severity === 'error'))
    log(`rule problem: ${p.file}: ${p.message}`);

  const app = buildApp(ctx, { apiKey: o.apiKey, accessLog: o.accessLog });
  let address: string;
  try {
    address = await app.listen({ host, port: o.port ?? DEFAULT_PORT });
  } catch (err) {
    engine.stop();
    await pool?.close();
    store.close();
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;

  // WAL checkpoints on their own thread; retention on a timer here.
  const checkpointer = new Checkpointer(store.path, 250, (m) => log(`checkpoint failed: ${m}`));
  ingestor.writeGate = () => checkpointer.gate;
  const retention = setInterval(() => {
    try {
      const r = store.maintain(o.retention ?? {});
      if (r.deletedByAge || r.deletedBySize)
        log(`retention: deleted ${r.deletedByAge} event(s) by age, ${r.deletedBySize} by size`);
    } catch (err) {
      log(`retention failed: ${(err as Error).message}`);
    }
  }, o.retentionEveryMs ?? 60_000);
  retention.unref();

  const inputs = { index: o.inputIndex ?? 'logs-eqlite.input-default', format: o.inputFormat, log };
  const followers = (o.follow ?? []).map((f) => new FileFollower(f, store, ingestor, inputs));
  for (const f of followers) f.start();
  if (o.stdin) {
    ingestStream(o.stdin, ingestor, inputs).then(
      (n) => log(`stdin ended after ${n} line(s); still serving`),
      (err: Error) => log(`stdin: ${err.message}`),
    );
  }

  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    store,
    engine,
    ingestor,
    app,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retention);
      await checkpointer.stop();
      for (const f of followers) f.stop();
      engine.stop();
      hub.close();
      await app.close();
      await pool?.close();
      store.close();
      void address;
    },
  };
}
