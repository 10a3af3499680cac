/**
 * EDR normaliser throughput: events/s per source over generated records.
 *
 *   npx tsx bench/normalise-edr.ts [--records 200000] [--json]
 *
 * Records are generated from each vendor's own field names, a mix of event types per source
 * (process starts, network, file, registry, DNS, module loads, logons), with varied values so no
 * two records are identical: a pool of 4,096 distinct NDJSON lines is cycled until `--records`
 * records went through. Two figures per source, one thread, per second of process CPU time
 * (robust on a shared machine) and of wall time:
 * - `line→ECS`: JSON.parse of the line + normalisation (what the readers pay per record);
 * - `normalise`: normalisation of an already parsed record (parsing done untimed, in batches).
 */
import { cpus, loadavg } from 'node:os';
import { createEdrNormaliser, type EdrFormat, type EdrRecordNormaliser } from '../src/sources/edr/index.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const RECORDS = opt('records', 200_000);
const POOL = 4096;
const BATCH = 2048;

const hex = (i: number, n: number): string =>
  ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(8).slice(0, n);
const T0 = Date.UTC(2024, 4, 2, 9, 0, 0);

function fdr(i: number): Record<string, unknown> {
  const base = {
    aid: hex(i % 200, 32),
    cid: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    id: `${hex(i, 8)}-0c1f-11ef-8a8e-${hex(i + 7, 12)}`,
    event_platform: 'Win',
    timestamp: String(T0 + i * 37),
    ConfigBuild: '1007.3.0017312.1',
    ContextProcessId: String(400000000000 + i),
    ContextThreadId: String(9000 + (i % 500)),
  };
  switch (i % 6) {
    case 0:
    case 1:
      return {
        ...base,
        event_simpleName: 'ProcessRollup2',
        name: 'ProcessRollup2V19',
        TargetProcessId: String(412345678901 + i),
        ParentProcessId: String(412345678800 + i),
        RawProcessId: String(1000 + (i % 60000)),
        ImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe',
        CommandLine: `"C:\\Windows\\system32\\cmd.exe" /c echo ${hex(i, 12)} > C:\\Users\\Public\\out${i % 100}.txt`,
        ParentBaseFileName: 'explorer.exe',
        UserSid: 'S-1-5-21-1004336348-1177238915-682003330-1001',
        IntegrityLevel: '8192',
        ProcessStartTime: String((T0 + i * 37) / 1000),
        ProcessEndTime: '',
        SHA256HashData: hex(i, 64),
        MD5HashData: hex(i + 1, 32),
        SHA1HashData: '0000000000000000000000000000000000000000',
        Tags: '25, 27, 40, 151',
        aip: '81.2.69.142',
      };
    case 2:
      return {
        ...base,
        event_simpleName: 'NetworkConnectIP4',
        ConnectionDirection: '0',
        LocalAddressIP4: `10.0.${i % 250}.5`,
        LocalPort: String(49152 + (i % 10000)),
        RemoteAddressIP4: `203.0.113.${i % 250}`,
        RemotePort: '443',
        Protocol: '6',
        ContextBaseFileName: 'powershell.exe',
      };
    case 3:
      return { ...base, event_simpleName: 'DnsRequest', DomainName: `h${i % 1000}.example.com`, RequestType: '1' };
    case 4:
      return {
        ...base,
        event_simpleName: 'NewScriptWritten',
        TargetFileName: `\\Device\\HarddiskVolume3\\Users\\u${i % 40}\\AppData\\Local\\Temp\\s${i}.ps1`,
        ContextBaseFileName: 'powershell.exe',
        ContextImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        SHA256HashData: hex(i, 64),
      };
    default:
      return {
        ...base,
        event_simpleName: 'AsepValueUpdate',
        RegObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
        RegValueName: `v${i % 300}`,
        RegStringValue: `C:\\Users\\Public\\v${i}.exe`,
        RegOperationType: '1',
        RegType: '1',
      };
  }
}

function defender(i: number): Record<string, unknown> {
  const t = new Date(T0 + i * 37).toISOString().replace('Z', '1234Z');
  const common = {
    Timestamp: t,
    DeviceId: hex(i % 200, 40),
    DeviceName: `WS-${i % 200}.corp.example.com`,
    InitiatingProcessFileName: 'powershell.exe',
    InitiatingProcessFolderPath: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe',
    InitiatingProcessId: 4000 + (i % 5000),
    InitiatingProcessCommandLine: `powershell.exe -nop -w hidden -enc ${hex(i, 24)}`,
    InitiatingProcessAccountName: `user${i % 50}`,
    InitiatingProcessAccountDomain: 'corp',
    InitiatingProcessAccountSid: `S-1-5-21-1004336348-1177238915-682003330-${1000 + (i % 50)}`,
    InitiatingProcessSHA256: hex(i + 3, 64),
    InitiatingProcessParentFileName: 'explorer.exe',
    InitiatingProcessParentId: 3000,
    InitiatingProcessCreationTime: t,
    ReportId: 1000 + i,
  };
  const record = (table: string, props: Record<string, unknown>) => ({
    time: t,
    tenantId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    operationName: 'Publish',
    category: `AdvancedHunting-${table}`,
    properties: { ...common, ...props },
  });
  switch (i % 6) {
    case 0:
    case 1:
      return record('DeviceProcessEvents', {
        ActionType: 'ProcessCreated',
        FileName: 'cmd.exe',
        FolderPath: 'C:\\Windows\\System32\\cmd.exe',
        ProcessId: 9000 + (i % 5000),
        ProcessCommandLine: `cmd.exe /c echo ${hex(i, 12)} > C:\\Users\\Public\\o${i % 100}.txt`,
        ProcessCreationTime: t,
        SHA256: hex(i, 64),
        MD5: hex(i + 1, 32),
        AccountName: `user${i % 50}`,
        AccountDomain: 'corp',
        AccountSid: `S-1-5-21-1004336348-1177238915-682003330-${1000 + (i % 50)}`,
        ProcessVersionInfoCompanyName: 'Microsoft Corporation',
        ProcessVersionInfoOriginalFileName: 'Cmd.Exe',
      });
    case 2:
      return record('DeviceNetworkEvents', {
        ActionType: 'ConnectionSuccess',
        RemoteIP: `203.0.113.${i % 250}`,
        RemotePort: 443,
        LocalIP: `10.0.${i % 250}.5`,
        LocalPort: 49152 + (i % 10000),
        Protocol: 'Tcp',
        RemoteUrl: `https://h${i % 1000}.example.com/p`,
      });
    case 3:
      return record('DeviceFileEvents', {
        ActionType: 'FileCreated',
        FileName: `s${i}.ps1`,
        FolderPath: `C:\\Users\\user${i % 50}\\AppData\\Local\\Temp\\s${i}.ps1`,
        SHA256: hex(i, 64),
      });
    case 4:
      return record('DeviceRegistryEvents', {
        ActionType: 'RegistryValueSet',
        RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
        RegistryValueName: `v${i % 300}`,
        RegistryValueData: `C:\\Users\\Public\\v${i}.exe`,
      });
    default:
      return record('DeviceImageLoadEvents', {
        ActionType: 'ImageLoaded',
        FileName: `m${i % 500}.dll`,
        FolderPath: `C:\\Program Files\\App\\m${i % 500}.dll`,
        SHA256: hex(i, 64),
      });
  }
}

function sentinelOne(i: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    'event.time': T0 + i * 37,
    'event.id': `01HWXYZ${hex(i, 12)}_${i % 100}`,
    'agent.uuid': hex(i % 200, 32),
    'agent.version': '23.4.2.14',
    'endpoint.name': `WS-${i % 200}`,
    'endpoint.os': 'windows',
    'endpoint.type': 'laptop',
    'os.name': 'Windows 11 Enterprise',
    'site.id': '1234567890',
    'account.id': '1234567890',
    'src.process.name': 'explorer.exe',
    'src.process.cmdline': 'C:\\Windows\\Explorer.EXE',
    'src.process.image.path': 'C:\\Windows\\explorer.exe',
    'src.process.image.sha256': hex(i + 2, 64),
    'src.process.pid': 4200 + (i % 100),
    'src.process.uid': hex(i + 5, 16).toUpperCase(),
    'src.process.user': `CORP\\user${i % 50}`,
    'src.process.startTime': T0 - 3600_000,
    'src.process.signedStatus': 'signed',
    'src.process.verifiedStatus': 'verified',
    'src.process.publisher': 'MICROSOFT WINDOWS',
    'src.process.parent.name': 'userinit.exe',
    'src.process.parent.pid': 1200,
    'src.process.storyline.id': hex(i % 900, 16).toUpperCase(),
    'src.process.childProcCount': i % 40,
    'src.process.netConnCount': i % 90,
  };
  switch (i % 6) {
    case 0:
    case 1:
      return {
        ...base,
        'event.category': 'process',
        'event.type': 'Process Creation',
        'meta.event.name': 'PROCESSCREATION',
        'tgt.process.name': 'cmd.exe',
        'tgt.process.cmdline': `"C:\\Windows\\system32\\cmd.exe" /c echo ${hex(i, 12)} > C:\\Users\\Public\\o${i % 100}.txt`,
        'tgt.process.image.path': 'C:\\Windows\\System32\\cmd.exe',
        'tgt.process.image.sha256': hex(i, 64),
        'tgt.process.pid': 9000 + (i % 5000),
        'tgt.process.uid': hex(i + 9, 16).toUpperCase(),
        'tgt.process.user': `CORP\\user${i % 50}`,
        'tgt.process.startTime': T0 + i * 37 - 5,
        'tgt.process.signedStatus': 'signed',
        'tgt.process.verifiedStatus': 'verified',
        'tgt.process.publisher': 'MICROSOFT WINDOWS',
      };
    case 2:
      return {
        ...base,
        'event.category': 'ip',
        'event.type': 'IP Connect',
        'meta.event.name': 'TCPV4',
        'dst.ip.address': `203.0.113.${i % 250}`,
        'dst.port.number': 443,
        'src.ip.address': `10.0.${i % 250}.5`,
        'src.port.number': 49152 + (i % 10000),
        'event.network.direction': 'OUTGOING',
        'event.network.protocolName': 'TCP',
        'event.network.connectionStatus': 'SUCCESS',
      };
    case 3:
      return {
        ...base,
        'event.category': 'dns',
        'event.type': 'DNS Resolved',
        'meta.event.name': 'DNS',
        'event.dns.request': `type: 1 h${i % 1000}.example.com`,
        'event.dns.response': `type:  5 cdn${i % 7}.example.net;::ffff:203.0.113.${i % 250};`,
      };
    case 4:
      return {
        ...base,
        'event.category': 'file',
        'event.type': 'File Creation',
        'meta.event.name': 'FILECREATION',
        'tgt.file.path': `C:\\Users\\user${i % 50}\\AppData\\Local\\Temp\\s${i}.ps1`,
        'tgt.file.sha256': hex(i, 64),
        'tgt.file.type': 'file',
      };
    default:
      return {
        ...base,
        'event.category': 'registry',
        'event.type': 'Registry Value Modified',
        'meta.event.name': 'REGVALUEMODIFIED',
        'registry.keyPath': `MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\v${i % 300}`,
        'registry.value': `C:\\Users\\Public\\v${i}.exe`,
        'registry.valueType': 'REG_SZ',
      };
  }
}

const SUBTYPES: Array<[string, string, Record<string, unknown>]> = [
  ['process_event', 'creation_event', {}],
  ['file_event', 'file_create_event', { file_path: 'C:\\Users\\Public\\a.ps1' }],
  ['registry_event', 'registry_modify_event', { registry_path: 'HKLM\\SOFTWARE\\Run\\v' }],
  ['network_event', 'ipv4_connection_attempt_event', { destination_address: '203.0.113.7', destination_port: 443 }],
  ['dns_event', 'request_event', { query_name: 'h.example.com' }],
  ['image_load_event', 'image_load_event', { image_path: 'C:\\Program Files\\App\\m.dll' }],
];

function endgame(i: number): Record<string, unknown> {
  const [type, subtype, extra] = SUBTYPES[i % SUBTYPES.length]!;
  if (i % 2 === 0) {
    // An endgame-* index document (ECS-like, written by the Endgame platform).
    return {
      '@timestamp': T0 + i * 37,
      agent: { type: 'endgame', version: '3.56.0', id: hex(i % 200, 32) },
      ecs: { version: '1.5.0' },
      endgame: {
        event_type_full: type,
        event_subtype_full: subtype,
        unique_pid: i,
        serial_event_id: i,
        pid: 1000 + (i % 6000),
      },
      event: {
        kind: 'event',
        category: type.replace('_event', ''),
        action: subtype,
        module: 'endgame',
        dataset: 'esensor',
      },
      host: { hostname: `WS-${i % 200}`, os: { platform: 'windows', family: 'windows', name: 'Windows' } },
      process: {
        name: 'cmd.exe',
        pid: 1000 + (i % 6000),
        command_line: `cmd.exe /c echo ${hex(i, 8)}`,
        parent: { name: 'explorer.exe' },
      },
    };
  }
  // A native Endgame EQL-schema event.
  return {
    event_type_full: type,
    event_subtype_full: subtype,
    opcode: 1,
    serial_event_id: i,
    timestamp: String(116444736000000000n + BigInt(T0 + i * 37) * 10000n),
    pid: 1000 + (i % 6000),
    ppid: 900,
    unique_pid: i,
    unique_ppid: i - 1,
    process_name: 'cmd.exe',
    process_path: 'C:\\Windows\\System32\\cmd.exe',
    command_line: `cmd.exe /c echo ${hex(i, 8)}`,
    parent_process_name: 'explorer.exe',
    user_domain: 'CORP',
    user_name: `user${i % 50}`,
    ...extra,
  };
}

const GENERATORS: Record<EdrFormat, (i: number) => Record<string, unknown>> = {
  'crowdstrike-fdr': fdr,
  'm365-defender': defender,
  'sentinelone-cloud-funnel': sentinelOne,
  endgame,
};

interface Figure {
  format: EdrFormat;
  records: number;
  bytesPerRecord: number;
  lineCpu: number;
  lineWall: number;
  normCpu: number;
  normWall: number;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function bench(format: EdrFormat): Figure {
  const pool = Array.from({ length: POOL }, (_, i) => JSON.stringify(GENERATORS[format](i)));
  let problems = 0;
  const mk = (): EdrRecordNormaliser => createEdrNormaliser(format, { sink: () => problems++ });
  // Warm-up (compilation of the tables, JIT).
  let n = mk();
  for (let i = 0; i < 20_000; i++) {
    const s = pool[i % POOL]!;
    n.normalise({ value: JSON.parse(s) as Record<string, unknown>, text: s, loc: { file: 'bench', line: i } });
  }
  if (problems > 0) throw new Error(`${format}: ${problems} problems in generated records`);

  // line → ECS
  n = mk();
  let c0 = cpuSeconds();
  let w0 = performance.now();
  let sink = 0;
  for (let i = 0; i < RECORDS; i++) {
    const s = pool[i % POOL]!;
    const out = n.normalise({
      value: JSON.parse(s) as Record<string, unknown>,
      text: s,
      loc: { file: 'bench', line: i },
    });
    if (out !== undefined) sink++;
  }
  const lineCpu = RECORDS / (cpuSeconds() - c0);
  const lineWall = RECORDS / ((performance.now() - w0) / 1000);

  // normalise only: parse a batch untimed, then time its normalisation.
  n = mk();
  let cpu = 0;
  let wall = 0;
  for (let done = 0; done < RECORDS; done += BATCH) {
    const k = Math.min(BATCH, RECORDS - done);
    const texts = Array.from({ length: k }, (_, j) => pool[(done + j) % POOL]!);
    const values = texts.map((s) => JSON.parse(s) as Record<string, unknown>);
    c0 = cpuSeconds();
    w0 = performance.now();
    for (let j = 0; j < k; j++)
      if (n.normalise({ value: values[j]!, text: texts[j], loc: { file: 'bench', line: j } }) !== undefined) sink++;
    cpu += cpuSeconds() - c0;
    wall += (performance.now() - w0) / 1000;
  }
  if (sink !== 2 * RECORDS) throw new Error(`${format}: ${2 * RECORDS - sink} records not normalised`);
  const bytes = pool.reduce((a, s) => a + s.length + 1, 0) / POOL;
  return {
    format,
    records: RECORDS,
    bytesPerRecord: Math.round(bytes),
    lineCpu,
    lineWall,
    normCpu: RECORDS / cpu,
    normWall: RECORDS / wall,
  };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const figures: Figure[] = [];
const load0 = loadavg()[0]!;
for (const f of Object.keys(GENERATORS) as EdrFormat[]) figures.push(bench(f));
const load1 = loadavg()[0]!;

if (args.includes('--json')) {
  console.log(JSON.stringify({ figures, cpu: cpus()[0]?.model, cores: cpus().length, node: process.version }, null, 2));
} else {
  console.log(
    `${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
  );
  console.log(
    '| source | records | bytes/record | line→ECS events/CPU-s | line→ECS events/s (wall) | normalise events/CPU-s | normalise events/s (wall) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const f of figures)
    console.log(
      `| ${f.format} | ${fmt(f.records)} | ${fmt(f.bytesPerRecord)} | ${fmt(f.lineCpu)} | ${fmt(f.lineWall)} | ${fmt(f.normCpu)} | ${fmt(f.normWall)} |`,
    );
}
