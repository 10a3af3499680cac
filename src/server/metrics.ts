/**
 * Health and Prometheus metrics: ingest totals and the one-minute rate (per-second buckets),
 * alerts by severity, rule run durations, detection lag and store size.
 */
import type { Store } from '../store/index.js';
import type { DetectionEngine } from './detect/engine.js';

export class RateMeter {
  private readonly buckets = new Float64Array(60);
  private readonly stamps = new Float64Array(60);

  add(n: number, now = Date.now()): void {
    const sec = Math.floor(now / 1000);
    const i = sec % 60;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  /** Events per second over the last minute. */
  rate(now = Date.now()): number {
    const sec = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < 60; i++) if (sec - this.stamps[i] < 60 && sec - this.stamps[i] >= 0) sum += this.buckets[i];
    return sum / 60;
  }
}

export interface HealthDeps {
  store: Store;
  engine: DetectionEngine;
  rate: RateMeter;
  version: string;
  startedAt: number;
  now?: () => number;
}

/** How far detection is behind: sequences waiting in reorder windows, scheduled rules overdue. */
export function detectionLagMs(d: HealthDeps): number {
  const now = (d.now ?? Date.now)();
  let lag = 0;
  for (const s of d.engine.continuous.sequenceStats()) {
    if (s.held > 0 && Number.isFinite(s.released)) lag = Math.max(lag, Math.max(0, now - s.released));
  }
  const states = d.store.rules.all();
  for (const r of d.engine.rules.enabled('scheduled')) {
    const last = states.get(r.ruleId)?.last_run_at;
    if (last) lag = Math.max(lag, now - last - r.prepared.rule.schedule.intervalMs);
  }
  return Math.max(0, Math.round(lag));
}

export function health(d: HealthDeps): Record<string, unknown> {
  const now = (d.now ?? Date.now)();
  const states = d.store.rules.all();
  const rules = d.engine.rules.enabled();
  const failing = rules.some((r) => states.get(r.ruleId)?.last_status === 'failed');
  const erring = rules.some((r) => (states.get(r.ruleId)?.errors ?? 0) > 0);
  return {
    status: rules.length === 0 || failing ? 'red' : erring ? 'yellow' : 'green',
    version: d.version,
    uptime_s: Math.round((now - d.startedAt) / 1000),
    store: { path: d.store.path, bytes: d.store.bytes(), events: d.store.eventCount(), alerts: d.store.alerts.count() },
    ingest: { events_total: d.store.books.counter('events_total'), rate_1m: Math.round(d.rate.rate(now) * 100) / 100 },
    detection: { rules: rules.length, lag_ms: detectionLagMs(d) },
  };
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheus(d: HealthDeps): string {
  const now = (d.now ?? Date.now)();
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of samples) lines.push(`${name}${labels} ${v}`);
  };
  metric('eqlite_ingest_events_total', 'counter', 'Events acknowledged and stored.', [
    ['', d.store.books.counter('events_total')],
  ]);
  metric('eqlite_ingest_rate', 'gauge', 'Events per second over the last minute.', [['', d.rate.rate(now)]]);
  const sev = d.store.alerts.countBySeverity();
  metric(
    'eqlite_alerts_total',
    'gauge',
    'Alerts in the store by severity.',
    ['low', 'medium', 'high', 'critical'].map((s) => [`{severity="${s}"}`, sev[s] ?? 0]),
  );
  const states = d.store.rules.all();
  const durations: Array<[string, number]> = [];
  for (const r of d.engine.rules.rules) {
    const ms =
      r.mode === 'continuous'
        ? d.engine.continuous.activity.get(r.ruleId)?.durationMs
        : (states.get(r.ruleId)?.last_duration_ms ?? undefined);
    if (ms !== undefined && ms !== null) durations.push([`{rule_id="${esc(r.ruleId)}"}`, ms / 1000]);
  }
  metric(
    'eqlite_rule_run_duration_seconds',
    'gauge',
    'Duration of the last run (scheduled) or batch evaluation (continuous).',
    durations,
  );
  metric(
    'eqlite_rule_errors_total',
    'counter',
    'Runtime errors recorded on each rule.',
    [...states.values()].filter((s) => s.errors > 0).map((s) => [`{rule_id="${esc(s.rule_id)}"}`, s.errors]),
  );
  metric('eqlite_detection_lag_seconds', 'gauge', 'How far detection is behind ingest.', [
    ['', detectionLagMs(d) / 1000],
  ]);
  metric('eqlite_store_bytes', 'gauge', 'Bytes used by the store database and its WAL.', [['', d.store.bytes()]]);
  metric('eqlite_store_events', 'gauge', 'Events in the store.', [['', d.store.eventCount()]]);
  return `${lines.join('\n')}\n`;
}
