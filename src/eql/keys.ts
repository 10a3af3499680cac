/**
 * Join keys (SEMANTICS §10.7): an event joins with every combination of distinct non-null values of
 * its key fields; a non-optional key without a value excludes the event from the stage; an optional
 * key (`?f`) contributes `null`, and null joins with null.
 */
import { fieldValues } from './compiler.js';
import type { KeySpec } from './query.js';
import type { Scalar } from './values.js';

export type KeyValue = Scalar | null;

export interface KeyTuple {
  /** Stable string identity of the tuple (typed, so "1" and 1 differ). */
  id: string;
  values: KeyValue[];
}

/**
 * Typed identity of one key value. Strings, by far the most common keys, are their own identity
 * (no concatenation, so a Map hashes the document's string directly); other types get a prefix
 * no string key starts with.
 */
function tag(v: KeyValue): string {
  if (v === null) return '\u0000';
  switch (typeof v) {
    case 'string':
      return v.charCodeAt(0) === 0 ? '\u0000s' + v : v;
    case 'number':
      return '\u0000n' + v;
    case 'boolean':
      return v ? '\u0000T' : '\u0000F';
    default:
      return '\u0000d' + v.toString();
  }
}

export function tupleId(values: KeyValue[]): string {
  if (values.length === 1) return tag(values[0]);
  let s = '';
  for (let i = 0; i < values.length; i++) s += (i ? '\u0001' : '') + tag(values[i]);
  return s;
}

const NO_KEYS: KeyTuple[] = [{ id: '', values: [] }];

/** Key tuples of a document for a stage, or an empty list when a required key is missing. */
export function keyTuples(keys: KeySpec[], doc: Record<string, unknown>): KeyTuple[] {
  if (keys.length === 0) return NO_KEYS;
  // Fast path: every key has exactly one value (the usual case), no intermediate arrays.
  let id = '';
  let values: KeyValue[] | undefined = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    let v: KeyValue;
    if (!k.def) v = null;
    else {
      const raw = fieldValues(k.def, doc);
      if (raw.length === 1) v = raw[0];
      else if (raw.length === 0) {
        if (!k.optional) return [];
        v = null;
      } else {
        values = undefined;
        break;
      }
    }
    values.push(v);
    id = i === 0 ? tag(v) : id + '\u0001' + tag(v);
  }
  if (values) return [{ id, values }];
  const lists: KeyValue[][] = [];
  for (const k of keys) {
    let vals: KeyValue[];
    if (!k.def) vals = [null];
    else {
      const raw = fieldValues(k.def, doc);
      if (raw.length === 0) {
        if (!k.optional) return [];
        vals = [null];
      } else if (raw.length === 1) vals = raw;
      else {
        const seen = new Set<string>();
        vals = [];
        for (const v of raw) {
          const t = tag(v);
          if (!seen.has(t)) {
            seen.add(t);
            vals.push(v);
          }
        }
      }
    }
    lists.push(vals);
  }
  if (lists.every((l) => l.length === 1)) {
    const values = lists.map((l) => l[0]);
    return [{ id: tupleId(values), values }];
  }
  let combos: KeyValue[][] = [[]];
  for (const l of lists) combos = combos.flatMap((c) => l.map((v) => [...c, v]));
  return combos.map((values) => ({ id: tupleId(values), values }));
}

// ---- join keys as JSON (verdicts cross threads and spill to disk) --------------------------------

const toJson = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
const fromJson = (_k: string, v: unknown): unknown =>
  v !== null && typeof v === 'object' && typeof (v as { $bigint?: unknown }).$bigint === 'string'
    ? BigInt((v as { $bigint: string }).$bigint)
    : v;

/**
 * JSON of a value that may hold key values: bigints (date keys, tiebreakers) are written as
 * `{"$bigint": "…"}`. The replacer, which is slow, runs only when plain JSON fails on a bigint.
 */
export function stringifyKeys(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, toJson);
  }
}

/** The inverse of `stringifyKeys` (the reviver, which is slow, runs only when a bigint was written). */
export function parseKeys(text: string): unknown {
  return text.includes('"$bigint"') ? JSON.parse(text, fromJson) : JSON.parse(text);
}
