/**
 * Elasticsearch / Kibana date math (`now-48h/h`, `now-9m`, `2024-01-01||+1d`) and rule intervals
 * (`5m`). Rounding is done in UTC: Kibana's browser rounds `/d` in the user's time zone, which an
 * offline tool cannot know; for `/h` and smaller units the two agree.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parses a rule interval (`5m`, `1h`, `30s`, `1d`) to milliseconds; undefined when malformed. */
export function parseInterval(text: string): number | undefined {
  const m = /^([1-9]\d*)([smhd])$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]];
}

interface MathOp {
  op: '+' | '-' | '/';
  amount: number;
  unit: string;
}

/** The parsed form of a date-math expression: an anchor (`now` or an absolute date) and operations. */
export interface DateMath {
  anchor: 'now' | number;
  ops: MathOp[];
}

/** Parses date math; undefined when the text is not valid. */
export function parseDateMath(text: string): DateMath | undefined {
  const s = text.trim();
  let rest: string;
  let anchor: DateMath['anchor'];
  if (s.startsWith('now')) {
    anchor = 'now';
    rest = s.slice(3);
  } else {
    const sep = s.indexOf('||');
    const dateText = sep < 0 ? s : s.slice(0, sep);
    const ms = Date.parse(dateText);
    if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(dateText)) return undefined;
    anchor = ms;
    rest = sep < 0 ? '' : s.slice(sep + 2);
  }
  const ops: MathOp[] = [];
  const re = /^([+\-/])(\d*)(ms|[yMwdhHms])/;
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m) return undefined;
    const op = m[1] as MathOp['op'];
    if (op === '/' && m[2] !== '') return undefined;
    if (op !== '/' && m[2] === '') return undefined;
    ops.push({ op, amount: op === '/' ? 0 : Number(m[2]), unit: m[3] });
    rest = rest.slice(m[0].length);
  }
  return { anchor, ops };
}

function addUnits(ms: number, amount: number, unit: string): number {
  if (unit === 'y' || unit === 'M') {
    const d = new Date(ms);
    const months = unit === 'y' ? amount * 12 : amount;
    const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
    // Keep the day of month where it exists, as moment does (Jan 31 + 1M = Feb 28/29).
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
    return target.getTime() + (ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  }
  return ms + amount * UNIT_MS[unit];
}

function roundTo(ms: number, unit: string, up: boolean): number {
  const d = new Date(ms);
  let start: number;
  let next: number;
  switch (unit) {
    case 'y':
      start = Date.UTC(d.getUTCFullYear(), 0, 1);
      next = Date.UTC(d.getUTCFullYear() + 1, 0, 1);
      break;
    case 'M':
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      break;
    case 'w': {
      // ISO weeks start on Monday, as in ES and moment's isoWeek.
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      start = day - ((d.getUTCDay() + 6) % 7) * UNIT_MS.d;
      next = start + UNIT_MS.w;
      break;
    }
    default: {
      const size = UNIT_MS[unit];
      start = Math.floor(ms / size) * size;
      next = start + size;
    }
  }
  return up ? next - 1 : start;
}

/**
 * Resolves date math against `nowMs`. With `roundUp`, `/unit` goes to the last millisecond of the
 * unit (as Kibana does for the end of a range) instead of its first.
 */
export function resolveDateMath(text: string, nowMs: number, roundUp = false): number | undefined {
  const dm = parseDateMath(text);
  if (!dm) return undefined;
  let t = dm.anchor === 'now' ? nowMs : dm.anchor;
  for (const o of dm.ops) {
    if (o.op === '/') t = roundTo(t, o.unit, roundUp);
    else t = addUnits(t, o.op === '+' ? o.amount : -o.amount, o.unit);
  }
  return t;
}

/** `now-9m` → -540000 (relative to now, no rounding); undefined when not a plain `now±N<unit>` offset. */
export function relativeOffsetMs(text: string): number | undefined {
  const dm = parseDateMath(text);
  if (!dm || dm.anchor !== 'now') return undefined;
  let t = 0;
  for (const o of dm.ops) {
    if (o.op === '/') return undefined;
    if (o.unit === 'y' || o.unit === 'M') return undefined;
    t += (o.op === '+' ? 1 : -1) * o.amount * UNIT_MS[o.unit];
  }
  return t;
}
