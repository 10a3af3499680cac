/**
 * A Hayabusa-style CSV timeline of alerts: one row per detected event, oldest first when the
 * caller sorts by the first column.
 *
 * Which alerts become rows (`inTimeline`): single-event alerts (building-block rules included),
 * and the building blocks of sequences, one row per event at the event's own time, with the
 * sequence's group id in `SequenceID`. Sequence shells are left out: Kibana gives a shell the
 * alert's creation time as `original_time` and only the fields common to all its events, so it
 * has no place on an event timeline; its building blocks stand for it.
 *
 * Format: RFC 4180 (every field quoted, `"` doubled, CRLF between records, newlines kept inside
 * quotes). Against CSV injection (OWASP), a field starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return (or their full-width forms) gets a leading `'` so spreadsheets show it as text.
 */
import { esFieldValues, lodashGet, type Doc } from './fields.js';
import type { AlertDoc } from './build.js';

export const TIMELINE_COLUMNS = [
  'Timestamp',
  'RuleTitle',
  'Level',
  'Computer',
  'Channel',
  'EventID',
  'MitreTactics',
  'MitreTechniques',
  'User',
  'Process',
  'CommandLine',
  'RecordID',
  'SourceFile',
  'Details',
  'AlertID',
  'SequenceID',
] as const;

/** RFC 4180 record separator. */
export const TIMELINE_EOL = '\r\n';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One CSV field: neutralised against formula injection, then quoted. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The header record (no line terminator). */
export function timelineHeader(): string {
  return TIMELINE_COLUMNS.map(csvField).join(',');
}

/** The first value of a field in an alert document (nested objects and dotted keys alike). */
function first(doc: Doc, field: string): string {
  const vs = esFieldValues(doc, field);
  return vs === undefined ? '' : String(vs[0]);
}

function joined(doc: Doc, field: string, sep: string): string {
  const vs = esFieldValues(doc, field);
  return vs === undefined ? '' : vs.map(String).join(sep);
}

interface ThreatEntry {
  tactic?: { id?: string; name?: string };
  technique?: Array<{ id?: string; name?: string; subtechnique?: Array<{ id?: string; name?: string }> }>;
}

function mitre(alert: Doc): { tactics: string; techniques: string } {
  const threat = lodashGet(alert, 'kibana.alert.rule.threat');
  const tactics: string[] = [];
  const techniques: string[] = [];
  for (const t of Array.isArray(threat) ? (threat as ThreatEntry[]) : []) {
    if (t.tactic?.id) tactics.push(`${t.tactic.id} ${t.tactic.name ?? ''}`.trim());
    for (const x of t.technique ?? []) {
      if (x.id) techniques.push(`${x.id} ${x.name ?? ''}`.trim());
      for (const s of x.subtechnique ?? []) if (s.id) techniques.push(`${s.id} ${s.name ?? ''}`.trim());
    }
  }
  return { tactics: [...new Set(tactics)].join('; '), techniques: [...new Set(techniques)].join('; ') };
}

/** Whether an alert gets a timeline row: everything but sequence shells. */
export function inTimeline(alert: AlertDoc): boolean {
  const group = lodashGet(alert, 'kibana.alert.group.id');
  const index = lodashGet(alert, 'kibana.alert.group.index');
  return group === undefined || index !== undefined;
}

/**
 * The timeline record of an alert (no line terminator). `sourceFile` names where the event was
 * read (file and line, say) when the caller knows; else the event's `log.file.path`.
 */
export function timelineRow(alert: AlertDoc, sourceFile?: string): string {
  const a = alert as Doc;
  const { tactics, techniques } = mitre(a);
  const userName = first(a, 'user.name');
  const domain = first(a, 'user.domain');
  const cells: Record<(typeof TIMELINE_COLUMNS)[number], string> = {
    Timestamp: String(lodashGet(a, 'kibana.alert.original_time') ?? ''),
    RuleTitle: String(lodashGet(a, 'kibana.alert.rule.name') ?? ''),
    Level: String(lodashGet(a, 'kibana.alert.severity') ?? ''),
    Computer: first(a, 'host.name') || first(a, 'host.hostname') || first(a, 'winlog.computer_name'),
    Channel: first(a, 'winlog.channel') || first(a, 'event.dataset') || first(a, 'data_stream.dataset'),
    EventID: first(a, 'winlog.event_id') || first(a, 'event.code'),
    MitreTactics: tactics,
    MitreTechniques: techniques,
    User: userName && domain ? `${domain}\\${userName}` : userName,
    Process: first(a, 'process.executable') || first(a, 'process.name'),
    CommandLine: first(a, 'process.command_line') || joined(a, 'process.args', ' '),
    RecordID: first(a, 'winlog.record_id'),
    SourceFile: sourceFile ?? first(a, 'log.file.path'),
    Details: String(lodashGet(a, 'kibana.alert.reason') ?? ''),
    AlertID: String(lodashGet(a, 'kibana.alert.uuid') ?? ''),
    SequenceID: String(lodashGet(a, 'kibana.alert.group.id') ?? ''),
  };
  return TIMELINE_COLUMNS.map((c) => csvField(cells[c])).join(',');
}
