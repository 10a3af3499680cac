/**
 * Alerts in the store. The primary key is the Kibana alert id (`kibana.alert.uuid`), which is
 * deterministic, so writing the same alert again (an overlapping window, a catch-up window, a
 * replay after a restart) changes nothing: the first write wins, as Kibana's bulk `create` does.
 * Workflow fields live in columns for filtering and are mirrored into the document.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { alertJson } from '../engine/alerts/alert-json.js';

export type WorkflowStatus = 'open' | 'acknowledged' | 'closed';
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['open', 'acknowledged', 'closed'];

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Alert fields that depend on the rule only: stored once per rule version (alert_rule_fields). */
export const RULE_FIELDS: readonly string[] = [
  'kibana.alert.rule.parameters',
  'kibana.alert.rule.note',
  'kibana.alert.rule.threat',
  'kibana.alert.rule.description',
  'kibana.alert.rule.references',
  'kibana.alert.rule.false_positives',
  'kibana.alert.rule.author',
  'kibana.alert.rule.tags',
  'kibana.alert.rule.indices',
  'kibana.alert.rule.exceptions_list',
  'kibana.alert.rule.risk_score_mapping',
  'kibana.alert.rule.severity_mapping',
];

const RULE_FIELD_SET: ReadonlySet<string> = new Set(RULE_FIELDS);

export interface AlertSummary {
  id: string;
  time: string;
  original_time: string | null;
  rule_id: string;
  rule_name: string;
  severity: string;
  risk_score: number;
  host: string | null;
  user: string | null;
  reason: string;
  workflow_status: WorkflowStatus;
  tags: string[];
  assignee: string | null;
  building_block: boolean;
  group_id: string | null;
}

export interface StoredAlert {
  summary: AlertSummary;
  doc: Record<string, unknown>;
  eventSeq: number | null;
}

export interface Note {
  id: number;
  alert_id: string;
  text: string;
  created_at: string;
}

export interface AlertQuery {
  status?: string[];
  severity?: string[];
  rule?: string;
  host?: string;
  user?: string;
  q?: string;
  from?: number;
  to?: number;
  sort?: 'time' | 'severity' | 'risk' | 'rule' | 'host';
  order?: 'asc' | 'desc';
  page?: number;
  size?: number;
  buildingBlocks?: boolean;
}

interface Row {
  id: string;
  rule_id: string;
  created: number;
  original: number | null;
  severity: string;
  risk: number;
  rule_name: string;
  host: string | null;
  user: string | null;
  reason: string;
  status: WorkflowStatus;
  tags: string;
  assignee: string | null;
  building_block: number;
  group_id: string | null;
  event_seq: number | null;
  doc?: string;
}

const SUMMARY_COLS =
  'id, rule_id, created, original, severity, risk, rule_name, host, user, reason, status, tags, assignee, building_block, group_id, event_seq';

function str(v: unknown): string | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A field of a document that mixes nested objects and dotted keys. */
export function docField(doc: Record<string, unknown>, path: string): unknown {
  if (path in doc) return doc[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    const v = doc[head];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const r = docField(v as Record<string, unknown>, parts.slice(i).join('.'));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** The host an event or alert is about: name, else hostname, else id (SentinelOne has no host.name). */
export function hostOf(doc: Record<string, unknown>): string | null {
  return (
    str(docField(doc, 'host.name')) ?? str(docField(doc, 'host.hostname')) ?? str(docField(doc, 'host.id')) ?? null
  );
}

export function userOf(doc: Record<string, unknown>): string | null {
  return str(docField(doc, 'user.name')) ?? null;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function summaryOf(r: Row): AlertSummary {
  return {
    id: r.id,
    time: new Date(r.created).toISOString(),
    original_time: iso(r.original),
    rule_id: r.rule_id,
    rule_name: r.rule_name,
    severity: r.severity,
    risk_score: r.risk,
    host: r.host,
    user: r.user,
    reason: r.reason,
    workflow_status: r.status,
    tags: JSON.parse(r.tags) as string[],
    assignee: r.assignee,
    building_block: r.building_block === 1,
    group_id: r.group_id,
  };
}

export class AlertStore {
  private readonly st;

  constructor(private readonly db: Db) {
    this.st = {
      insert: db.prepare(
        `INSERT INTO alerts (id, rule_id, created, original, severity, sev_rank, risk, rule_name, host, user, reason, building_block, group_id, event_seq, rf, doc)
         VALUES (@id, @rule_id, @created, @original, @severity, @sev_rank, @risk, @rule_name, @host, @user, @reason, @building_block, @group_id, @event_seq, @rf, @doc)
         ON CONFLICT (id) DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${SUMMARY_COLS}, rf, doc FROM alerts WHERE id = ?`),
      ruleFields: db.prepare('SELECT json FROM alert_rule_fields WHERE hash = ?'),
      addRuleFields: db.prepare(
        'INSERT INTO alert_rule_fields (hash, json) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
      ),
      summary: db.prepare(`SELECT ${SUMMARY_COLS} FROM alerts WHERE id = ?`),
      group: db.prepare(`SELECT ${SUMMARY_COLS} FROM alerts WHERE group_id = ? AND building_block = 1 ORDER BY id`),
      count: db.prepare('SELECT count(*) AS n FROM alerts'),
      bySeverity: db.prepare('SELECT severity, count(*) AS n FROM alerts GROUP BY severity'),
      openByRule: db.prepare(
        "SELECT rule_id, count(*) AS n FROM alerts WHERE status = 'open' AND building_block = 0 GROUP BY rule_id",
      ),
      notes: db.prepare('SELECT id, alert_id, text, created_at FROM notes WHERE alert_id = ? ORDER BY id'),
      addNote: db.prepare('INSERT INTO notes (alert_id, text, created_at) VALUES (?, ?, ?)'),
      setStatus: db.prepare(
        `UPDATE alerts SET status = ?, updated = ?, doc = json_set(doc, '$."kibana.alert.workflow_status"', ?, '$."kibana.alert.workflow_status_updated_at"', ?) WHERE id = ?`,
      ),
      setTags: db.prepare(
        `UPDATE alerts SET tags = ?, updated = ?, doc = json_set(doc, '$."kibana.alert.workflow_tags"', json(?)) WHERE id = ?`,
      ),
      setAssignee: db.prepare(
        `UPDATE alerts SET assignee = ?, updated = ?, doc = json_set(doc, '$."kibana.alert.workflow_assignee_ids"', json(?)) WHERE id = ?`,
      ),
      ids: db.prepare('SELECT id FROM alerts ORDER BY id'),
    };
  }

  private readonly rfCache = new Map<string, string>();

  /** Rule contents may change on a reload without a new version: forget what was stored. */
  forgetRuleFields(): void {
    this.rfCache.clear();
  }

  /**
   * The rule fields of an alert, stored once; returns their hash. Within one set of loaded rules
   * the same rule, version and alert kind always carry the same fields, so those are the cache key.
   */
  private ruleFields(doc: Record<string, unknown>): string {
    const key = [
      doc['kibana.alert.rule.rule_id'],
      doc['kibana.alert.rule.version'],
      doc['kibana.alert.rule.updated_at'],
      doc['kibana.alert.building_block_type'] ?? '',
      doc['kibana.alert.group.id'] === undefined ? '' : 'g',
    ].join('\0');
    let hash = this.rfCache.get(key);
    if (hash === undefined) {
      const fields: Record<string, unknown> = {};
      for (const k of RULE_FIELDS) if (doc[k] !== undefined) fields[k] = doc[k];
      const json = JSON.stringify(fields);
      hash = createHash('sha256').update(json).digest('hex');
      this.st.addRuleFields.run(hash, json);
      this.rfCache.set(key, hash);
    }
    return hash;
  }

  /** Stores an alert document; false when an alert with its id is already there. Call inside a transaction. */
  insert(doc: Record<string, unknown>, eventSeq: number | null): boolean {
    const rf = this.ruleFields(doc);
    const severity = String(doc['kibana.alert.severity'] ?? 'low');
    const original = Date.parse(String(doc['kibana.alert.original_time'] ?? ''));
    const r = this.st.insert.run({
      id: String(doc['kibana.alert.uuid']),
      rule_id: String(doc['kibana.alert.rule.rule_id'] ?? ''),
      created: Date.parse(String(doc['@timestamp'])) || Date.now(),
      original: Number.isNaN(original) ? null : original,
      severity,
      sev_rank: SEVERITY_RANK[severity] ?? 0,
      risk: Number(doc['kibana.alert.risk_score'] ?? 0),
      rule_name: String(doc['kibana.alert.rule.name'] ?? ''),
      host: hostOf(doc),
      user: userOf(doc),
      reason: String(doc['kibana.alert.reason'] ?? ''),
      building_block: doc['kibana.alert.building_block_type'] !== undefined ? 1 : 0,
      group_id: str(doc['kibana.alert.group.id']) ?? null,
      event_seq: eventSeq,
      rf,
      // The document without its rule fields, written without building that copy first.
      doc: alertJson(doc, RULE_FIELD_SET),
    });
    return r.changes === 1;
  }

  get(id: string): StoredAlert | undefined {
    const r = this.st.get.get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      summary: summaryOf(r),
      doc: JSON.parse(r.doc as string) as Record<string, unknown>,
      eventSeq: r.event_seq,
    };
  }

  summary(id: string): AlertSummary | undefined {
    const r = this.st.summary.get(id) as Row | undefined;
    return r && summaryOf(r);
  }

  blocks(groupId: string): AlertSummary[] {
    return (this.st.group.all(groupId) as Row[]).map(summaryOf);
  }

  count(): number {
    return (this.st.count.get() as { n: number }).n;
  }

  countBySeverity(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.st.bySeverity.all() as Array<{ severity: string; n: number }>) out[r.severity] = r.n;
    return out;
  }

  openByRule(): Map<string, number> {
    return new Map((this.st.openByRule.all() as Array<{ rule_id: string; n: number }>).map((r) => [r.rule_id, r.n]));
  }

  /** Alert documents whose original time lies in [from, to] (pivots search alerts too, as Kibana's do). */
  *docsInRange(
    from: number,
    to: number,
    pageSize = 2000,
  ): Generator<Array<{ id: string; doc: string; original: number | null }>> {
    const stmt = this.db.prepare(
      'SELECT rowid AS rid, id, doc, rf, original FROM alerts WHERE original BETWEEN ? AND ? AND rowid > ? ORDER BY rowid LIMIT ?',
    );
    let last = 0;
    for (;;) {
      const rows = stmt.all(from, to, last, pageSize) as Array<{
        rid: number;
        id: string;
        doc: string;
        original: number | null;
      }>;
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < pageSize) return;
      last = rows[rows.length - 1].rid;
    }
  }

  allIds(): string[] {
    return (this.st.ids.all() as Array<{ id: string }>).map((r) => r.id);
  }

  list(q: AlertQuery): { total: number; items: AlertSummary[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.status?.length) {
      where.push(`status IN (${q.status.map(() => '?').join(',')})`);
      args.push(...q.status);
    }
    if (q.severity?.length) {
      where.push(`severity IN (${q.severity.map(() => '?').join(',')})`);
      args.push(...q.severity);
    }
    if (q.rule) {
      where.push('rule_id = ?');
      args.push(q.rule);
    }
    if (q.host) {
      where.push('host = ?');
      args.push(q.host);
    }
    if (q.user) {
      where.push('user = ?');
      args.push(q.user);
    }
    if (q.q) {
      where.push(
        "(instr(lower(reason), ?) > 0 OR instr(lower(rule_name), ?) > 0 OR instr(lower(coalesce(host, '')), ?) > 0)",
      );
      const s = q.q.toLowerCase();
      args.push(s, s, s);
    }
    if (q.from !== undefined) {
      where.push('original >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('original <= ?');
      args.push(q.to);
    }
    if (!q.buildingBlocks) where.push('building_block = 0');
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const col = { time: 'created', severity: 'sev_rank', risk: 'risk', rule: 'rule_name', host: 'host' }[
      q.sort ?? 'time'
    ];
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const size = Math.min(Math.max(q.size ?? 50, 1), 500);
    const page = Math.max(q.page ?? 1, 1);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM alerts ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLS} FROM alerts ${w} ORDER BY ${col} ${dir}, created ${dir}, id ${dir} LIMIT ? OFFSET ?`,
      )
      .all(...args, size, (page - 1) * size) as Row[];
    return { total, items: rows.map(summaryOf) };
  }

  /** Updates workflow fields; undefined when there is no such alert. */
  update(
    id: string,
    patch: { workflow_status?: WorkflowStatus; tags?: string[]; assignee?: string | null },
    now = Date.now(),
  ): AlertSummary | undefined {
    return this.db.transaction(() => {
      if (!this.st.summary.get(id)) return undefined;
      if (patch.workflow_status !== undefined)
        this.st.setStatus.run(patch.workflow_status, now, patch.workflow_status, new Date(now).toISOString(), id);
      if (patch.tags !== undefined) {
        const t = JSON.stringify(patch.tags);
        this.st.setTags.run(t, now, t, id);
      }
      if (patch.assignee !== undefined)
        this.st.setAssignee.run(
          patch.assignee,
          now,
          JSON.stringify(patch.assignee === null ? [] : [patch.assignee]),
          id,
        );
      return this.summary(id);
    })();
  }

  notes(alertId: string): Note[] {
    return (
      this.st.notes.all(alertId) as Array<{ id: number; alert_id: string; text: string; created_at: number }>
    ).map((n) => ({ ...n, created_at: new Date(n.created_at).toISOString() }));
  }

  addNote(alertId: string, text: string, now = Date.now()): Note {
    const id = Number(this.st.addNote.run(alertId, text, now).lastInsertRowid);
    return { id, alert_id: alertId, text, created_at: new Date(now).toISOString() };
  }
}
