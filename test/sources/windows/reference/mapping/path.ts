/**
 * Field access compiled once per path. Getters are specialised for the common depths so the hot
 * path does no string splitting and no loop set-up.
 */
import type { FieldPath } from './types.js';

type Obj = Record<string, unknown>;

/** The two roots a path can address. */
export interface Roots {
  doc: Obj;
  vars: Obj;
}

export interface Accessor {
  /** The path as written, for messages. */
  readonly text: string;
  get(roots: Roots): unknown;
  /** Sets the value, creating intermediate objects. Returns false when a parent is not an object. */
  set(roots: Roots, value: unknown): boolean;
  /** Deletes the value (no-op when absent). */
  del(roots: Roots): void;
}

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function splitPath(path: FieldPath): string[] {
  return typeof path === 'string' ? path.split('.') : [...path];
}

export function pathText(path: FieldPath): string {
  return typeof path === 'string' ? path : path.join('.');
}

export function compilePath(path: FieldPath): Accessor {
  const segs = splitPath(path);
  const text = pathText(path);
  if (segs.length === 0 || segs.some((s) => s === '')) throw new Error(`invalid field path "${text}"`);
  let useVars = false;
  if (segs[0]!.startsWith('$')) {
    useVars = true;
    segs[0] = segs[0]!.slice(1);
    if (segs[0] === '') throw new Error(`invalid variable path "${text}"`);
  }
  const root = useVars ? (r: Roots): Obj => r.vars : (r: Roots): Obj => r.doc;
  const last = segs[segs.length - 1]!;
  const parents = segs.slice(0, -1);

  let get: (r: Roots) => unknown;
  switch (segs.length) {
    case 1: {
      const [a] = segs as [string];
      get = (r) => root(r)[a];
      break;
    }
    case 2: {
      const [a, b] = segs as [string, string];
      get = (r) => {
        const x = root(r)[a];
        return isObject(x) ? x[b] : undefined;
      };
      break;
    }
    case 3: {
      const [a, b, c] = segs as [string, string, string];
      get = (r) => {
        const x = root(r)[a];
        if (!isObject(x)) return undefined;
        const y = x[b];
        return isObject(y) ? y[c] : undefined;
      };
      break;
    }
    default:
      get = (r) => {
        let cur: unknown = root(r);
        for (const s of segs) {
          if (!isObject(cur)) return undefined;
          cur = cur[s];
        }
        return cur;
      };
  }

  const parentFor = (r: Roots, create: boolean): Obj | undefined => {
    let cur = root(r);
    for (const s of parents) {
      const next = cur[s];
      if (isObject(next)) {
        cur = next;
      } else if (next === undefined || next === null) {
        if (!create) return undefined;
        const o: Obj = {};
        cur[s] = o;
        cur = o;
      } else {
        return undefined;
      }
    }
    return cur;
  };

  return {
    text,
    get,
    set(r, value) {
      const p = parentFor(r, true);
      if (p === undefined) return false;
      p[last] = value;
      return true;
    },
    del(r) {
      const p = parentFor(r, false);
      if (p !== undefined) delete p[last];
    },
  };
}
