/**
 * Field names Kibana writes into security alerts, and the few field-access rules its detection
 * engine uses on documents that mix nested objects and dotted keys (`{"host": {...}}` beside
 * `{"event.kind": ...}`). Each accessor mirrors one Kibana helper, because they disagree on mixed
 * documents and the alert must come out as Kibana's would.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = Record<string, unknown>;

// `kibana.*` field names (@kbn/rule-data-utils and security_solution's field_names).
export const TIMESTAMP = '@timestamp';
export const EVENT_KIND = 'event.kind';
export const SPACE_IDS = 'kibana.space_ids';
export const VERSION = 'kibana.version';
export const ALERT_ANCESTORS = 'kibana.alert.ancestors';
export const ALERT_BUILDING_BLOCK_TYPE = 'kibana.alert.building_block_type';
export const ALERT_DEPTH = 'kibana.alert.depth';
export const ALERT_GROUP_ID = 'kibana.alert.group.id';
export const ALERT_GROUP_INDEX = 'kibana.alert.group.index';
export const ALERT_INTENDED_TIMESTAMP = 'kibana.alert.intended_timestamp';
export const ALERT_LAST_DETECTED = 'kibana.alert.last_detected';
export const ALERT_ORIGINAL_DATA_STREAM = 'kibana.alert.original_data_stream';
export const ALERT_ORIGINAL_EVENT = 'kibana.alert.original_event';
export const ALERT_ORIGINAL_TIME = 'kibana.alert.original_time';
export const ALERT_REASON = 'kibana.alert.reason';
export const ALERT_RISK_SCORE = 'kibana.alert.risk_score';
export const ALERT_SEVERITY = 'kibana.alert.severity';
export const ALERT_START = 'kibana.alert.start';
export const ALERT_STATUS = 'kibana.alert.status';
export const ALERT_URL = 'kibana.alert.url';
export const ALERT_UUID = 'kibana.alert.uuid';
export const ALERT_WORKFLOW_ASSIGNEE_IDS = 'kibana.alert.workflow_assignee_ids';
export const ALERT_WORKFLOW_STATUS = 'kibana.alert.workflow_status';
export const ALERT_WORKFLOW_TAGS = 'kibana.alert.workflow_tags';
export const ALERT_RULE_PARAMETERS = 'kibana.alert.rule.parameters';
export const ALERT_RULE_UUID = 'kibana.alert.rule.uuid';
export const ALERT_RULE_NAME = 'kibana.alert.rule.name';
export const ALERT_RULE_RULE_ID = 'kibana.alert.rule.rule_id';
export const ALERT_RULE_THREAT = 'kibana.alert.rule.threat';
export const ALERT_RULE_META = 'kibana.alert.rule.meta';

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of a JSON-like value (Kibana mutates the hit it builds from; eqlite must not). Frozen
 * values cannot be mutated and are shared as they are (a rule's parameters, built once per rule).
 */
export function cloneJson<T>(v: T): T {
  if (v !== null && typeof v === 'object' && Object.isFrozen(v)) return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = cloneJson(v[k]);
    return out as T;
  }
  return v;
}

/**
 * lodash `get(obj, path)`: the whole path as a key when the object has it, else the path split on
 * dots and followed through nested objects (a dotted key below the top is not found). Kibana's
 * reason, severity, risk-score and rule-name code reads event values this way.
 */
export function lodashGet(doc: unknown, path: string): unknown {
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc === 'object' && path in (doc as object)) return (doc as Doc)[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
}

/**
 * Kibana's `robustGet`: any mix of nested objects and dotted keys, trying the longest dotted
 * prefix that exists at each level. Used where Kibana uses it (removing `event.kind`, ancestry).
 */
export function robustGet(doc: Doc, key: string): unknown {
  const fast = doc[key];
  if (fast !== null && fast !== undefined) return fast;
  const parts = key.split('.');
  let prefix = parts[0];
  for (let i = 0; i < parts.length - 1; i++) {
    if (i > 0) prefix += `.${parts[i]}`;
    const v = doc[prefix];
    if (v !== null && v !== undefined) {
      return isObjectLike(v) ? robustGet(v as Doc, parts.slice(i + 1).join('.')) : undefined;
    }
  }
  return undefined;
}

/** Kibana's `isObjectTypeGuard`: an object that is not an array. */
function isObjectLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Kibana's `robustSet(key, undefined)`, used only to clear `event.kind` in the source before the
 * alert's own `event.kind` is added: the deepest existing container gets the key set to
 * `undefined` (JSON then omits it; an `event` object holding nothing else stays as `{}`).
 * Call only when `robustGet(doc, key)` found a value.
 */
export function robustClear(doc: Doc, key: string): void {
  const parts = key.split('.');
  let prefix = parts[0];
  for (let i = 0; i < parts.length - 1; i++) {
    if (i > 0) prefix += `.${parts[i]}`;
    const v = doc[prefix];
    if (v !== null && v !== undefined && isObjectLike(v)) {
      robustClear(v as Doc, parts.slice(i + 1).join('.'));
      return;
    }
  }
  // lodash `set`: a path the object holds as a key is that key; otherwise nested objects.
  if (key in doc) {
    doc[key] = undefined;
    return;
  }
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (!isObjectLike(next)) return;
    cur = next as Doc;
  }
  cur[parts[parts.length - 1]] = undefined;
}

/**
 * The values Elasticsearch's `fields` option returns for a field: every leaf value stored under
 * the dotted path, through nested objects, dotted keys and arrays of objects, flattened into one
 * list (nulls left out); undefined when there is none. Offline there is no `fields` block, so this
 * rebuilds the part of it Kibana reads (values come as written in `_source`, not re-formatted by
 * the mapping).
 */
export function esFieldValues(doc: Doc, path: string): unknown[] | undefined {
  const out: unknown[] = [];
  collect(doc, path, out);
  return out.length ? out : undefined;
}

function collect(v: unknown, path: string, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, path, out);
    return;
  }
  if (!isObjectLike(v)) return;
  const o = v as Doc;
  for (const k of Object.keys(o)) {
    if (k === path) pushLeaves(o[k], out);
    else if (path.startsWith(k + '.')) collect(o[k], path.slice(k.length + 1), out);
  }
}

function pushLeaves(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) for (const x of v) pushLeaves(x, out);
  else if (v !== null && v !== undefined && !isObjectLike(v)) out.push(v);
}

/**
 * Recursively drops keys whose value is `undefined`, so that the in-memory alert equals what
 * `JSON.stringify` (and so the Elasticsearch bulk body) carries. Frozen values are left as they are:
 * they were made clean before being frozen.
 */
export function dropUndefined(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && Object.isFrozen(v)) return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : dropUndefined(x)));
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === undefined) delete v[k];
      else v[k] = dropUndefined(v[k]);
    }
  }
  return v;
}

/** lodash `flattenWithPrefix` from @kbn/securitysolution-rules: plain objects flatten, everything else is a leaf. */
export function flattenWithPrefix(prefix: string, value: unknown, out: Doc = {}): Doc {
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) flattenWithPrefix(`${prefix}.${k}`, value[k], out);
  } else {
    out[prefix] = value;
  }
  return out;
}
