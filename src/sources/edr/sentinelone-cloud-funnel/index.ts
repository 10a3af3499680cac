/**
 * SentinelOne Cloud Funnel (Deep Visibility telemetry) → `sentinel_one_cloud_funnel.event`.
 *
 * Cloud Funnel writes NDJSON with flat keys whose names contain dots (`"src.process.cmdline"`,
 * `"event.time"` in epoch milliseconds, `"meta.event.name"`); already-nested records are read too.
 * The pipeline (pipeline.ts) maps the ECS fields; this module adds what default.yml does around it:
 * the `\\\\` → `\\` replacement on the raw text before decoding, the vendor namespace, the removal
 * of duplicated custom fields and of `event.original` unless tagged, and the final drop of null and
 * empty values (inside lists too: empty arguments vanish, `args_count` keeps them).
 *
 * The vendor namespace `sentinel_one_cloud_funnel.event` is built generically (each key
 * snake_cased) rather than with Elastic's hand-written rename table; no rule reads it.
 *
 * Enrichment (off with `strictEcs`): module-load events (category `module`) get
 * `event.category: library`, `event.type: start` and `dll.path/name/hash.*` from `module.*` —
 * Elastic maps them to nothing a rule can select, although library rules read `dll.*`.
 */
import { compileMapping, isObject, type CompiledMapping } from '../../mapping/index.js';
import {
  finishAgentDoc,
  hasTag,
  initialDoc,
  objectAt,
  reporter,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
  type NormalisedEvent,
  type RawRecord,
} from '../common.js';
import { S1_STEPS } from './pipeline.js';

export const S1_DATASET = 'sentinel_one_cloud_funnel.event';

let compiled: CompiledMapping | undefined;
let cleanup: CompiledMapping | undefined;
function pipelines(): [CompiledMapping, CompiledMapping] {
  compiled ??= compileMapping({ name: 'sentinel_one_cloud_funnel.event', steps: S1_STEPS }, { mode: 'adaptive' });
  cleanup ??= compileMapping(
    {
      name: 'sentinel_one_cloud_funnel.event cleanup',
      steps: [{ op: 'prune', values: [null, ''], emptyContainers: true, tag: 'drop_null_and_empty' }],
    },
    { mode: 'adaptive' },
  );
  return [compiled, cleanup];
}

/** Does this parsed object look like a Cloud Funnel record (flat dotted or nested keys)? */
export function isS1Record(v: Record<string, unknown>): boolean {
  if (typeof v['meta.event.name'] === 'string') return true;
  if (
    typeof v['event.category'] === 'string' &&
    (v['agent.uuid'] !== undefined || v['src.process.uid'] !== undefined || v['endpoint.name'] !== undefined)
  )
    return true;
  const meta = v.meta;
  if (isObject(meta) && isObject(meta.event) && typeof meta.event.name === 'string') {
    const ev = v.event;
    return (
      isObject(ev) && typeof ev.category === 'string' && (isObject(v.src) || isObject(v.tgt) || isObject(v.endpoint))
    );
  }
  return false;
}

/**
 * default.yml's first processor: `gsub` on the raw message, pattern `\\\\\\\\` (four backslashes in
 * the JSON text, two in the value) → `\\\\`: every doubled backslash in a value becomes one.
 */
const FOUR_BACKSLASHES = /\\\\\\\\/g;
function collapseBackslashes(v: unknown): unknown {
  if (typeof v === 'string') return v.includes('\\\\') ? v.replace(/\\\\/g, '\\') : v;
  if (Array.isArray(v)) return v.map(collapseBackslashes);
  if (isObject(v)) {
    for (const k in v) v[k] = collapseBackslashes(v[k]);
    return v;
  }
  return v;
}

/** Raw (dot-expanded) paths whose copies the pipeline removes unless `preserve_duplicate_custom_fields`. */
const DUPLICATES: readonly string[] = [
  'dst.ip.address', 'dst.port.number', 'endpoint.name', 'endpoint.os', 'endpoint.type', 'group.id', 'event.id',
  'k8sCluster.containerId', 'k8sCluster.containerImage.sha256', 'k8sCluster.containerImage.value',
  'k8sCluster.containerLabels', 'k8sCluster.containerName', 'event.login.tgt.domainName',
  'event.login.tgt.user.name', 'event.login.userName', 'event.logout.tgt.domainName', 'event.logout.tgt.user.name',
  'event.network.protocolName', 'os.name', 'osSrc.process.parent.image.md5', 'registry.keyPath', 'registry.value',
  'src.endpoint.ip.address', 'src.ip.address', 'src.port.number', 'src.process.cmdline', 'src.process.displayName',
  'src.process.eUserName', 'src.process.eUserUid', 'src.process.image.md5', 'src.process.image.sha1',
  'src.process.image.sha256', 'src.process.name', 'src.process.parent.cmdline', 'src.process.parent.displayName',
  'src.process.parent.eUserName', 'src.process.parent.eUserUid', 'src.process.parent.image.sha1',
  'src.process.parent.image.sha256', 'src.process.parent.name', 'src.process.parent.pid',
  'src.process.parent.rUserName', 'src.process.parent.rUserUid', 'src.process.parent.startTime',
  'src.process.parent.user', 'src.process.pid', 'src.process.rUserName', 'src.process.rUserUid',
  'src.process.startTime', 'src.process.tid', 'src.process.user', 'tgt.file.creationTime', 'tgt.file.extension',
  'tgt.file.md5', 'tgt.file.modificationTime', 'tgt.file.name', 'tgt.file.path', 'tgt.file.sha1', 'tgt.file.sha256',
  'tgt.file.size', 'tgt.file.type', 'tgt.process.user', 'tiIndicator.description', 'tiIndicator.mitreTactics',
  'tiIndicator.references', 'event.time', 'url.address',
]; // prettier-ignore

/** camelCase → snake_case (`displayName` → `display_name`, `eUserUid` → `e_user_uid`). */
export function snakeCase(k: string): string {
  return /[A-Z]/.test(k) ? toSnake(k) : k;
}
function toSnake(k: string): string {
  return k
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Top-level renames Elastic's table applies (so the namespace reads like Elastic's): the record's
 * own `event.*` fields sit at the namespace root, and a few dotted names become single keys.
 */
const TOP_LEVEL: Record<string, string> = {
  'meta.event.name': 'meta_event_name',
  'process.unique.key': 'process_unique_key',
  'os.name': 'os_name',
  'packet.id': 'packet_id',
  'trace.id': 'trace_id',
  'account.id': 'account_id',
};

/** Raw key → namespace path, computed once per distinct key (records repeat the same few hundred). */
const namespacePaths = new Map<string, readonly string[]>();
function namespacePath(key: string): readonly string[] {
  let p = namespacePaths.get(key);
  if (p !== undefined) return p;
  const top = TOP_LEVEL[key];
  if (top !== undefined) p = [top];
  else {
    let segs = key.split('.');
    if (segs[0] === 'event' && segs.length > 1) segs = segs.slice(1);
    else if (segs[0] === 'osSrc' && segs[1] === 'process') segs = ['os_src_process', ...segs.slice(2)];
    // `sca:ingestTime` → sca.ingest_time
    p = segs.flatMap((s) => s.split(':')).map(snakeCase);
  }
  if (namespacePaths.size < 100_000) namespacePaths.set(key, p);
  return p;
}

/** The vendor namespace: what is left of the (flat) record, nested along the translated paths. */
function vendorNamespace(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(json)) {
    const path = namespacePath(key);
    let cur = out;
    for (let i = 0; i < path.length - 1; i++) cur = objectAt(cur, path[i]!);
    const last = path[path.length - 1]!;
    const v = json[key];
    const prev = cur[last];
    // A leaf and a subtree under the same name (`k8sCluster.containerImage` beside `….sha256`): the subtree wins.
    if (!isObject(prev)) cur[last] = isObject(v) ? vendorObject(v) : v;
  }
  return out;
}

/** Nested values (maps such as container labels) keep their keys, snake_cased. */
function vendorObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    out[snakeCase(k)] = isObject(v) ? vendorObject(v) : v;
  }
  return out;
}

/** Nested records (already expanded by some exporter) → the flat dotted keys Cloud Funnel writes. */
function flattenRecord(
  o: Record<string, unknown>,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const k in o) {
    const v = o[k];
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (isObject(v)) flattenRecord(v, key, out);
    else out[key] = v;
  }
  return out;
}

export function createSentinelOneNormaliser(opts: EdrNormaliseOptions = {}): EdrRecordNormaliser {
  const [mapping, drop] = pipelines();
  const enrich = opts.strictEcs !== true;
  const keepDuplicates = hasTag(opts, 'preserve_duplicate_custom_fields');
  const keepOriginal = hasTag(opts, 'preserve_original_event');
  return {
    format: 'sentinelone-cloud-funnel',
    normalise(rec: RawRecord): NormalisedEvent | undefined {
      const report = reporter(opts.sink, rec.loc);
      let value = rec.value;
      if (!isS1Record(value)) {
        report?.('unknown-shape', 'not a SentinelOne Cloud Funnel record (no meta.event.name / event.category)');
        return undefined;
      }
      let original = rec.text;
      if (original !== undefined && original.includes('\\\\\\\\')) {
        original = original.replace(FOUR_BACKSLASHES, '\\\\');
        value = JSON.parse(original) as Record<string, unknown>;
      } else if (original === undefined) {
        value = collapseBackslashes(value) as Record<string, unknown>;
        original = JSON.stringify(value);
      }
      // Nested form (no dotted keys at the top): flatten to what Cloud Funnel writes.
      if (typeof value['meta.event.name'] !== 'string' && typeof value['event.category'] !== 'string')
        value = flattenRecord(value);
      const doc = initialDoc(opts);
      doc.json = value;
      if (keepOriginal) doc.event = { original };
      mapping.apply(doc, report);
      const json = doc.json as Record<string, unknown>;
      delete doc.json;
      const category = typeof json['event.category'] === 'string' ? json['event.category'] : '';
      const module = { path: json['module.path'], md5: json['module.md5'], sha1: json['module.sha1'] };
      if (!keepDuplicates) for (const k of DUPLICATES) delete json[k];
      // The time of day in `timestamp` would get the current year in Elastic; kept as sent.
      doc.sentinel_one_cloud_funnel = { event: vendorNamespace(json) };
      drop.apply(doc, report);
      if (enrich && category.toLowerCase().includes('module')) enrichModule(doc, module);
      return finishAgentDoc(doc, S1_DATASET, opts, report);
    },
  };
}

function enrichModule(doc: Record<string, unknown>, module: Record<string, unknown>): void {
  const event = objectAt(doc, 'event');
  event.category ??= ['library'];
  event.type ??= ['start'];
  const dll = objectAt(doc, 'dll');
  if (typeof module.path === 'string' && module.path !== '') {
    dll.path ??= module.path;
    const i = Math.max(module.path.lastIndexOf('\\'), module.path.lastIndexOf('/'));
    if (i >= 0 && i < module.path.length - 1) dll.name ??= module.path.slice(i + 1);
  }
  if (typeof module.md5 === 'string') objectAt(dll, 'hash').md5 ??= module.md5;
  if (typeof module.sha1 === 'string') objectAt(dll, 'hash').sha1 ??= module.sha1;
  if (Object.keys(dll).length === 0) delete doc.dll;
}

/** One record, without per-input state. */
export function normaliseSentinelOne(
  raw: Record<string, unknown>,
  opts: EdrNormaliseOptions = {},
): NormalisedEvent | undefined {
  return createSentinelOneNormaliser(opts).normalise({ value: raw, loc: opts.loc ?? { file: '-' } });
}
