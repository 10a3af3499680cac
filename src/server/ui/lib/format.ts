/** Display formats shared by the pages. Pure functions, unit-tested in Node. */

/**
 * numeral.js's `0,0.[000]a`, the format Kibana's investigate buttons use for counts: abbreviated
 * with k/m/b/t, up to three decimals with trailing zeros dropped, thousands separated by commas.
 * Follows numeral 2.0.6 step by step (abbreviate, round to the shortest precision the value has
 * up to 3, strip optional zeros, re-abbreviate when rounding reached 1000).
 */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const abs = Math.abs(value);
  let abbr = '';
  let v = value;
  if (abs >= 1e12) {
    abbr = 't';
    v = value / 1e12;
  } else if (abs >= 1e9) {
    abbr = 'b';
    v = value / 1e9;
  } else if (abs >= 1e6) {
    abbr = 'm';
    v = value / 1e6;
  } else if (abs >= 1e3) {
    abbr = 'k';
    v = value / 1e3;
  }
  const fixed = toFixedOptional(v, 3);
  const [intPart, dec = ''] = fixed.split('.');
  let int = intPart;
  if (abbr && abbr !== 't' && Number(int) >= 1000) {
    int = String(Number(int) / 1000);
    abbr = abbr === 'k' ? 'm' : abbr === 'm' ? 'b' : 't';
  }
  let neg = false;
  if (int.startsWith('-')) {
    neg = true;
    int = int.slice(1);
  }
  int = int.replace(/(\d)(?=(\d{3})+(?!\d))/g, '$1,');
  const out = int + (dec && Number(dec) !== 0 ? '.' + dec : '') + abbr;
  return neg ? '-' + out : out;
}

/** numeral's `toFixed(value, max, Math.round, optionals = max)`. */
function toFixedOptional(value: number, max: number): string {
  const parts = value.toString().split('.');
  const precision = parts.length === 2 ? Math.min(parts[1].length, max) : 0;
  const power = Math.pow(10, precision);
  let out = (Math.round(Number(`${value}e+${precision}`)) / power).toFixed(precision);
  if (max > max - precision) out = out.replace(new RegExp(`\\.?0{1,${precision}}$`), '');
  return out;
}

/** `2025-11-23 18:01:01.456` in UTC: one zone for every analyst, sortable, the way logs read. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** `850 ms`, `2.4 s`, `3 min 5 s`, `2 h 1 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** `3 min ago` against `now`. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Orders severities; unknown values sort first. */
export function severityRank(s: string | null | undefined): number {
  return SEVERITY_RANK[String(s ?? '').toLowerCase()] ?? 0;
}

/** A CSS class name for a severity, only from the known set (never from data). */
export function severityClass(s: string | null | undefined): string {
  const k = String(s ?? '').toLowerCase();
  return k in SEVERITY_RANK ? `sev-${k}` : 'sev-unknown';
}

/** A field value as one line of text: arrays joined, objects as JSON, nothing as an em dash. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.map((x) => valueText(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
