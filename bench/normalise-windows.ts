/**
 * Windows normaliser throughput: events per CPU-second per data stream, and EVTX → ECS MB/s on one
 * core beside evtxexport.
 *
 *   npx tsx bench/normalise-windows.ts [--seconds 3] [--fixtures] [--e2e [--rounds 5]] [--json] [--src | --lib DIR]
 *
 * The normalisers are first compiled with tsc to bench/out/normalise-build, so what is measured is
 * the JavaScript the package ships (tsx's transform adds wrappers that change the profile); `--src`
 * runs the TypeScript through tsx instead, `--lib DIR` uses another compiled tree (the `sources`
 * folder of a build of an older commit, for before/after figures in one session).
 *
 * Generated cases: two figures each, `tree→ECS` (winlog document + pipeline + Agent fields, what
 * the EVTX and XML readers pay) and `doc→ECS` (pipeline + Agent fields on a winlog document, what
 * the winlogbeat JSON reader pays; the document is copied first, as normaliseWinlogDoc does), per
 * second of process CPU time (robust on a shared machine) and per second of wall time. Trees are
 * generated with varied values so no two events are identical.
 *
 * `--fixtures`: the real records of ../shared/fixtures/evtx (read once by src/sources/evtx, not
 * timed), normalised per data stream and for the busiest event ids.
 *
 * `--e2e`: EVTX files (already in memory) → records → ECS documents, and → ECS NDJSON text, over
 * the fixture files, per CPU-second (in a child process, with a fresh heap); evtxexport -f xml on
 * the same files with stdout to /dev/null, timed by its own CPU time (the children's times of
 * /proc/self/stat). Best of `--rounds` passes after one untimed pass, which is also reported (it
 * includes compiling the generated pipelines).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { XmlElement } from '../src/sources/windows/xml-tree.js';

type WinLib = typeof import('../src/sources/windows/index.js');
type EvtxLib = typeof import('../src/sources/evtx/index.js');

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

/** Compiles the normalisers and the EVTX reader with tsc; returns the `sources` folder URL. */
function compileLib(): string {
  const root = join(import.meta.dirname, '..');
  const outDir = join(import.meta.dirname, 'out/normalise-build');
  const r = spawnSync(
    'npx',
    [
      'tsc',
      join(root, 'src/sources/windows/index.ts'),
      join(root, 'src/sources/evtx/index.ts'),
      ...['--outDir', outDir, '--rootDir', join(root, 'src'), '--module', 'nodenext'],
      ...['--moduleResolution', 'nodenext', '--target', 'es2023', '--strict', '--skipLibCheck', '--types', 'node'],
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
  return pathToFileURL(join(outDir, 'sources')).href;
}

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
    for (let k = 0; k < 2_000; k++) fn(n++);
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / wall };
}

/** CPU seconds used by waited-for children (utime + stime of /proc/self/stat, fields 16 and 17). */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): cutime is field 16, cstime field 17.
  return (Number(f[13]) + Number(f[14])) / 100;
}

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(argValue('--seconds') ?? 2) || 2;
const json = args.includes('--json');
const withFixtures = args.includes('--fixtures');
const withE2e = args.includes('--e2e');
/** Set in the child process that runs only the EVTX → ECS section (fresh heap and inline caches). */
const e2eOnly = args.includes('--e2e-only');
const libArg = argValue('--lib');
const libDir = args.includes('--src') ? undefined : (libArg ?? fileURLToPath(compileLib()));
const base =
  libDir === undefined ? pathToFileURL(join(import.meta.dirname, '../src/sources')).href : pathToFileURL(libDir).href;
const ext = args.includes('--src') ? 'ts' : 'js';
const W = (await import(`${base}/windows/index.${ext}`)) as WinLib;
const E = (await import(`${base}/evtx/index.${ext}`)) as EvtxLib;
const { buildWinlogDoc, normaliseWinEvent, normaliseWinlogDoc, precompileWindowsPipelines } = W;
const fmt = (n: number): string => Math.round(n).toLocaleString('en');

precompileWindowsPipelines();
const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/evtx');
const fixtureFiles = (readdirSync(FIXTURES, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.evtx'))
  .sort()
  .map((f) => join(FIXTURES, f));

// In a process of its own: a large heap makes every garbage collection dearer, and the generated
// cases below would otherwise run with inline caches that have seen every fixture's shapes.
if (withE2e && !e2eOnly) {
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--e2e-only',
      ...(libDir === undefined ? ['--src'] : ['--lib', libDir]),
      ...['--rounds', argValue('--rounds') ?? '5'],
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) process.exitCode = 1;
}
if (e2eOnly) {
  const buffers = fixtureFiles.map((f) => readFileSync(f));
  const bytes = buffers.reduce((a, b) => a + b.length, 0);
  const mb = bytes / 1e6;
  let chars = 0; // NDJSON length, kept so the text is not optimised away
  const pass = (mode: 'read' | 'ecs' | 'ndjson'): number => {
    let records = 0;
    for (const buf of buffers) {
      for (const r of E.readEvtxBuffer(buf, { onProblem: () => {} })) {
        records++;
        if (mode === 'read') continue;
        const out = normaliseWinEvent(r.event);
        if (out !== undefined && mode === 'ndjson') chars += JSON.stringify(out.doc).length + 1;
      }
    }
    return records;
  };
  const rounds = Number(argValue('--rounds') ?? 5) || 5;
  let firstPass = { s: 0, records: 0 };
  const timeCpu = (fn: () => number, first = false): { s: number; records: number } => {
    const c0 = process.cpuUsage();
    const n = fn(); // warm-up (timed once: the first pass includes compiling the generated pipelines)
    const c = process.cpuUsage(c0);
    if (first) firstPass = { s: (c.user + c.system) / 1e6, records: n };
    let best = Infinity;
    let records = 0;
    for (let i = 0; i < rounds; i++) {
      const c0 = process.cpuUsage();
      records = fn();
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / 1e6);
    }
    return { s: best, records };
  };
  const out: Array<[string, { s: number; records: number }]> = [
    ['eqlite EVTX → records (`<Event>` trees)', timeCpu(() => pass('read'))],
    ['eqlite EVTX → ECS documents', timeCpu(() => pass('ecs'), true)],
  ];
  out.push(['eqlite EVTX → ECS documents, first pass (JIT warm-up included)', firstPass]);
  out.push(['eqlite EVTX → ECS NDJSON text (JSON.stringify)', timeCpu(() => pass('ndjson'))]);
  if (spawnSync('evtxexport', ['-V']).status === 0) {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const c0 = childCpuSeconds();
      const devnull = openSync('/dev/null', 'w');
      for (const f of fixtureFiles) spawnSync('evtxexport', ['-f', 'xml', f], { stdio: ['ignore', devnull, 'ignore'] });
      closeSync(devnull);
      best = Math.min(best, childCpuSeconds() - c0);
    }
    out.push(['evtxexport -f xml (libevtx-utils)', { s: best, records: 0 }]);
  }
  const ref = out.find(([n]) => n.startsWith('evtxexport'))?.[1].s;
  console.log(
    `\nEVTX → ECS, ${fixtureFiles.length} fixture files, ${mb.toFixed(1)} MB, one thread, best of ${rounds} (evtxexport 2)`,
  );
  console.log('| pipeline | CPU s | MB/CPU-s | records/CPU-s | vs evtxexport |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, r] of out) {
    const vs = ref === undefined ? '' : `${(ref / r.s).toFixed(1)}×`;
    const rec = r.records > 0 ? fmt(r.records / r.s) : '';
    console.log(`| ${name} | ${r.s.toFixed(3)} | ${(mb / r.s).toFixed(1)} | ${rec} | ${vs} |`);
  }
  if (chars === 0) console.log('(no NDJSON written)');
  process.exit(process.exitCode ?? 0);
}

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
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${seconds}s per figure, 1 thread, ${base}`,
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
  const byStream = new Map<string, XmlElement[]>();
  const byCode = new Map<string, XmlElement[]>();
  const all: XmlElement[] = [];
  for (const f of fixtureFiles) {
    for (const r of E.readEvtxBuffer(readFileSync(f), { onProblem: () => {} })) {
      const out = normaliseWinEvent(r.event);
      if (out === undefined) continue;
      const push = (m: Map<string, XmlElement[]>, k: string): void => {
        const list = m.get(k) ?? [];
        list.push(r.event);
        m.set(k, list);
      };
      push(byStream, out.index);
      push(
        byCode,
        `${out.index.replace(/^logs-|-default$/g, '')} ${String((out.doc.event as { code?: unknown }).code)}`,
      );
      all.push(r.event);
    }
  }
  console.log(`\n${all.length} records of ${fixtureFiles.length} fixture files`);
  console.log('| records of | records | tree→ECS events/CPU-s | events/s (wall) |');
  console.log('|---|---:|---:|---:|');
  const busiest = [...byCode.entries()]
    .filter(([k]) => !k.startsWith('winlog.winlog'))
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, 8);
  const rowsF: Array<[string, XmlElement[]]> = [
    ['all', all],
    ...[...byStream.entries()].sort((a, b) => b[1].length - a[1].length),
    ...busiest,
  ];
  for (const [name, list] of rowsF) {
    const r = measure((i) => normaliseWinEvent(list[i % list.length]!), seconds);
    console.log(`| ${name} | ${list.length.toLocaleString('en')} | ${fmt(r.cpu)} | ${fmt(r.wall)} |`);
  }
}
