/**
 * The closing summary of a hunt, for people: what was read, what was found (by severity, rule,
 * host and MITRE tactic), the busiest hosts, every class of bad record with its first locations,
 * rule errors, and where Kibana's per-run alert cap would have dropped alerts.
 */
import type { ProblemClass } from '../problems.js';
import { formatLocation } from '../problems.js';
import type { HuntStats } from './run.js';
import { counted, formatCount } from '../counted.js';

export interface AlertFacts {
  rule: string;
  ruleId: string;
  severity: string;
  host?: string;
  tactics: string[];
  buildingBlock: boolean;
}

export interface CapFinding {
  rule: string;
  windows: number;
  dropped: number;
  maxSignals: number;
  worstWindow: string;
  worstCount: number;
}

export interface SummaryInput {
  stats: HuntStats;
  seconds: number;
  alerts: AlertFacts[];
  rulesRun: number;
  rulesSkipped: { unsupported: number; failed: number; deprecated: number; filtered: number };
  problems: ProblemClass[];
  ruleErrors: Array<{ rule: string; count: number; first: string }>;
  caps: CapFinding[];
  capApplied: number | undefined;
  outputs: string[];
  /** Matches dropped because an identical alert (same id) was already produced. */
  duplicates: number;
  color: boolean;
}

const SEV_ORDER = ['critical', 'high', 'medium', 'low'];

function count<T>(items: T[], key: (t: T) => string | string[] | undefined): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const it of items) {
    const k = key(it);
    for (const x of Array.isArray(k) ? k : k === undefined ? [] : [k]) m.set(x, (m.get(x) ?? 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Bytes in the unit that suits them (decimal units, as disks and `ls -h --si` count). */
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${Math.round(bytes)} B`;
  const [v, unit] = bytes < 1e6 ? [bytes / 1e3, 'kB'] : bytes < 1e9 ? [bytes / 1e6, 'MB'] : [bytes / 1e9, 'GB'];
  return `${v.toFixed(v < 10 ? 1 : 0)} ${unit}`;
}

function n(x: number): string {
  return formatCount(x);
}

export function renderSummary(s: SummaryInput): string {
  const paint = (code: string, t: string) => (s.color ? `\x1b[${code}m${t}\x1b[0m` : t);
  const sevColor: Record<string, string> = { critical: '1;31', high: '31', medium: '33', low: '36' };
  const lines: string[] = [];
  const { stats } = s;
  const alerts = s.alerts.filter((a) => !a.buildingBlock);
  const secs = Math.max(s.seconds, 0.001);
  lines.push('');
  lines.push(paint('1', 'Hunt summary'));
  lines.push(
    `  read ${counted(stats.files.length, 'file')}, ${formatBytes(stats.bytes)}, ${counted(stats.records, 'record')} in ${s.seconds.toFixed(1)} s ` +
      `(${n(Math.round(stats.records / secs))} records/s, ${formatBytes(stats.bytes / secs)}/s, ${counted(stats.threads, 'thread')})`,
  );
  const byFormat = count(stats.files, (f) => f.format);
  if (byFormat.length) lines.push(`  formats: ${byFormat.map(([f, c]) => `${f} ${c}`).join(', ')}`);
  if (stats.skippedByPrefilter)
    lines.push(`  ${n(stats.skippedByPrefilter)} lines skipped unparsed by the prefilter (no rule could match them)`);
  const sk = s.rulesSkipped;
  lines.push(
    `  rules: ${n(s.rulesRun)} run` +
      (sk.unsupported ? `, ${sk.unsupported} not supported yet (KQL, ES|QL, ML)` : '') +
      (sk.deprecated ? `, ${sk.deprecated} deprecated` : '') +
      (sk.failed ? `, ${sk.failed} failed to load` : '') +
      (sk.filtered ? `, ${sk.filtered} filtered out` : ''),
  );
  lines.push('');
  if (alerts.length === 0) {
    lines.push(paint('32', '  No alerts.'));
  } else {
    const bySev = count(alerts, (a) => a.severity).sort((a, b) => SEV_ORDER.indexOf(a[0]) - SEV_ORDER.indexOf(b[0]));
    lines.push(
      paint('1', `  ${counted(alerts.length, 'alert')}`) +
        ': ' +
        bySev.map(([k, c]) => paint(sevColor[k] ?? '0', `${k} ${n(c)}`)).join(', '),
    );
    lines.push('');
    lines.push('  by rule:');
    for (const [r, c] of count(alerts, (a) => `${a.severity.padEnd(8)} ${a.rule}`).slice(0, 20))
      lines.push(`    ${String(c).padStart(6)}  ${r}`);
    const hosts = count(alerts, (a) => a.host ?? '(unknown host)');
    lines.push(`  by host (${counted(hosts.length, 'host')}, top 10):`);
    for (const [h, c] of hosts.slice(0, 10)) lines.push(`    ${String(c).padStart(6)}  ${h}`);
    const tactics = count(alerts, (a) => (a.tactics.length ? a.tactics : ['(no tactic)']));
    lines.push('  by MITRE ATT&CK tactic:');
    for (const [t, c] of tactics) lines.push(`    ${String(c).padStart(6)}  ${t}`);
  }
  if (stats.seqEvents) {
    lines.push('');
    lines.push(
      `  sequences: ${n(stats.seqEvents)} events ordered for sequence/sample rules` +
        (stats.spilledRuns ? ` (${stats.spilledRuns} sorted runs spilled to disk)` : '') +
        (stats.seqReplayed < stats.seqEvents
          ? `, of which ${n(stats.seqReplayed)} replayed (the others' join keys occurred in no other stage of their rules)`
          : '') +
        (stats.sequenceDrops
          ? paint('33', `; ${n(stats.sequenceDrops)} partial sequences dropped at the pending cap`)
          : ''),
    );
  }
  if (s.duplicates) {
    lines.push('');
    lines.push(
      `  ${n(s.duplicates)} duplicate match(es) of events read more than once (same alert id) were written once`,
    );
  }
  if (s.caps.length) {
    lines.push('');
    lines.push(
      paint(
        '33',
        s.capApplied !== undefined
          ? `  max_signals applied (${s.capApplied} per run window):`
          : "  Kibana's schedule would have dropped alerts (max_signals per run):",
      ),
    );
    for (const c of s.caps) {
      lines.push(
        `    ${c.rule}: ${n(c.dropped)} over ${counted(c.windows, 'window')}; worst ${c.worstWindow} with ${n(c.worstCount)} > ${c.maxSignals}`,
      );
    }
  }
  if (s.problems.length) {
    lines.push('');
    lines.push(paint('33', `  bad records (counted, reported, skipped; the records around them were read):`));
    for (const p of s.problems) {
      lines.push(`    ${p.kind}: ${n(p.count)}`);
      for (const f of p.first) lines.push(`      ${formatLocation(f.loc)}: ${f.message}`);
    }
  }
  if (s.ruleErrors.length) {
    lines.push('');
    lines.push(
      paint('33', '  rule errors (Elasticsearch would fail the search; eqlite skipped the event for that rule):'),
    );
    for (const e of s.ruleErrors) lines.push(`    ${e.rule}: ${n(e.count)} — first at ${e.first}`);
  }
  if (s.outputs.length) {
    lines.push('');
    for (const o of s.outputs) lines.push(`  wrote ${o}`);
  }
  lines.push('');
  return lines.join('\n');
}
