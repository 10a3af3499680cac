/** URLs the UI puts into `href`: only schemes that cannot run script, and MITRE links it builds itself. */

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL when it is absolute http(s) or mailto, else null (so `javascript:`, `data:`,
 * `vbscript:` and relative URLs are shown as text instead of links). Control characters, which
 * browsers strip from schemes (`java\tscript:`), are rejected rather than normalised.
 */
export function safeHref(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected here
  if (s === '' || /[\u0000-\u001f\u007f]/.test(s)) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if (!SAFE_SCHEMES.has(u.protocol)) return null;
  return u.href;
}

const MITRE = 'https://attack.mitre.org';

/** https://attack.mitre.org/tactics/TA0002/ for a well-formed tactic id, else null. */
export function mitreTacticUrl(id: unknown): string | null {
  return typeof id === 'string' && /^TA\d{4}$/.test(id) ? `${MITRE}/tactics/${id}/` : null;
}

/** Techniques and subtechniques: T1059 → /techniques/T1059/, T1059.003 → /techniques/T1059/003/. */
export function mitreTechniqueUrl(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const m = /^(T\d{4})(?:\.(\d{3}))?$/.exec(id);
  if (!m) return null;
  return m[2] ? `${MITRE}/techniques/${m[1]}/${m[2]}/` : `${MITRE}/techniques/${m[1]}/`;
}
