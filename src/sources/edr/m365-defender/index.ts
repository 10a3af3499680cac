/**
 * Microsoft Defender XDR Advanced Hunting → `m365_defender.event`.
 *
 * Two record shapes are read:
 * - the Event Hub / streaming-API record Elastic's integration receives:
 *   `{category: "AdvancedHunting-<Table>", properties: {<columns>}, time, tenantId, …}`;
 * - an Advanced Hunting row with the columns at the top level (API `Results`, portal JSON export,
 *   Sentinel/Log Analytics export). The table is taken from a `Type`/`$table`/`TableName`/`Table`
 *   column when present, otherwise inferred from the columns and `ActionType`; the row is then
 *   wrapped as the Event Hub record Elastic would have received.
 *
 * Enrichments (README "Enrichments"; all off with `strictEcs`) fill fields Elastic's mapping leaves
 * empty although rules read them: `host.os.type` (from a DeviceInfo record for the same DeviceId
 * seen earlier, or from Windows paths), `file.path`/`file.extension` and the creation/change/
 * deletion `event.type` of file events, `registry.path`/`registry.hive` in the HKLM form rules
 * use, and `user.*` of the acting process in the tables where it is the actor.
 */
import { compileMapping, isObject, type CompiledMapping } from '../../mapping/index.js';
import {
  finishAgentDoc,
  initialDoc,
  looksWindowsPath,
  objectAt,
  reporter,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
  type NormalisedEvent,
  type RawRecord,
} from '../common.js';
import { M365_CLEANUP, M365_DEVICE_STEPS, m365Steps } from './pipeline.js';

export const M365_DATASET = 'm365_defender.event';

let compiled: CompiledMapping | undefined;
function pipeline(): CompiledMapping {
  compiled ??= compileMapping(
    { name: 'm365_defender.event', steps: [...m365Steps(M365_DEVICE_STEPS), ...M365_CLEANUP] },
    { mode: 'adaptive' },
  );
  return compiled;
}

const TABLE_COLUMNS = ['Type', '$table', 'TableName', 'Table'] as const;
const DEVICE_TABLE = /^Device[A-Za-z]+$/;

/**
 * The Advanced Hunting table of a top-level row, or undefined when the row is not one. Defender's
 * ActionType values are table-specific (ProcessCreated only in DeviceProcessEvents, FileCreated …
 * in DeviceFileEvents, and so on); DeviceInfo has no ActionType but an OSPlatform.
 */
export function inferDefenderTable(row: Record<string, unknown>): string | undefined {
  for (const c of TABLE_COLUMNS) {
    const v = row[c];
    if (typeof v === 'string' && DEVICE_TABLE.test(v)) return v;
  }
  if (row.DeviceId === undefined && row.DeviceName === undefined) return undefined;
  if (row.Timestamp === undefined && row.TimeGenerated === undefined) return undefined;
  const a = typeof row.ActionType === 'string' ? row.ActionType : undefined;
  if (a === undefined) {
    if (row.OSPlatform !== undefined) return 'DeviceInfo';
    if (row.NetworkAdapterName !== undefined || row.IPAddresses !== undefined) return 'DeviceNetworkInfo';
    if (row.CertificateSerialNumber !== undefined || row.Signer !== undefined) return 'DeviceFileCertificateInfo';
    return undefined;
  }
  if (a === 'ProcessCreated') return 'DeviceProcessEvents';
  if (a === 'ImageLoaded') return 'DeviceImageLoadEvents';
  if (/^Registry(Key|Value)/.test(a) || row.RegistryKey !== undefined) return 'DeviceRegistryEvents';
  if (/^File(Created|Modified|Renamed|Deleted)$/.test(a)) return 'DeviceFileEvents';
  if (/^Logon/.test(a) && row.LogonType !== undefined) return 'DeviceLogonEvents';
  if (
    /^(Connection|InboundConnection|ListeningConnection|NetworkSignatureInspected)/.test(a) &&
    (row.RemoteIP !== undefined || row.LocalIP !== undefined)
  )
    return 'DeviceNetworkEvents';
  return 'DeviceEvents';
}

export type DefenderShape = 'event-hub' | 'row';

/** Which Defender record shape a parsed JSON object has, if any. */
export function defenderShape(v: Record<string, unknown>): DefenderShape | undefined {
  if (typeof v.category === 'string' && v.category.startsWith('AdvancedHunting-') && isObject(v.properties))
    return 'event-hub';
  return inferDefenderTable(v) !== undefined ? 'row' : undefined;
}

/** OSPlatform (DeviceInfo) → `host.os.type`, as the pipeline derives it. */
function osTypeOf(platform: unknown): string | undefined {
  if (typeof platform !== 'string') return undefined;
  const p = platform.toLowerCase();
  return p.includes('windows') ? 'windows' : p.includes('linux') ? 'linux' : p.includes('macos') ? 'macos' : undefined;
}

/** What the enrichments need from the raw columns, captured before the pipeline consumes them. */
interface Evidence {
  table: string;
  deviceId: unknown;
  action: unknown;
  folderPath: unknown;
  fileName: unknown;
  registryKey: unknown;
  registryValueName: unknown;
  actorSid: unknown;
  actorName: unknown;
  actorDomain: unknown;
  windowsPath: boolean;
}

const FILE_ACTION_TYPES: Record<string, string> = {
  FileCreated: 'creation',
  FileModified: 'change',
  FileRenamed: 'change',
  FileDeleted: 'deletion',
};

/** Hive names as Sysmon and Elastic Defend write them (the forms rules list). */
const HIVES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^HKEY_LOCAL_MACHINE(?=\\|$)/i, 'HKLM'],
  [/^HKEY_CURRENT_USER(?=\\S-1-)/i, 'HKEY_USERS'],
  [/^HKEY_CURRENT_USER(?=\\|$)/i, 'HKCU'],
  [/^HKEY_CLASSES_ROOT(?=\\|$)/i, 'HKCR'],
  [/^HKEY_CURRENT_CONFIG(?=\\|$)/i, 'HKCC'],
];

export function createDefenderNormaliser(opts: EdrNormaliseOptions = {}): EdrRecordNormaliser {
  const osByDevice = new Map<string, string>();
  const enrich = opts.strictEcs !== true;
  const mapping = pipeline();
  return {
    format: 'm365-defender',
    normalise(rec: RawRecord): NormalisedEvent | undefined {
      const report = reporter(opts.sink, rec.loc);
      let value = rec.value;
      const shape = defenderShape(value);
      if (shape === undefined) {
        report?.(
          'unknown-shape',
          'not a Defender Advanced Hunting record (no AdvancedHunting-* category with properties, no Device* row)',
        );
        return undefined;
      }
      const original = rec.text ?? JSON.stringify(value);
      if (shape === 'row') value = { category: `AdvancedHunting-${inferDefenderTable(value)}`, properties: value };
      const props = value.properties as Record<string, unknown>;
      const table = String(value.category).slice('AdvancedHunting-'.length);
      const ev: Evidence | undefined = enrich ? evidence(table, props) : undefined;
      if (table === 'DeviceInfo' && typeof props.DeviceId === 'string') {
        const os = osTypeOf(props.OSPlatform);
        if (os !== undefined) osByDevice.set(props.DeviceId, os);
      }
      const doc = initialDoc(opts);
      doc.json = value;
      doc.event = { original };
      mapping.apply(doc, report);
      if (ev !== undefined) enrichDoc(doc, ev, osByDevice);
      return finishAgentDoc(doc, M365_DATASET, opts, report);
    },
  };
}

function evidence(table: string, p: Record<string, unknown>): Evidence {
  return {
    table,
    deviceId: p.DeviceId,
    action: p.ActionType,
    folderPath: p.FolderPath,
    fileName: p.FileName,
    registryKey: p.RegistryKey,
    registryValueName: p.RegistryValueName,
    actorSid: p.InitiatingProcessAccountSid,
    actorName: p.InitiatingProcessAccountName,
    actorDomain: p.InitiatingProcessAccountDomain,
    windowsPath:
      looksWindowsPath(p.FolderPath) ||
      looksWindowsPath(p.InitiatingProcessFolderPath) ||
      looksWindowsPath(p.FileName) ||
      looksWindowsPath(p.InitiatingProcessFileName) ||
      looksWindowsPath(p.InitiatingProcessParentFileName),
  };
}

/** Tables whose InitiatingProcess* columns describe the actor of the row (process.* in Elastic's mapping). */
const ACTOR_TABLES = new Set([
  'DeviceFileEvents',
  'DeviceRegistryEvents',
  'DeviceNetworkEvents',
  'DeviceImageLoadEvents',
]);

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

function enrichDoc(doc: Record<string, unknown>, ev: Evidence, osByDevice: Map<string, string>): void {
  // host.os.type: Elastic sets it only on DeviceInfo rows.
  const host = objectAt(doc, 'host');
  const os = isObject(host.os) ? host.os : undefined;
  if (os?.type === undefined) {
    const known = typeof ev.deviceId === 'string' ? osByDevice.get(ev.deviceId) : undefined;
    const type = known ?? (ev.windowsPath ? 'windows' : undefined);
    if (type !== undefined) objectAt(host, 'os').type = type;
  }
  const event = objectAt(doc, 'event');
  const category = Array.isArray(event.category) ? (event.category as unknown[]) : [];

  if (ev.table === 'DeviceFileEvents') {
    const file = objectAt(doc, 'file');
    // FolderPath is the full path in Defender (as `process.executable` shows); Elastic only copies it to file.directory.
    if (file.path === undefined && nonEmpty(ev.folderPath)) {
      const folder = ev.folderPath;
      const name = nonEmpty(ev.fileName) ? ev.fileName : undefined;
      const lower = folder.toLowerCase();
      const hasName =
        name === undefined ||
        lower === name.toLowerCase() ||
        lower.endsWith('\\' + name.toLowerCase()) ||
        lower.endsWith('/' + name.toLowerCase());
      file.path = hasName ? folder : folder + (folder.includes('\\') ? '\\' : '/') + name;
    }
    const fname = typeof file.name === 'string' ? file.name : undefined;
    if (file.extension === undefined && fname !== undefined) {
      const dot = fname.lastIndexOf('.');
      if (dot > -1 && dot < fname.length - 1) file.extension = fname.slice(dot + 1);
    }
    // Elastic types every file row `info`; rules ask for creation/change/deletion.
    const t = typeof ev.action === 'string' ? FILE_ACTION_TYPES[ev.action] : undefined;
    if (t !== undefined) {
      const types = Array.isArray(event.type) ? (event.type as unknown[]) : (event.type = []);
      if (!(types as unknown[]).includes(t)) (types as unknown[]).push(t);
    }
  }

  if (category.includes('registry') && nonEmpty(ev.registryKey)) {
    const registry = objectAt(doc, 'registry');
    let key = ev.registryKey;
    for (const [re, hive] of HIVES) if (re.test(key)) key = key.replace(re, hive);
    if (registry.path === undefined)
      registry.path = nonEmpty(ev.registryValueName) ? `${key}\\${ev.registryValueName}` : key;
    if (registry.hive === undefined) {
      const hive = key.slice(0, key.indexOf('\\') < 0 ? key.length : key.indexOf('\\'));
      if (/^HK/i.test(hive)) registry.hive = hive;
    }
  }

  // In these tables the InitiatingProcess is the actor; its account is the event's user when the row names no other.
  if (ACTOR_TABLES.has(ev.table) && !isObject(doc.user)) {
    const u: Record<string, unknown> = {};
    if (nonEmpty(ev.actorSid)) u.id = ev.actorSid;
    if (nonEmpty(ev.actorName)) u.name = ev.actorName;
    if (nonEmpty(ev.actorDomain)) u.domain = ev.actorDomain;
    if (Object.keys(u).length > 0) doc.user = u;
  }
  if (Object.keys(host).length === 0) delete doc.host;
}

/** One record, without per-input state (no DeviceInfo cache across records). */
export function normaliseDefender(
  raw: Record<string, unknown>,
  opts: EdrNormaliseOptions = {},
): NormalisedEvent | undefined {
  return createDefenderNormaliser(opts).normalise({ value: raw, loc: opts.loc ?? { file: '-' } });
}
