/**
 * Windows normaliser throughput: events/s per data stream over generated `<Event>` trees.
 *
 *   npx tsx bench/normalise-windows.ts [--seconds 2] [--json]
 *
 * Two figures per case: `tree→ECS` (winlog document + pipeline + Agent fields, what the EVTX
 * and XML readers pay) and `doc→ECS` (pipeline + Agent fields on a winlog document, what the
 * winlogbeat JSON reader pays; the document is cloned first, as normaliseWinlogDoc does), each
 * per second of process CPU time (robust on a shared machine) and per second of wall time.
 * Trees are generated with varied values so no two events are identical.
 *
 * With `--fixtures`, a second table: the real records of ../shared/fixtures/evtx (read once by
 * src/sources/evtx, not timed), normalised per data stream.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { readEvtxBuffer } from '../src/sources/evtx/index.js';
import {
  buildWinlogDoc,
  normaliseWinEvent,
  normaliseWinlogDoc,
  precompileWindowsPipelines,
} from '../src/sources/windows/index.js';
import type { XmlElement } from '../src/sources/windows/xml-tree.js';

const el = (name: string, attrs: Record<string, string> = {}, children: XmlElement['children'] = []): XmlElement => ({
  name,
  attrs,
  children,
});

interface Spec {
  provider: string;
  channel: string;
  id: number;
  task: number;
  keywords: string;
  data: (i: number) => Record<string, string>;
}

function tree(s: Spec, i: number): XmlElement {
  const t = new Date(Date.UTC(2024, 0, 1) + i * 1013).toISOString().replace('Z', '1234Z');
  return el('Event', {}, [
    el('System', {}, [
      el('Provider', { Name: s.provider, Guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}' }),
      el('EventID', {}, [String(s.id)]),
      el('Version', {}, ['5']),
      el('Level', {}, ['4']),
      el('Task', {}, [String(s.task)]),
      el('Opcode', {}, ['0']),
      el('Keywords', {}, [s.keywords]),
      el('TimeCreated', { SystemTime: t }),
      el('EventRecordID', {}, [String(1000 + i)]),
      el('Correlation'),
      el('Execution', { ProcessID: '3036', ThreadID: String(3000 + (i % 97)) }),
      el('Channel', {}, [s.channel]),
      el('Computer', {}, [`ws${i % 50}.corp.local`]),
      el('Security', { UserID: 'S-1-5-18' }),
    ]),
    el(
      'EventData',
      {},
      Object.entries(s.data(i)).map(([k, v]) => el('Data', { Name: k }, v === '' ? [] : [v])),
    ),
  ]);
}

const SYSMON = {
  provider: 'Microsoft-Windows-Sysmon',
  channel: 'Microsoft-Windows-Sysmon/Operational',
  keywords: '0x8000000000000000',
};
const SEC = { provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security', keywords: '0x8020000000000000' };
const utc = (i: number): string =>
  new Date(Date.UTC(2024, 0, 1) + i * 1013).toISOString().replace('T', ' ').slice(0, 23);
const guid = (i: number): string => `{9F32B55F-7C4E-5F98-${(i % 9999).toString().padStart(4, '0')}-000000000500}`;

const CASES: Array<[string, Spec]> = [
  [
    'sysmon 1 process create',
    {
      ...SYSMON,
      id: 1,
      task: 1,
      data: (i) => ({
        RuleName: '-',
        UtcTime: utc(i),
        ProcessGuid: guid(i),
        ProcessId: String(1000 + i),
        Image: 'C:\\Windows\\System32\\cmd.exe',
        FileVersion: '10.0.17763.1 (WinBuild.160101.0800)',
        Description: 'Windows Command Processor',
        Product: 'Microsoft® Windows® Operating System',
        Company: 'Microsoft Corporation',
        OriginalFileName: 'Cmd.Exe',
        CommandLine: `"C:\\Windows\\system32\\cmd.exe" /c echo ${i} > C:\\Users\\Public\\out${i}.txt`,
        CurrentDirectory: 'C:\\Users\\bob\\',
        User: 'CORP\\bob',
        LogonGuid: guid(i + 1),
        LogonId: '0x2c9e7',
        TerminalSessionId: '1',
        IntegrityLevel: 'Medium',
        Hashes:
          'SHA1=B6D237154F2E528F0B503B58B025862D66B02B73,MD5=A27A24553B2C36E139647F88DF738C35,IMPHASH=0EB64EACA8C951D760EEA1A941A2A3F7',
        ParentProcessGuid: guid(i + 2),
        ParentProcessId: '4212',
        ParentImage: 'C:\\Windows\\explorer.exe',
        ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
        ParentUser: 'CORP\\bob',
      }),
    },
  ],
  [
    'sysmon 3 network',
    {
      ...SYSMON,
      id: 3,
      task: 3,
      data: (i) => ({
        RuleName: '-',
        UtcTime: utc(i),
        ProcessGuid: guid(i),
        ProcessId: String(1000 + i),
        Image: 'C:\\Program Files\\App\\app.exe',
        User: 'NT AUTHORITY\\SYSTEM',
        Protocol: 'tcp',
        Initiated: 'true',
        SourceIsIpv6: 'false',
        SourceIp: `10.0.${i % 250}.${(i * 7) % 250}`,
        SourceHostname: 'ws01.corp.local',
        SourcePort: String(40000 + (i % 20000)),
        SourcePortName: '',
        DestinationIsIpv6: 'false',
        DestinationIp: '185.26.182.117',
        DestinationHostname: '',
        DestinationPort: '443',
        DestinationPortName: 'https',
      }),
    },
  ],
  [
    'sysmon 13 registry',
    {
      ...SYSMON,
      id: 13,
      task: 13,
      data: (i) => ({
        RuleName: '-',
        EventType: 'SetValue',
        UtcTime: utc(i),
        ProcessGuid: guid(i),
        ProcessId: String(1000 + i),
        Image: 'C:\\Windows\\regedit.exe',
        TargetObject: `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\v${i}`,
        Details: i % 2 === 0 ? 'DWORD (0x00000004)' : `C:\\Users\\Public\\x${i}.exe`,
        User: 'CORP\\bob',
      }),
    },
  ],
  [
    'sysmon 22 dns',
    {
      ...SYSMON,
      id: 22,
      task: 22,
      data: (i) => ({
        RuleName: '-',
        UtcTime: utc(i),
        ProcessGuid: guid(i),
        ProcessId: String(1000 + i),
        QueryName: `host${i}.example.com`,
        QueryStatus: '0',
        QueryResults: `type:  5 cdn${i}.example.net;::ffff:93.184.${i % 250}.34;`,
        Image: 'C:\\Windows\\System32\\svchost.exe',
        User: 'NT AUTHORITY\\NETWORK SERVICE',
      }),
    },
  ],
  [
    'security 4624 logon',
    {
      ...SEC,
      id: 4624,
      task: 12544,
      data: (i) => ({
        SubjectUserSid: 'S-1-5-18',
        SubjectUserName: 'WS01$',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x3e7',
        TargetUserSid: `S-1-5-21-1-2-3-${1000 + (i % 500)}`,
        TargetUserName: `user${i % 500}`,
        TargetDomainName: 'CORP',
        TargetLogonId: `0x${(0x8a3f2 + i).toString(16)}`,
        LogonType: String([2, 3, 10][i % 3]),
        LogonProcessName: 'User32 ',
        AuthenticationPackageName: 'Negotiate',
        WorkstationName: 'WS01',
        LogonGuid: '{00000000-0000-0000-0000-000000000000}',
        TransmittedServices: '-',
        LmPackageName: '-',
        KeyLength: '0',
        ProcessId: '0x2f4',
        ProcessName: 'C:\\Windows\\System32\\svchost.exe',
        IpAddress: `10.1.${i % 250}.5`,
        IpPort: String(50000 + (i % 10000)),
        ImpersonationLevel: '%%1833',
        RestrictedAdminMode: '-',
        TargetOutboundUserName: '-',
        TargetOutboundDomainName: '-',
        VirtualAccount: '%%1843',
        TargetLinkedLogonId: '0x0',
        ElevatedToken: '%%1842',
      }),
    },
  ],
  [
    'security 4688 process create',
    {
      ...SEC,
      id: 4688,
      task: 13312,
      data: (i) => ({
        SubjectUserSid: 'S-1-5-21-1-2-3-1000',
        SubjectUserName: 'bob',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x274a2',
        NewProcessId: `0x${(0x1000 + i).toString(16)}`,
        NewProcessName: 'C:\\Windows\\System32\\wevtutil.exe',
        TokenElevationType: '%%1937',
        ProcessId: '0x122c',
        CommandLine: `"C:\\Windows\\system32\\wevtutil.exe" qe Security /c:${i}`,
        TargetUserSid: 'S-1-0-0',
        TargetUserName: '-',
        TargetDomainName: '-',
        TargetLogonId: '0x0',
        ParentProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        MandatoryLabel: 'S-1-16-12288',
      }),
    },
  ],
  [
    'security 4662 ds access',
    {
      ...SEC,
      id: 4662,
      task: 14080,
      data: (i) => ({
        SubjectUserSid: 'S-1-5-21-1-2-3-1111',
        SubjectUserName: 'admmig',
        SubjectDomainName: 'CORP',
        SubjectLogonId: '0x1659379',
        ObjectServer: 'DS',
        ObjectType: '%{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
        ObjectName: `%{2df0b9b4-31cd-4d00-b4cb-57c3f6bd${(i % 9999).toString().padStart(4, '0')}}`,
        OperationType: 'Object Access',
        HandleId: '0x0',
        AccessList: '%%7688\n\t\t\t\t',
        AccessMask: '0x100',
        Properties: '%%7688\n\t\t{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
        AdditionalInfo: '-',
        AdditionalInfo2: '',
      }),
    },
  ],
  [
    'system 7045 service',
    {
      provider: 'Service Control Manager',
      channel: 'System',
      keywords: '0x8080000000000000',
      id: 7045,
      task: 0,
      data: (i) => ({
        ServiceName: `svc${i}`,
        ImagePath: `C:\\Windows\\Temp\\svc${i}.exe`,
        ServiceType: 'user mode service',
        StartType: 'demand start',
        AccountName: 'LocalSystem',
      }),
    },
  ],
];

/**
 * Events per second of this process's CPU time (user + system), so that other load on a shared
 * machine does not distort the figure, and per second of wall time.
 */
function measure(fn: (i: number) => void, seconds: number): { cpu: number; wall: number } {
  // Warm-up, then as many rounds as fit in the time budget.
  for (let i = 0; i < 20_000; i++) fn(i);
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 5_000; k++) fn(n++);
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / wall };
}

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 2) || 2;
const json = args.includes('--json');
const withFixtures = args.includes('--fixtures');
precompileWindowsPipelines();
const POOL = 1024;
const rows: Array<{ case: string; treeToEcs: number; docToEcs: number; treeWall: number; docWall: number }> = [];
for (const [name, spec] of CASES) {
  const trees = Array.from({ length: POOL }, (_, i) => tree(spec, i));
  const docs = trees.map((t) => buildWinlogDoc(t, { file: '-' }, undefined)!);
  const fromTree = measure((i) => normaliseWinEvent(trees[i % POOL]!), seconds);
  const fromDoc = measure((i) => normaliseWinlogDoc(docs[i % POOL]!), seconds);
  rows.push({
    case: name,
    treeToEcs: Math.round(fromTree.cpu),
    docToEcs: Math.round(fromDoc.cpu),
    treeWall: Math.round(fromTree.wall),
    docWall: Math.round(fromDoc.wall),
  });
}
if (json) console.log(JSON.stringify(rows));
else {
  const fmt = (n: number): string => n.toLocaleString('en');
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${seconds}s per figure, 1 thread`,
  );
  console.log(
    '| case | tree→ECS events/CPU-s | doc→ECS events/CPU-s | tree→ECS events/s (wall) | doc→ECS events/s (wall) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.case} | ${fmt(r.treeToEcs)} | ${fmt(r.docToEcs)} | ${fmt(r.treeWall)} | ${fmt(r.docWall)} |`);
  }
}

if (withFixtures) {
  const root = join(import.meta.dirname, '../../shared/fixtures/evtx');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.evtx'));
  const byStream = new Map<string, XmlElement[]>();
  let all: XmlElement[] = [];
  for (const f of files) {
    for (const r of readEvtxBuffer(readFileSync(join(root, f)), { onProblem: () => {} })) {
      const out = normaliseWinEvent(r.event);
      if (out === undefined) continue;
      const list = byStream.get(out.index) ?? [];
      list.push(r.event);
      byStream.set(out.index, list);
      all.push(r.event);
    }
  }
  const fmt = (n: number): string => Math.round(n).toLocaleString('en');
  console.log(`\n${all.length} records of ${files.length} fixture files`);
  console.log('| data stream | records | tree→ECS events/CPU-s | events/s (wall) |');
  console.log('|---|---:|---:|---:|');
  const rowsF: Array<[string, XmlElement[]]> = [
    ['all', all],
    ...[...byStream.entries()].sort((a, b) => b[1].length - a[1].length),
  ];
  for (const [name, list] of rowsF) {
    const r = measure((i) => normaliseWinEvent(list[i % list.length]!), seconds);
    console.log(`| ${name} | ${list.length.toLocaleString('en')} | ${fmt(r.cpu)} | ${fmt(r.wall)} |`);
  }
  all = [];
}
