/**
 * Scheduled detection with Kibana's semantics: every `interval` a rule runs over
 * [now-from, now-to] on its `timestamp_override` (with the `@timestamp` fallback), plus catch-up
 * windows after a gap (windows.ts), keeps at most `max_signals` results per window (the most
 * recent) and writes their alerts. A run's alerts and its new state (`last_run_at`, Kibana's
 * `previousStartedAt`) are committed in one transaction: a run killed half-way left nothing, and
 * the next start runs it again, with the same alert ids.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { AlertContext } from '../../engine/alerts/index.js';
import { timestampMs } from '../../rules/index.js';
import type { EventRow, Store } from '../../store/index.js';
import type { AlertSink } from './continuous.js';
import { alertsFor, parseRow, WindowEvaluator, type BuiltAlert } from './evaluate.js';
import type { ServedRule } from './rules.js';
import { MAX_SIGNALS_WARNING, planRun, type RunWindow } from './windows.js';

export interface SchedulerOptions {
  store: Store;
  spaceId: string;
  sink: AlertSink;
  now?: () => number;
  pageSize?: number;
  /** Called when a run starts (tests use it to kill the process mid-run). */
  onRunStart?: (ruleId: string) => void;
}

export interface RunResult {
  ruleId: string;
  startedAt: number;
  durationMs: number;
  status: 'succeeded' | 'partial failure' | 'failed';
  message?: string;
  gapMs: number;
  windows: RunWindow[];
  matches: number;
  alerts: number;
}

export class Scheduler {
  private readonly now: () => number;
  running: string | undefined;
  private stopped = false;

  constructor(private readonly o: SchedulerOptions) {
    this.now = o.now ?? Date.now;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Runs every enabled scheduled rule that is due, one after the other. */
  async runDue(rules: ServedRule[]): Promise<RunResult[]> {
    const out: RunResult[] = [];
    for (const r of rules) {
      if (this.stopped) break;
      const prev = this.o.store.rules.get(r.ruleId)?.last_run_at;
      const now = this.now();
      if (prev !== null && prev !== undefined && now < prev + r.prepared.rule.schedule.intervalMs) continue;
      out.push(await this.run(r, now));
    }
    return out;
  }

  /** One run of a rule started at `startedAt`. */
  async run(rule: ServedRule, startedAt: number): Promise<RunResult> {
    const t0 = performance.now();
    this.running = rule.ruleId;
    this.o.onRunStart?.(rule.ruleId);
    const r = rule.prepared.rule;
    const prev = this.o.store.rules.get(rule.ruleId)?.last_run_at;
    const plan = planRun({
      startedAt,
      previousStartedAt: prev,
      from: r.schedule.from,
      to: r.schedule.to,
      intervalMs: r.schedule.intervalMs,
      maxSignals: r.maxSignals,
    });
    const warnings: string[] = [];
    const built: BuiltAlert[] = [];
    const ctx: AlertContext = {
      spaceId: this.o.spaceId,
      now: new Date(startedAt),
      executionType: 'scheduled',
      executionUuid: randomUUID(),
    };
    let matches = 0;
    let errors = 0;
    let lastError: string | undefined;
    try {
      for (const w of plan.windows) {
        const ev = new WindowEvaluator(rule.prepared);
        for (const page of this.pages(rule, w)) {
          for (const row of page) ev.push(parseRow(row));
          // Long windows must not stall ingest: let the event loop breathe between pages.
          await yieldLoop();
        }
        const { matches: ms, total } = ev.finish(w.maxSignals);
        errors += ev.errors;
        lastError = ev.lastError ?? lastError;
        if (total >= w.maxSignals && !warnings.includes(MAX_SIGNALS_WARNING)) warnings.push(MAX_SIGNALS_WARNING);
        matches += ms.length;
        for (const m of ms) built.push(...alertsFor(rule.prepared, m, ctx));
      }
    } catch (err) {
      errors++;
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (errors) warnings.push(`${errors} runtime error(s): ${lastError}`);
    const status: RunResult['status'] = plan.gapMessage ? 'failed' : warnings.length ? 'partial failure' : 'succeeded';
    const message = [plan.gapMessage, ...warnings].filter(Boolean).join('; ') || undefined;
    const durationMs = Math.round(performance.now() - t0);
    let alerts = 0;
    this.o.store.tx(() => {
      if (built.length) this.o.sink(rule, built);
      alerts = built.length;
      this.o.store.rules.set(rule.ruleId, {
        last_run_at: startedAt,
        last_duration_ms: durationMs,
        last_status: status,
        last_message: message ?? null,
        last_gap_ms: plan.remainingGapMs || null,
      });
      if (errors && lastError) this.o.store.rules.recordError(rule.ruleId, lastError);
    });
    this.running = undefined;
    return {
      ruleId: rule.ruleId,
      startedAt,
      durationMs,
      status,
      message,
      gapMs: plan.remainingGapMs,
      windows: plan.windows,
      matches,
      alerts,
    };
  }

  /** The window's candidate events, paged, selected on the rule's timestamp as Kibana's range filter does. */
  private *pages(rule: ServedRule, w: RunWindow): Generator<EventRow[]> {
    const r = rule.prepared.rule;
    const primary = r.timestampOverride ?? '@timestamp';
    const fallback = !r.timestampOverrideFallbackDisabled && primary !== '@timestamp';
    const size = this.o.pageSize ?? 5000;
    if (primary === '@timestamp') {
      yield* this.o.store.events.timeRange('ts', w.from, w.to, { pageSize: size });
    } else if (primary === 'event.ingested') {
      yield* this.o.store.events.timeRange('ing', w.from, w.to, { fallback, pageSize: size });
    } else {
      // No column for this field: read everything the store keeps and test the field itself.
      for (const page of this.o.store.events.all(0, size)) {
        yield page.filter((row) => {
          const doc = JSON.parse(row.text) as Record<string, unknown>;
          const t = timestampMs(doc, primary);
          if (t !== undefined) return t >= w.from && t <= w.to;
          return fallback && row.ts !== null && row.ts >= w.from && row.ts <= w.to;
        });
      }
    }
  }
}
