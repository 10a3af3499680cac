/** Plain-text tables for people: fixed columns, long cells cut with an ellipsis. */

export function renderTable(headers: string[], rows: string[][], maxCell = 60): string {
  const cut = (s: string) => (s.length > maxCell ? s.slice(0, maxCell - 1) + '…' : s);
  const cells = rows.map((r) => r.map((c) => cut(c.replace(/\s+/g, ' '))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/** A field's value from a JSON document (nested or dotted keys), as display text. */
export function displayValue(doc: Record<string, unknown>, path: string): string {
  const parts = path.split('.');
  const walk = (node: unknown, i: number): unknown => {
    if (i === parts.length) return node;
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      const vals = node.map((n) => walk(n, i)).filter((v) => v !== undefined);
      return vals.length ? vals : undefined;
    }
    const o = node as Record<string, unknown>;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (key in o) {
        const v = walk(o[key], j);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  const v = walk(doc, 0);
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
