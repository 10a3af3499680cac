/**
 * Elastic Endgame documents → `endgame-*`.
 *
 * There is no integration pipeline for Endgame: the Endgame platform wrote its events into
 * `endgame-<version>` indices itself, already in ECS (process.*, file.*, event.*, host.*) with the
 * sensor's own fields under `endgame.*` (`event_type_full`, `event_subtype_full`, `unique_pid`,
 * `serial_event_id`, …; the shape Kibana's resolver reads as `LegacyEndpointEvent`), `agent.type:
 * endgame` and `event.module: endgame` (what the Endgame promotion rules select on). Such
 * documents pass through unchanged except for:
 * - a numeric `@timestamp` (epoch milliseconds) written as an ISO string, the instant unchanged;
 * - `event.module: endgame` when missing;
 * - `event.ingested` when missing, by the usual policy (rules schedule on it).
 * They get no `data_stream.*` (the indices have none, so `data_stream.dataset == …` is false).
 *
 * Native Endgame events in the EQL schema of endgameinc/eql (flat `event_type_full`,
 * `process_name`, `unique_pid`, FILETIME `timestamp`, …) are mapped to the same ECS shape by
 * eqlite's own table (NATIVE below), the originals kept under `endgame.*`.
 *
 * Enrichments (off with `strictEcs`): `host.os.type` from `host.os.platform`/`family`/`name`, or
 * `windows` when the event's paths are Windows paths; `event.category`/`event.type` from
 * `endgame.event_type_full`/`event_subtype_full` when a document lacks them.
 */
import { cloneJson, compileMapping, isObject, type CompiledMapping, type Step } from '../../mapping/index.js';
import { formatMillis } from '../../mapping/values.js';
import {
  ingestedValue,
  looksWindowsPath,
  objectAt,
  reporter,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
  type NormalisedEvent,
  type RawRecord,
} from '../common.js';

export type EndgameShape = 'ecs' | 'native';

/** An Endgame document (ECS-like, from an `endgame-*` index) or a native Endgame EQL-schema event. */
export function endgameShape(v: Record<string, unknown>): EndgameShape | undefined {
  const eg = v.endgame;
  if (
    isObject(eg) &&
    (eg.event_type_full !== undefined ||
      eg.unique_pid !== undefined ||
      eg.serial_event_id !== undefined ||
      eg.metadata !== undefined)
  )
    return 'ecs';
  const agent = v.agent;
  if (isObject(agent) && agent.type === 'endgame') return 'ecs';
  const event = v.event;
  if (isObject(event) && event.module === 'endgame') return 'ecs';
  if (
    typeof v.event_type_full === 'string' &&
    (v.unique_pid !== undefined ||
      v.serial_event_id !== undefined ||
      v.opcode !== undefined ||
      v.event_subtype_full !== undefined)
  )
    return 'native';
  return undefined;
}

/** `event_type_full` → ECS categories (endgameinc/eql's event types: process, file, network, dns, registry, image_load, security). */
const CATEGORIES: Record<string, string[]> = {
  process_event: ['process'],
  file_event: ['file'],
  network_event: ['network'],
  dns_event: ['network'],
  registry_event: ['registry'],
  image_load_event: ['library'],
  security_event: ['authentication'],
};

/** `event_subtype_full` → ECS `event.type`. */
const TYPES: Record<string, string[]> = {
  creation_event: ['start'],
  termination_event: ['end'],
  already_running: ['info'],
  file_create_event: ['creation'],
  file_delete_event: ['deletion'],
  file_modify_event: ['change'],
  file_rename_event: ['change'],
  file_overwrite_event: ['change'],
  registry_create_key_event: ['creation'],
  registry_modify_event: ['change'],
  registry_delete_event: ['deletion'],
  registry_delete_value_event: ['deletion'],
  ipv4_connection_attempt_event: ['start', 'connection'],
  ipv6_connection_attempt_event: ['start', 'connection'],
  ipv4_connection_accept_event: ['start', 'connection'],
  ipv6_connection_accept_event: ['start', 'connection'],
  ipv4_disconnect_received_event: ['end', 'connection'],
  ipv6_disconnect_received_event: ['end', 'connection'],
  request_event: ['protocol', 'info'],
  image_load_event: ['start'],
  user_logon: ['start'],
  user_logoff: ['end'],
  explicit_user_logon: ['start'],
};

const E = (k: string): string => `endgame.${k}`;

/** Native EQL-schema event (moved under `endgame`) → ECS. eqlite's own table: Elastic published none. */
const NATIVE: Step[] = [
  { op: 'date', field: '@timestamp', from: E('timestamp_utc'), formats: ['ISO8601', 'yyyy-MM-dd HH:mm:ss'] },
  {
    op: 'script',
    name: 'filetime_timestamp',
    if: { missing: '@timestamp' },
    run: (r) => {
      const eg = r.doc.endgame as Record<string, unknown>;
      for (const k of ['timestamp', 'event_timestamp']) {
        const v = eg[k];
        if (typeof v !== 'number' && !(typeof v === 'string' && /^\d+$/.test(v))) continue;
        const n = BigInt(v);
        // FILETIME: 100 ns ticks since 1601-01-01.
        const ms = n > 10_000_000_000_000n ? Number(n / 10_000n - 11_644_473_600_000n) : Number(n) * 1000;
        if (Number.isFinite(ms)) {
          r.doc['@timestamp'] = formatMillis(ms);
          return;
        }
      }
    },
  },
  { op: 'set', field: 'event.kind', value: 'event' },
  {
    op: 'lookup',
    key: E('event_type_full'),
    into: 'event',
    table: Object.fromEntries(Object.entries(CATEGORIES).map(([k, v]) => [k, { category: v }])),
  },
  {
    op: 'lookup',
    key: E('event_subtype_full'),
    into: 'event',
    table: Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [k, { type: v }])),
  },
  { op: 'copy', field: 'event.action', from: E('event_subtype_full') },
  { op: 'copy', field: 'process.name', from: E('process_name') },
  { op: 'copy', field: 'process.executable', from: E('process_path') },
  { op: 'convert', field: 'process.pid', from: E('pid'), type: 'long' },
  { op: 'convert', field: 'process.entity_id', from: E('unique_pid'), type: 'string' },
  { op: 'copy', field: 'process.command_line', from: E('command_line') },
  { op: 'argv', from: 'process.command_line', args: 'process.args', count: 'process.args_count', algorithm: 'go' },
  { op: 'copy', field: 'process.hash.md5', from: E('md5') },
  { op: 'copy', field: 'process.hash.sha1', from: E('sha1') },
  { op: 'copy', field: 'process.hash.sha256', from: E('sha256') },
  { op: 'copy', field: 'process.parent.name', from: E('parent_process_name') },
  { op: 'copy', field: 'process.parent.executable', from: E('parent_process_path') },
  { op: 'convert', field: 'process.parent.pid', from: E('ppid'), type: 'long' },
  { op: 'convert', field: 'process.parent.entity_id', from: E('unique_ppid'), type: 'string' },
  { op: 'copy', field: 'user.name', from: E('user_name') },
  { op: 'copy', field: 'user.domain', from: E('user_domain') },
  { op: 'copy', field: 'user.id', from: E('user_sid') },
  { op: 'copy', field: 'file.path', from: E('file_path') },
  { op: 'copy', field: 'file.name', from: E('file_name') },
  { op: 'basename', field: 'file.name', from: 'file.path', separators: '\\/' },
  {
    op: 'script',
    name: 'file_extension',
    if: { exists: 'file.name' },
    run: (r) => {
      const f = r.doc.file as Record<string, unknown>;
      const n = String(f.name);
      const dot = n.lastIndexOf('.');
      if (dot > -1 && dot < n.length - 1) f.extension ??= n.slice(dot + 1);
    },
  },
  { op: 'copy', field: 'registry.path', from: E('registry_path') },
  { op: 'copy', field: 'registry.key', from: E('registry_key') },
  { op: 'copy', field: 'registry.value', from: E('registry_value') },
  { op: 'append', field: 'registry.data.strings', from: E('registry_data') },
  { op: 'copy', field: 'dll.path', from: E('image_path') },
  { op: 'copy', field: 'dll.name', from: E('image_name') },
  { op: 'basename', field: 'dll.name', from: 'dll.path', separators: '\\/' },
  { op: 'copy', field: 'dns.question.name', from: E('query_name') },
  { op: 'copy', field: 'source.ip', from: E('source_address') },
  { op: 'convert', field: 'source.port', from: E('source_port'), type: 'long' },
  { op: 'copy', field: 'destination.ip', from: E('destination_address') },
  { op: 'convert', field: 'destination.port', from: E('destination_port'), type: 'long' },
  { op: 'copy', field: 'network.transport', from: E('protocol') },
  { op: 'copy', field: 'host.hostname', from: E('hostname') },
  { op: 'copy', field: 'host.name', from: E('hostname') },
  { op: 'set', field: 'agent.type', value: 'endgame' },
];

let native: CompiledMapping | undefined;
function nativeMapping(): CompiledMapping {
  native ??= compileMapping({ name: 'endgame native', steps: NATIVE }, { mode: 'adaptive' });
  return native;
}

const PLATFORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/windows/i, 'windows'],
  [/linux/i, 'linux'],
  [/mac|darwin|os ?x/i, 'macos'],
];

function enrichDoc(doc: Record<string, unknown>): void {
  const host = objectAt(doc, 'host');
  const os = isObject(host.os) ? host.os : undefined;
  if (os?.type === undefined) {
    let type: string | undefined;
    for (const v of [os?.platform, os?.family, os?.name, os?.full]) {
      if (typeof v !== 'string') continue;
      const hit = PLATFORMS.find(([re]) => re.test(v));
      if (hit !== undefined) {
        type = hit[1];
        break;
      }
    }
    if (type === undefined) {
      const p = doc.process;
      const f = doc.file;
      if (
        (isObject(p) && (looksWindowsPath(p.executable) || looksWindowsPath(p.name))) ||
        (isObject(f) && looksWindowsPath(f.path))
      )
        type = 'windows';
    }
    if (type !== undefined) objectAt(host, 'os').type = type;
  }
  if (Object.keys(host).length === 0) delete doc.host;
  const eg = doc.endgame;
  if (!isObject(eg)) return;
  const event = objectAt(doc, 'event');
  const cat = typeof eg.event_type_full === 'string' ? CATEGORIES[eg.event_type_full] : undefined;
  if (event.category === undefined && cat !== undefined) event.category = [...cat];
  const type = typeof eg.event_subtype_full === 'string' ? TYPES[eg.event_subtype_full] : undefined;
  if (event.type === undefined && type !== undefined) event.type = [...type];
}

export function createEndgameNormaliser(opts: EdrNormaliseOptions = {}): EdrRecordNormaliser {
  const enrich = opts.strictEcs !== true;
  return {
    format: 'endgame',
    normalise(rec: RawRecord): NormalisedEvent | undefined {
      const report = reporter(opts.sink, rec.loc);
      const shape = endgameShape(rec.value);
      if (shape === undefined) {
        report?.('unknown-shape', 'not an Endgame document (no endgame.* fields, agent.type or event.module endgame)');
        return undefined;
      }
      let doc: Record<string, unknown>;
      if (shape === 'native') {
        doc = { endgame: rec.value };
        nativeMapping().apply(doc, report);
      } else doc = rec.value;
      const ts = doc['@timestamp'];
      if (typeof ts === 'number' && Number.isFinite(ts)) doc['@timestamp'] = formatMillis(ts);
      const event = objectAt(doc, 'event');
      event.module ??= 'endgame';
      if (enrich) enrichDoc(doc);
      if (doc['@timestamp'] === undefined) report?.('missing-timestamp', 'the record carries no usable event time');
      if (event.ingested === undefined) {
        const ingested = ingestedValue(doc, opts.ingested);
        if (ingested !== undefined) event.ingested = ingested;
      }
      const agent = doc.agent;
      const version =
        isObject(agent) && typeof agent.version === 'string' && agent.version !== '' ? agent.version : 'default';
      return { doc, index: `endgame-${version}` };
    },
  };
}

/** One document; the input is copied, not modified. */
export function normaliseEndgame(
  raw: Record<string, unknown>,
  opts: EdrNormaliseOptions = {},
): NormalisedEvent | undefined {
  return createEndgameNormaliser(opts).normalise({ value: cloneJson(raw), loc: opts.loc ?? { file: '-' } });
}
