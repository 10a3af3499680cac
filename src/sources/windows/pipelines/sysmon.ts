/**
 * Sysmon Operational → ECS, transcribed from elastic/integrations
 * `packages/windows/data_stream/forwarded/elasticsearch/ingest_pipeline/sysmon_operational.yml`
 * at 6321f22f (the revision ../shared/docs/ecs-mapping.md documents; the sysmon_operational data
 * stream links to the same shared pipeline). Steps are in the pipeline's order.
 *
 * Not reproduced (no rule in the corpus reads them): `registered_domain` (needs the public suffix
 * list), `community_id`, the translate_sid `_Member*` enrichment, the DNS `QueryStatus` code → name
 * table (`sysmon.dns.status` keeps the code).
 */
import { isObject, type MappingRun, type Step } from '../../mapping/index.js';
import { toIp } from '../../mapping/values.js';
import { CLEAN_EVENT_DATA, codeIn, ed, EVENT_DATA, eventDataOf, eventTable, setIn } from './common.js';

export const SYSMON_EVENTS = eventTable([
  ['1', 'Process creation', ['process'], ['start']],
  ['2', 'A process changed a file creation time', ['file'], ['change']],
  ['3', 'Network connection', ['network'], ['start', 'connection', 'protocol']],
  ['4', 'Sysmon service state changed', ['process'], ['change']],
  ['5', 'Process terminated', ['process'], ['end']],
  ['6', 'Driver loaded', ['driver'], ['start']],
  ['7', 'Image loaded', ['process'], ['change']],
  ['8', 'CreateRemoteThread', ['process'], ['change']],
  ['9', 'RawAccessRead', ['process'], ['access']],
  ['10', 'ProcessAccess', ['process'], ['access']],
  ['11', 'FileCreate', ['file'], ['creation']],
  ['12', 'RegistryEvent (Object create and delete)', ['configuration', 'registry'], ['change']],
  ['13', 'RegistryEvent (Value Set)', ['configuration', 'registry'], ['change']],
  ['14', 'RegistryEvent (Key and Value Rename)', ['configuration', 'registry'], ['change']],
  ['15', 'FileCreateStreamHash', ['file'], ['access']],
  ['16', 'ServiceConfigurationChange', ['configuration'], ['change']],
  ['17', 'PipeEvent (Pipe Created)', ['file'], ['creation']],
  ['18', 'PipeEvent (Pipe Connected)', ['file'], ['access']],
  ['19', 'WmiEvent (WmiEventFilter activity detected)', ['process'], ['creation']],
  ['20', 'WmiEvent (WmiEventConsumer activity detected)', ['process'], ['creation']],
  ['21', 'WmiEvent (WmiEventConsumerToFilter activity detected)', ['process'], ['access']],
  ['22', 'DNSEvent (DNS query)', ['network'], ['connection', 'protocol', 'info']],
  ['23', 'FileDelete (File Delete archived)', ['file'], ['deletion']],
  ['24', 'ClipboardChange (New content in the clipboard)', [], ['change']],
  ['25', 'ProcessTampering (Process image change)', ['process'], ['change']],
  ['26', 'FileDeleteDetected (File Delete logged)', ['file'], ['deletion']],
  ['27', 'FileBlockExecutable', ['file'], ['creation', 'denied']],
  ['28', 'FileBlockShredding', ['file'], ['deletion', 'denied']],
  ['29', 'FileExecutableDetected', ['file'], ['creation']],
  ['255', 'Error', ['process'], ['error']],
]);

/** DNS record types of Sysmon's `QueryResults` (`type:  5 host`). */
const DNS_TYPES: Readonly<Record<string, string>> = {
  '1': 'A', '2': 'NS', '3': 'MD', '4': 'MF', '5': 'CNAME', '6': 'SOA', '7': 'MB', '8': 'MG', '9': 'MR',
  '10': 'NULL', '11': 'WKS', '12': 'PTR', '13': 'HINFO', '14': 'MINFO', '15': 'MX', '16': 'TXT', '17': 'RP',
  '18': 'AFSDB', '19': 'X25', '20': 'ISDN', '21': 'RT', '22': 'NSAP', '23': 'NSAPPTR', '24': 'SIG', '25': 'KEY',
  '26': 'PX', '27': 'GPOS', '28': 'AAAA', '29': 'LOC', '30': 'NXT', '31': 'EID', '32': 'NIMLOC', '33': 'SRV',
  '34': 'ATMA', '35': 'NAPTR', '36': 'KX', '37': 'CERT', '38': 'A6', '39': 'DNAME', '40': 'SINK', '41': 'OPT',
  '43': 'DS', '46': 'RRSIG', '47': 'NSEC', '48': 'DNSKEY', '49': 'DHCID', '100': 'UINFO', '101': 'UID',
  '102': 'GID', '103': 'UNSPEC', '248': 'ADDRS', '249': 'TKEY', '250': 'TSIG', '251': 'IXFR', '252': 'AXFR',
  '253': 'MAILB', '254': 'MAILA', '255': 'ANY', '65281': 'WINS', '65282': 'WINSR',
}; // prettier-ignore

const HIVES: Readonly<Record<string, string>> = {
  HKEY_CLASSES_ROOT: 'HKCR', HKCR: 'HKCR', HKEY_CURRENT_CONFIG: 'HKCC', HKCC: 'HKCC',
  HKEY_CURRENT_USER: 'HKCU', HKCU: 'HKCU', HKEY_DYN_DATA: 'HKDD', HKDD: 'HKDD',
  HKEY_LOCAL_MACHINE: 'HKLM', HKLM: 'HKLM', HKEY_PERFORMANCE_DATA: 'HKPD', HKPD: 'HKPD',
  HKEY_USERS: 'HKU', HKU: 'HKU',
}; // prettier-ignore

/** `process.name` / `process.parent.name`: text after the last `\`, only when non-empty and unset. */
function processNames(run: MappingRun): void {
  const p = run.doc.process;
  if (!isObject(p)) return;
  nameOf(p);
  if (isObject(p.parent)) nameOf(p.parent);
}

function nameOf(p: Record<string, unknown>): void {
  const v = p.executable;
  if (typeof v !== 'string' || v.length <= 1 || p.name !== undefined) return;
  const idx = v.lastIndexOf('\\');
  if (idx > -1 && idx + 1 < v.length) p.name = v.slice(idx + 1);
}

/** file.name / directory / extension from file.path (extension: after the path's last dot). */
function fileParts(run: MappingRun): void {
  const file = run.doc.file;
  if (!isObject(file)) return;
  const path = file.path;
  if (typeof path !== 'string' || path.length <= 1) return;
  const idx = path.lastIndexOf('\\');
  if (idx < 0) return;
  file.name = path.slice(idx + 1);
  file.directory = path.slice(0, idx);
  const ext = path.lastIndexOf('.');
  if (ext > -1) file.extension = path.slice(ext + 1);
}

/** `QueryResults` → dns.answers / dns.resolved_ip / related.hosts, as the pipeline's script and foreach steps. */
function dnsResults(run: MappingRun): void {
  const qr = eventDataOf(run)?.QueryResults;
  if (typeof qr !== 'string' || qr === '') return;
  const answers: Array<Record<string, string | undefined>> = [];
  const ips: string[] = [];
  const hosts: string[] = [];
  for (const answer of qr.split(';')) {
    if (answer === '') continue;
    if (answer.startsWith('type:')) {
      const parts = answer.split(/\s+/);
      if (parts.length < 2) throw new Error('unexpected QueryResult format');
      if (parts.length === 3) {
        answers.push({ type: DNS_TYPES[parts[1]!], data: parts[2]! });
        hosts.push(parts[2]!);
      } else answers.push({ type: DNS_TYPES[parts[1]!] });
    } else ips.push(answer);
  }
  const dns = (isObject(run.doc.dns) ? run.doc.dns : (run.doc.dns = {})) as Record<string, unknown>;
  if (answers.length > 0) dns.answers = answers;
  if (hosts.length > 0) setIn(run.doc, 'related.hosts', hosts);
  if (ips.length === 0) return;
  // gsub of the IPv4-mapped prefix, then convert to ip (invalid entries dropped).
  const resolved = ips
    .map((ip) => ip.replace(/::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)/g, '$1'))
    .filter((ip) => typeof toIp(ip) === 'string');
  dns.resolved_ip = resolved;
  const list = (Array.isArray(dns.answers) ? dns.answers : (dns.answers = [])) as unknown[];
  for (const ip of resolved) list.push({ type: ip.includes(':') ? 'AAAA' : 'A', data: ip });
}

/** Registry fields of events 12–14 (with the pipeline's QWORD arithmetic, `(high << 8) + low`). */
function registry(run: MappingRun): void {
  const e = eventDataOf(run);
  const path = e?.TargetObject;
  if (typeof path !== 'string' || path === '') return;
  const reg: Record<string, unknown> = { path };
  run.doc.registry = reg;
  const tokens = path.split('\\');
  while (tokens.length > 1 && tokens[tokens.length - 1] === '') tokens.pop(); // Java split
  const hive = HIVES[tokens[0]!];
  if (hive !== undefined) {
    reg.hive = hive;
    if (tokens.length > 1) reg.key = tokens.slice(1).join('\\');
  }
  reg.value = tokens[tokens.length - 1];
  const data = e?.Details;
  if (typeof data !== 'string' || data === '') return;
  const qword = /^QWORD \(((0x[0-9A-F]{8})-(0x[0-9A-F]{8}))\)$/i.exec(data);
  if (qword !== null) {
    const hi = BigInt(parseInt(qword[2]!.slice(2), 16));
    const lo = BigInt(parseInt(qword[3]!.slice(2), 16));
    reg.data = { strings: [((hi << 8n) + lo).toString()], type: 'SZ_QWORD' };
    return;
  }
  const dword = /^DWORD \((0x[0-9A-F]{8})\)$/i.exec(data);
  if (dword !== null) {
    reg.data = { strings: [String(parseInt(dword[1]!.slice(2), 16))], type: 'SZ_DWORD' };
    return;
  }
  reg.data = { strings: [data], type: data === 'Binary Data' ? 'REG_BINARY' : 'REG_SZ' };
}

/** `rename` with the pipelines' usual `!= ""` guard (the engine's default). */
const mv = (field: string, from: string, extra: Partial<Step> = {}): Step =>
  ({ op: 'rename', field, from: ed(from), ...extra }) as Step;

const SYSMON_MAPPING: readonly Step[] = [
  CLEAN_EVENT_DATA,
  { op: 'rename', field: 'log.level', from: 'winlog.level' },
  { op: 'date', field: 'event.created', from: 'winlog.time_created', formats: ['ISO8601'], tag: 'time_created_date' },
  { op: 'date', field: '@timestamp', from: ed('UtcTime'), formats: ['yyyy-MM-dd HH:mm:ss.SSS'] },
  { op: 'set', field: 'event.kind', value: 'event' },
  { op: 'convert', field: 'event.code', from: 'winlog.event_id', type: 'string' },
  { op: 'lookup', key: 'event.code', into: 'event', table: SYSMON_EVENTS },
  { op: 'convert', field: 'winlog.record_id', type: 'string' },
  mv('error.code', 'ID', { if: { eq: 'event.code', value: '255' } }),
  mv('rule.name', 'RuleName', { skip: ['-'] }),
  mv('message', 'Type', { if: { eq: 'event.code', value: '25' } }),
  mv(ed('Hashes'), 'Hash'),
  { op: 'hashList', from: ed('Hashes'), field: '$hashes', related: 'related.hash' },

  // Process fields.
  { op: 'rename', field: 'process.hash', from: '$hashes', ignoreEmpty: false, if: codeIn('1', '23', '24', '25') },
  { op: 'rename', field: 'process.pe.imphash', from: 'process.hash.imphash' },
  mv('process.entity_id', 'ProcessGuid'),
  { op: 'convert', field: 'process.pid', from: ed('ProcessId'), type: 'long' },
  mv('process.executable', 'Image'),
  mv('process.entity_id', 'SourceProcessGuid'),
  mv('process.entity_id', 'SourceProcessGUID'),
  { op: 'convert', field: 'process.pid', from: ed('SourceProcessId'), type: 'long' },
  { op: 'convert', field: 'process.thread.id', from: ed('SourceThreadId'), type: 'long' },
  mv('process.executable', 'SourceImage'),
  mv('process.executable', 'Destination'),
  mv('process.command_line', 'CommandLine'),
  mv('process.working_directory', 'CurrentDirectory'),
  mv('process.parent.entity_id', 'ParentProcessGuid'),
  { op: 'convert', field: 'process.parent.pid', from: ed('ParentProcessId'), type: 'long' },
  mv('process.parent.executable', 'ParentImage'),
  mv('process.parent.command_line', 'ParentCommandLine'),
  {
    op: 'when',
    cond: { ne: 'event.code', value: '7' },
    then: [
      mv('process.pe.original_file_name', 'OriginalFileName'),
      { op: 'copy', field: 'process.pe.company', from: ed('Company') },
      { op: 'copy', field: 'process.pe.description', from: ed('Description') },
      { op: 'copy', field: 'process.pe.file_version', from: ed('FileVersion') },
      { op: 'copy', field: 'process.pe.product', from: ed('Product') },
    ],
  },
  { op: 'argv', from: 'process.command_line', args: 'process.args', count: 'process.args_count', algorithm: 'go' },
  {
    op: 'argv',
    from: 'process.parent.command_line',
    args: 'process.parent.args',
    count: 'process.parent.args_count',
    algorithm: 'go',
  },
  { op: 'script', deferSafe: true, name: 'process names', run: processNames },

  // File fields.
  { op: 'rename', field: 'file.hash', from: '$hashes', ignoreEmpty: false, if: codeIn('6', '7', '15', '26', '29') },
  { op: 'rename', field: 'file.pe.imphash', from: 'file.hash.imphash' },
  mv('file.path', 'TargetFilename'),
  mv('file.path', 'Device'),
  mv('file.name', 'PipeName'),
  mv('file.path', 'ImageLoaded'),
  { op: 'copy', field: 'file.code_signature.subject_name', from: ed('Signature') },
  { op: 'copy', field: 'file.code_signature.status', from: ed('SignatureStatus') },
  {
    op: 'when',
    cond: { eq: 'event.code', value: '7' },
    then: [
      mv('file.pe.original_file_name', 'OriginalFileName'),
      { op: 'copy', field: 'file.pe.company', from: ed('Company') },
      { op: 'copy', field: 'file.pe.description', from: ed('Description') },
      { op: 'copy', field: 'file.pe.file_version', from: ed('FileVersion') },
      { op: 'copy', field: 'file.pe.product', from: ed('Product') },
    ],
  },
  // The pipeline compares `Signed == true`: a boolean, so the strings the winlog input sends never match.
  { op: 'set', field: 'file.code_signature.signed', value: true, if: { eq: ed('Signed'), value: true } },
  { op: 'set', field: 'file.code_signature.valid', value: true, if: { eq: ed('SignatureStatus'), value: 'Valid' } },
  { op: 'script', deferSafe: true, name: 'file parts', run: fileParts },

  // Network, destination and source fields.
  mv('network.transport', 'Protocol'),
  mv('network.protocol', 'DestinationPortName', { if: { ne: 'event.code', value: '22' } }),
  mv('network.protocol', 'SourcePortName', { if: { ne: 'event.code', value: '22' } }),
  { op: 'set', field: 'network.protocol', value: 'dns', if: { eq: 'event.code', value: '22' } },
  { op: 'convert', field: 'source.ip', from: ed('SourceIp'), type: 'ip' },
  mv('source.domain', 'SourceHostname'),
  { op: 'convert', field: 'source.port', from: ed('SourcePort'), type: 'long' },
  { op: 'convert', field: 'destination.ip', from: ed('DestinationIp'), type: 'ip' },
  mv('destination.domain', 'DestinationHostname'),
  { op: 'convert', field: 'destination.port', from: ed('DestinationPort'), type: 'long' },
  mv('dns.question.name', 'QueryName'),
  { op: 'set', field: 'network.direction', value: 'egress', if: { eq: ed('Initiated'), value: 'true' } },
  { op: 'set', field: 'network.direction', value: 'ingress', if: { eq: ed('Initiated'), value: 'false' } },
  { op: 'set', field: 'network.type', value: 'ipv4', if: { eq: ed('SourceIsIpv6'), value: 'false' } },
  { op: 'set', field: 'network.type', value: 'ipv6', if: { eq: ed('SourceIsIpv6'), value: 'true' } },
  { op: 'script', deferSafe: true, name: 'dns query results', run: dnsResults },
  { op: 'append', field: 'related.hosts', from: 'dns.question.name' },
  { op: 'append', field: 'related.ip', from: 'dns.resolved_ip' },

  // User fields.
  { op: 'copy', field: 'user.id', from: 'winlog.user.identifier' },
  { op: 'domainUser', from: ed('User'), domain: 'user.domain', name: 'user.name' },

  // Sysmon fields.
  mv('sysmon.dns.status', 'QueryStatus'),
  { op: 'convert', field: 'sysmon.file.archived', from: ed('Archived'), type: 'boolean' },
  { op: 'convert', field: 'sysmon.file.is_executable', from: ed('IsExecutable'), type: 'boolean' },

  // Related fields.
  { op: 'append', field: 'related.user', from: 'user.name' },
  { op: 'append', field: 'related.ip', from: 'source.ip' },
  { op: 'append', field: 'related.ip', from: 'destination.ip' },

  // Registry fields.
  { op: 'script', deferSafe: true, name: 'registry', run: registry, if: codeIn('12', '13', '14') },

  // Conformity and clean-up.
  mv(ed('TargetProcessGUID'), 'TargetProcessGuid'),
  {
    op: 'remove',
    fields: [
      ...[
        'ProcessId',
        'ParentProcessId',
        'SourceProcessId',
        'SourceThreadId',
        'SourceIp',
        'SourcePort',
        'SourcePortName',
        'DestinationIp',
        'DestinationPort',
        'DestinationPortName',
        'RuleName',
        'User',
        'Initiated',
        'SourceIsIpv6',
        'DestinationIsIpv6',
        'QueryStatus',
        'Archived',
        'IsExecutable',
        'QueryResults',
        'UtcTime',
        'Hash',
        'Hashes',
        'TargetObject',
      ].map(ed),
      'winlog.time_created',
      'winlog.level',
    ],
  },
  { op: 'clean', field: EVENT_DATA, values: [null, '', '-'], removeIfEmpty: true },
];

/** The whole pipeline; after `event.code` is set, steps are pre-selected per event id. */
export const SYSMON_STEPS: readonly Step[] = [
  ...SYSMON_MAPPING.slice(0, 6),
  { op: 'dispatch', on: 'event.code', steps: SYSMON_MAPPING.slice(6) },
];
