/**
 * Investigating an alert over the event store: the guide's pivots with counts, the process tree
 * around the alerting process, and the host's timeline. Reads are bounded: pivots with a time
 * window scan only that window (SQL on `@timestamp`), trees and timelines only the host's events
 * in a time range (SQL on host and `@timestamp`).
 */
import { bindPivot, describeBoundPivot, pivotQuery, type BoundPivot, type InvestigateEntry } from '../rules/index.js';
import { docField, hostOf, type EventRow, type Store } from '../store/index.js';
import type { EventDoc } from '../sources/types.js';

const ALERTS_INDEX = '.alerts-security.alerts-default';

export interface EventItem {
  id: string;
  index: string;
  time: string | null;
  doc: EventDoc;
}

export function eventItem(r: EventRow, doc?: EventDoc): EventItem {
  return {
    id: r.id,
    index: r.index,
    time: r.ts === null ? null : new Date(r.ts).toISOString(),
    doc: doc ?? (JSON.parse(r.text) as EventDoc),
  };
}

/** Epoch ms of the alert's original time (the event's @timestamp), else its creation time. */
export function alertTime(alert: Record<string, unknown>): number {
  const t = Date.parse(String(alert['kibana.alert.original_time'] ?? ''));
  return Number.isNaN(t) ? Date.parse(String(alert['@timestamp'])) : t;
}

/**
 * Kibana resolves a pivot's `relativeFrom`/`relativeTo` with `now` = the alert's `@timestamp`, its
 * creation time (docs/rule-format.md §6), so "now-1h … now" also covers what followed the event
 * until the alert was raised. An alert without one falls back to its original time.
 */
export function bindForAlert(entry: InvestigateEntry, alert: Record<string, unknown>): BoundPivot {
  const created = Date.parse(String(alert['@timestamp'] ?? ''));
  return bindPivot(entry, alert, { now: Number.isNaN(created) ? alertTime(alert) : created });
}

export interface PivotRun {
  count: number;
  items: EventItem[];
  problems: string[];
}

/** Counts a bound pivot's events in the store and keeps the first `limit`. */
export function runStorePivot(store: Store, bound: BoundPivot, limit: number): PivotRun {
  const { test, problems } = pivotQuery(bound);
  const items: EventItem[] = [];
  let count = 0;
  if (!bound.runnable) return { count, items, problems };
  const pages = bound.window ? store.events.timeRange('ts', bound.window.from, bound.window.to) : store.events.all();
  for (const page of pages) {
    for (const r of page) {
      const doc = JSON.parse(r.text) as EventDoc;
      if (!test(doc)) continue;
      count++;
      if (items.length < limit) items.push(eventItem(r, doc));
    }
  }
  // Kibana's Timeline searches the alerts index too (pivots such as "alerts on this host").
  const w = bound.window;
  for (const page of store.alerts.docsInRange(w?.from ?? Number.MIN_SAFE_INTEGER, w?.to ?? Number.MAX_SAFE_INTEGER)) {
    for (const r of page) {
      const doc = JSON.parse(r.doc) as EventDoc;
      // The window applies to the alert's original time (its @timestamp is when it was written).
      const probe = r.original !== null ? { ...doc, '@timestamp': new Date(r.original).toISOString() } : doc;
      if (!test(probe)) continue;
      count++;
      if (items.length < limit)
        items.push({
          id: r.id,
          index: ALERTS_INDEX,
          time: r.original === null ? null : new Date(r.original).toISOString(),
          doc,
        });
    }
  }
  return { count, items, problems };
}

export function pivotDescription(bound: BoundPivot): string {
  return describeBoundPivot(bound);
}

// ---- process tree ----

export interface TreeNode {
  entity_id: string;
  pid: number | null;
  name: string | null;
  executable: string | null;
  command_line: string | null;
  time: string | null;
  is_alert: boolean;
  children: TreeNode[];
}

function s(v: unknown): string | null {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

function n(v: unknown): number | null {
  if (Array.isArray(v)) v = v[0];
  const x = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(x) ? x : null;
}

interface ProcInfo {
  key: string;
  parent: string | null;
  pid: number | null;
  name: string | null;
  executable: string | null;
  command_line: string | null;
  time: number | null;
}

/** The process key of a document's `process` (or `process.parent` with prefix): entity id, else host:pid. */
function procKey(doc: EventDoc, prefix: string, host: string | null): string | null {
  const eid = s(docField(doc, `${prefix}.entity_id`));
  if (eid) return eid;
  const pid = n(docField(doc, `${prefix}.pid`));
  return pid !== null && host ? `${host}:${pid}` : null;
}

function procOf(doc: EventDoc, prefix: string, host: string | null, time: number | null): ProcInfo | null {
  const key = procKey(doc, prefix, host);
  if (!key) return null;
  return {
    key,
    parent: prefix === 'process' ? procKey(doc, 'process.parent', host) : null,
    pid: n(docField(doc, `${prefix}.pid`)),
    name: s(docField(doc, `${prefix}.name`)),
    executable: s(docField(doc, `${prefix}.executable`)),
    command_line: s(docField(doc, `${prefix}.command_line`)),
    time,
  };
}

function merge(into: ProcInfo, from: ProcInfo): void {
  into.parent ??= from.parent;
  into.pid ??= from.pid;
  into.name ??= from.name;
  into.executable ??= from.executable;
  into.command_line ??= from.command_line;
  if (from.time !== null && (into.time === null || from.time < into.time)) into.time = from.time;
}

/**
 * The alerting process with its ancestors and descendants on the same host, built from
 * `process.entity_id` / `process.parent.entity_id` (pid and host when there are no entity ids),
 * over the host's events within `spanMs` either side of the alert.
 */
export function processTree(
  store: Store,
  alert: Record<string, unknown>,
  spanMs = 24 * 3_600_000,
): { root: TreeNode } | undefined {
  const host = hostOf(alert);
  const t = alertTime(alert);
  const alertKey = procKey(alert, 'process', host);
  if (!alertKey) return undefined;
  const procs = new Map<string, ProcInfo>();
  const add = (p: ProcInfo | null) => {
    if (!p) return;
    const old = procs.get(p.key);
    if (old) merge(old, p);
    else procs.set(p.key, { ...p });
  };
  const at = (ms: unknown) => {
    const x = Date.parse(String(ms ?? ''));
    return Number.isNaN(x) ? null : x;
  };
  add(procOf(alert, 'process', host, t));
  add(procOf(alert, 'process.parent', host, null));
  if (host) {
    for (const page of store.events.timeRange('ts', t - spanMs, t + spanMs, { host })) {
      for (const r of page) {
        if (!r.text.includes('"process')) continue;
        const doc = JSON.parse(r.text) as EventDoc;
        add(procOf(doc, 'process', host, at(doc['@timestamp'])));
        add(procOf(doc, 'process.parent', host, null));
      }
    }
  }
  const children = new Map<string, string[]>();
  for (const p of procs.values()) {
    if (p.parent && p.parent !== p.key) {
      const list = children.get(p.parent) ?? [];
      list.push(p.key);
      children.set(p.parent, list);
    }
  }
  // Up from the alerting process to the oldest known ancestor.
  let top = alertKey;
  const seen = new Set([top]);
  for (;;) {
    const parent = procs.get(top)?.parent;
    if (!parent || seen.has(parent) || !procs.has(parent)) break;
    seen.add(parent);
    top = parent;
  }
  const ancestors = seen;
  const build = (key: string, depth: number, visited: Set<string>): TreeNode => {
    visited.add(key);
    const p = procs.get(key) as ProcInfo;
    // Ancestors show only the line down to the alert; the alert and its descendants show every child.
    const onLine = key !== alertKey && ancestors.has(key);
    const kids = (children.get(key) ?? []).filter((k) => !visited.has(k) && (!onLine || ancestors.has(k)));
    return {
      entity_id: key,
      pid: p.pid,
      name: p.name,
      executable: p.executable,
      command_line: p.command_line,
      time: p.time === null ? null : new Date(p.time).toISOString(),
      is_alert: key === alertKey,
      children:
        depth > 50
          ? []
          : kids.map((k) => build(k, depth + 1, visited)).sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '')),
    };
  };
  return { root: build(top, 0, new Set()) };
}

// ---- timeline ----

export interface TimelineItem {
  id: string;
  time: string | null;
  category: string | null;
  action: string | null;
  summary: string;
  doc: EventDoc;
}

function summaryOf(doc: EventDoc): string {
  const parts = [
    s(docField(doc, 'event.action')),
    s(docField(doc, 'process.name')),
    s(docField(doc, 'process.command_line')) ?? s(docField(doc, 'file.path')) ?? s(docField(doc, 'registry.path')),
    s(docField(doc, 'destination.ip')),
    s(docField(doc, 'user.name')),
  ].filter((x): x is string => x !== null);
  const text = parts.join(' · ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** The alert's host's events from `beforeMs` before to `afterMs` after its original time. */
export function hostTimeline(
  store: Store,
  alert: Record<string, unknown>,
  beforeMs: number,
  afterMs: number,
  limit = 500,
): TimelineItem[] {
  const host = hostOf(alert);
  if (!host) return [];
  const t = alertTime(alert);
  const items: TimelineItem[] = [];
  for (const page of store.events.timeRange('ts', t - beforeMs, t + afterMs, { host, pageSize: limit })) {
    for (const r of page) {
      const doc = JSON.parse(r.text) as EventDoc;
      items.push({
        id: r.id,
        time: r.ts === null ? null : new Date(r.ts).toISOString(),
        category: s(docField(doc, 'event.category')),
        action: s(docField(doc, 'event.action')),
        summary: summaryOf(doc),
        doc,
      });
      if (items.length >= limit) return items;
    }
  }
  return items;
}
