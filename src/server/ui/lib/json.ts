/** Helpers for the event's JSON tree: leaf listing and search. */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The path key of a node: its segments joined by a separator no field name contains. */
export function pathKey(segments: readonly (string | number)[]): string {
  return segments.join('\u001f');
}

/** A path for people: `process.args[2]`. */
export function pathLabel(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** A leaf value as the tree shows it: strings as they are, the rest as JSON. */
export function leafText(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? 'undefined' : JSON.stringify(v);
}

/**
 * The nodes to show for a search: every leaf whose path or value contains `term`
 * (case-insensitive), every ancestor of one, and everything under an object whose own key
 * matches. An empty term matches nothing (the caller shows the whole tree).
 */
export function searchTree(doc: unknown, term: string): { shown: Set<string>; hits: number } {
  const shown = new Set<string>();
  const t = term.trim().toLowerCase();
  let hits = 0;
  if (!t) return { shown, hits };
  const markAncestors = (segs: (string | number)[]) => {
    for (let k = 0; k <= segs.length; k++) shown.add(pathKey(segs.slice(0, k)));
  };
  const markAll = (v: unknown, segs: (string | number)[]) => {
    shown.add(pathKey(segs));
    if (v && typeof v === 'object') for (const [k, c] of entries(v)) markAll(c, [...segs, k]);
  };
  const walk = (v: unknown, segs: (string | number)[]) => {
    const label = pathLabel(segs).toLowerCase();
    if (v && typeof v === 'object') {
      const own =
        segs.length > 0 &&
        String(segs[segs.length - 1])
          .toLowerCase()
          .includes(t);
      if (own) {
        hits++;
        markAncestors(segs);
        markAll(v, segs);
        return;
      }
      for (const [k, c] of entries(v)) walk(c, [...segs, k]);
      return;
    }
    if (label.includes(t) || leafText(v).toLowerCase().includes(t)) {
      hits++;
      markAncestors(segs);
    }
  };
  walk(doc, []);
  return { shown, hits };
}

/** Own entries of an object or array, arrays by index. */
export function entries(v: object): Array<[string | number, unknown]> {
  return Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
}
