/**
 * Ordering of Elasticsearch's `version` field type: valid semantic versions compare by their
 * numeric parts with pre-releases before the release; anything else is "invalid" and still
 * stored, sorting after every valid version, by its text.
 */

interface Parsed {
  valid: boolean;
  main: number[];
  pre: string[] | null;
  text: string;
}

const SEMVER = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

function parseVersion(text: string): Parsed {
  const m = SEMVER.exec(text);
  if (!m) return { valid: false, main: [], pre: null, text };
  const pre = m[2] ? m[2].split('.') : null;
  if (pre && pre.some((p) => p === '')) return { valid: false, main: [], pre: null, text };
  return { valid: true, main: m[1].split('.').map(Number), pre, text };
}

function cmpIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(x: string, y: string): number {
  const a = parseVersion(x);
  const b = parseVersion(y);
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  if (!a.valid) return x < y ? -1 : x > y ? 1 : 0;
  const n = Math.max(a.main.length, b.main.length);
  for (let i = 0; i < n; i++) {
    const d = (a.main[i] ?? 0) - (b.main[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.pre === null || b.pre === null) return a.pre === b.pre ? 0 : a.pre === null ? 1 : -1;
  const m = Math.max(a.pre.length, b.pre.length);
  for (let i = 0; i < m; i++) {
    if (a.pre[i] === undefined) return -1;
    if (b.pre[i] === undefined) return 1;
    const d = cmpIdent(a.pre[i], b.pre[i]);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
