/**
 * Kibana's run windows for a scheduled rule (security_solution `getRuleRangeTuples`): the window
 * [now-from, now-to] resolved against the run's start, and when the time since the previous run
 * exceeds the look-back, up to 4 catch-up windows, each shifted back one interval and overlapping
 * its neighbour on purpose (the overlap matters for EQL). A gap still uncovered makes the run fail
 * with Kibana's message; its alerts are written all the same.
 */
import { resolveDateMath } from '../../rules/index.js';

/** `MAX_RULE_GAP_RATIO`. */
export const MAX_CATCHUP_WINDOWS = 4;

export interface RunWindow {
  from: number;
  to: number;
  maxSignals: number;
}

export interface RunPlan {
  /** Oldest first, as Kibana runs them. */
  windows: RunWindow[];
  /** `startedAt - previousStartedAt - (to - from)`; 0 when there is no gap. */
  gapMs: number;
  /** What the catch-up windows could not cover. */
  remainingGapMs: number;
  /** Kibana's gap message when `remainingGapMs > 0`. */
  gapMessage?: string;
}

export interface PlanInput {
  startedAt: number;
  previousStartedAt: number | null | undefined;
  from: string;
  to: string;
  intervalMs: number;
  maxSignals: number;
}

export function planRun(p: PlanInput): RunPlan {
  const to = resolveDateMath(p.to, p.startedAt, true) ?? p.startedAt;
  const from = resolveDateMath(p.from, p.startedAt, false) ?? to - p.intervalMs;
  const windows: RunWindow[] = [{ from, to, maxSignals: p.maxSignals }];
  if (p.previousStartedAt === null || p.previousStartedAt === undefined) {
    return { windows, gapMs: 0, remainingGapMs: 0 };
  }
  const gapMs = p.startedAt - p.previousStartedAt - (to - from);
  if (gapMs <= 0 || p.intervalMs <= 0) return { windows, gapMs: Math.max(0, gapMs), remainingGapMs: 0 };
  const catchup = Math.min(Math.ceil(gapMs / p.intervalMs), MAX_CATCHUP_WINDOWS);
  let f = from;
  let t = to;
  for (let i = 0; i < catchup; i++) {
    f -= p.intervalMs;
    t -= p.intervalMs;
    windows.push({ from: f, to: t, maxSignals: p.maxSignals });
  }
  windows.reverse();
  const remainingGapMs = Math.max(gapMs - catchup * p.intervalMs, 0);
  const plan: RunPlan = { windows, gapMs, remainingGapMs };
  if (remainingGapMs > 0) plan.gapMessage = gapMessage(remainingGapMs);
  return plan;
}

/** Kibana's message for a gap that catch-up windows could not close. */
export function gapMessage(ms: number): string {
  return `${humanize(ms)} (${ms}ms) were not queried between this rule execution and the last execution, so signals may have been missed. Consider increasing your look behind time or adding more Kibana instances`;
}

/** moment.js `duration.humanize()` (default thresholds, English). */
export function humanize(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const m = Math.round(Math.abs(ms) / 60_000);
  const h = Math.round(Math.abs(ms) / 3_600_000);
  const d = Math.round(Math.abs(ms) / 86_400_000);
  const months = Math.round(Math.abs(ms) / (30.436875 * 86_400_000));
  const y = Math.round(Math.abs(ms) / (365.2425 * 86_400_000));
  if (s < 45) return 'a few seconds';
  if (s < 90) return 'a minute';
  if (m < 45) return `${m} minutes`;
  if (m < 90) return 'an hour';
  if (h < 22) return `${h} hours`;
  if (h < 36) return 'a day';
  if (d < 26) return `${d} days`;
  if (d < 45) return 'a month';
  if (months < 11) return `${months} months`;
  if (months < 18) return 'a year';
  return `${y} years`;
}

/** Kibana's warning when a window held at least `max_signals` results. */
export const MAX_SIGNALS_WARNING =
  'This rule reached the maximum alert limit for the rule execution. Some alerts were not created.';
