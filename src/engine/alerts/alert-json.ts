/**
 * An alert document's JSON text, exactly as `JSON.stringify` writes it, without re-encoding what
 * every alert of a rule repeats: about 31 KB of each 36 KB alert of the founding rule is the rule's
 * parameters and its investigation guide. Stringifying 2,681 such alerts whole took 0.44 s of the
 * hunt's main thread; this writes each top-level member apart and reuses the text of
 * - frozen values, by identity (the rule's parameters, built once per rule and deep-frozen, so
 *   their text cannot go stale);
 * - long strings, by value (the guide, the description: the same string for every alert).
 */
const frozenText = new WeakMap<object, string>();

const LONG = 512;
const MAX_LONG_CACHED = 256;
const longText = new Map<string, string>();

function valueText(v: unknown): string | undefined {
  if (typeof v === 'string') {
    if (v.length < LONG) return JSON.stringify(v);
    let t = longText.get(v);
    if (t === undefined) {
      t = JSON.stringify(v);
      // Bounded: a long-running process sees many rules (serve reloads them).
      if (longText.size >= MAX_LONG_CACHED) longText.clear();
      longText.set(v, t);
    }
    return t;
  }
  if (v !== null && typeof v === 'object' && Object.isFrozen(v)) {
    let t = frozenText.get(v);
    if (t === undefined) {
      t = JSON.stringify(v);
      frozenText.set(v, t);
    }
    return t;
  }
  return JSON.stringify(v);
}

/**
 * `JSON.stringify(doc)` for a plain document (no `toJSON` on the document itself); with `leaveOut`,
 * of the document without those keys (the store keeps an alert's rule fields apart).
 */
export function alertJson(doc: Record<string, unknown>, leaveOut?: ReadonlySet<string>): string {
  let out = '{';
  for (const k of Object.keys(doc)) {
    if (leaveOut !== undefined && leaveOut.has(k)) continue;
    const t = valueText(doc[k]);
    // Members JSON.stringify leaves out: undefined, functions, symbols.
    if (t === undefined) continue;
    if (out.length > 1) out += ',';
    out += JSON.stringify(k) + ':' + t;
  }
  return out + '}';
}
