/**
 * Elasticsearch's `_bulk` format: NDJSON action lines (`index`, `create`, `update`, `delete`),
 * each `index`/`create`/`update` followed by its source line, and the per-item answer ES gives.
 * Malformed action lines fail the whole request, as in ES; everything else fails per item.
 * eqlite stores documents only: `update` and `delete` items get a per-item 400.
 */
import type { IngestItem, ItemOutcome } from './ingestor.js';

export interface RequestError {
  status: number;
  type: string;
  reason: string;
}

export type BulkSlot =
  | { kind: 'doc'; action: 'index' | 'create'; item: IngestItem }
  | { kind: 'error'; action: string; index?: string; id?: string; error: RequestError };

const ACTIONS = new Set(['index', 'create', 'update', 'delete']);
// Elasticsearch's index name rules (MetadataCreateIndexService.validateIndexOrAliasName).
const BAD_INDEX_CHAR = /[\\/*?"<>| ,#:A-Z]/;

export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (BAD_INDEX_CHAR.test(name))
    return 'must be lowercase and must not contain \\, /, *, ?, ", <, >, |, space, comma, # or :';
  if (/^[-_+]/.test(name)) return "must not start with '_', '-', or '+'";
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  if (Buffer.byteLength(name) > 255) return 'index name is too long';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a bulk body. A request-level problem comes back as `{ error }`. */
export function parseBulk(
  body: string,
  defaultIndex: string | undefined,
): { slots: BulkSlot[] } | { error: RequestError } {
  const slots: BulkSlot[] = [];
  let pos = 0;
  let lineNo = 0;
  const next = (): string | undefined => {
    while (pos < body.length) {
      let end = body.indexOf('\n', pos);
      if (end < 0) end = body.length;
      let line = body.slice(pos, end);
      pos = end + 1;
      lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim().length > 0) return line;
    }
    return undefined;
  };
  const missingIndex: number[] = [];
  // Shippers repeat the same action line for every document: parse it once.
  let lastLine: string | undefined;
  let lastAction: unknown;
  let checkedIndex: string | undefined;
  let checkedProblem: string | undefined;
  for (;;) {
    const line = next();
    if (line === undefined) break;
    const actionLine = lineNo;
    let action: unknown;
    try {
      action = line === lastLine ? lastAction : JSON.parse(line);
      lastLine = line;
      lastAction = action;
    } catch {
      return {
        error: {
          status: 400,
          type: 'x_content_parse_exception',
          reason: `[${actionLine}:1] Malformed action/metadata line [${actionLine}], expected START_OBJECT`,
        },
      };
    }
    if (!isObject(action) || Object.keys(action).length !== 1) {
      return {
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `Malformed action/metadata line [${actionLine}], expected START_OBJECT or END_OBJECT`,
        },
      };
    }
    const name = Object.keys(action)[0];
    if (!ACTIONS.has(name)) {
      return {
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `Malformed action/metadata line [${actionLine}], expected field [create], [delete], [index] or [update] but found [${name}]`,
        },
      };
    }
    const meta = action[name];
    if (!isObject(meta)) {
      return {
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `Malformed action/metadata line [${actionLine}], expected START_OBJECT but found [${typeof meta}]`,
        },
      };
    }
    const index = typeof meta._index === 'string' ? meta._index : defaultIndex;
    const id = meta._id === undefined || meta._id === null ? undefined : String(meta._id);
    if (index === undefined) missingIndex.push(slots.length + 1);
    const source = name === 'delete' ? undefined : next();
    if (name !== 'delete' && source === undefined) {
      return {
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `The bulk request must be terminated by a newline [\\n]`,
        },
      };
    }
    const op = name === 'index' && meta.op_type === 'create' ? 'create' : name;
    if (op === 'update' || op === 'delete') {
      slots.push({
        kind: 'error',
        action: name,
        index,
        id,
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `eqlite stores events only: [${name}] is not supported`,
        },
      });
      continue;
    }
    // Items name the same index again and again: check each name once per request.
    if (index !== checkedIndex) {
      checkedIndex = index;
      checkedProblem = index !== undefined ? indexNameProblem(index) : undefined;
    }
    const problem = checkedProblem;
    if (problem) {
      slots.push({
        kind: 'error',
        action: name,
        index,
        id,
        error: {
          status: 400,
          type: 'invalid_index_name_exception',
          reason: `Invalid index name [${index}], ${problem}`,
        },
      });
      continue;
    }
    if (id !== undefined && (id.length === 0 || Buffer.byteLength(id) > 512)) {
      slots.push({
        kind: 'error',
        action: name,
        index,
        id,
        error: {
          status: 400,
          type: 'illegal_argument_exception',
          reason: `id [${id.slice(0, 40)}] is too long or empty, must be 1..512 bytes`,
        },
      });
      continue;
    }
    slots.push({
      kind: 'doc',
      action: op as 'index' | 'create',
      item: { op: op as 'index' | 'create', index: index ?? '', id, text: source as string },
    });
  }
  if (missingIndex.length) {
    return {
      error: {
        status: 400,
        type: 'action_request_validation_exception',
        reason: `Validation Failed: ${missingIndex.map((n, i) => `${i + 1}: index is missing;`).join('')}`,
      },
    };
  }
  return { slots };
}

/** Ids JSON writes as they are (derived ids are base64url). */
const SAFE_ID = /^[\w-]+$/;

const SHARDS = { total: 1, successful: 1, failed: 0 };

/** ES's success body for one document (`_doc`, `_create` and bulk items). */
export function docResult(o: Extract<ItemOutcome, { ok: true }>): Record<string, unknown> {
  return {
    _index: o.index,
    _id: o.id,
    _version: o.version,
    result: o.result,
    _shards: SHARDS,
    _seq_no: o.seq,
    _primary_term: 1,
  };
}

export function errorBody(e: RequestError, index?: string): Record<string, unknown> {
  return { type: e.type, reason: e.reason, ...(index !== undefined ? { index } : {}) };
}

/** The bulk answer: one item per action, in order; `errors` when any failed. */
export function bulkResponse(slots: BulkSlot[], outcomes: ItemOutcome[], tookMs: number): Record<string, unknown> {
  let errors = false;
  let k = 0;
  const items = slots.map((s) => {
    if (s.kind === 'error') {
      errors = true;
      return {
        [s.action]: {
          _index: s.index ?? null,
          _id: s.id ?? null,
          status: s.error.status,
          error: errorBody(s.error, s.index),
        },
      };
    }
    const o = outcomes[k++];
    if (!o.ok) {
      errors = true;
      const e = { status: o.status, type: o.type, reason: o.reason };
      return { [s.action]: { _index: o.index, _id: o.id ?? null, status: o.status, error: errorBody(e, o.index) } };
    }
    return { [s.action]: { ...docResult(o), status: o.result === 'created' ? 201 : 200 } };
  });
  return { errors, took: tookMs, items };
}

/**
 * The same answer as JSON text, written directly: for a 5000-item bulk, building the objects and
 * serialising them cost more than storing the documents' columns.
 */
export function bulkResponseText(slots: BulkSlot[], outcomes: ItemOutcome[], tookMs: number): string {
  let errors = false;
  let k = 0;
  const parts: string[] = new Array(slots.length);
  let lastIndex: string | undefined;
  let lastIndexJson = '';
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    if (s.kind === 'error') {
      errors = true;
      parts[i] = JSON.stringify({
        [s.action]: {
          _index: s.index ?? null,
          _id: s.id ?? null,
          status: s.error.status,
          error: errorBody(s.error, s.index),
        },
      });
      continue;
    }
    const o = outcomes[k++];
    if (!o.ok) {
      errors = true;
      const e = { status: o.status, type: o.type, reason: o.reason };
      parts[i] = JSON.stringify({
        [s.action]: { _index: o.index, _id: o.id ?? null, status: o.status, error: errorBody(e, o.index) },
      });
      continue;
    }
    // Items of a bulk name the same index: its JSON is made once.
    if (o.index !== lastIndex) {
      lastIndex = o.index;
      lastIndexJson = JSON.stringify(o.index);
    }
    const id = SAFE_ID.test(o.id) ? `"${o.id}"` : JSON.stringify(o.id);
    parts[i] =
      `{"${s.action}":{"_index":${lastIndexJson},"_id":${id},"_version":${o.version},"result":"${o.result}",` +
      `"_shards":{"total":1,"successful":1,"failed":0},"_seq_no":${o.seq},"_primary_term":1,"status":${o.result === 'created' ? 201 : 200}}}`;
  }
  return `{"errors":${errors},"took":${tookMs},"items":[${parts.join(',')}]}`;
}
