/**
 * Windows normalisers: winlog document → the document Elastic Agent (or Winlogbeat) would index.
 *
 * The winlog document (winlog-doc.ts, or JSON from a shipper) goes through, in order:
 * 1. what the shipper's encoder does: `@timestamp` and `winlog.time_created` to milliseconds;
 * 2. the data stream's ingest pipeline (pipelines/*.ts, transcribed from Elastic's);
 * 3. what Elastic Agent / Fleet add around the pipeline: `data_stream.*`, `event.dataset`,
 *    `event.module`, `ecs.version` when no pipeline set it, `agent.type`, `event.ingested`, and the
 *    `host.os.*` enrichment (see ROUTES and the policies below).
 */
import { cloneJson, compileMapping, isObject, type CompiledMapping, type Step } from '../mapping/index.js';
import { formatSeconds, isoMillisText, isoSecondsText, parseIso8601, FAIL } from '../mapping/values.js';
import type { EventDoc, ProblemSink, RecordLocation } from '../types.js';
import { POWERSHELL_CLASSIC_STEPS, POWERSHELL_OPERATIONAL_STEPS, WINDOWS_EVENT_STEPS } from './pipelines/other.js';
import { securitySteps } from './pipelines/security.js';
import { SYSMON_STEPS } from './pipelines/sysmon.js';

export type WindowsDataStream =
  | 'windows.sysmon_operational'
  | 'system.security'
  | 'windows.forwarded'
  | 'system.system'
  | 'system.application'
  | 'windows.powershell_operational'
  | 'windows.powershell'
  | 'winlog.winlog';

/**
 * `event.ingested` policy. Offline there is no ingest time, and the rules schedule on it
 * (`timestamp_override = "event.ingested"`), so it must be synthesised deterministically:
 * - `event-time` (default): the event's `@timestamp` truncated to whole seconds, "as if ingested
 *   on arrival" — replaying a collection then behaves like the live stream it came from, and the
 *   same input always gives the same output;
 * - `fixed`: a caller-supplied instant (the streaming server passes the real ingest time);
 * - `none`: leave it out (Kibana then falls back to `@timestamp`).
 * Fleet's final pipeline writes whole seconds (`2022-04-04T18:53:18Z`); so do we.
 */
export type IngestedPolicy = { mode: 'event-time' } | { mode: 'fixed'; at: Date | string | number } | { mode: 'none' };

export interface NormaliseOptions {
  /**
   * `agent`: Elastic Agent data streams. `winlogbeat`: Winlogbeat modules, index
   * `winlogbeat-<version>`. Default: `winlogbeat` for documents whose `agent.type` is winlogbeat,
   * else `agent`.
   */
  output?: 'agent' | 'winlogbeat';
  /** Events collected through a WEF collector: Elastic's `windows.forwarded` data stream. */
  forwarded?: boolean;
  /** Force a data stream (agent output), bypassing the channel routing. */
  dataStream?: WindowsDataStream;
  /** Data stream namespace. Default `default`. */
  namespace?: string;
  ingested?: IngestedPolicy;
  /**
   * Set `host.os.type`/`host.os.family` to `windows` when absent. Default true: Elastic Agent's
   * host metadata (and Winlogbeat's add_host_metadata) supply it live; without it 900+ rules'
   * `host.os.type == "windows"` can never match offline records.
   */
  hostOs?: boolean;
  /**
   * Set `host.id` from `winlog.computer_name` when absent (not for forwarded events). Default
   * true: Elastic Agent's host metadata supplies a per-host id live, and 113 EQL sequences join
   * `by host.id`, which excludes events without one. Live, forwarded events carry no host.id (the
   * shippers skip host metadata for them), so none is invented there.
   */
  hostId?: boolean;
  /** Winlogbeat version for the index name and `agent.version` (winlogbeat output). Default: the document's `agent.version`, else 8.17.0. */
  winlogbeatVersion?: string;
  /**
   * Documents that already went through an ingest pipeline (they carry `data_stream`,
   * `event.category` or `event.ingested`) are passed through unchanged unless this is true.
   */
  reingest?: boolean;
  /** Where problems go, and the record's location for them. */
  sink?: ProblemSink;
  loc?: RecordLocation;
}

export interface NormalisedEvent {
  doc: EventDoc;
  /** Data stream (`logs-system.security-default`) or index (`winlogbeat-8.17.0`). */
  index: string;
}

/** Channel (lower case) → Elastic Agent data stream. Anything else goes to the Custom Windows Event Logs integration. */
export const ROUTES: Readonly<Record<string, WindowsDataStream>> = {
  security: 'system.security',
  system: 'system.system',
  application: 'system.application',
  'microsoft-windows-sysmon/operational': 'windows.sysmon_operational',
  'microsoft-windows-powershell/operational': 'windows.powershell_operational',
  'windows powershell': 'windows.powershell',
};
export const DEFAULT_ROUTE: WindowsDataStream = 'winlog.winlog';

type PipelineKey =
  'sysmon' | 'security-system' | 'security-forwarded' | 'security-winlogbeat' | 'ps-op' | 'ps' | 'event' | 'none';

const ECS_AGENT = '8.17.0';
const PIPELINE_STEPS: Record<PipelineKey, () => Step[]> = {
  sysmon: () => [...SYSMON_STEPS, { op: 'set', field: 'ecs.version', value: '8.17.0' }],
  'security-system': () => [...securitySteps('system'), { op: 'set', field: 'ecs.version', value: '8.11.0' }],
  'security-forwarded': () => [...securitySteps('forwarded'), { op: 'set', field: 'ecs.version', value: '8.17.0' }],
  'security-winlogbeat': () => securitySteps('winlogbeat'),
  'ps-op': () => [...POWERSHELL_OPERATIONAL_STEPS, { op: 'set', field: 'ecs.version', value: '8.17.0' }],
  ps: () => [...POWERSHELL_CLASSIC_STEPS, { op: 'set', field: 'ecs.version', value: '8.17.0' }],
  event: () => [...WINDOWS_EVENT_STEPS, { op: 'set', field: 'ecs.version', value: '8.11.0' }],
  none: () => [],
};

/**
 * Objects whose deletes the generated pipelines defer (mapping/deferred.ts): the event data, from
 * which every pipeline moves or drops a dozen keys, and `winlog` where the pipeline's scripts
 * leave it alone (the Security scripts write `winlog.logon` and the like directly).
 */
const DEFER_DELETES: Record<PipelineKey, string[]> = {
  sysmon: ['winlog', 'winlog.event_data'],
  'security-system': ['winlog.event_data'],
  'security-forwarded': ['winlog.event_data'],
  'security-winlogbeat': ['winlog.event_data'],
  'ps-op': ['winlog', 'winlog.event_data'],
  ps: ['winlog', 'winlog.event_data'],
  event: [],
  none: [],
};

const compiled = new Map<PipelineKey, CompiledMapping>();
function pipeline(key: PipelineKey): CompiledMapping {
  let c = compiled.get(key);
  if (c === undefined) {
    c = compileMapping(
      { name: key, steps: PIPELINE_STEPS[key](), deferDeletes: DEFER_DELETES[key] },
      { mode: 'adaptive' },
    );
    compiled.set(key, c);
  }
  return c;
}

/** Compiles every pipeline now (otherwise on first use). */
export function precompileWindowsPipelines(): void {
  for (const k of Object.keys(PIPELINE_STEPS) as PipelineKey[]) pipeline(k);
}

const SECURITY_PROVIDERS = new Set(['Microsoft-Windows-Eventlog', 'Microsoft-Windows-Security-Auditing']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The Elastic Agent data stream a record goes to, from its channel. */
export function routeChannel(channel: string | undefined): WindowsDataStream {
  return (channel !== undefined ? ROUTES[channel.toLowerCase()] : undefined) ?? DEFAULT_ROUTE;
}

/** Recently lower-cased channel names (a collection has few channels; no allocation per record). */
const lowered: Array<[string, string]> = [];
function lowerCase(channel: string): string {
  for (let i = 0; i < lowered.length; i++) if (lowered[i]![0] === channel) return lowered[i]![1];
  const lc = channel.toLowerCase();
  lowered.unshift([channel, lc]);
  if (lowered.length > 8) lowered.length = 8;
  return lc;
}

/** routeChannel of a channel already lower-cased (`known`: whether there was a channel at all). */
function routeChannelLc(channelLc: string, known: boolean): WindowsDataStream {
  return (known ? ROUTES[channelLc] : undefined) ?? DEFAULT_ROUTE;
}

function pipelineFor(dataset: WindowsDataStream, channelLc: string, provider: string | undefined): PipelineKey {
  switch (dataset) {
    case 'windows.sysmon_operational':
      return 'sysmon';
    case 'system.security':
      return 'security-system';
    case 'system.system':
    case 'system.application':
      return 'event';
    case 'windows.powershell_operational':
      return 'ps-op';
    case 'windows.powershell':
      return 'ps';
    case 'winlog.winlog':
      return 'none';
    case 'windows.forwarded':
      // The forwarded default pipeline routes on the channel, case-insensitively.
      if (channelLc === 'security' && provider !== undefined && SECURITY_PROVIDERS.has(provider))
        return 'security-forwarded';
      if (channelLc === 'windows powershell') return 'ps';
      if (channelLc === 'microsoft-windows-powershell/operational') return 'ps-op';
      if (channelLc === 'microsoft-windows-sysmon/operational') return 'sysmon';
      return 'none';
  }
}

/** Winlogbeat's module for a channel (its routing pipeline), and the pipeline it runs. */
function winlogbeatModule(channelLc: string): { module?: string; key: PipelineKey } {
  if (channelLc === 'security') return { module: 'security', key: 'security-winlogbeat' };
  if (channelLc === 'microsoft-windows-sysmon/operational') return { module: 'sysmon', key: 'sysmon' };
  if (channelLc === 'windows powershell') return { module: 'powershell', key: 'ps' };
  if (channelLc === 'microsoft-windows-powershell/operational') return { module: 'powershell', key: 'ps-op' };
  return { key: 'none' };
}

/** libbeat's JSON encoder writes timestamps with millisecond precision (undefined: reported, left as it is). */
function millis(v: string, key: string, sink: ProblemSink | undefined, loc: RecordLocation): string | undefined {
  const text = isoMillisText(v);
  if (text !== FAIL) return text;
  sink?.({
    loc,
    kind: 'field-conversion',
    message: `${key} is not an ISO-8601 date: ${JSON.stringify(v.slice(0, 60))}`,
  });
  return undefined;
}

function ingestedValue(doc: EventDoc, policy: IngestedPolicy): string | undefined {
  if (policy.mode === 'none') return undefined;
  if (policy.mode === 'fixed') {
    const t =
      policy.at instanceof Date
        ? policy.at.getTime()
        : typeof policy.at === 'number'
          ? policy.at
          : parseIso8601(policy.at);
    return t === FAIL || !Number.isFinite(t) ? undefined : formatSeconds(t);
  }
  const ts = doc['@timestamp'];
  if (typeof ts !== 'string') return undefined;
  const text = isoSecondsText(ts);
  return text === FAIL ? undefined : text;
}

type Obj = Record<string, unknown>;

/** `doc.<key>` as an object (created when absent or not an object); named accesses, one per field. */
function eventOf(doc: Obj): Obj {
  const v = doc.event;
  return isObject(v) ? v : (doc.event = {});
}
function ecsOf(doc: Obj): Obj {
  const v = doc.ecs;
  return isObject(v) ? v : (doc.ecs = {});
}
function agentOf(doc: Obj): Obj {
  const v = doc.agent;
  return isObject(v) ? v : (doc.agent = {});
}
function hostOf(doc: Obj): Obj {
  const v = doc.host;
  return isObject(v) ? v : (doc.host = {});
}
function osOf(host: Obj): Obj {
  const v = host.os;
  return isObject(v) ? v : (host.os = {});
}

/**
 * True when a document already went through an ingest pipeline: it has `event.category` (every
 * mapped event) or `event.ingested` (Fleet's final pipeline, on every event). `data_stream` alone
 * does not count: Elastic Agent sets it before ingest.
 */
export function looksIngested(doc: EventDoc): boolean {
  const ev = doc.event;
  return isObject(ev) && (ev.category !== undefined || ev.ingested !== undefined);
}

const KNOWN_DATASETS = new Set<string>([
  'windows.sysmon_operational',
  'system.security',
  'windows.forwarded',
  'system.system',
  'system.application',
  'windows.powershell_operational',
  'windows.powershell',
  'winlog.winlog',
]);

function indexOfIngested(doc: EventDoc, opts: NormaliseOptions): string {
  const ds = doc.data_stream;
  if (isObject(ds) && typeof ds.dataset === 'string') {
    return `${str(ds.type) ?? 'logs'}-${ds.dataset}-${str(ds.namespace) ?? opts.namespace ?? 'default'}`;
  }
  const agent = doc.agent;
  if (isObject(agent) && agent.type === 'winlogbeat')
    return `winlogbeat-${str(agent.version) ?? opts.winlogbeatVersion ?? '8.17.0'}`;
  const winlog = doc.winlog;
  const channel = isObject(winlog) ? str(winlog.channel) : undefined;
  return `logs-${opts.forwarded === true ? 'windows.forwarded' : routeChannel(channel)}-${opts.namespace ?? 'default'}`;
}

/**
 * Normalises a winlog document in place (the caller gives up ownership: see normaliseWinlogDoc for
 * the copying variant).
 */
export function normaliseOwnedWinlogDoc(doc: EventDoc, opts: NormaliseOptions = {}): NormalisedEvent {
  return normaliseOwned(doc, opts, opts.loc ?? { file: '-' }, opts.reingest === true);
}

/** Data stream → `event.module` (the dataset's prefix) and the default-namespace index name. */
const DATASET_MODULE = new Map<string, string>();
const DEFAULT_INDEX = new Map<string, string>();
for (const d of KNOWN_DATASETS) {
  DATASET_MODULE.set(d, d.slice(0, d.indexOf('.')));
  DEFAULT_INDEX.set(d, `logs-${d}-default`);
}

/** normaliseOwnedWinlogDoc with the location and the re-ingest flag given apart (no options copy per event). */
export function normaliseOwned(
  doc: EventDoc,
  opts: NormaliseOptions,
  loc: RecordLocation,
  reingest: boolean,
): NormalisedEvent {
  const sink = opts.sink;
  if (!reingest && looksIngested(doc)) return { doc, index: indexOfIngested(doc, opts) };

  const winlog = isObject(doc.winlog) ? doc.winlog : undefined;
  const channel = winlog !== undefined ? str(winlog.channel) : undefined;
  const channelLc = lowerCase(channel ?? '');
  const provider = winlog !== undefined ? str(winlog.provider_name) : undefined;
  if (winlog === undefined) sink?.({ loc, kind: 'winlog-shape', message: 'document has no winlog object' });

  const ts = doc['@timestamp'];
  if (typeof ts === 'string') {
    const text = millis(ts, '@timestamp', sink, loc);
    if (text !== undefined) doc['@timestamp'] = text;
  }
  if (winlog !== undefined) {
    const tc = winlog.time_created;
    if (typeof tc === 'string') {
      const text = millis(tc, 'time_created', sink, loc);
      if (text !== undefined) winlog.time_created = text;
    }
  }

  const report = sink === undefined ? undefined : (kind: string, message: string) => sink({ loc, kind, message });
  // Without an explicit choice, a document shipped by Winlogbeat gets Winlogbeat's output.
  const agentIn = isObject(doc.agent) ? doc.agent : undefined;
  const winlogbeat = opts.output === 'winlogbeat' || (opts.output === undefined && agentIn?.type === 'winlogbeat');
  let index: string;
  if (winlogbeat) {
    const version =
      opts.winlogbeatVersion ?? (agentIn?.type === 'winlogbeat' ? str(agentIn.version) : undefined) ?? '8.17.0';
    const { module, key } = winlogbeatModule(channelLc);
    pipeline(key).apply(doc, report);
    const event = eventOf(doc);
    if (module !== undefined) event.module = module;
    ecsOf(doc).version = ECS_AGENT;
    const agent = agentOf(doc);
    agent.type ??= 'winlogbeat';
    agent.version ??= version;
    index = `winlogbeat-${version}`;
  } else {
    // The agent already chose a data stream when the document carries one (raw Agent output).
    const ds = isObject(doc.data_stream) ? doc.data_stream : undefined;
    const given = str(ds?.dataset);
    const dataset: WindowsDataStream =
      opts.dataStream ??
      (opts.forwarded === true
        ? 'windows.forwarded'
        : given !== undefined && KNOWN_DATASETS.has(given)
          ? (given as WindowsDataStream)
          : routeChannelLc(channelLc, channel !== undefined));
    pipeline(pipelineFor(dataset, channelLc, provider)).apply(doc, report);
    const namespace = opts.namespace ?? str(ds?.namespace) ?? 'default';
    doc.data_stream = { type: 'logs', dataset, namespace };
    const event = eventOf(doc);
    event.dataset = dataset;
    event.module = DATASET_MODULE.get(dataset) ?? dataset.slice(0, dataset.indexOf('.'));
    const ecs = ecsOf(doc);
    ecs.version ??= ECS_AGENT;
    agentOf(doc).type ??= 'filebeat';
    index = (namespace === 'default' ? DEFAULT_INDEX.get(dataset) : undefined) ?? `logs-${dataset}-${namespace}`;
  }
  if (opts.hostOs !== false || opts.forwarded === true) {
    const os = osOf(hostOf(doc));
    os.type ??= 'windows';
    os.family ??= 'windows';
  }
  if (opts.hostId !== false && opts.forwarded !== true) {
    const computer = winlog !== undefined ? str(winlog.computer_name) : undefined;
    if (computer !== undefined && computer !== '') hostOf(doc).id ??= computer;
  }
  const ingested = ingestedValue(doc, opts.ingested ?? EVENT_TIME);
  if (ingested !== undefined) eventOf(doc).ingested = ingested;
  return { doc, index };
}

const EVENT_TIME: IngestedPolicy = { mode: 'event-time' };

/** Normalises a copy of a winlog document (as read from Winlogbeat / Elastic Agent JSON). */
export function normaliseWinlogDoc(doc: EventDoc, opts: NormaliseOptions = {}): NormalisedEvent {
  return normaliseOwnedWinlogDoc(cloneJson(doc), opts);
}
