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

/**
 * `JSON.stringify` of strings, remembered for the strings met again; at most `max` of them, started
 * over when full (the strings may come from the data, or from the rules a long-running process
 * reloads).
 */
export function stringJsonMemo(max: number): (s: string) => string {
  const texts = new Map<string, string>();
  return (s) => {
    let t = texts.get(s);
    if (t === undefined) {
      t = JSON.stringify(s);
      if (texts.size >= max) texts.clear();
      texts.set(s, t);
    }
    return t;
  };
}

const LONG = 512;
const longText = stringJsonMemo(256);

function valueText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length < LONG ? JSON.stringify(v) : longText(v);
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
