/** Canonical text of documents for the differential tests (order-, type- and hole-sensitive). */

/**
 * A canonical text of a value: object keys in their own enumeration order, `undefined`, `-0`,
 * `NaN`, array holes and non-plain prototypes all visible (JSON.stringify would hide them).
 */
export function canon(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return String(v);
    case 'object':
      break;
    default:
      return `<${typeof v}>`;
  }
  if (Array.isArray(v)) {
    const items: string[] = [];
    for (let i = 0; i < v.length; i++) items.push(i in v ? canon(v[i]) : '<hole>');
    return `[${items.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : '<proto>';
  const o = v as Record<string, unknown>;
  return `${proto}{${Object.keys(o)
    .map((k) => `${JSON.stringify(k)}:${canon(o[k])}`)
    .join(',')}}`;
}

/** The first path where two values differ (for a readable failure). */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (canon(a) === canon(b)) return '';
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join('\u0000') !== kb.join('\u0000'))
      return `${path || '.'}: keys ${JSON.stringify(ka)} ≠ ${JSON.stringify(kb)}`;
    for (const k of ka) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== '') return d;
    }
  }
  return `${path || '.'}: ${canon(a).slice(0, 200)} ≠ ${canon(b).slice(0, 200)}`;
}
