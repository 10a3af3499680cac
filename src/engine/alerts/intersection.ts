/**
 * The "intersection" Kibana puts at the root of an EQL sequence's shell alert
 * (`objectArrayIntersection` over the building blocks' documents, Kibana main since
 * elastic/kibana#254830, which fixed #163756):
 *
 * - both documents are flattened to leaf paths, a dotted key counting as its path
 *   (`'user.email'` ≡ `user: {email}`), and rebuilt nested;
 * - for each key present on both sides: two objects recurse; equal values (`===`) stay; when either
 *   side is an array the result is lodash `intersection` of the two as arrays (SameValueZero, order
 *   of the left side, duplicates removed), possibly `[]`; anything else is dropped;
 * - objects left empty are pruned; an intersection with no value at all is `undefined`;
 * - a leaf keeps its dotted key when both sides wrote it dotted, otherwise it is written nested.
 *
 * Objects inside arrays are compared by reference, as in Kibana: each block holds its own copies
 * (Kibana's lodash `merge` copies the alert fields into every block), so arrays of objects
 * (`dns.answers`, ancestors, threat, ...) intersect to `[]`. The shell's own alert fields replace
 * the `kibana.alert.*` keys afterwards. One consequence carried over faithfully: an object value
 * under a dotted key (`'kibana.alert.rule.parameters': {...}`) is flattened through, so its
 * intersection comes back nested (`kibana: {alert: {rule: {parameters: {...}}}}`) beside the
 * dotted key the shell sets.
 */
import { isPlainObject, type Doc } from './fields.js';

function flatten(obj: Doc): { leaves: Array<[string[], unknown]>; dotted: Set<string> } {
  const leaves: Array<[string[], unknown]> = [];
  const dotted = new Set<string>();
  const stack: Array<[Doc, string[]]> = [[obj, []]];
  while (stack.length > 0) {
    const [o, prefix] = stack.pop() as [Doc, string[]];
    for (const [k, v] of Object.entries(o)) {
      const isDot = k.includes('.');
      const path = prefix.concat(isDot ? k.split('.') : [k]);
      if (isPlainObject(v)) stack.push([v, path]);
      else {
        leaves.push([path, v]);
        if (isDot) dotted.add(path.join('.'));
      }
    }
  }
  return { leaves, dotted };
}

/** lodash `setWith(obj, path, value)` with an object customizer: plain objects all the way down. */
function setPath(target: Doc, path: string[], value: unknown): void {
  let cur = target;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    if (next === null || typeof next !== 'object') cur[path[i]] = {};
    cur = cur[path[i]] as Doc;
  }
  cur[path[path.length - 1]] = value;
}

function unflatten(leaves: Array<[string[], unknown]>): Doc {
  const out: Doc = {};
  for (const [path, v] of leaves) setPath(out, path, v);
  return out;
}

/** lodash `intersection` of two arrays: values of `a` (unique, in order) that `b` contains. */
function arrayIntersection(a: unknown[], b: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of a) if (b.includes(x) && !out.includes(x)) out.push(x);
  return out;
}

function prune(obj: Doc): void {
  for (const [k, v] of Object.entries(obj)) {
    if (isPlainObject(v)) {
      prune(v);
      const vals = Object.values(v);
      if (vals.length === 0 || vals.every((x) => x === undefined)) delete obj[k];
    }
  }
}

/** The intersection of two documents, or undefined when nothing is common. */
export function pairIntersection(a: Doc | undefined, b: Doc | undefined): Doc | undefined {
  if (a === undefined || b === undefined) return undefined;
  const fa = flatten(a);
  const fb = flatten(b);
  const result: Doc = {};
  const stack: Array<[Doc, Doc, Doc]> = [[result, unflatten(fa.leaves), unflatten(fb.leaves)]];
  while (stack.length > 0) {
    const [target, ao, bo] = stack.pop() as [Doc, Doc, Doc];
    for (const [key, av] of Object.entries(ao)) {
      if (!(key in bo)) continue;
      const bv = bo[key];
      if (isPlainObject(av) && isPlainObject(bv)) {
        const next: Doc = {};
        target[key] = next;
        stack.push([next, av, bv]);
      } else if (av === bv) target[key] = av;
      else if (Array.isArray(av) || Array.isArray(bv)) {
        target[key] = arrayIntersection(Array.isArray(av) ? av : [av], Array.isArray(bv) ? bv : [bv]);
      }
    }
  }
  prune(result);
  if (!Object.values(result).some((v) => v !== undefined)) return undefined;
  const out: Doc = {};
  for (const [path, v] of flatten(result).leaves) {
    const key = path.join('.');
    if (fa.dotted.has(key) && fb.dotted.has(key)) out[key] = v;
    else setPath(out, path, v);
  }
  return out;
}

/** The intersection of documents: the first alone as it is, else pairwise from the left. */
export function documentsIntersection(docs: Doc[]): Doc | undefined {
  if (docs.length === 0) return undefined;
  if (docs.length === 1) return docs[0];
  let acc: Doc | undefined = docs[0];
  for (let i = 1; i < docs.length; i++) acc = pairIntersection(acc, docs[i]);
  return acc;
}
