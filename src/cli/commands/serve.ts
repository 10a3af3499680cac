import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PORT, startServer } from '../../server/index.js';
import type { DetectionMode } from '../../server/detect/rules.js';
import type { RouteKind } from '../../server/ingest/normalise.js';
import { collect } from '../repeatable.js';

interface ServeCliOptions {
  host: string;
  port: number;
  apiKey?: string;
  data: string;
  rules?: string[];
  allowlist?: string[];
  mode: 'auto' | DetectionMode;
  scheduled?: string[];
  continuous?: string[];
  sync: 'full' | 'normal';
  maxBody: number;
  retentionAge?: number;
  retentionSize?: number;
  spaceId: string;
  reorderWindow: number;
  follow?: string[];
  stdin?: boolean;
  index?: string;
  format?: RouteKind;
  accessLog?: boolean;
  logRuns?: boolean;
  ingestThreads?: number;
  strictEcs?: boolean;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number');
  return n;
}

/** `100mb`, `10gb`, `512kb`, or bytes. */
export function bytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a size such as 100mb');
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/** `7d`, `12h`, `30m`, `5s`, `250ms`. */
export function duration(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a duration such as 7d, 12h or 5s');
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run detection as a service: Elasticsearch-compatible ingest, alert store, API and web UI')
    .option('--host <address>', 'address to listen on (other than loopback requires --api-key)', '127.0.0.1')
    .option('--port <n>', 'port', port, DEFAULT_PORT)
    .option('--api-key <key>', 'require this key (Authorization: ApiKey … or Basic); default $EQLITE_API_KEY')
    .option('--data <dir>', 'store directory', './.eqlite-data')
    .option('--rules <path>', 'rule files/folders/Kibana exports (repeatable; default: built-in rules)', collect)
    .option('--allowlist <file>', 'eqlite allowlist file (repeatable)', collect)
    .addOption(
      new Option('--mode <mode>', 'detection mode for every rule')
        .choices(['auto', 'scheduled', 'continuous'])
        .default('auto'),
    )
    .option('--scheduled <rule_id>', 'run this rule on its Kibana schedule (repeatable)', collect)
    .option('--continuous <rule_id>', 'run this rule on the stream (repeatable)', collect)
    .addOption(
      new Option(
        '--sync <level>',
        'full: fsync every acknowledged batch; normal: survive a crash of eqlite, not of the machine',
      )
        .choices(['full', 'normal'])
        .default('full'),
    )
    .option('--max-body <size>', 'largest request body for ingest', bytes, 100 * 1024 * 1024)
    .option('--retention-age <duration>', 'delete events older than this (e.g. 7d)', duration)
    .option('--retention-size <size>', 'delete the oldest events while the store is larger (e.g. 20gb)', bytes)
    .option('--space-id <id>', 'Kibana space of the alerts', 'default')
    .option('--reorder-window <duration>', 'sequences: how long to wait for out-of-order events', duration, 5000)
    .option('--follow <file>', 'also read this NDJSON file as it grows (repeatable; rotation-safe)', collect)
    .option('--stdin', 'also read NDJSON events from standard input')
    .option('--index <name>', 'index for followed/stdin events that name none', 'logs-eqlite.input-default')
    .addOption(
      new Option('--format <format>', 'format of followed/stdin events (default: detected)').choices([
        'ecs',
        'winlog',
        'crowdstrike-fdr',
        'm365-defender',
        'sentinelone-cloud-funnel',
        'endgame',
      ]),
    )
    .option('--access-log', 'log each request (method, path, status; never contents)')
    .option('--ingest-threads <n>', 'worker threads preparing documents (default: CPUs - 1, at least 1)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a number of threads');
      return n;
    })
    .option('--log-runs', 'log the start and end of each scheduled rule run')
    .option('--strict-ecs', "only what Elastic's integrations produce: no eqlite enrichments")
    .action(async (opts: ServeCliOptions) => {
      const modes = new Map<string, DetectionMode>();
      for (const id of opts.scheduled ?? []) modes.set(id, 'scheduled');
      for (const id of opts.continuous ?? []) modes.set(id, 'continuous');
      let server;
      try {
        server = await startServer({
          host: opts.host,
          port: opts.port,
          apiKey: opts.apiKey ?? (process.env.EQLITE_API_KEY || undefined),
          dataDir: opts.data,
          rules: opts.rules ?? [],
          allowlists: opts.allowlist ?? [],
          mode: opts.mode,
          modes,
          sync: opts.sync,
          maxBodyBytes: opts.maxBody,
          retention: { maxAgeMs: opts.retentionAge, maxBytes: opts.retentionSize },
          spaceId: opts.spaceId,
          reorderWindowMs: opts.reorderWindow,
          follow: opts.follow ?? [],
          stdin: opts.stdin ? process.stdin : undefined,
          inputIndex: opts.index,
          inputFormat: opts.format,
          accessLog: opts.accessLog,
          logRuns: opts.logRuns,
          ingestThreads: opts.ingestThreads,
          strictEcs: opts.strictEcs,
        });
      } catch (err) {
        process.stderr.write(`eqlite serve: ${(err as Error).message}\n`);
        process.exit(2);
      }
      process.stderr.write(`eqlite serve: listening on ${server.url} (UI ${server.url}/ui/)\n`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
