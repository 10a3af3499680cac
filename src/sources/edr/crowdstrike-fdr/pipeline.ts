/**
 * The CrowdStrike FDR ingest pipeline as a step table, transcribed from elastic/integrations
 * `packages/crowdstrike/data_stream/fdr/elasticsearch/ingest_pipeline/default.yml` (newest revision,
 * generated from the package's Go pipeline program) and `categorize.yml`, restricted to what an
 * event can carry offline: no GeoIP/ASN lookups, no `community_id`, no `registered_domain` (no
 * public-suffix list), no CSPM/detection-summary sub-pipelines. The input document is
 * `{ crowdstrike: <the FDR record>, event: { original: <the line> } }`.
 *
 * Processor order matters (renames never overwrite; later steps read what earlier ones wrote),
 * so the table follows the pipeline's order.
 */
import { compilePath, isObject, type Cond, type MappingRun, type Step } from '../../mapping/index.js';
import { argvSkipEmptyStep, categoryHas, filePathPartsStep } from '../steps.js';
import { CROWDSTRIKE_CATEGORIES } from './categories.js';

const cs = (k: string): string => `crowdstrike.${k}`;

const NOT_EMPTY_OR_NONE = ['', 'none'] as const;
const present = (k: string): Cond => ({ present: cs(k), except: [...NOT_EMPTY_OR_NONE] });
const action = compilePath('event.action');
const actionText = (r: MappingRun): string => {
  const v = action.get(r);
  return typeof v === 'string' ? v : '';
};
const actionHas = (s: string): Cond => ({ test: (r) => actionText(r).includes(s) });
const osType = compilePath('host.os.type');
const isWindows: Cond = { test: (r) => osType.get(r) === 'windows' };
const isLinux: Cond = { test: (r) => osType.get(r) === 'linux' };
const flag = (name: string): Cond => ({ eq: `$${name}`, value: true });

/** 0x0100000000000000: above it a value is a Windows FILETIME, not epoch seconds. */
const FILETIME_MIN = 0x0100000000000000n;

/** `Conditionally convert <field> from Windows NT timestamp format to UNIX` (script_date_*_from_nt). */
function ntTimeStep(field: string): Step {
  const a = compilePath(cs(field));
  return {
    op: 'script',
    name: `date_${field}_from_nt`,
    run: (r) => {
      const v = a.get(r);
      let t: bigint | undefined;
      if (typeof v === 'number' && Number.isInteger(v)) t = BigInt(v);
      else if (typeof v === 'string' && !v.includes('.') && /^-?\d+$/.test(v)) t = BigInt(v);
      if (t !== undefined && t > FILETIME_MIN) a.set(r, Number(t / 10_000_000n - 11_644_473_600n));
    },
  };
}

/** Painless `Long.parseLong(value.toString())`, leaving the value as is when it is not a long. */
const LONG = /^[+-]?\d+$/;
function parseLongOr(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : v;
  return typeof v === 'string' && LONG.test(v) ? Number(v) : v;
}

const crowdstrike = compilePath('crowdstrike');
const csObject = (r: MappingRun): Record<string, unknown> | undefined => {
  const o = crowdstrike.get(r);
  return isObject(o) ? o : undefined;
};

/** `convert_count_fields_to_long`: every key containing `Count` or `Port` becomes a long when it parses. */
const countsToLong: Step = {
  op: 'script',
  name: 'convert_count_fields_to_long',
  run: (r) => {
    const o = csObject(r);
    if (o === undefined) return;
    for (const k in o) if (k.includes('Count') || k.includes('Port')) o[k] = parseLongOr(o[k]);
  },
};

/**
 * `remove_empty_hashes`: the three hash fields, in the iteration order of the script's parameter
 * map (MD5, SHA256, SHA1 — what the golden `related.hash` shows), all-zero or empty ones removed;
 * the rest become `$hashes` and replace `related`.
 */
const HASH_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['MD5HashData', 'md5'],
  ['SHA256HashData', 'sha256'],
  ['SHA1HashData', 'sha1'],
];
const removeEmptyHashes: Step = {
  op: 'script',
  name: 'remove_empty_hashes',
  run: (r) => {
    const o = csObject(r);
    if (o === undefined) return;
    const hashes: Record<string, unknown> = {};
    const related: unknown[] = [];
    for (const [key, name] of HASH_FIELDS) {
      const v = o[key];
      if (v === undefined || v === null || v === '' || (typeof v === 'string' && /^0*$/.test(v))) {
        delete o[key];
        continue;
      }
      hashes[name] = v;
      related.push(v);
    }
    r.vars.hashes = hashes;
    if (related.length > 0) r.doc.related = { hash: related };
  },
};

const hasHashes = (r: MappingRun): boolean => isObject(r.vars.hashes) && Object.keys(r.vars.hashes).length > 0;

/** `aip` (whitespace-separated) → list of valid addresses, or removed when one is invalid. */
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
function isIp(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (IPV4.test(v)) return true;
  return v.includes(':') && /^[0-9A-Fa-f:.]+(%\w+)?$/.test(v);
}
function splitIpsStep(field: string, onFailure: 'remove' | 'keep'): Step {
  const a = compilePath(cs(field));
  return {
    op: 'script',
    name: `split_convert_${field}`,
    run: (r) => {
      const v = a.get(r);
      if (typeof v !== 'string') return;
      const list = v.split(/\s+/);
      while (list.length > 1 && list[list.length - 1] === '') list.pop();
      if (list.every(isIp)) a.set(r, list);
      else if (onFailure === 'remove') a.del(r);
      else {
        a.set(r, list);
        r.report(
          'field-conversion',
          `crowdstrike: ${field} holds an invalid IP address: ${JSON.stringify(v).slice(0, 80)}`,
        );
      }
    },
  };
}

/** `foreach <list> → append related.ip` (allow_duplicates: false). */
function relatedIpsFrom(field: string): Step {
  const a = compilePath(field);
  return {
    op: 'script',
    name: `related_ip_from_${field}`,
    run: (r) => {
      const v = a.get(r);
      if (!Array.isArray(v) || v.length === 0) return;
      let related = r.doc.related;
      if (!isObject(related)) related = r.doc.related = {};
      const rel = related as Record<string, unknown>;
      const list = Array.isArray(rel.ip) ? (rel.ip as unknown[]) : (rel.ip = []);
      for (const ip of v) if (!(list as unknown[]).includes(String(ip))) (list as unknown[]).push(String(ip));
    },
  };
}

/** `process_name`: after the last `\` when the path starts with `\`, after `/` when it starts with `/`, else the path. */
const processName: Step = {
  op: 'script',
  name: 'process_name',
  if: { present: 'process.executable' },
  run: (r) => {
    const p = r.doc.process as Record<string, unknown>;
    const exe = p.executable as string;
    let name = exe;
    if (exe[0] === '\\') name = exe.slice(exe.lastIndexOf('\\') + 1);
    else if (exe[0] === '/') name = exe.slice(exe.lastIndexOf('/') + 1);
    p.name = name;
  },
};

/** `parse_process_name_from_command_line`: runc clones itself with executable `/`. */
const runcName: Step = {
  op: 'script',
  name: 'parse_process_name_from_command_line',
  if: { eq: 'process.executable', value: '/' },
  run: (r) => {
    const p = r.doc.process as Record<string, unknown>;
    const args = p.args;
    if ((p.name !== undefined && p.name !== '') || !Array.isArray(args) || args.length === 0) return;
    const first = String(args[0]);
    p.name = first.slice(first.lastIndexOf('/') + 1);
  },
};

/** `process_uptime`: seconds-with-fraction start/end strings → `process.uptime` (Painless floats, as written). */
const processUptime: Step = {
  op: 'script',
  name: 'process_uptime',
  if: { all: [present('ProcessStartTime'), present('ProcessEndTime')] },
  run: (r) => {
    const o = csObject(r)!;
    const s = Math.fround(Number.parseFloat(String(o.ProcessStartTime)));
    const e = Math.fround(Number.parseFloat(String(o.ProcessEndTime)));
    if (Number.isNaN(s) || Number.isNaN(e)) throw new Error('ProcessStartTime/ProcessEndTime are not numbers');
    if (e >= s) {
      const p = isObject(r.doc.process) ? r.doc.process : (r.doc.process = {});
      (p as Record<string, unknown>).uptime = Math.trunc((e - s) / 1000);
    }
  },
};

/** `parse_raw_pids`: `Long.parseUnsignedLong`, the string kept when it fails. */
const rawPids: Step = {
  op: 'script',
  name: 'parse_raw_pids',
  run: (r) => {
    const o = csObject(r);
    if (o === undefined) return;
    for (const k of ['RawProcessId', 'EtwRawProcessId']) {
      const v = o[k];
      if (typeof v === 'string' && /^\+?\d+$/.test(v)) {
        const n = BigInt(v);
        // Above 2^64-1 parseUnsignedLong fails; values are stored as (unsigned) longs otherwise.
        if (n < 1n << 64n) o[k] = n >= 1n << 63n ? Number(n - (1n << 64n)) : Number(n);
      }
    }
  },
};

const INTEGRITY_LEVELS: Record<string, string> = {
  '0': 'UNTRUSTED',
  '4096': 'LOW',
  '8192': 'MEDIUM',
  '8448': 'MEDIUM_PLUS',
  '12288': 'HIGH',
  '16384': 'SYSTEM',
  '20480': 'PROTECTED',
};

const REG_OPERATION_TYPES: Record<string, string> = {
  '1': 'change',
  '2': 'deletion',
  '3': 'creation',
  '4': 'deletion',
  '5': 'change',
  '6': 'info',
  '7': 'change',
  '8': 'access',
  '9': 'access',
};

const REG_DATA_TYPES: Record<string, string> = {
  '0': 'REG_NONE',
  '1': 'REG_SZ',
  '2': 'REG_EXPAND_SZ',
  '3': 'REG_BINARY',
  '4': 'REG_DWORD',
  '5': 'REG_DWORD_BIG_ENDIAN',
  '6': 'REG_LINK',
  '7': 'REG_MULTI_SZ',
  '8': 'REG_RESOURCE_LIST',
  '9': 'REG_FULL_RESOURCE_DESCRIPTOR',
  '10': 'REG_RESOURCE_REQUIREMENTS_LIST',
  '11': 'REG_QWORD',
};

const DNS_TYPES: Record<string, string> = {
  '1': 'A', '2': 'NS', '5': 'CNAME', '6': 'SOA', '12': 'PTR', '13': 'HINFO', '15': 'MX', '16': 'TXT', '17': 'RP',
  '18': 'AFSDB', '24': 'SIG', '25': 'KEY', '28': 'AAAA', '29': 'LOC', '33': 'SRV', '35': 'NAPTR', '36': 'KX',
  '37': 'CERT', '39': 'DNAME', '42': 'APL', '43': 'DS', '44': 'SSHFP', '45': 'IPSECKEY', '46': 'RRSIG', '47': 'NSEC',
  '48': 'DNSKEY', '49': 'DHCID', '50': 'NSEC3', '51': 'NSEC3PARAM', '52': 'TLSA', '53': 'SMIMEA', '55': 'HIP',
  '59': 'CDS', '60': 'CDNSKEY', '61': 'OPENPGPKEY', '62': 'CSYNC', '63': 'ZONEMD', '64': 'SVCB', '65': 'HTTPS',
  '108': 'EUI48', '109': 'EUI64', '249': 'TKEY', '250': 'TSIG', '256': 'URI', '257': 'CAA', '32768': 'TA',
  '32769': 'DLV',
}; // prettier-ignore

const IANA_TRANSPORTS: Record<string, string> = {
  '0': 'hopopt',
  '1': 'icmp',
  '2': 'igmp',
  '6': 'tcp',
  '8': 'egp',
  '17': 'udp',
  '47': 'gre',
  '50': 'esp',
  '58': 'ipv6-icmp',
  '112': 'vrrp',
  '132': 'sctp',
};

/** `set_event_outcome_from_Status`: NTSTATUS severity bits 30-31. */
const outcomeFromStatus: Step = {
  op: 'script',
  name: 'set_event_outcome_from_Status',
  if: {
    all: [
      { present: cs('Status') },
      { any: [{ missing: 'event.outcome' }, { eq: 'event.outcome', value: 'unknown' }] },
    ],
  },
  run: (r) => {
    const v = String(csObject(r)!.Status);
    if (!LONG.test(v)) throw new Error(`Status ${JSON.stringify(v)} is not a number`);
    const status = BigInt(v);
    const event = isObject(r.doc.event) ? r.doc.event : (r.doc.event = {});
    if (status === 0n) (event as Record<string, unknown>).outcome = 'success';
    else (event as Record<string, unknown>).outcome = ((status >> 30n) & 3n) === 3n ? 'failure' : 'unknown';
  },
};

/** `split` with a regex separator over a `crowdstrike.*` string. */
const splitCs = (field: string, separator: RegExp): Step => ({ op: 'split', field: cs(field), separator });

/** `convert_tags`: comma string → trimmed non-empty list; maps and `{Key, ValueString}` lists → `key:value`. */
const convertTags: Step = {
  op: 'script',
  name: 'convert_tags',
  if: { exists: cs('Tags') },
  run: (r) => {
    const o = csObject(r)!;
    const t = o.Tags;
    const out: string[] = [];
    if (typeof t === 'string') {
      for (const part of t.split(',')) {
        const s = part.trim();
        if (s !== '') out.push(s);
      }
    } else if (isObject(t)) {
      for (const [k, v] of Object.entries(t)) out.push(`${k}:${String(v)}`);
    } else if (Array.isArray(t)) {
      for (const tag of t) {
        if (isObject(tag)) out.push(`${String(tag.Key)}:${String(tag.ValueString)}`);
        else if (typeof tag === 'string') out.push(tag);
      }
    }
    o.Tags = out;
  },
};

/** Cached event-category flags (`_temp.isFile` …) as scratch variables. */
const CATEGORY_FLAGS: Step[] = ['File', 'Library', 'Network', 'Process', 'Driver'].map((t) => ({
  op: 'set',
  field: `$is${t}`,
  value: true,
  if: { test: categoryHas(t.toLowerCase()) },
}));

const userInfo = compilePath('crowdstrike.info.user.User');
const userInfoParts: Step = {
  op: 'script',
  name: 'split_info_user',
  if: { exists: cs('info.user.User') },
  run: (r) => {
    const v = userInfo.get(r);
    if (typeof v !== 'string') return;
    const parts = v.split(/\\{1,2}/);
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 2 && parts[0] !== '') {
      const user = isObject(r.doc.user) ? r.doc.user : (r.doc.user = {});
      (user as Record<string, unknown>).domain = parts[0];
    }
  },
};

const principal = compilePath('crowdstrike.UserPrincipal');
/** `UserPrincipal` split at `@`: `user.domain` (when unset) and `user.full_name` from exactly two parts. */
const userPrincipal: Step = {
  op: 'script',
  name: 'split_user_principal',
  if: { exists: cs('UserPrincipal') },
  run: (r) => {
    const v = principal.get(r);
    if (typeof v !== 'string') return;
    const parts = v.split('@');
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 2) return;
    const user = (isObject(r.doc.user) ? r.doc.user : (r.doc.user = {})) as Record<string, unknown>;
    if (user.domain === undefined && parts[1] !== '') user.domain = parts[1];
    if (parts[0] !== '') user.full_name = parts[0];
  },
};

/** `set <field> = {{{crowdstrike.<list>.0}}}` when unset and the list is not empty. */
function firstOfList(field: string, list: string): Step {
  const dst = compilePath(field);
  const src = compilePath(cs(list));
  return {
    op: 'script',
    name: `${field}_from_${list}`,
    run: (r) => {
      const v = src.get(r);
      if (dst.get(r) === undefined && Array.isArray(v) && v.length > 0) dst.set(r, String(v[0]));
    },
  };
}

export const CROWDSTRIKE_STEPS: Step[] = [
  // Case changes of older sensors.
  ...['CommandLine', 'ImageFileName', 'ImageFilePath'].map((s): Step => ({
    op: 'rename',
    field: cs(`Grandparent${s}`),
    from: cs(`GrandParent${s}`),
  })),

  // Event time: the first present of UTCTimestamp (seconds when small), timestamp, CreationTimeStamp, Time, _time.
  { op: 'convert', field: '$utc', from: cs('UTCTimestamp'), type: 'long', onError: 'ignore' },
  {
    op: 'date',
    field: 'event.created',
    from: '$utc',
    formats: ['UNIX'],
    onError: 'ignore',
    if: { test: (r) => typeof r.vars.utc === 'number' && r.vars.utc < 1e10 },
  },
  ...(
    [
      ['UTCTimestamp', ['UNIX_MS', 'ISO8601']],
      ['timestamp', ['UNIX_MS', 'ISO8601']],
      ['CreationTimeStamp', ['UNIX', 'ISO8601']],
      ['Time', ['ISO8601', 'UNIX']],
      ['_time', ['ISO8601', 'UNIX']],
    ] as const
  ).map(([f, formats]): Step => ({
    op: 'date',
    field: 'event.created',
    from: cs(f),
    formats,
    skip: [...NOT_EMPTY_OR_NONE],
    onError: 'ignore',
    if: { missing: 'event.created' },
  })),
  { op: 'copy', field: '@timestamp', from: 'event.created' },
  ...['BatchTimestamp', 'BrowserExtensionInstalledTimestamp', 'ContextTimeStamp', 'StartTime', 'EndTime'].flatMap(
    (f): Step[] => [
      ntTimeStep(f),
      { op: 'date', field: cs(f), from: cs(f), formats: ['UNIX'], if: present(f), onError: 'ignore' },
    ],
  ),
  { op: 'rename', field: 'message', from: cs('message') },
  { op: 'rename', field: cs('EventType'), from: cs('event_type') },
  { op: 'rename', field: cs('HostHiddenStatus'), from: cs('host_hidden_status') },
  {
    op: 'date',
    field: cs('FirstDiscoveredDate'),
    from: cs('FirstDiscoveredDate'),
    formats: ['UNIX'],
    if: present('FirstDiscoveredDate'),
  },
  { op: 'convert', field: cs('CurrentLocalIP'), type: 'ip' },
  ...['aipCount', 'discovererCount', 'localipCount'].map((f): Step => ({ op: 'convert', field: cs(f), type: 'long' })),

  // Categorisation.
  { op: 'set', field: 'event.category', value: ['file'], if: { matches: cs('event_simpleName'), pattern: /Written$/ } },
  { op: 'lookup', key: cs('event_simpleName'), into: 'event', table: CROWDSTRIKE_CATEGORIES },
  outcomeFromStatus,
  ...CATEGORY_FLAGS,

  // Event fields.
  {
    op: 'concat',
    field: 'event.id',
    parts: [{ field: cs('id') }, '|', { field: cs('aid') }, '|', { field: cs('cid') }],
    if: {
      all: [{ missing: 'event.id' }, { any: [{ exists: cs('id') }, { exists: cs('aid') }, { exists: cs('cid') }] }],
    },
  },
  { op: 'copy', field: 'event.action', from: cs('event_simpleName') },
  { op: 'rename', field: 'event.reason', from: cs('SuspiciousHandleOpenReason') },
  countsToLong,
  removeEmptyHashes,

  // Observer.
  { op: 'copy', field: 'observer.serial_number', from: cs('aid') },
  splitIpsStep('aip', 'remove'),
  { op: 'rename', field: 'observer.ip', from: cs('aip') },
  { op: 'copy', field: 'observer.address', from: 'observer.ip' },
  { op: 'rename', field: 'observer.version', from: cs('AgentVersion') },
  { op: 'rename', field: 'observer.version', from: cs('ConfigBuild') },
  relatedIpsFrom('observer.ip'),

  // Host.
  { op: 'rename', field: 'host.id', from: cs('aid') },
  { op: 'rename', field: 'host.hostname', from: cs('ComputerName') },
  { op: 'rename', field: 'host.hostname', from: cs('hostname') },
  { op: 'copy', field: 'host.name', from: 'host.hostname' },
  { op: 'append', field: 'related.hosts', from: cs('info.host.ComputerName') },
  { op: 'rename', field: 'host.name', from: cs('info.host.ComputerName'), if: { missing: 'host.name' } },
  { op: 'append', field: 'related.hosts', from: 'host.name' },
  { op: 'rename', field: 'host.geo.city_name', from: cs('City') },
  { op: 'rename', field: 'host.geo.continent_name', from: cs('Continent') },
  { op: 'rename', field: 'host.geo.country_name', from: cs('Country') },
  { op: 'rename', field: 'host.geo.timezone', from: cs('Timezone') },
  { op: 'rename', field: 'host.domain', from: cs('MachineDomain') },
  { op: 'convert', field: '$aip', from: cs('info.host.aip'), type: 'ip', onError: 'ignore' },
  { op: 'remove', fields: [cs('info.host.aip')], if: { exists: '$aip' } },
  { op: 'append', field: 'host.ip', from: '$aip' },
  { op: 'append', field: 'related.ip', from: '$aip' },

  // OS.
  {
    op: 'map',
    field: 'host.os.type',
    from: cs('event_platform'),
    table: { Lin: 'linux', Mac: 'macos', Win: 'windows', iOS: 'ios' },
  },
  { op: 'rename', field: 'host.os.version', from: cs('OSVersionString') },
  { op: 'rename', field: 'host.os.version', from: cs('Version') },

  // Service.
  { op: 'copy', field: 'service.name', from: cs('ServiceDisplayName'), if: flag('isDriver') },

  // Process.
  { op: 'rename', field: 'process.command_line', from: cs('CommandLine') },
  {
    ...argvSkipEmptyStep('process.command_line', 'process.args', 'process.args_count'),
    if: { exists: 'host.os.type' },
  },
  {
    op: 'script',
    name: 'script_command_history_to_process_command_line',
    if: { all: [{ eq: cs('event_simpleName'), value: 'CommandHistory' }, { present: cs('CommandHistory') }] },
    run: (r) => {
      const o = csObject(r)!;
      const commands = String(o.CommandHistory)
        .split('¶')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      o.CommandHistory = commands;
      const p = isObject(r.doc.process) ? r.doc.process : (r.doc.process = {});
      (p as Record<string, unknown>).command_line = commands;
    },
  },
  {
    op: 'copy',
    field: 'process.user.name',
    from: cs('UserName'),
    if: { eq: cs('event_simpleName'), value: 'CommandHistory' },
  },
  {
    op: 'rename',
    field: 'process.executable',
    from: cs('ImageFileName'),
    if: { all: [{ not: flag('isLibrary') }, { not: flag('isDriver') }] },
  },
  processName,
  runcName,
  { op: 'convert', field: cs('ExitCode'), type: 'long' },
  { op: 'rename', field: 'process.exit_code', from: cs('ExitCode') },
  { op: 'convert', field: cs('ProcessStartTime'), type: 'string' },
  { op: 'convert', field: cs('ProcessEndTime'), type: 'string' },
  processUptime,
  rawPids,
  {
    op: 'date',
    field: cs('ProcessStartTime'),
    from: cs('ProcessStartTime'),
    formats: ['UNIX'],
    if: present('ProcessStartTime'),
  },
  { op: 'rename', field: 'process.start', from: cs('ProcessStartTime') },
  {
    op: 'date',
    field: cs('ProcessEndTime'),
    from: cs('ProcessEndTime'),
    formats: ['UNIX'],
    if: present('ProcessEndTime'),
  },
  { op: 'rename', field: 'process.end', from: cs('ProcessEndTime') },
  { op: 'rename', field: 'process.pid', from: cs('RawProcessId') },
  { op: 'convert', field: cs('TargetProcessId'), type: 'string' },
  { op: 'rename', field: 'process.entity_id', from: cs('TargetProcessId') },
  { op: 'convert', field: cs('ParentProcessId'), type: 'string' },
  { op: 'rename', field: 'process.parent.entity_id', from: cs('ParentProcessId') },
  { op: 'copy', field: 'process.name', from: cs('ContextBaseFileName'), if: flag('isNetwork') },
  { op: 'rename', field: 'process.parent.name', from: cs('ParentBaseFileName') },
  { op: 'convert', field: cs('ProcessGroupId'), type: 'long' },
  { op: 'rename', field: 'process.pgid', from: cs('ProcessGroupId') },
  { op: 'copy', field: 'process.entity_id', from: cs('ContextProcessId'), override: false },
  { op: 'convert', field: cs('ContextThreadId'), type: 'long', if: { missing: 'process.thread.id' } },
  { op: 'rename', field: 'process.thread.id', from: cs('ContextThreadId') },
  { op: 'rename', field: 'process.pid', from: cs('EtwRawProcessId') },
  { op: 'convert', field: cs('EtwRawThreadId'), type: 'long' },
  { op: 'rename', field: 'process.thread.id', from: cs('EtwRawThreadId') },
  { op: 'rename', field: 'process.title', from: cs('ServiceDisplayName') },
  {
    op: 'rename',
    field: 'process.hash',
    from: '$hashes',
    if: { all: [{ any: [actionHas('Process'), actionHas('Service')] }, { test: hasHashes }] },
  },
  {
    op: 'map',
    field: 'process.Ext.token.integrity_level_name',
    from: cs('IntegrityLevel'),
    table: INTEGRITY_LEVELS,
  },
  {
    op: 'copy',
    field: 'process.pe.original_file_name',
    from: cs('OriginalFilename'),
    if: { all: [flag('isProcess'), isWindows] },
  },
  {
    op: 'convert',
    field: 'process.group_leader.entity_id',
    from: 'process.pgid',
    type: 'string',
    if: { all: [flag('isProcess'), isLinux] },
  },
  { op: 'copy', field: 'process.real_user.id', from: cs('RUID') },
  { op: 'copy', field: 'user.Ext.real.id', from: 'process.real_user.id' },
  { op: 'copy', field: 'process.real_group.id', from: cs('RGID'), if: isLinux },
  { op: 'copy', field: 'group.Ext.real.id', from: 'process.real_group.id' },
  { op: 'copy', field: 'process.group.id', from: cs('GID'), if: isLinux },
  { op: 'copy', field: 'group.id', from: 'process.group.id' },

  // Library (module and driver loads, Windows).
  {
    op: 'copy',
    field: 'dll.pe.original_file_name',
    from: cs('OriginalFilename'),
    if: { all: [{ any: [flag('isLibrary'), flag('isDriver')] }, isWindows] },
  },
  { op: 'rename', field: 'dll.name', from: 'process.name', if: { all: [flag('isLibrary'), isWindows] } },
  { op: 'rename', field: 'dll.path', from: 'process.executable', if: { all: [flag('isLibrary'), isWindows] } },
  {
    op: 'rename',
    field: 'dll.hash.md5',
    from: cs('MD5HashData'),
    if: { all: [{ any: [flag('isLibrary'), flag('isDriver')] }, isWindows] },
  },
  { op: 'rename', field: 'dll.hash.sha1', from: cs('SHA1HashData'), if: { all: [flag('isLibrary'), isWindows] } },
  {
    op: 'rename',
    field: 'dll.hash.sha256',
    from: cs('SHA256HashData'),
    if: { all: [{ any: [flag('isLibrary'), flag('isDriver')] }, isWindows] },
  },
  {
    op: 'convert',
    field: 'dll.Ext.size',
    from: cs('ModuleSize'),
    type: 'long',
    onError: 'ignore',
    if: isWindows,
  },
  {
    op: 'basename',
    field: 'dll.name',
    from: cs('ImageFileName'),
    keepExisting: false,
    if: { all: [{ any: [flag('isLibrary'), flag('isDriver')] }, isWindows] },
  },
  {
    op: 'rename',
    field: 'dll.path',
    from: cs('ImageFileName'),
    if: { all: [{ any: [{ eq: 'event.action', value: 'ClassifiedModuleLoad' }, flag('isDriver')] }, isWindows] },
  },
  {
    op: 'basename',
    field: 'process.name',
    from: cs('TargetImageFileName'),
    keepExisting: false,
    if: { all: [flag('isLibrary'), isWindows] },
  },
  {
    op: 'rename',
    field: 'process.executable',
    from: cs('TargetImageFileName'),
    if: { all: [flag('isLibrary'), isWindows] },
  },
  {
    op: 'script',
    name: 'dll_code_signature',
    if: {
      all: [
        { eq: 'event.action', value: 'ClassifiedModuleLoad' },
        { present: cs('ImageSignatureLevel') },
        { present: cs('ImageSignatureType') },
      ],
    },
    run: (r) => {
      const o = csObject(r)!;
      const level = Number(o.ImageSignatureLevel);
      const type = Number(o.ImageSignatureType);
      if (!Number.isInteger(level) || !Number.isInteger(type))
        throw new Error('ImageSignatureLevel/Type are not numbers');
      const dll = isObject(r.doc.dll) ? r.doc.dll : (r.doc.dll = {});
      const d = dll as Record<string, unknown>;
      const sig = (isObject(d.code_signature) ? d.code_signature : (d.code_signature = {})) as Record<string, unknown>;
      if (type === 0) Object.assign(sig, { exists: false, trusted: false });
      else if (type >= 1 && (level === 0 || level === 1)) Object.assign(sig, { exists: true, trusted: false });
      else if (type >= 1 && level >= 2) Object.assign(sig, { exists: true, trusted: true });
    },
  },
  {
    op: 'copy',
    field: 'dll.code_signature.subject_name',
    from: cs('CertificatePublisher'),
    if: { all: [flag('isDriver'), isWindows] },
  },

  // Registry.
  { op: 'append', field: 'registry.data.strings', from: cs('RegStringValue') },
  {
    op: 'concat',
    field: 'registry.path',
    parts: [{ field: cs('RegObjectName') }, '\\', { field: cs('RegValueName') }],
    if: { all: [{ present: cs('RegObjectName') }, { present: cs('RegValueName') }] },
  },
  { op: 'copy', field: 'registry.path', from: cs('RegObjectName'), if: { not: { present: cs('RegValueName') } } },
  { op: 'copy', field: 'registry.value', from: cs('RegValueName') },
  {
    op: 'gsub',
    field: 'registry.key',
    from: cs('RegObjectName'),
    pattern: /^\\REGISTRY\\(?:USER|MACHINE)\\/,
    replacement: '',
  },
  {
    op: 'script',
    name: 'script_set_event_type',
    if: { exists: cs('RegOperationType') },
    run: (r) => {
      const t = REG_OPERATION_TYPES[String(csObject(r)!.RegOperationType)];
      if (t === undefined) return;
      const event = (isObject(r.doc.event) ? r.doc.event : (r.doc.event = {})) as Record<string, unknown>;
      event.type = [t];
    },
  },
  { op: 'map', field: 'registry.data.type', from: cs('RegType'), table: REG_DATA_TYPES },

  // User.
  { op: 'rename', field: 'user.id', from: cs('UID') },
  { op: 'rename', field: 'user.name', from: cs('info.user.UserName'), if: { missing: 'user.name' } },
  userInfoParts,
  { op: 'rename', field: 'user.name', from: cs('info.user.User'), if: { missing: 'user.name' } },
  { op: 'rename', field: 'user.group.id', from: cs('GID') },
  { op: 'rename', field: 'user.id', from: cs('UserSid'), if: { not: { present: 'user.id' } } },
  { op: 'copy', field: 'user.id', from: cs('FileOperatorSid'), if: { all: [{ missing: 'user.id' }, flag('isFile')] } },
  { op: 'append', field: 'user.roles', value: 'admin', if: { eq: cs('UserIsAdmin'), value: '1' } },
  {
    op: 'when',
    cond: { test: (r) => isObject(csObject(r)?.User) },
    then: [
      { op: 'rename', field: 'user.name', from: cs('User.Name'), if: { missing: 'user.name' } },
      { op: 'rename', field: 'user.id', from: cs('User.ID'), if: { missing: 'user.id' } },
      { op: 'remove', fields: [cs('User')] },
    ],
  },
  { op: 'rename', field: 'user.name', from: cs('UserName'), if: { missing: 'user.name' } },
  {
    op: 'rename',
    field: 'user.name',
    from: cs('User'),
    if: { all: [{ test: (r) => typeof csObject(r)?.User === 'string' }, { missing: 'user.name' }] },
  },
  userPrincipal,
  { op: 'rename', field: 'user.email', from: cs('UserPrincipal') },
  {
    op: 'when',
    cond: { eq: 'event.action', value: 'TokenImpersonated' },
    then: [
      { op: 'copy', field: 'user.name', from: cs('OriginalUserName') },
      { op: 'copy', field: 'user.id', from: cs('OriginalUserSid') },
      { op: 'copy', field: 'user.target.name', from: cs('ImpersonatedUserName') },
    ],
  },
  {
    op: 'when',
    cond: { eq: 'event.action', value: 'SudoCommandAttempt' },
    then: [
      { op: 'copy', field: 'user.name', from: cs('OriginalUserName') },
      { op: 'set', field: 'user.name', value: 'root', if: { not: { present: 'user.name' } } },
      { op: 'copy', field: 'user.id', from: cs('OriginalUserID') },
      { op: 'set', field: 'user.id', value: 0, if: { missing: 'user.id' } },
      { op: 'copy', field: 'user.target.name', from: cs('NewUsername') },
      { op: 'set', field: 'user.target.name', value: 'root', if: { not: { present: 'user.target.name' } } },
      { op: 'copy', field: 'user.target.id', from: cs('NewUserID') },
      { op: 'set', field: 'user.target.id', value: 0, if: { missing: 'user.target.id' } },
    ],
  },
  ...['user.name', cs('info.user.User'), 'user.full_name', 'user.target.name', 'user.email', 'user.id'].map(
    (f): Step => ({ op: 'append', field: 'related.user', from: f }),
  ),

  // Network.
  { op: 'set', field: 'network.direction', value: 'outbound', if: { eq: cs('ConnectionDirection'), value: '0' } },
  { op: 'set', field: 'network.direction', value: 'inbound', if: { eq: cs('ConnectionDirection'), value: '1' } },
  {
    op: 'set',
    field: 'network.direction',
    value: 'unknown',
    if: { all: [{ missing: 'network.direction' }, { present: cs('ConnectionDirection') }] },
  },
  splitIpsStep('LocalAddressIP4', 'keep'),
  { op: 'convert', field: cs('RemoteAddressIP4'), type: 'ip' },
  relatedIpsFrom(cs('LocalAddressIP4')),
  splitIpsStep('LocalAddressIP6', 'keep'),
  { op: 'convert', field: cs('RemoteAddressIP6'), type: 'ip' },
  relatedIpsFrom(cs('LocalAddressIP6')),
  {
    op: 'when',
    cond: { ne: 'network.direction', value: 'inbound' },
    // outbound_network.yml: local → source, remote → destination.
    then: directionSteps('source', 'destination'),
    // inbound_network.yml: local → destination, remote → source.
    else: directionSteps('destination', 'source'),
  },
  { op: 'rename', field: 'network.iana_number', from: cs('Protocol') },
  { op: 'map', field: 'network.transport', from: 'network.iana_number', table: IANA_TRANSPORTS },
  { op: 'append', field: 'related.ip', from: 'source.ip' },
  { op: 'append', field: 'related.ip', from: 'destination.ip' },
  { op: 'rename', field: 'source.mac', from: cs('MAC') },
  { op: 'rename', field: 'source.mac', from: cs('PhysicalAddress') },
  { op: 'uppercase', field: 'source.mac' },
  { op: 'rename', field: 'server.address', from: cs('DownloadServer') },
  { op: 'rename', field: 'url.path', from: cs('DownloadPath') },
  {
    op: 'concat',
    field: 'url.path',
    parts: ['/', { field: 'url.path' }],
    if: { all: [{ exists: 'url.path' }, { not: { matches: 'url.path', pattern: /^\// } }] },
  },
  { op: 'set', field: 'url.scheme', value: 'https', if: { eq: cs('DownloadPort'), value: 443 } },
  {
    op: 'set',
    field: 'url.scheme',
    value: 'http',
    if: { all: [{ exists: cs('DownloadPort') }, { ne: cs('DownloadPort'), value: 443 }] },
  },
  {
    op: 'concat',
    field: 'url.full',
    parts: [{ field: 'url.scheme' }, '://', { field: 'server.address' }, { field: 'url.path' }],
    if: { all: [{ exists: 'url.scheme' }, { exists: 'server.address' }, { exists: 'url.path' }] },
  },

  // DNS (registered_domain needs a public-suffix list: only the name is kept).
  {
    op: 'when',
    cond: { test: (r) => actionText(r).toLowerCase().includes('dnsrequest') },
    then: [
      { op: 'set', field: 'dns.type', value: 'query' },
      { op: 'set', field: 'network.protocol', value: 'dns' },
      { op: 'rename', field: 'dns.question.name', from: cs('DomainName') },
      {
        op: 'script',
        name: 'dns_request_type_to_name',
        if: { present: cs('RequestType') },
        run: (r) => {
          const o = csObject(r)!;
          const t = DNS_TYPES[String(o.RequestType)];
          if (t === undefined) return;
          const dns = r.doc.dns as Record<string, unknown>;
          const q = (isObject(dns.question) ? dns.question : (dns.question = {})) as Record<string, unknown>;
          q.type = t;
          delete o.RequestType;
        },
      },
    ],
  },
  // SMB.
  { op: 'rename', field: 'destination.domain', from: cs('DomainName'), if: actionHas('SmbServerShareOpenedEtw') },

  // File.
  {
    op: 'copy',
    field: 'file.pe.original_file_name',
    from: cs('OriginalFilename'),
    if: { all: [flag('isFile'), isWindows] },
  },
  { op: 'convert', field: cs('Size'), type: 'long', onError: 'ignore' },
  { op: 'rename', field: 'file.size', from: cs('Size') },
  { op: 'rename', field: 'file.inode', from: cs('FileIdentifier') },
  {
    op: 'copy',
    field: 'file.Ext.original.path',
    from: cs('SourceFileName'),
    if: { in: 'event.action', values: ['NewExecutableRenamed', 'FileRenameInfo'] },
  },
  { op: 'rename', field: 'file.path', from: cs('SourceFileName') },
  { op: 'rename', field: 'file.path', from: cs('TargetFileName') },
  {
    op: 'copy',
    field: 'file.path',
    from: cs('TargetFileName'),
    if: { in: 'event.action', values: ['NewExecutableRenamed', 'FileRenameInfo'] },
  },
  { op: 'rename', field: 'file.device', from: cs('DiskParentDeviceInstanceId') },
  {
    op: 'set',
    field: 'file.type',
    value: 'file',
    if: {
      all: [
        { exists: 'file.path' },
        { missing: 'file.type' },
        { exists: 'event.action' },
        { not: actionHas('Directory') },
      ],
    },
  },
  {
    op: 'set',
    field: 'file.type',
    value: 'dir',
    if: {
      all: [
        { exists: 'file.path' },
        { exists: 'event.action' },
        { any: [actionHas('Directory'), { matches: 'file.path', pattern: /[\\/]$/ }] },
      ],
    },
  },
  filePathPartsStep('file.path', { trimTrailing: true }),
  {
    op: 'script',
    name: 'parse_file_ext_original_path',
    if: { exists: 'file.Ext.original.path' },
    run: (r) => {
      const orig = ((r.doc.file as Record<string, unknown>).Ext as Record<string, unknown>).original as Record<
        string,
        unknown
      >;
      let p = String(orig.path);
      if (p.length <= 1) return;
      if (p.endsWith('/')) p = p.slice(0, -1);
      if (p.endsWith('\\')) p = p.slice(0, -1);
      let idx = p.lastIndexOf('\\');
      if (idx === -1) idx = p.lastIndexOf('/');
      if (idx > -1) orig.name = p.slice(idx + 1);
    },
  },
  {
    op: 'rename',
    field: 'file.hash',
    from: '$hashes',
    if: {
      all: [{ any: [actionHas('File'), actionHas('Directory'), actionHas('Executable')] }, { test: hasHashes }],
    },
  },
  {
    op: 'when',
    cond: { matches: 'event.action', pattern: /Written$/ },
    then: [
      { op: 'copy', field: 'process.name', from: cs('ContextBaseFileName') },
      { op: 'copy', field: 'process.executable', from: cs('ContextImageFileName'), if: isWindows },
      { op: 'copy', field: 'file.hash.sha256', from: cs('SHA256HashData'), if: isLinux },
    ],
  },

  // Device.
  { op: 'copy', field: 'device.id', from: cs('SensorId') },
  { op: 'copy', field: 'device.id', from: cs('DeviceId'), override: false },
  { op: 'copy', field: 'device.id', from: 'observer.serial_number', override: false },

  // CrowdStrike fields.
  ...[
    'ContextProcessTagsAsString',
    'PatternIdList',
    'ParentProcessPatternIdList',
    'GrandparentProcessPatternIdList',
    'SessionPatternIdList',
  ].map((f) => splitCs(f, /,/)),
  splitCs('FalconGroupingTags', /,\s?/),
  splitCs('SensorGroupingTags', /,\s?/),
  convertTags,
  splitCs('CallStackModuleNames', /\|/),
  ...['UserTime', 'KernelTime', 'CycleTime'].map((f): Step => ({ op: 'convert', field: cs(f), type: 'long' })),
  { op: 'append', field: 'related.hash', from: cs('ConfigStateHash') },
  { op: 'trim', field: cs('BootArgs') },
  splitCs('BootArgs', /\s+/),
  ...['LogonTime', 'LogoffTime', 'ConnectTime', 'PreviousConnectTime', 'AgentLocalTime', 'FirstSeen'].map(
    (f): Step => ({ op: 'date', field: cs(f), from: cs(f), formats: ['UNIX'], if: present(f), onError: 'ignore' }),
  ),
  { op: 'convert', field: cs('AgentTimeOffset'), type: 'double' },
  ...['Timeout', 'PhysicalAddressLength', 'InterfaceIndex', 'NetLuidIndex', 'AttemptNumber', 'SystemTableIndex'].map(
    (f): Step => ({ op: 'convert', field: cs(f), type: 'long' }),
  ),
  splitCs('NeighborList', /\|/),
  splitCs('ConfigStateData', /\|/),
  { op: 'append', field: 'related.hosts', from: cs('LogonServer') },
  { op: 'append', field: 'related.hosts', from: cs('ClientComputerName') },
  { op: 'append', field: 'related.hosts', from: cs('info.user.LastLoggedOnHost') },
  {
    op: 'script',
    name: 'script_process_interactive_logon_type',
    if: { all: [{ present: cs('LogonType') }, { exists: 'process' }] },
    run: (r) => {
      const t = String(csObject(r)!.LogonType);
      (r.doc.process as Record<string, unknown>).interactive = t === '2' || t === '10' || t === '11' || t === '12';
    },
  },

  // Cleanup.
  { op: 'remove', fields: [cs('event_platform')], if: { exists: 'host.os.type' } },
  {
    op: 'remove',
    fields: [
      cs('timestamp'),
      cs('_time'),
      cs('Time'),
      cs('CreationTimeStamp'),
      cs('DomainName'),
      cs('ConnectionDirection'),
      cs('UserIsAdmin'),
      cs('UTCTimestamp'),
      cs('TargetDirectoryName'),
      cs('BrowserExtensionArchitecture'),
      cs('MitreAttack'),
    ],
  },
  // remove_nulls: null, '', '-', 'none' and emptied containers, recursively and inside lists.
  { op: 'prune', values: [null, '', '-', 'none'], emptyContainers: true, tag: 'remove_nulls' },
];

/** outbound_network.yml / inbound_network.yml: `local` is the host's side, `remote` the peer's. */
function directionSteps(local: 'source' | 'destination', remote: 'source' | 'destination'): Step[] {
  return [
    { op: 'copy', field: `${local}.ip`, from: cs('CurrentLocalIP'), override: false },
    { op: 'copy', field: `${local}.ip`, from: cs('LocalIP'), override: false },
    firstOfList(`${local}.ip`, 'LocalAddressIP4'),
    firstOfList(`${local}.ip`, 'LocalAddressIP6'),
    {
      op: 'script',
      name: `convert_${local}_ip`,
      if: { exists: `${local}.ip` },
      run: (r) => {
        const side = r.doc[local] as Record<string, unknown>;
        if (!isIp(side.ip)) {
          r.report('field-conversion', `crowdstrike: ${local}.ip ${JSON.stringify(side.ip)} is not an IP address`);
          delete side.ip;
        }
      },
    },
    { op: 'copy', field: `${local}.address`, from: `${local}.ip` },
    { op: 'rename', field: `${local}.port`, from: cs('LocalPort') },
    { op: 'rename', field: `${local}.mac`, from: cs('MAC') },
    { op: 'rename', field: `${local}.mac`, from: cs('PhysicalAddress') },
    { op: 'rename', field: `${remote}.ip`, from: cs('RemoteAddressIP4') },
    { op: 'rename', field: `${remote}.ip`, from: cs('RemoteAddressIP6') },
    { op: 'copy', field: `${remote}.address`, from: `${remote}.ip` },
    { op: 'rename', field: `${remote}.port`, from: cs('RemotePort') },
  ];
}
