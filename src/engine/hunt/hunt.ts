/**
 * `eqlite hunt`: rules over collected logs, alerts written like Kibana's. Ties the pieces together:
 * rule loading and filters, the run (run.ts), alert documents (alerting.ts), Kibana's max_signals
 * cap analysis, outputs (alert NDJSON, CSV timeline), progress and the closing summary.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { ProblemLog, formatLocation } from '../problems.js';
import type { HuntConfig } from './config.js';
import { loadHuntRules } from './rule-set.js';
import { cancelPlan, planHunt, runHunt, type HuntStats, type SequenceHit } from './run.js';
import type { EventHit, RuleError } from './messages.js';
import { progressReporter } from './progress.js';
import { counted } from '../counted.js';
import { renderSummary, type AlertFacts, type CapFinding } from './summary.js';
import { renderAlertTable } from './alert-table.js';
import { eventAlert, eventAlertId, sequenceAlerts, timelineHeader, timelineRow, type AlertDoc } from './alerting.js';
import { formatProblem, type PreparedRule } from '../../rules/index.js';
import { TIMELINE_EOL, alertJson } from '../alerts/index.js';

export const HUNT_EXIT = { ok: 0, alerts: 1, usage: 2, noInput: 3, noRules: 4 } as const;

export interface HuntOptions {
  paths: string[];
  config: HuntConfig;
  output?: string;
  timeline?: string;
  maxSignals?: number;
  threads?: number;
  maxPending?: number;
  /** The ordered stage's join-key pruning (seq-prune.ts); default on. Off only to prove it neutral. */
  pruneSequences?: boolean;
  /** Ordered-stage events held in memory before a sorted run is spilled (tests make it small). */
  seqMemory?: number;
  spaceId: string;
  now: Date;
  progress: boolean;
  summary: boolean;
  failOnAlert: boolean;
  /** Print the alerts as a table on stdout when no --output or --timeline is given (default true). */
  table?: boolean;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  stdout: NodeJS.WritableStream;
}

export interface HuntOutcome {
  exitCode: number;
  alerts: AlertDoc[];
  /** What was read (absent when no rule loaded). */
  stats?: HuntStats;
}

function str(v: unknown): string | undefined {
  if (Array.isArray(v)) return str(v[0]);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The time Kibana's scheduler would have seen the alert's event at (timestamp_override, then @timestamp). */
function scheduleTime(rule: PreparedRule, alert: AlertDoc): number {
  const src = alert['kibana.alert.original_time'];
  const override = rule.rule.timestampOverride;
  const ingested = override
    ? (alert[`kibana.alert.original_event.${override.replace(/^event\./, '')}`] ?? alert[override])
    : undefined;
  const t = Date.parse(str(ingested) ?? (rule.rule.timestampOverrideFallbackDisabled ? '' : (str(src) ?? '')));
  return Number.isNaN(t) ? Date.parse(str(src) ?? '') : t;
}

/**
 * Kibana runs a rule every `interval` and keeps at most `max_signals` results per run, the most
 * recent ones. A hunt keeps everything unless asked; this finds (and with a cap, applies) what the
 * schedule would have dropped, counting per rule and interval-long window of event time.
 */
function capAnalysis(
  rules: PreparedRule[],
  byRule: Map<number, AlertDoc[][]>,
  cap: number | undefined,
): { kept: Map<number, AlertDoc[][]>; findings: CapFinding[] } {
  const findings: CapFinding[] = [];
  const kept = new Map<number, AlertDoc[][]>();
  for (const [ri, groups] of byRule) {
    const rule = rules[ri];
    const limit = cap ?? rule.rule.maxSignals;
    const interval = rule.rule.schedule.intervalMs;
    const windows = new Map<number, AlertDoc[][]>();
    for (const g of groups) {
      const head = g[g.length - 1];
      const w = Math.floor(scheduleTime(rule, head) / interval);
      const list = windows.get(w) ?? [];
      list.push(g);
      windows.set(w, list);
    }
    let dropped = 0;
    let over = 0;
    let worst: [number, number] = [0, 0];
    const keep: AlertDoc[][] = [];
    for (const [w, list] of windows) {
      if (list.length > limit) {
        dropped += list.length - limit;
        over++;
        if (list.length > worst[1]) worst = [w, list.length];
        if (cap !== undefined) {
          list.sort((a, b) => scheduleTime(rule, a[a.length - 1]) - scheduleTime(rule, b[b.length - 1]));
          keep.push(...list.slice(list.length - limit));
          continue;
        }
      }
      keep.push(...list);
    }
    kept.set(ri, keep);
    if (dropped) {
      findings.push({
        rule: rule.rule.name,
        windows: over,
        dropped,
        maxSignals: limit,
        worstWindow: `${new Date(worst[0] * interval).toISOString()} +${rule.rule.schedule.interval}`,
        worstCount: worst[1],
      });
    }
  }
  return { kept, findings };
}

async function writeLines(path: string, lines: Iterable<string>, stdout: NodeJS.WritableStream): Promise<void> {
  if (path === '-') {
    for (const l of lines) if (!stdout.write(l)) await new Promise((r) => stdout.once('drain', r));
    return;
  }
  const out: WriteStream = createWriteStream(path);
  const failed = new Promise<never>((_, rej) => out.once('error', rej));
  for (const l of lines) {
    if (!out.write(l)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
  }
  // `end`'s callback also runs when the stream failed (a folder that does not exist): with the error.
  await Promise.race([
    new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res()))),
    failed,
  ]);
}

/** The host an alert is about: name, else hostname, else id (SentinelOne has no host.name). */
function hostOf(a: AlertDoc): string | undefined {
  const h = (a.host ?? {}) as Record<string, unknown>;
  return str(a['host.name'] ?? h.name) ?? str(a['host.hostname'] ?? h.hostname) ?? str(a['host.id'] ?? h.id);
}

/**
 * Output order: original time, rule id, alert id, compared by code units. Not `localeCompare`:
 * the order must not depend on the machine's locale, and ICU collation cost about 11 µs a
 * comparison (0.36 s for the founding rule's 2,681 alerts on the bench, on the main thread).
 */
function sortAlerts(alerts: AlertDoc[]): void {
  const key = (a: AlertDoc) =>
    `${String(a['kibana.alert.original_time'] ?? '')}\u0000${String(a['kibana.alert.rule.rule_id'])}\u0000${String(a['kibana.alert.uuid'])}`;
  const keyed = alerts.map((a) => ({ a, k: key(a) }));
  keyed.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) alerts[i] = keyed[i].a;
}

export async function hunt(opts: HuntOptions): Promise<number> {
  return (await huntWithResult(opts)).exitCode;
}

export async function huntWithResult(opts: HuntOptions): Promise<HuntOutcome> {
  const started = Date.now();
  const err = opts.stderr;
  const isTty = 'isTTY' in err && (err as NodeJS.WriteStream).isTTY === true;
  const problems = new ProblemLog(3);
  // Inputs first: the worker threads then load their rules while this thread loads its own.
  const plan = await planHunt(opts.paths, opts.config, opts.threads, problems.add);
  const { rules, problems: ruleProblems, skipped } = loadHuntRules(opts.config);
  for (const p of ruleProblems) if (p.severity === 'error') err.write(`eqlite: ${formatProblem(p)}\n`);
  if (rules.length === 0) {
    cancelPlan(plan);
    err.write('eqlite: no runnable rule (check --rules and the filters)\n');
    return { exitCode: HUNT_EXIT.noRules, alerts: [] };
  }
  const ruleErrors = new Map<number, { count: number; first: string }>();
  const progress = progressReporter(err as NodeJS.WriteStream, opts.progress);
  const ctx = { spaceId: opts.spaceId, now: opts.now, executionUuid: randomUUID(), explain: opts.config.explain };
  // Alerts grouped per rule: one group per event match, or shell + building blocks per sequence.
  const groups = new Map<number, AlertDoc[][]>();
  // The same event read twice (overlapping inputs) gives the same alert id: Kibana keeps one.
  const seen = new Set<string>();
  let duplicates = 0;
  // An alert's JSON is made with the alert, while the workers still read (they take more of the
  // input meanwhile), rather than all at the end when the main thread works alone. Alerts are not
  // changed once added.
  const texts = new WeakMap<AlertDoc, string>();
  const add = (rule: number, g: AlertDoc[]) => {
    const id = String(g[0]['kibana.alert.uuid']);
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    if (opts.output) for (const a of g) texts.set(a, alertJson(a));
    const list = groups.get(rule) ?? [];
    list.push(g);
    groups.set(rule, list);
  };
  const stats = await runHunt({
    plan,
    config: opts.config,
    paths: opts.paths,
    rules,
    threads: opts.threads,
    maxPending: opts.maxPending,
    pruneSequences: opts.pruneSequences,
    seqMemory: opts.seqMemory,
    onProblem: problems.add,
    onHit: (h: EventHit) => {
      // An event read twice: its alert id says so before the alert is built again.
      if (seen.has(eventAlertId(rules[h.rule], h, ctx))) {
        duplicates++;
        return;
      }
      const a = eventAlert(rules[h.rule], h, ctx);
      if (a) add(h.rule, [a]);
    },
    onSequence: (s: SequenceHit) => {
      const docs = sequenceAlerts(rules[s.rule], s, ctx);
      if (docs.length) add(s.rule, docs);
    },
    onRuleError: (e: RuleError) => {
      const r = ruleErrors.get(e.rule) ?? { count: 0, first: `${formatLocation(e.loc)}: ${e.message}` };
      r.count++;
      ruleErrors.set(e.rule, r);
    },
    onProgress: (p) => progress.update(p),
  });
  progress.stop();

  const { kept, findings } = capAnalysis(rules, groups, opts.maxSignals);
  const alerts: AlertDoc[] = [];
  for (const list of kept.values()) for (const g of list) alerts.push(...g);
  sortAlerts(alerts);

  const outputs: string[] = [];
  if (opts.output) {
    await writeLines(
      opts.output,
      alerts.map((a) => (texts.get(a) ?? alertJson(a)) + '\n'),
      opts.stdout,
    );
    if (opts.output !== '-') outputs.push(`${counted(alerts.length, 'alert document')} to ${opts.output}`);
  }
  if (opts.timeline) {
    const rows = alerts
      .map((a) => timelineRow(a))
      .filter((r): r is string => r !== undefined)
      .map((r) => r + TIMELINE_EOL);
    await writeLines(opts.timeline, [timelineHeader() + TIMELINE_EOL, ...rows], opts.stdout);
    if (opts.timeline !== '-') outputs.push(`${counted(rows.length, 'timeline row')} to ${opts.timeline}`);
  }

  if (!opts.output && !opts.timeline && opts.table !== false) {
    const out = opts.stdout as NodeJS.WriteStream;
    const table = renderAlertTable(alerts, { color: out.isTTY === true, width: out.columns });
    if (table) await writeLines('-', [table], opts.stdout);
  }

  const seconds = (Date.now() - started) / 1000;
  if (opts.summary) {
    const facts: AlertFacts[] = alerts.map((a) => ({
      rule: String(a['kibana.alert.rule.name']),
      ruleId: String(a['kibana.alert.rule.rule_id']),
      severity: String(a['kibana.alert.severity']),
      host: hostOf(a),
      tactics: ((a['kibana.alert.rule.threat'] as Array<{ tactic?: { name?: string } }> | undefined) ?? []).map(
        (t) => t.tactic?.name ?? '?',
      ),
      buildingBlock: Boolean(a['kibana.alert.building_block_type']),
    }));
    err.write(
      renderSummary({
        stats,
        seconds,
        alerts: facts,
        rulesRun: rules.length,
        rulesSkipped: skipped,
        problems: problems.summary(),
        ruleErrors: [...ruleErrors].map(([i, e]) => ({ rule: rules[i].rule.name, ...e })),
        caps: findings,
        capApplied: opts.maxSignals,
        outputs,
        duplicates,
        color: isTty,
      }),
    );
  }
  const shells = alerts.filter((a) => !a['kibana.alert.building_block_type']).length;
  let exitCode: number = HUNT_EXIT.ok;
  if (stats.files.length === 0 && problems.total > 0) exitCode = HUNT_EXIT.noInput;
  else if (opts.failOnAlert && shells > 0) exitCode = HUNT_EXIT.alerts;
  return { exitCode, alerts, stats };
}
