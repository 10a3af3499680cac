/**
 * Sequence engine benchmark (issue 3): a two-stage corpus sequence
 * (`sequence by host.id, process.entity_id with maxspan=1m`, unusual network connection via
 * rundll32) and a missing-event corpus rule (Elastic Defend alert followed by telemetry loss), each
 * over a pool of 250k generated events replayed to ≥ 1M (shifted in time each pass), with few and with 100k
 * distinct join keys. Reports events/s (filters, keys, timestamps and state machine included) and
 * the engine's retained state at end of input (heap after a full collection) and peak RSS, at two
 * input sizes to show memory does not grow with the number of events.
 *
 *   npx tsx bench/sequences.ts [--events N]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { compileQuery, type CompiledQuery } from '../dist/eql/index.js';
import { SequenceMatcher } from '../dist/eql/sequence.js';
import { rng } from './gen-ecs.js';
import { report } from './report.js';

const RULES = new URL('../../shared/rules/elastic/rules/', import.meta.url).pathname;
const argN = process.argv.indexOf('--events');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 1_000_000;

export function ruleQuery(rel: string): CompiledQuery {
  const r = parseToml(readFileSync(join(RULES, rel), 'utf8')) as { rule: { query: string } };
  return compileQuery(r.rule.query);
}

/**
 * rundll32 starts (stage 1) and their network connections (stage 2) among ordinary events:
 * `density` is the share of events a stage can use (realistic: a few percent; stress: most).
 */
export function* rundllEvents(
  n: number,
  keys: number,
  seed: number,
  density: number,
): Generator<Record<string, unknown>> {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(r() * 3);
    const k = Math.floor(r() * keys);
    const host = `host-${k % 500}`;
    const entity = `ent-${k}`;
    const ts = new Date(t).toISOString();
    const roll = r();
    if (roll < density * 0.6) {
      yield {
        '@timestamp': ts,
        event: { category: ['process'], type: ['start'] },
        host: { id: host, os: { type: 'windows' } },
        process: {
          entity_id: entity,
          name: 'rundll32.exe',
          args_count: 1,
          command_line: 'C:\\Windows\\system32\\rundll32.exe',
        },
      };
    } else if (roll < density) {
      yield {
        '@timestamp': ts,
        event: { category: ['network'], type: ['start'] },
        host: { id: host, os: { type: 'windows' } },
        process: { entity_id: entity, name: 'rundll32.exe' },
        destination: { ip: `93.184.${k % 250}.${i % 250}` },
      };
    } else if (roll < density + (1 - density) / 2) {
      yield {
        '@timestamp': ts,
        event: { category: ['process'], type: ['start'] },
        host: { id: host, os: { type: 'windows' } },
        process: {
          entity_id: `other-${i}`,
          name: 'svchost.exe',
          args_count: 3,
          command_line: 'svchost.exe -k netsvcs',
        },
      };
    } else {
      yield {
        '@timestamp': ts,
        event: { category: ['network'], type: ['connection'] },
        host: { id: host, os: { type: 'windows' } },
        process: { entity_id: `other-${i}`, name: 'chrome.exe' },
        destination: { ip: '142.250.74.110' },
      };
    }
  }
}

/** Endpoint alerts (`density` of events) and ordinary telemetry per host: hosts that go quiet after an alert match. */
export function* telemetryEvents(
  n: number,
  hosts: number,
  seed: number,
  density: number,
): Generator<Record<string, unknown>> {
  const r = rng(seed);
  let t = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    t += 1 + Math.floor(r() * 3);
    const h = Math.floor(r() * hosts);
    const ts = new Date(t).toISOString();
    if (r() < density)
      yield {
        '@timestamp': ts,
        data_stream: { dataset: 'endpoint.alerts' },
        event: { category: ['malware'] },
        host: { id: `h-${h}` },
      };
    else
      yield {
        '@timestamp': ts,
        data_stream: { dataset: 'endpoint.events.process' },
        event: { category: ['process'] },
        host: { id: `h-${h}` },
      };
  }
}

/**
 * Replays a fixed pool of generated events `n` times over, shifting each pass forward in time past
 * the previous one, so the input is as long as asked while generation cost and the pool's memory
 * stay out of the measurement (the pool is the same for every input size).
 */
export function run(
  q: CompiledQuery,
  pool: Record<string, unknown>[],
  n: number,
): { perSec: number; matches: number; peakRss: number; stateBytes: number; stats: SequenceMatcher<unknown>['stats'] } {
  global.gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  const m = new SequenceMatcher<Record<string, unknown>>(q);
  let matches = 0;
  let peak = process.memoryUsage().rss;
  let seq = 0;
  const first = q.timestamp.read(pool[0])!.ms;
  const span = q.timestamp.read(pool[pool.length - 1])!.ms - first + 3_600_000;
  const t0 = process.hrtime.bigint();
  for (let pass = 0; seq < n; pass++) {
    const shift = pass * span;
    for (let i = 0; i < pool.length && seq < n; i++) {
      const doc = pool[i];
      const ts = q.timestamp.read(doc);
      if (!ts) continue;
      matches += m.push(doc, doc, { ms: ts.ms + shift, ns: ts.ns, tb: undefined, seq: seq++ }).length;
      if ((seq & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  let secs = Number(process.hrtime.bigint() - t0) / 1e9;
  // What the engine holds at end of input (live partials, key indexes), after a full collection.
  global.gc?.();
  const stateBytes = Math.max(0, process.memoryUsage().heapUsed - baseHeap);
  const t1 = process.hrtime.bigint();
  matches += m.flush().length;
  secs += Number(process.hrtime.bigint() - t1) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { perSec: seq / secs, matches, peakRss: peak, stateBytes, stats: m.stats };
}

export async function main(): Promise<void> {
  const lines: string[] = [];
  const two = ruleQuery('windows/defense_evasion_unusual_network_connection_via_rundll32.toml');
  const missing = ruleQuery('cross-platform/defense_evasion_missing_events_after_alert.toml');
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  for (const [label, q, gen] of [
    ['rundll32 network (2 stages, by host.id, process.entity_id, maxspan=1m)', two, rundllEvents],
    ['alert then telemetry loss (missing event, by host.id, maxspan=5m)', missing, telemetryEvents],
  ] as const) {
    for (const [density, dlabel] of [
      [0.05, 'realistic: 5% of events usable by a stage'],
      [0.6, 'stress: 60% of events usable by a stage'],
    ] as const) {
      for (const keys of [100, 100_000]) {
        const pool = [...gen(250_000, keys, 7, density)];
        for (const n of [N, 2 * N]) {
          global.gc?.();
          const r = run(q, pool, n);
          lines.push(
            `${label}, ${dlabel}, ${keys.toLocaleString('en-US')} keys, ${n.toLocaleString('en-US')} events: ${(r.perSec / 1e6).toFixed(2)} M events/s, ` +
              `${r.matches.toLocaleString('en-US')} sequences, engine state at end ${mb(r.stateBytes)}, peak RSS ${mb(r.peakRss)}, pending at end-of-input ${r.stats.pending}, expired ${r.stats.expired}, dropped ${r.stats.dropped}`,
          );
        }
      }
    }
  }
  report('Sequence engine', 'node --expose-gc --import tsx bench/sequences.ts', lines);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
