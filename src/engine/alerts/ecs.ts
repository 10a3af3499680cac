/**
 * Kibana's preparation of a source document for the alerts index (`traverseAndMutateDoc`):
 *
 * 1. top-level keys whose first dotted segment is `kibana`, `signal` or `threshold_result` go;
 * 2. values that would conflict with the alerts index's ECS mapping go (a string where ECS has an
 *    object, an object where ECS has a keyword, a non-numeric `long`, an invalid `ip`, `date` or
 *    `boolean`, a primitive in a `nested` field, a path under an ECS leaf such as
 *    `process.name.text`); array items are judged one by one and emptied arrays/objects vanish;
 * 3. every top-level `event.*` / `data_stream.*` value is copied, flattened, to
 *    `kibana.alert.original_event.*` / `kibana.alert.original_data_stream.*` (after step 2, before
 *    `event.kind` is removed, so `original_event.kind` keeps the event's kind).
 *
 * The ECS field map is Kibana's `ecsFieldMap` (@kbn/alerts-as-data-utils), rebuilt from the same
 * `@elastic/ecs` definitions: every field except `constant_keyword`, `nested` and `flattened` ones
 * (and their children) and a few experimental RFC fields.
 */
import { isIP } from 'node:net';
import { ecsFieldSpecs } from '../../eql/ecs-table.js';
import { fastIsoToMs } from '../../eql/ordinal.js';
import {
  ALERT_ORIGINAL_DATA_STREAM,
  ALERT_ORIGINAL_EVENT,
  flattenWithPrefix,
  isPlainObject,
  type Doc,
} from './fields.js';

interface EcsSpec {
  type: string;
}

interface EcsMaps {
  fields: Map<string, EcsSpec>;
  /** Proper prefixes of ECS field names: paths that are objects in the mapping. */
  objects: Set<string>;
  nested: Set<string>;
}

const EXCLUDED_TYPES = new Set(['constant_keyword', 'nested', 'flattened']);
// Stage-2 RFC fields Kibana leaves out of the alerts mapping (ecs_field_map.ts).
const EXPERIMENTAL_FIELDS = new Set([
  'faas.trigger',
  'faas.trigger.request_id',
  'faas.trigger.type',
  'host.cpu.system.norm.pct',
  'host.cpu.user.norm.pct',
  'host.fsstats.total_size.total',
  'host.fsstats.total_size.used',
  'host.fsstats.total_size.used.pct',
  'host.load.norm.1',
  'host.load.norm.5',
  'host.load.norm.15',
  'host.memory.actual.used.bytes',
  'host.memory.actual.used.pct',
  'host.memory.total',
  'process.io.bytes',
]);

let maps: EcsMaps | undefined;

function ecsMaps(): EcsMaps {
  if (maps) return maps;
  const flat = ecsFieldSpecs();
  const excludedParents: string[] = [];
  const nested = new Set<string>();
  for (const [k, v] of flat) {
    if (EXCLUDED_TYPES.has(v.type)) excludedParents.push(k + '.');
    if (v.type === 'nested') nested.add(k);
  }
  const fields = new Map<string, EcsSpec>();
  const objects = new Set<string>();
  for (const [k, v] of flat) {
    const type = v.type;
    if (EXCLUDED_TYPES.has(type) || EXPERIMENTAL_FIELDS.has(k)) continue;
    if (excludedParents.some((p) => k.startsWith(p))) continue;
    fields.set(k, { type });
    const parts = k.split('.');
    for (let i = 1; i < parts.length; i++) objects.add(parts.slice(0, i).join('.'));
  }
  maps = { fields, objects, nested };
  return maps;
}

function isEcsField(m: EcsMaps, path: string): boolean {
  return m.fields.has(path) || m.objects.has(path);
}

function isEcsObject(m: EcsMaps, path: string): boolean {
  const t = m.fields.get(path)?.type;
  return t === 'object' || t === 'flattened' || t === 'geo_point' || m.objects.has(path);
}

/** Every proper prefix of a dotted path must be an object in ECS (`agent.name.x` is not). */
function dottedPathValid(m: EcsMaps, path: string): boolean {
  const parts = path.split('.');
  let prefix = '';
  for (let i = 0; i < parts.length - 1; i++) {
    prefix = prefix ? `${prefix}.${parts[i]}` : parts[i];
    if (isEcsField(m, prefix) && !isEcsObject(m, prefix)) return false;
  }
  return true;
}

/** `isValidNumericType`: numbers, and strings `Number()` accepts (so `''` and `' 24 '` pass). */
export function isValidNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (typeof v === 'string') return !Number.isNaN(Number(v));
  return false;
}

function isValidLong(v: unknown): boolean {
  if (typeof v === 'string' && v.includes(' ')) return false;
  return isValidNumeric(v);
}

function isValidBoolean(v: unknown): boolean {
  return v === true || v === false || v === 'true' || v === 'false' || v === '';
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// moment's strict ISO_8601 shapes: calendar, week and ordinal dates (extended or basic), an
// optional `T`/space time of hh, hh:mm, hh:mm:ss(.fraction) or their basic forms, and an offset.
const ISO_DATE =
  /^(?:([+-]\d{6}|\d{4})-(\d\d)-(\d\d)|(\d{4})-(\d\d)|(\d{4})(\d\d)(\d\d)|(\d{4})-?W(\d\d)(?:-?([1-7]))?|(\d{4})-?(\d{3})|(\d{4}))(?:[T ](\d\d)(?::?(\d\d)(?::?(\d\d)(?:[.,]\d+)?)?)?(Z|[+-]\d\d(?::?\d\d)?)?)?$/;

function validYmd(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS[mo - 1]) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

/**
 * `isValidDateType`: anything numeric (epoch millis), else a string moment parses strictly as
 * ISO 8601, or `YYYY-MM-DDT` (valid for Elasticsearch, not for moment). An approximation of
 * moment's grammar by one expression, checked on Kibana's own test cases.
 */
export function isValidDate(v: unknown): boolean {
  if (isValidNumeric(v)) return true;
  if (typeof v !== 'string') return false;
  // The shape almost every event time has (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`), read by the
  // ordering parser without the general expression: what it reads is valid ISO 8601; anything
  // else it leaves to the expression.
  if (fastIsoToMs(v)) return true;
  if (/^\d{4}-\d\d-\d\dT$/.test(v)) return validYmd(+v.slice(0, 4), +v.slice(5, 7), +v.slice(8, 10));
  const m = ISO_DATE.exec(v);
  if (!m) return false;
  if (m[1] !== undefined && !validYmd(+m[1], +m[2], +m[3])) return false;
  if (m[4] !== undefined && (+m[5] < 1 || +m[5] > 12)) return false;
  if (m[6] !== undefined && !validYmd(+m[6], +m[7], +m[8])) return false;
  if (m[10] !== undefined && (+m[10] < 1 || +m[10] > 53)) return false;
  if (m[13] !== undefined && (+m[13] < 1 || +m[13] > 366)) return false;
  const h = m[15] === undefined ? 0 : +m[15];
  const mi = m[16] === undefined ? 0 : +m[16];
  const s = m[17] === undefined ? 0 : +m[17];
  if (h > 24 || mi > 59 || s > 59 || (h === 24 && (mi > 0 || s > 0))) return false;
  return true;
}

/** One IPv4 part as ipaddr.js reads it: hex `0x..`, octal with a leading 0, else decimal. */
function ipv4Part(s: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
  if (/^0\d/.test(s)) return /^0[0-7]+$/.test(s) ? parseInt(s, 8) : undefined;
  return /^\d+$/.test(s) ? parseInt(s, 10) : undefined;
}

/**
 * `isValidIpType` (ipaddr.js `isValid`): standard IPv4/IPv6, IPv6 with a zone id, and the legacy
 * IPv4 forms ipaddr.js accepts (1 to 4 parts, octal or hex parts: `10`, `127.1`, `0x7f.0.0.1`).
 */
export function isValidIp(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (isIP(v) !== 0) return true;
  const zone = v.indexOf('%');
  if (zone > 0 && /^[0-9a-z_.-]+$/i.test(v.slice(zone + 1)) && isIP(v.slice(0, zone)) === 6) return true;
  const parts = v.split('.');
  if (parts.length < 1 || parts.length > 4) return false;
  const nums = parts.map(ipv4Part);
  if (nums.some((n) => n === undefined)) return false;
  const head = nums.slice(0, -1) as number[];
  const last = nums[nums.length - 1] as number;
  if (head.some((n) => n > 255)) return false;
  return last <= 2 ** (8 * (5 - parts.length)) - 1;
}

/** What the mapping says of one path, worked out once per path (events repeat their paths). */
interface PathInfo {
  /** A proper prefix of the path is a leaf field in ECS (`agent.name.x`): nothing fits there. */
  blocked: boolean;
  nested: boolean;
  /** The ECS type, or undefined for a path ECS does not know (anything fits). */
  type: string | undefined;
  /** An object in the mapping (an object/flattened/geo_point field, or a prefix of fields). */
  object: boolean;
}

/**
 * Paths as a tree of their dotted segments, each node knowing its mapping (worked out once per
 * path: events repeat their paths). A walk follows a document's keys down the tree, so no dotted
 * path is built and hashed for each of its values.
 */
interface PathNode {
  path: string;
  info: PathInfo | undefined;
  children: Map<string, PathNode>;
}

const newNode = (path: string): PathNode => ({ path, info: undefined, children: new Map() });
let root = newNode('');
let nodes = 0;
// Paths come from the data; keys that never repeat (registry values…) must not grow this forever.
const PATH_NODES_MAX = 20_000;

function child(node: PathNode, key: string): PathNode {
  let c = node.children.get(key);
  if (c === undefined) {
    if (++nodes > PATH_NODES_MAX) {
      // Started over; the caller's `node` still works, it is only no longer shared.
      root = newNode('');
      nodes = 1;
    }
    c = newNode(node.path === '' ? key : `${node.path}.${key}`);
    node.children.set(key, c);
  }
  return c;
}

function infoOf(node: PathNode): PathInfo {
  if (node.info !== undefined) return node.info;
  const path = node.path;
  const m = ecsMaps();
  const known = isEcsField(m, path);
  return (node.info = {
    blocked: path.includes('.') && !dottedPathValid(m, path),
    nested: m.nested.has(path),
    type: known ? (m.fields.get(path)?.type ?? 'object') : undefined,
    object: isEcsObject(m, path),
  });
}

/** The node of a dotted path (each segment a step, as a document written flat would give). */
function nodeOf(path: string): PathNode {
  let node = root;
  for (const part of path.split('.')) node = child(node, part);
  return node;
}

/** Whether a value at `path` fits the alerts index's ECS mapping (`computeIsEcsCompliant`). */
export function isEcsCompliant(value: unknown, path: string): boolean {
  return compliantAt(value, infoOf(nodeOf(path)));
}

function compliantAt(value: unknown, info: PathInfo): boolean {
  if (info.blocked) return false;
  if (info.nested) {
    return Array.isArray(value) ? value.every(isPlainObject) : isPlainObject(value);
  }
  if (info.type === undefined) return true;
  switch (info.type) {
    case 'geo_point':
      return true;
    case 'long':
      return isValidLong(value);
    case 'float':
    case 'scaled_float':
      return isValidNumeric(value);
    case 'ip':
      return isValidIp(value);
    case 'date':
      return isValidDate(value);
    case 'boolean':
      return isValidBoolean(value);
  }
  return info.object ? isPlainObject(value) : !isPlainObject(value);
}

const BANNED_TOP = new Set(['kibana', 'signal', 'threshold_result']);
const COPY_TOP: Record<string, string> = { event: ALERT_ORIGINAL_EVENT, data_stream: ALERT_ORIGINAL_DATA_STREAM };

export interface StripResult {
  /** The document, mutated in place: non-compliant fields removed, original_* copies appended. */
  doc: Doc;
  /** Dotted paths removed as ECS-incompatible (Kibana logs them at debug level). */
  removed: string[];
}

/** Prepares a (cloned) source document for the alert. Mutates `doc`. */
export function stripNonEcs(doc: Doc): StripResult {
  const removed: string[] = [];
  const toAdd: Array<[string, unknown]> = [];
  walkObject(doc, root, true, removed, toAdd);
  for (const [k, v] of toAdd) doc[k] = v;
  return { doc, removed };
}

function isEmpty(o: Doc): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return false;
  return true;
}

/** The first dotted segment of a key. */
function head(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

function walkObject(obj: Doc, at: PathNode, top: boolean, removed: string[], toAdd: Array<[string, unknown]>): void {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    // A dotted key is one step here, as Kibana joins it into the path (`a` + `b.c` is `a.b.c`).
    const node = child(at, key);
    let deleted = false;
    if (top && BANNED_TOP.has(head(key))) {
      delete obj[key];
      deleted = true;
      removed.push(node.path);
    }
    if (!deleted) {
      if (Array.isArray(value)) {
        const kept = walkArray(value, node, removed, toAdd);
        if (kept.length > 0) obj[key] = kept;
        else {
          delete obj[key];
          deleted = true;
        }
      } else if (!compliantAt(value, infoOf(node))) {
        delete obj[key];
        deleted = true;
        removed.push(node.path);
      } else if (isPlainObject(value)) {
        walkObject(value, node, false, removed, toAdd);
        if (isEmpty(value)) {
          delete obj[key];
          deleted = true;
        }
      }
    }
    if (!deleted && top) {
      const h = head(key);
      const dest = Object.hasOwn(COPY_TOP, h) ? COPY_TOP[h] : undefined;
      if (dest) {
        const target = dest + node.path.slice(h.length);
        const v = obj[key];
        if (isPlainObject(v)) for (const [k, x] of Object.entries(flattenWithPrefix(target, v))) toAdd.push([k, x]);
        else toAdd.push([target, v]);
      }
    }
  }
}

function walkArray(arr: unknown[], at: PathNode, removed: string[], toAdd: Array<[string, unknown]>): unknown[] {
  for (let i = 0; i < arr.length; i++) {
    if (Array.isArray(arr[i])) arr[i] = walkArray(arr[i] as unknown[], at, removed, toAdd);
  }
  return arr.filter((v) => {
    if (Array.isArray(v)) return v.length > 0;
    if (!compliantAt(v, infoOf(at))) {
      removed.push(at.path);
      return false;
    }
    if (isPlainObject(v)) {
      walkObject(v, at, false, removed, toAdd);
      return !isEmpty(v);
    }
    return true;
  });
}
