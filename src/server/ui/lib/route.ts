/**
 * Hash routes (`#/alerts?status=open`, `#/alerts/<id>`, `#/rules`, `#/rules/<id>`): deep links and
 * the back button work without the server knowing the UI's paths, and filters are shareable.
 */
import { SEVERITIES, WORKFLOW_STATUSES, type WorkflowStatus } from './types.js';

export type Route =
  | { page: 'alerts'; filters: AlertFilters }
  | { page: 'alert'; id: string }
  | { page: 'rules' }
  | { page: 'rule'; id: string }
  | { page: 'not-found'; path: string };

export const SORT_FIELDS = ['time', 'severity', 'risk', 'rule', 'host'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Relative ranges offered beside a custom from/to; milliseconds back from now. */
export const RANGES: Record<string, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export interface AlertFilters {
  /** Empty means every status. */
  status: WorkflowStatus[];
  severity: string[];
  rule: string;
  host: string;
  user: string;
  q: string;
  /** A key of RANGES, 'custom' (from/to apply), or '' for all time. */
  range: string;
  from: string;
  to: string;
  sort: SortField;
  order: 'asc' | 'desc';
  page: number;
  size: number;
}

export const PAGE_SIZES = [25, 50, 100, 200];

export function defaultFilters(): AlertFilters {
  return {
    status: ['open'],
    severity: [],
    rule: '',
    host: '',
    user: '',
    q: '',
    range: '',
    from: '',
    to: '',
    sort: 'time',
    order: 'desc',
    page: 1,
    size: 50,
  };
}

function positiveInt(s: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (s === null || !/^\d+$/.test(s)) return fallback;
  const n = Number(s);
  return n >= 1 && n <= max ? n : fallback;
}

export function parseFilters(params: URLSearchParams): AlertFilters {
  const f = defaultFilters();
  if (params.has('status'))
    f.status = params.getAll('status').filter((s): s is WorkflowStatus => (WORKFLOW_STATUSES as string[]).includes(s));
  f.severity = params.getAll('severity').filter((s) => (SEVERITIES as readonly string[]).includes(s));
  f.rule = params.get('rule') ?? '';
  f.host = params.get('host') ?? '';
  f.user = params.get('user') ?? '';
  f.q = params.get('q') ?? '';
  const range = params.get('range') ?? '';
  f.range = range in RANGES || range === 'custom' ? range : '';
  f.from = params.get('from') ?? '';
  f.to = params.get('to') ?? '';
  const sort = params.get('sort');
  if ((SORT_FIELDS as readonly string[]).includes(sort ?? '')) f.sort = sort as SortField;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') f.order = order;
  f.page = positiveInt(params.get('page'), 1);
  f.size = positiveInt(params.get('size'), 50, 500);
  return f;
}

/** The hash query for filters, leaving defaults out so links stay short. */
export function filtersToParams(f: AlertFilters): URLSearchParams {
  const d = defaultFilters();
  const p = new URLSearchParams();
  if (f.status.join() !== d.status.join()) {
    if (f.status.length === 0) p.append('status', '');
    for (const s of f.status) p.append('status', s);
  }
  for (const s of f.severity) p.append('severity', s);
  for (const k of ['rule', 'host', 'user', 'q', 'range'] as const) if (f[k]) p.set(k, f[k]);
  if (f.range === 'custom') {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  if (f.sort !== d.sort) p.set('sort', f.sort);
  if (f.order !== d.order) p.set('order', f.order);
  if (f.page !== 1) p.set('page', String(f.page));
  if (f.size !== d.size) p.set('size', String(f.size));
  return p;
}

/** The query string of `GET /api/alerts` for filters; relative ranges resolve against `now`. */
export function alertsApiParams(f: AlertFilters, now: number): URLSearchParams {
  const p = new URLSearchParams();
  for (const s of f.status) p.append('status', s);
  for (const s of f.severity) p.append('severity', s);
  for (const k of ['rule', 'host', 'user', 'q'] as const) if (f[k].trim()) p.set(k, f[k].trim());
  if (f.range in RANGES) p.set('from', new Date(now - RANGES[f.range]).toISOString());
  else if (f.range === 'custom') {
    const from = toIso(f.from);
    const to = toIso(f.to);
    if (from) p.set('from', from);
    if (to) p.set('to', to);
  }
  p.set('sort', f.sort);
  p.set('order', f.order);
  p.set('page', String(f.page));
  p.set('size', String(f.size));
  return p;
}

/** A `datetime-local` value (read as UTC, the zone the UI shows) or an ISO string, as ISO; '' if invalid. */
export function toIso(s: string): string {
  if (!s) return '';
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? '' : new Date(t).toISOString();
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const path = (q < 0 ? h : h.slice(0, q)).replace(/\/+$/, '') || '/alerts';
  const params = new URLSearchParams(q < 0 ? '' : h.slice(q + 1));
  const parts = path.split('/').filter(Boolean);
  let id: string;
  try {
    id = parts[1] === undefined ? '' : decodeURIComponent(parts[1]);
  } catch {
    return { page: 'not-found', path };
  }
  if (parts[0] === 'alerts' && parts.length === 1) return { page: 'alerts', filters: parseFilters(params) };
  if (parts[0] === 'alerts' && parts.length === 2) return { page: 'alert', id };
  if (parts[0] === 'rules' && parts.length === 1) return { page: 'rules' };
  if (parts[0] === 'rules' && parts.length === 2) return { page: 'rule', id };
  return { page: 'not-found', path };
}

export function alertsHash(f: AlertFilters): string {
  const p = filtersToParams(f).toString();
  return `#/alerts${p ? `?${p}` : ''}`;
}

export function alertHash(id: string): string {
  return `#/alerts/${encodeURIComponent(id)}`;
}

export function ruleHash(id: string): string {
  return `#/rules/${encodeURIComponent(id)}`;
}
