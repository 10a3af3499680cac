/**
 * Objects with fast properties from a key sequence. V8 keeps an object built key by key in fast
 * mode only up to about 20 keys (then a dictionary: slow to build, read, enumerate, serialise);
 * an object literal of any size is fast. So each distinct key sequence gets, once, a function
 * returning that literal; a trie over the keys finds it. Records of one kind (one event template)
 * share their key sequence, so a collection needs a few hundred of them.
 */

/** Builds `{ [keys[i]]: values[i] }` for i < n (the first of duplicate keys wins). */
export type ObjectFactory = (values: readonly unknown[]) => Record<string, unknown>;

interface Node {
  next: Map<string, Node> | undefined;
  make: ObjectFactory | undefined;
}

const ROOT: Node = { next: undefined, make: undefined };
/** Bounds on memory and compilation for key sequences that never repeat. */
const MAX_FACTORIES = 4096;
const MAX_KEYS = 200;
let factories = 0;

/**
 * The factory for the first `n` keys, or undefined (too many keys or sequences, or a `__proto__`
 * key, which a literal treats as the prototype): then build the object key by key.
 */
export function objectFactory(
  keys: readonly string[],
  n: number,
  recent: RecentFactories = SHARED_RECENT,
): ObjectFactory | undefined {
  if (n > MAX_KEYS) return undefined;
  // The sequences used last (records of a kind come in runs): a few compares instead of n lookups.
  for (let r = 0; r < recent.length; r++) {
    const e = recent[r]!;
    if (e.keys.length !== n) continue;
    let k = 0;
    while (k < n && e.keys[k] === keys[k]) k++;
    if (k === n) return e.make;
  }
  const make = trieFactory(keys, n);
  if (make !== undefined) {
    recent.unshift({ keys: keys.slice(0, n), make });
    if (recent.length > RECENT) recent.pop();
  }
  return make;
}

/** A caller's most recently used factories (each caller keeps its own, so they do not evict each other). */
export type RecentFactories = Array<{ keys: string[]; make: ObjectFactory }>;
const RECENT = 12;
const SHARED_RECENT: RecentFactories = [];

function trieFactory(keys: readonly string[], n: number): ObjectFactory | undefined {
  let node = ROOT;
  for (let k = 0; k < n; k++) {
    const key = keys[k]!;
    let next = node.next?.get(key);
    if (next === undefined) {
      if (factories >= MAX_FACTORIES) return undefined;
      next = { next: undefined, make: undefined };
      (node.next ??= new Map()).set(key, next);
    }
    node = next;
  }
  if (node.make === undefined) {
    if (factories >= MAX_FACTORIES) return undefined;
    const seen = new Set<string>();
    const props: string[] = [];
    for (let k = 0; k < n; k++) {
      const key = keys[k]!;
      if (key === '__proto__') return undefined;
      if (seen.has(key)) continue;
      seen.add(key);
      props.push(`${JSON.stringify(key)}: v[${k}]`);
    }
    factories++;
    // The source holds JSON-escaped keys only.
    node.make = new Function('v', `return {${props.join(', ')}};`) as ObjectFactory;
  }
  return node.make;
}

/** `{ [keys[i]]: values[i] }` for i < n, first duplicate wins, fast properties when possible. */
export function objectFrom(
  keys: readonly string[],
  values: readonly unknown[],
  n: number,
  recent?: RecentFactories,
): Record<string, unknown> {
  const make = objectFactory(keys, n, recent);
  if (make !== undefined) return make(values);
  const o: Record<string, unknown> = {};
  for (let k = 0; k < n; k++) {
    const key = keys[k]!;
    if (!Object.prototype.hasOwnProperty.call(o, key)) o[key] = values[k];
  }
  return o;
}
