/**
 * Alert ids exactly as Kibana computes them, and the deterministic stand-ins eqlite uses for the
 * inputs Kibana has and an offline hunt does not.
 *
 * Kibana (security_solution detection engine):
 * - single-event alert (`wrapHits` → `generateId`):
 *     sha256(_index + _id + String(_version) + `${spaceId}:${ruleSavedObjectId}`), hex.
 *   EQL events carry no `_version` (Elasticsearch's EQL response has `_index`, `_id`, `_source`,
 *   `fields` only), so for EQL rules the third part is the literal text `undefined`.
 * - sequence building blocks (`generateBuildingBlockIds`): base = for each block, the `id` and
 *   `index` of each of its ancestors, then the rule uuid; block i gets sha256(base + String(i)).
 * - sequence shell (`generateAlertId`): sha256(for each ancestor of the shell: id + index, then the
 *   rule uuid). The shell's ancestors are each block's ancestors followed by the block itself
 *   (`index` ''), so the shell id is fixed by the events and the rule. It is also the group id.
 *
 * Stand-ins:
 * - rule saved-object id: a name-based UUID (v5, SHA-1) of the rule's `rule_id` in eqlite's own
 *   namespace. Kibana keeps one saved object per installed rule across version upgrades, so the
 *   alert ids of an event do not change when the rule is updated; deriving from `rule_id` alone
 *   (not the version) keeps that property, and the same rule gets the same uuid on every machine.
 * - event `_id`: the `_id` the input carried (Elasticsearch exports), else `eventContentId`: the
 *   sha256 of the canonical JSON (keys sorted at every level) of the event document as read,
 *   without the fields eqlite adds from the run rather than the event: `event.ingested` (synthesised,
 *   or the wall-clock ingest time in `serve`) and `log.file.path` (where the record was read from).
 *   The same event therefore gets the same `_id` in a re-run, in a copy of the file, or in two
 *   overlapping exports.
 */
import { createHash, hash } from 'node:crypto';
import { stringJsonMemo } from './alert-json.js';
import { isPlainObject, type Doc } from './fields.js';

/** eqlite's namespace for rule saved-object ids (a fixed random UUID, never to change). */
export const EQLITE_RULE_NAMESPACE = '6f3b0d5e-8c2a-4e61-9b7d-3a1c5e9f2d48';

/** Fields left out of an event's content hash: set by the run, not by the event. */
export const CONTENT_ID_EXCLUDED_FIELDS: readonly string[] = ['event.ingested', 'log.file.path'];

/** `_version` as Kibana stringifies it for EQL hits, which have none. */
export const EQL_HIT_VERSION = 'undefined';

// One-shot: no Hash object per call (every alert id and every content id is one).
const sha256 = (s: string): string => hash('sha256', s, 'hex');

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

/** RFC 9562 (4122) name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const savedObjectIds = new Map<string, string>();

/** The stand-in for the rule's Kibana saved-object id (`kibana.alert.rule.uuid`). */
export function ruleSavedObjectId(ruleId: string): string {
  // Asked for every alert; a SHA-1 each time was a few percent of building one.
  let id = savedObjectIds.get(ruleId);
  if (id === undefined) {
    id = uuidV5(ruleId, EQLITE_RULE_NAMESPACE);
    savedObjectIds.set(ruleId, id);
  }
  return id;
}

/** Kibana's `generateId`: the `_id` of a single-event alert. */
export function singleEventAlertId(
  index: string,
  eventId: string,
  version: string,
  spaceId: string,
  ruleUuid: string,
): string {
  return sha256(index + eventId + version + `${spaceId}:${ruleUuid}`);
}

export interface AncestorRef {
  id: string;
  index: string;
}

/** Kibana's `generateBuildingBlockIds`, from each block's ancestors (in sequence order). */
export function buildingBlockIds(blockAncestors: AncestorRef[][], ruleUuid: string): string[] {
  let base = '';
  for (const ancestors of blockAncestors) {
    for (const a of ancestors) base += a.id + a.index;
    base += ruleUuid;
  }
  return blockAncestors.map((_, i) => sha256(base + String(i)));
}

/** Kibana's `generateAlertId`: the shell alert's `_id` (and group id) from its ancestors. */
export function shellAlertId(ancestors: AncestorRef[], ruleUuid: string): string {
  let s = '';
  for (const a of ancestors) s += a.id + a.index;
  return sha256(s + ruleUuid);
}

/** JSON with object keys sorted at every level; `undefined` members are left out, as JSON does. */
export function canonicalJson(v: unknown): string {
  return canonical(v, undefined);
}

/**
 * `canonicalJson` of `v` without the dotted `paths`, whether stored nested, dotted, or mixed: at
 * each object a key equal to a path is left out, and a key that starts a path passes the rest of
 * it down. Written by concatenation, as one pass (it runs for every alert of an event without an
 * `_id`).
 */
function canonical(v: unknown, paths: readonly string[] | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'object') {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint') return v.toString();
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += v[i] === undefined ? 'null' : canonical(v[i], undefined);
    }
    return out + ']';
  }
  const withJson = v as { toJSON?: () => unknown };
  if (!isPlainObject(v) && typeof withJson.toJSON === 'function') return canonical(withJson.toJSON(), undefined);
  const o = v as Doc;
  const keys = Object.keys(o);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = o[k];
    if (x === undefined) continue;
    let below: string[] | undefined;
    if (paths !== undefined) {
      if (paths.includes(k)) continue;
      if (isPlainObject(x))
        for (const p of paths)
          if (p.length > k.length && p.startsWith(k) && p[k.length] === '.') (below ??= []).push(p.slice(k.length + 1));
    }
    if (!first) out += ',';
    first = false;
    out += quoted(k) + ':' + canonical(x, below);
  }
  return out + '}';
}

/** Keys as JSON strings; documents repeat their keys, so each is written once. */
const quoted = stringJsonMemo(50_000);

/**
 * The deterministic stand-in for an event's `_id` when the input carried none: the sha256 (hex)
 * of the canonical JSON of the document without `exclude` (default `CONTENT_ID_EXCLUDED_FIELDS`).
 */
export function eventContentId(doc: Doc, exclude: readonly string[] = CONTENT_ID_EXCLUDED_FIELDS): string {
  return sha256(canonical(doc, exclude.length ? exclude : undefined));
}
