/**
 * The run of a mapping over one document, and its deferred deletes (`Mapping.deferDeletes`).
 *
 * A deleted key of a deferred object is set to `undefined` and listed; reads see it as absent at
 * once. The object is later rebuilt without the listed keys (objectFrom: same remaining keys in
 * the same order, fast properties) and put back where it was. Writing a listed key first deletes
 * it for real, so it moves to the end exactly as after a real delete. V8 turns an object into a
 * slow dictionary on its first real delete; Windows event data (20–30 keys, a dozen deleted by
 * every pipeline) is the case this exists for.
 */
import { isObject, splitPath } from './path.js';
import { objectFrom } from './objects.js';
import type { FieldPath, MappingRun } from './types.js';

/** Deletes deferred on the object at one path. */
export interface Deferred {
  /** The object the listed keys were deleted from (undefined: none yet). */
  obj: Record<string, unknown> | undefined;
  /** Deleted keys, still present with the value `undefined` (possibly listed more than once). */
  keys: string[];
  /** Whether `obj` is a plain object (its prototype Object.prototype): only then are deletes deferred. */
  plain: boolean;
}

type Report = (kind: string, message: string) => void;

/** Parent segments and last key of each deferred path, and its recent rebuilds. */
export interface DeferredPath {
  parent: readonly string[];
  last: string;
  /** Most recently used first: the objects' keys, the deleted keys, and the rebuilding function. */
  rebuilds: Rebuild[];
}

interface Rebuild {
  names: string[];
  dead: string[];
  make: (o: Record<string, unknown>) => Record<string, unknown>;
}

/** Rebuilding functions kept per path (events of a few kinds interleave in a log). */
const REBUILDS_PER_PATH = 16;

export function deferredPaths(paths: readonly FieldPath[] | undefined): DeferredPath[] {
  return (paths ?? []).map((p) => {
    const segs = splitPath(p);
    if (segs.length === 0 || segs.some((s) => s === '') || segs[0]!.startsWith('$'))
      throw new Error(`invalid deferred-delete path "${String(p)}" (a document path is needed)`);
    return { parent: segs.slice(0, -1), last: segs[segs.length - 1]!, rebuilds: [] };
  });
}

const NONE: Deferred[] = [];

export class Run implements MappingRun {
  /** Deferred deletes, one per path of `paths`. */
  readonly d: Deferred[];

  constructor(
    public doc: Record<string, unknown>,
    public vars: Record<string, unknown>,
    public report: Report,
    readonly paths: readonly DeferredPath[],
  ) {
    if (paths.length === 0) this.d = NONE;
    else {
      this.d = [];
      for (let i = 0; i < paths.length; i++) this.d.push({ obj: undefined, keys: [], plain: false });
    }
  }

  remove(obj: Record<string, unknown>, key: string): void {
    for (let i = 0; i < this.d.length; i++) {
      if (this.d[i]!.obj === obj || objectAtPath(this, i) === obj) {
        tombKey(this, i, obj, key);
        return;
      }
    }
    delete obj[key];
  }

  put(obj: Record<string, unknown>, key: string, value: unknown): void {
    for (let i = 0; i < this.d.length; i++) {
      const s = this.d[i]!;
      if (s.obj === obj && s.keys.length !== 0) untombKey(s, obj, key);
    }
    obj[key] = value;
  }
}

/** The object at deferred path `i` now (undefined when there is none). */
function objectAtPath(run: Run, i: number): Record<string, unknown> | undefined {
  const parent = parentAt(run, i);
  const o = parent?.[run.paths[i]!.last];
  return isObject(o) ? o : undefined;
}

function parentAt(run: Run, i: number): Record<string, unknown> | undefined {
  let cur: unknown = run.doc;
  for (const s of run.paths[i]!.parent) {
    if (!isObject(cur)) return undefined;
    cur = cur[s];
  }
  return isObject(cur) ? cur : undefined;
}

/** Deletes `key` of `o` (the object at deferred path `i`): deferred. */
export function tombKey(run: Run, i: number, o: Record<string, unknown>, key: string): void {
  const s = run.d[i]!;
  if (s.obj !== o) ownDeferred(run, i, o);
  // An undefined own value would hide an inherited one: such keys are deleted at once.
  if (!s.plain || (Object.prototype as Record<string, unknown>)[key] !== undefined) {
    delete o[key];
    return;
  }
  if (s.keys.includes(key) || !Object.prototype.hasOwnProperty.call(o, key)) return;
  o[key] = undefined;
  s.keys.push(key);
}

/** Before writing `key` of `o`: a deferred delete of it becomes real, so the key moves to the end. */
export function untombKey(s: Deferred, o: Record<string, unknown>, key: string): void {
  if (!s.keys.includes(key)) return;
  // A key may be listed more than once (deleting a deleted key lists it again).
  s.keys = s.keys.filter((k) => k !== key);
  delete o[key];
}

/** Scratch for rebuilding (reused; only the first n entries are read). */
const liveKeys: string[] = [];
const liveValues: unknown[] = [];

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A trie over keys, then deleted keys (after a marker), to rebuilding functions. */
interface TrieNode {
  next: Map<string | symbol, TrieNode> | undefined;
  make: Rebuild['make'] | undefined;
}
const TRIE: TrieNode = { next: undefined, make: undefined };
/** Separates the keys from the deleted keys (a symbol: no key can equal it). */
const DEAD_MARK = Symbol('dead');
/** Bounds on compiled rebuilding functions and trie nodes (beyond: key by key). */
const MAX_REBUILDS = 8192;
const MAX_NODES = 262_144;
let rebuilds = 0;
let nodes = 0;

function trieStep(node: TrieNode | undefined, key: string | symbol): TrieNode | undefined {
  if (node === undefined) return undefined;
  let n = node.next?.get(key);
  if (n === undefined) {
    if (nodes >= MAX_NODES) return undefined;
    nodes++;
    n = { next: undefined, make: undefined };
    (node.next ??= new Map()).set(key, n);
  }
  return n;
}

/**
 * The function rebuilding objects with keys `names` without `dead`: one literal reading each kept
 * key by name (so its loads are monomorphic for a given kind of event). The path's recent ones
 * are compared first (a few pointer compares), then a trie shared by all paths.
 */
function rebuildFor(path: DeferredPath, names: string[], dead: string[]): Rebuild['make'] | undefined {
  const list = path.rebuilds;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    if (sameStrings(r.names, names) && sameStrings(r.dead, dead)) {
      if (i > 0) {
        list.splice(i, 1);
        list.unshift(r);
      }
      return r.make;
    }
  }
  let node: TrieNode | undefined = TRIE;
  for (const k of names) node = trieStep(node, k);
  node = trieStep(node, DEAD_MARK);
  for (const k of dead) node = trieStep(node, k);
  if (node === undefined) return undefined;
  if (node.make === undefined) {
    if (rebuilds >= MAX_REBUILDS) return undefined;
    const props: string[] = [];
    for (const k of names) {
      if (dead.includes(k)) continue;
      // A literal `__proto__:` sets the prototype: such objects are rebuilt key by key.
      if (k === '__proto__') return undefined;
      props.push(`${JSON.stringify(k)}: o[${JSON.stringify(k)}]`);
    }
    rebuilds++;
    // The source holds JSON-escaped keys only.
    node.make = new Function('o', `return {${props.join(', ')}};`) as Rebuild['make'];
  }
  list.unshift({ names, dead: dead.slice(), make: node.make });
  if (list.length > REBUILDS_PER_PATH) list.pop();
  return node.make;
}

/**
 * Carries out the deferred deletes of path `i`: the object is rebuilt without them and put back
 * in its place, or, if it is no longer there (or is not a plain object), its keys are deleted
 * where it is.
 */
export function flushDeferred(run: Run, i: number): void {
  const s = run.d[i]!;
  const o = s.obj;
  s.obj = undefined;
  if (o === undefined || s.keys.length === 0) return;
  const dead = s.keys;
  s.keys = [];
  const parent = parentAt(run, i);
  const path = run.paths[i]!;
  const last = path.last;
  if (parent === undefined || parent[last] !== o || Object.getPrototypeOf(o) !== Object.prototype) {
    for (const k of dead) delete o[k];
    return;
  }
  const names = Object.keys(o);
  const make = rebuildFor(path, names, dead);
  if (make !== undefined) {
    parent[last] = make(o);
    return;
  }
  let n = 0;
  for (let k = 0; k < names.length; k++) {
    const key = names[k]!;
    if (dead.includes(key)) continue;
    liveKeys[n] = key;
    liveValues[n] = o[key];
    n++;
  }
  parent[last] = objectFrom(liveKeys, liveValues, n);
  liveValues.fill(undefined, 0, n);
}

/** Takes over deferred path `i` for object `o` (carrying out the deletes pending on another object). */
export function ownDeferred(run: Run, i: number, o: Record<string, unknown>): void {
  flushDeferred(run, i);
  const s = run.d[i]!;
  s.obj = o;
  s.plain = Object.getPrototypeOf(o) === Object.prototype;
}

/** Carries out every deferred delete of the run. */
export function flushAll(run: Run): void {
  for (let i = run.d.length - 1; i >= 0; i--) if (run.d[i]!.keys.length !== 0) flushDeferred(run, i);
}
