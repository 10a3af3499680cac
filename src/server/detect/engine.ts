/**
 * Detection as a whole: the rule set, continuous detection (fed by the ingestor), the scheduler,
 * and the one place alerts are written. Listeners hear about new alerts after their commit.
 */
import type { AlertSummary, Store } from '../../store/index.js';
import { ContinuousDetector } from './continuous.js';
import type { BuiltAlert } from './evaluate.js';
import { RuleSet, type DetectionMode, type RuleOptions, type ServedRule } from './rules.js';
import { Scheduler, type RunResult } from './scheduled.js';

export interface EngineOptions extends RuleOptions {
  spaceId?: string;
  reorderWindowMs?: number;
  /** How often the scheduler looks for due rules (ms). Default 1000. */
  tickMs?: number;
  now?: () => number;
  onRunStart?: (ruleId: string) => void;
  onRunEnd?: (result: RunResult) => void;
}

export type AlertListener = (alerts: AlertSummary[]) => void;

export class DetectionEngine {
  readonly rules: RuleSet;
  readonly continuous: ContinuousDetector;
  readonly scheduler: Scheduler;
  private readonly listeners = new Set<AlertListener>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastRuns = new Map<string, RunResult>();
  alertsWritten = 0;

  constructor(
    private readonly store: Store,
    private readonly options: EngineOptions,
  ) {
    const spaceId = options.spaceId ?? 'default';
    this.rules = new RuleSet(options, store);
    const sink = (rule: ServedRule, built: BuiltAlert[]) => this.write(rule, built);
    this.continuous = new ContinuousDetector({
      store,
      spaceId,
      reorderWindowMs: options.reorderWindowMs ?? 5000,
      sink,
      now: options.now,
    });
    this.scheduler = new Scheduler({ store, spaceId, sink, now: options.now, onRunStart: options.onRunStart });
  }

  onAlerts(l: AlertListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * Hands the enabled continuous rules to the detector. An event rule that was not evaluating the
   * stream before (new, re-enabled, or switched from scheduled) first runs once over its look-back
   * window, as Kibana's first run after enabling a rule does; its `cursor` marks that it joined.
   */
  private refreshContinuous(): void {
    const rules = this.rules.enabled('continuous');
    this.continuous.refresh(rules);
    const head = this.store.events.maxSeq();
    for (const r of rules) {
      if (r.prepared.query.kind !== 'event') continue;
      const state = this.store.rules.get(r.ruleId);
      if (state?.cursor !== null && state?.cursor !== undefined) continue;
      this.store.rules.set(r.ruleId, { cursor: head });
      if (head > 0) this.backfills.push(r);
    }
    for (const r of this.rules.rules) {
      if (r.mode === 'continuous' && r.enabled) continue;
      if (this.store.rules.get(r.ruleId)?.cursor != null) this.store.rules.set(r.ruleId, { cursor: null });
    }
  }

  private backfills: ServedRule[] = [];

  /** Loads the rules and starts the timers. */
  start(): void {
    this.rules.load();
    this.refreshContinuous();
    const tick = this.options.tickMs ?? 1000;
    this.timer = setInterval(() => void this.tick(), tick);
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.scheduler.stop();
  }

  reload(): ServedRule[] {
    this.store.alerts.forgetRuleFields();
    const rules = this.rules.load();
    this.refreshContinuous();
    return rules;
  }

  setEnabled(ruleId: string, enabled: boolean): ServedRule | undefined {
    const r = this.rules.get(ruleId);
    if (!r) return undefined;
    this.store.rules.set(ruleId, { enabled: enabled ? 1 : 0 });
    r.enabled = enabled;
    this.refreshContinuous();
    return r;
  }

  setMode(ruleId: string, mode: DetectionMode): ServedRule | undefined {
    const r = this.rules.get(ruleId);
    if (!r) return undefined;
    this.store.rules.set(ruleId, { mode });
    this.reload();
    return this.rules.get(ruleId);
  }

  lastRun(ruleId: string): RunResult | undefined {
    return this.lastRuns.get(ruleId);
  }

  /** One scheduler pass (tests call it directly). */
  async tick(): Promise<void> {
    try {
      this.continuous.tick();
    } catch (err) {
      process.stderr.write(`eqlite serve: continuous tick failed: ${(err as Error).message}\n`);
    }
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const r of this.backfills.splice(0))
        if (r.enabled) await this.scheduler.run(r, (this.options.now ?? Date.now)());
      const results = await this.scheduler.runDue(this.rules.enabled('scheduled'));
      for (const r of results) {
        this.lastRuns.set(r.ruleId, r);
        this.options.onRunEnd?.(r);
      }
    } catch (err) {
      // Only reachable when the store fails (e.g. closed during shutdown): never crash the server.
      process.stderr.write(`eqlite serve: scheduler: ${(err as Error).message}\n`);
    } finally {
      this.ticking = false;
    }
  }

  /** Writes alerts (inside the caller's transaction); duplicates by id are skipped. */
  private write(_rule: ServedRule, built: BuiltAlert[]): void {
    for (const b of built) {
      if (this.store.alerts.insert(b.doc, b.seq)) {
        this.alertsWritten++;
        if (this.pending.length === 0) setImmediate(() => this.notify());
        this.pending.push(String(b.doc['kibana.alert.uuid']));
      }
    }
  }

  /** After the commit: listeners get the summaries of the new alerts. */
  private notify(): void {
    const ids = this.pending;
    this.pending = [];
    if (this.listeners.size === 0) return;
    const out: AlertSummary[] = [];
    for (const id of ids) {
      const s = this.store.alerts.summary(id);
      if (s) out.push(s);
    }
    if (out.length) for (const l of this.listeners) l(out);
  }
}
