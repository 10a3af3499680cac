/**
 * Event types beyond the golden fixtures, per source, written from the vendor field names: the ECS
 * fields the rules read, as Elastic's pipelines (transcribed in src/sources/edr) derive them.
 * Run with strictEcs so that only Elastic's mapping is under test.
 */
import { describe, expect, it } from 'vitest';
import { createEdrNormaliser, type EdrFormat } from '../../../src/sources/edr/index.js';
import type { EventDoc } from '../../../src/sources/types.js';
import { getPath } from './helpers.js';

function normalise(format: EdrFormat, raw: Record<string, unknown>, text?: string): { doc: EventDoc; index: string } {
  const out = createEdrNormaliser(format, {
    strictEcs: true,
    sink: (p) => {
      throw new Error(`${p.kind}: ${p.message}`);
    },
  }).normalise({ value: structuredClone(raw), text, loc: { file: 'in.json', line: 1 } });
  return out!;
}

function pick(doc: EventDoc, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, getPath(doc, f)]));
}

describe('CrowdStrike FDR', () => {
  const base = { aid: 'aid1', cid: 'cid1', id: 'e1', event_platform: 'Win', timestamp: '1714640000123' };
  const cs = (r: Record<string, unknown>) => normalise('crowdstrike-fdr', { ...base, ...r }).doc;

  it('outbound connection: local side is the source, ports as numbers, transport from the IANA number', () => {
    const doc = cs({
      event_simpleName: 'NetworkConnectIP4',
      ConnectionDirection: '0',
      LocalAddressIP4: '10.0.0.5',
      LocalPort: '49722',
      RemoteAddressIP4: '203.0.113.7',
      RemotePort: '443',
      Protocol: '6',
      ContextBaseFileName: 'powershell.exe',
      ContextProcessId: '1111',
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'network.direction',
        'network.transport',
        'source.ip',
        'source.port',
        'destination.ip',
        'destination.port',
        'process.name',
        'process.entity_id',
      ]),
    ).toEqual({
      'event.category': ['network'],
      'event.type': ['start', 'connection'],
      'network.direction': 'outbound',
      'network.transport': 'tcp',
      'source.ip': '10.0.0.5',
      'source.port': 49722,
      'destination.ip': '203.0.113.7',
      'destination.port': 443,
      'process.name': 'powershell.exe',
      'process.entity_id': '1111',
    });
  });

  it('inbound accept: the remote side is the source', () => {
    const doc = cs({
      event_simpleName: 'NetworkReceiveAcceptIP4',
      ConnectionDirection: '1',
      LocalAddressIP4: '10.0.0.5',
      LocalPort: '3389',
      RemoteAddressIP4: '198.51.100.2',
      RemotePort: '50000',
      Protocol: '6',
    });
    expect(
      pick(doc, ['network.direction', 'source.ip', 'source.port', 'destination.ip', 'destination.port', 'event.type']),
    ).toEqual({
      'network.direction': 'inbound',
      'source.ip': '198.51.100.2',
      'source.port': 50000,
      'destination.ip': '10.0.0.5',
      'destination.port': 3389,
      'event.type': ['allowed', 'access', 'connection'],
    });
  });

  it('DNS request: question name and type', () => {
    const doc = cs({
      event_simpleName: 'DnsRequest',
      DomainName: 'evil.example.com',
      RequestType: '28',
      ContextProcessId: '1',
    });
    expect(pick(doc, ['dns.question.name', 'dns.question.type', 'dns.type', 'network.protocol'])).toEqual({
      'dns.question.name': 'evil.example.com',
      'dns.question.type': 'AAAA',
      'dns.type': 'query',
      'network.protocol': 'dns',
    });
  });

  it('*Written file events: path parts, the writing process from the context fields, no Windows file hash', () => {
    const doc = cs({
      event_simpleName: 'NewScriptWritten',
      TargetFileName: '\\Device\\HarddiskVolume3\\Users\\a\\AppData\\Local\\Temp\\x.ps1',
      ContextBaseFileName: 'powershell.exe',
      ContextImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      SHA256HashData: 'ab'.repeat(32),
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'file.path',
        'file.name',
        'file.extension',
        'file.directory',
        'file.hash.sha256',
        'process.name',
        'process.executable',
      ]),
    ).toEqual({
      'event.category': ['file'],
      'event.type': ['creation'],
      'file.path': '\\Device\\HarddiskVolume3\\Users\\a\\AppData\\Local\\Temp\\x.ps1',
      'file.name': 'x.ps1',
      'file.extension': 'ps1',
      'file.directory': '\\Device\\HarddiskVolume3\\Users\\a\\AppData\\Local\\Temp',
      // The hashes go to file.hash only for actions naming File/Directory/Executable; *Written
      // events copy SHA256HashData on Linux only, so on Windows it stays under crowdstrike.*.
      'file.hash.sha256': undefined,
      'process.name': 'powershell.exe',
      'process.executable': '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    });
    expect(getPath(doc, 'crowdstrike.SHA256HashData')).toBe('ab'.repeat(32));
  });

  it('renames keep the old path in file.Ext.original', () => {
    const doc = cs({
      event_simpleName: 'FileRenameInfo',
      SourceFileName: 'C:\\a\\old.txt',
      TargetFileName: 'C:\\a\\new.exe',
    });
    expect(
      pick(doc, ['file.path', 'file.name', 'file.Ext.original.path', 'file.Ext.original.name', 'file.drive_letter']),
    ).toEqual({
      'file.path': 'C:\\a\\new.exe',
      'file.name': 'new.exe',
      'file.Ext.original.path': 'C:\\a\\old.txt',
      'file.Ext.original.name': 'old.txt',
      'file.drive_letter': 'C',
    });
  });

  it('registry value update: \\REGISTRY path with the value, key without the root, operation type', () => {
    const doc = cs({
      event_simpleName: 'AsepValueUpdate',
      RegObjectName: '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      RegValueName: 'evil',
      RegStringValue: 'C:\\evil.exe',
      RegOperationType: '1',
      RegType: '1',
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'registry.path',
        'registry.key',
        'registry.value',
        'registry.data.strings',
        'registry.data.type',
      ]),
    ).toEqual({
      'event.category': ['registry'],
      'event.type': ['change'],
      'registry.path': '\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
      'registry.key': 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      'registry.value': 'evil',
      'registry.data.strings': ['C:\\evil.exe'],
      'registry.data.type': 'REG_SZ',
    });
  });

  it('classified module load: dll.* from the image, process.* from the target image', () => {
    const doc = cs({
      event_simpleName: 'ClassifiedModuleLoad',
      ImageFileName: '\\Device\\HarddiskVolume3\\Users\\Public\\evil.dll',
      TargetImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\rundll32.exe',
      SHA256HashData: 'cd'.repeat(32),
      ImageSignatureLevel: '0',
      ImageSignatureType: '1',
    });
    expect(
      pick(doc, ['event.category', 'dll.name', 'dll.path', 'dll.hash.sha256', 'dll.code_signature', 'process.name']),
    ).toEqual({
      'event.category': ['library'],
      'dll.name': 'evil.dll',
      'dll.path': '\\Device\\HarddiskVolume3\\Users\\Public\\evil.dll',
      'dll.hash.sha256': 'cd'.repeat(32),
      'dll.code_signature': { exists: true, trusted: false },
      'process.name': 'rundll32.exe',
    });
  });

  it('logon: authentication start with the user', () => {
    const doc = cs({ event_simpleName: 'UserLogon', UserName: 'jdoe', UserSid: 'S-1-5-21-1', LogonType: '10' });
    expect(pick(doc, ['event.category', 'event.type', 'event.outcome', 'user.name', 'user.id'])).toEqual({
      'event.category': ['authentication'],
      'event.type': ['start'],
      'event.outcome': 'success',
      'user.name': 'jdoe',
      'user.id': 'S-1-5-21-1',
    });
  });

  it('arguments: "-", "none" and empty ones are dropped after counting the non-empty ones', () => {
    const doc = cs({
      event_simpleName: 'ProcessRollup2',
      CommandLine: 'tool.exe - none "" /x',
      ImageFileName: '\\Device\\x\\tool.exe',
    });
    expect(pick(doc, ['process.args', 'process.args_count'])).toEqual({
      'process.args': ['tool.exe', '/x'],
      'process.args_count': 4,
    });
  });

  it('SyntheticProcessRollup2 is a process start; macOS paths name the process after the last /', () => {
    const doc = cs({
      event_simpleName: 'SyntheticProcessRollup2',
      event_platform: 'Mac',
      ImageFileName: '/usr/bin/osascript',
      CommandLine: 'osascript -e x',
    });
    expect(pick(doc, ['event.type', 'host.os.type', 'process.name', 'process.args'])).toEqual({
      'event.type': ['start'],
      'host.os.type': 'macos',
      'process.name': 'osascript',
      'process.args': ['osascript', '-e', 'x'],
    });
  });

  it('the event time falls back to ISO and FILETIME-free fields; NT times convert', () => {
    const doc = cs({
      event_simpleName: 'EndOfProcess',
      timestamp: undefined,
      UTCTimestamp: '1714640000',
      ContextTimeStamp: '133590154010000000',
    });
    expect(getPath(doc, '@timestamp')).toBe('2024-05-02T08:53:20.000Z');
    expect(getPath(doc, 'crowdstrike.ContextTimeStamp')).toBe('2024-05-01T05:36:41.000Z');
  });
});

describe('Defender XDR tables', () => {
  const common = {
    Timestamp: '2024-05-02T09:15:01.9876543Z',
    DeviceId: 'dev1',
    DeviceName: 'WS-1.Corp.Example.com',
    InitiatingProcessFileName: 'powershell.exe',
    InitiatingProcessFolderPath: 'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe',
    InitiatingProcessId: 4000,
    InitiatingProcessCommandLine: 'powershell.exe  -nop   -w hidden ',
    InitiatingProcessParentFileName: 'explorer.exe',
    InitiatingProcessParentId: 3000,
  };
  const ah = (table: string, props: Record<string, unknown>) =>
    normalise('m365-defender', { category: `AdvancedHunting-${table}`, properties: { ...common, ...props } }).doc;

  it('network: InitiatingProcess is process.*, local → source without a direction', () => {
    const doc = ah('DeviceNetworkEvents', {
      ActionType: 'ConnectionRequest',
      RemoteIP: '203.0.113.7',
      RemotePort: 443,
      LocalIP: '10.0.0.5',
      LocalPort: 49722,
      Protocol: 'Tcp',
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'event.action',
        'process.name',
        'process.pid',
        'process.args',
        'process.parent.name',
        'source.ip',
        'destination.ip',
        'destination.port',
        'network.protocol',
        'network.direction',
        'host.name',
      ]),
    ).toEqual({
      'event.category': ['network'],
      'event.type': ['start'],
      'event.action': 'connectionrequest',
      'process.name': 'powershell.exe',
      'process.pid': 4000,
      'process.args': ['powershell.exe', '-nop', '-w', 'hidden'],
      'process.parent.name': 'explorer.exe',
      'source.ip': '10.0.0.5',
      'destination.ip': '203.0.113.7',
      'destination.port': 443,
      'network.protocol': 'tcp',
      'network.direction': 'unknown',
      'host.name': 'ws-1.corp.example.com',
    });
  });

  it('network with AdditionalFields direction In: the remote address is the source (the port is not: a pipeline quirk)', () => {
    const doc = ah('DeviceNetworkEvents', {
      ActionType: 'InboundConnectionAccepted',
      RemoteIP: '198.51.100.2',
      RemotePort: 50000,
      LocalIP: '10.0.0.5',
      LocalPort: 3389,
      AdditionalFields: '{"direction":"In"}',
    });
    expect(
      pick(doc, ['event.type', 'network.direction', 'source.ip', 'source.port', 'destination.ip', 'destination.port']),
    ).toEqual({
      'event.type': ['allowed'],
      'network.direction': 'inbound',
      'source.ip': '198.51.100.2',
      // pipeline_device sets source.port from RemotePort for inbound rows, then overwrites it with
      // LocalPort in the next processor (its condition does not look at the direction).
      'source.port': 3389,
      'destination.ip': '10.0.0.5',
      'destination.port': 3389,
    });
  });

  it('image load: dll.* from the row, event.action load', () => {
    const doc = ah('DeviceImageLoadEvents', {
      ActionType: 'ImageLoaded',
      FileName: 'evil.dll',
      FolderPath: 'C:\\Users\\Public\\evil.dll',
      SHA256: 'ef'.repeat(32),
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'event.action',
        'dll.name',
        'dll.path',
        'dll.hash.sha256',
        'process.name',
      ]),
    ).toEqual({
      'event.category': ['library'],
      'event.type': ['start'],
      'event.action': 'load',
      'dll.name': 'evil.dll',
      'dll.path': 'C:\\Users\\Public\\evil.dll',
      'dll.hash.sha256': 'ef'.repeat(32),
      'process.name': 'powershell.exe',
    });
  });

  it('registry: key, value, data and the change type', () => {
    const doc = ah('DeviceRegistryEvents', {
      ActionType: 'RegistryKeyCreated',
      RegistryKey: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X',
    });
    expect(pick(doc, ['event.category', 'event.type', 'registry.key', 'registry.path'])).toEqual({
      'event.category': ['registry'],
      'event.type': ['creation'],
      'registry.key': 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X',
      'registry.path': undefined,
    });
  });

  it('logon: authentication, the remote address as source, the outcome from FailureReason', () => {
    const doc = ah('DeviceLogonEvents', {
      ActionType: 'LogonFailed',
      AccountName: 'admin',
      AccountDomain: 'corp',
      LogonType: 'Network',
      RemoteIP: '198.51.100.2',
      RemotePort: 50000,
      FailureReason: 'InvalidUserNameOrPassword',
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'event.outcome',
        'user.name',
        'user.domain',
        'source.ip',
        'source.port',
      ]),
    ).toEqual({
      'event.category': ['authentication'],
      'event.type': ['info'],
      'event.outcome': 'failure',
      'user.name': 'admin',
      'user.domain': 'corp',
      'source.ip': '198.51.100.2',
      'source.port': 50000,
    });
  });

  it('DeviceEvents: the row is process.*, InitiatingProcess its parent, its parent the group leader', () => {
    const doc = ah('DeviceEvents', {
      ActionType: 'CreateRemoteThreadApiCall',
      FileName: 'lsass.exe',
      FolderPath: 'C:\\Windows\\System32\\lsass.exe',
      ProcessId: 700,
    });
    expect(
      pick(doc, [
        'event.category',
        'process.name',
        'process.pid',
        'process.parent.name',
        'process.parent.pid',
        'process.parent.group_leader.name',
      ]),
    ).toEqual({
      'event.category': ['host'],
      'process.name': 'lsass.exe',
      'process.pid': 700,
      'process.parent.name': 'powershell.exe',
      'process.parent.pid': 4000,
      'process.parent.group_leader.name': 'explorer.exe',
    });
  });

  it('DeviceInfo: host.os.* from OSPlatform', () => {
    const doc = ah('DeviceInfo', {
      OSPlatform: 'Windows10',
      OSVersion: '10.0',
      OSArchitecture: '64-bit',
      PublicIP: '198.51.100.9',
    });
    expect(pick(doc, ['host.os.type', 'host.os.full', 'host.architecture', 'host.ip'])).toEqual({
      'host.os.type': 'windows',
      'host.os.full': 'Windows10',
      'host.architecture': '64-bit',
      'host.ip': '198.51.100.9',
    });
  });

  it('a top-level Advanced Hunting row is wrapped as the Event Hub record of its table', () => {
    const { doc } = normalise('m365-defender', {
      ...common,
      ActionType: 'FileDeleted',
      FileName: 'a.txt',
      FolderPath: 'C:\\a.txt',
    });
    expect(pick(doc, ['m365_defender.event.category', 'event.category', 'file.name'])).toEqual({
      'm365_defender.event.category': 'AdvancedHunting-DeviceFileEvents',
      'event.category': ['file'],
      'file.name': 'a.txt',
    });
    const typed = normalise('m365-defender', { ...common, Type: 'DeviceEvents', ActionType: 'Whatever' }).doc;
    expect(getPath(typed, 'm365_defender.event.category')).toBe('AdvancedHunting-DeviceEvents');
  });

  it('other Advanced Hunting categories keep the entry pipeline fields only', () => {
    const doc = normalise('m365-defender', {
      category: 'AdvancedHunting-EmailEvents',
      properties: { Timestamp: '2024-05-02T09:15:01Z', Subject: 'x' },
    }).doc;
    expect(pick(doc, ['@timestamp', 'm365_defender.event.category', 'event.category'])).toEqual({
      '@timestamp': '2024-05-02T09:15:01.000Z',
      'm365_defender.event.category': 'AdvancedHunting-EmailEvents',
      'event.category': undefined,
    });
  });
});

describe('SentinelOne Cloud Funnel categories', () => {
  const base = {
    'event.time': 1714641301234,
    'agent.uuid': 'ag1',
    'endpoint.name': 'WS-1',
    'endpoint.os': 'windows',
    'src.process.name': 'powershell.exe',
    'src.process.cmdline': 'powershell.exe -nop',
    'src.process.image.path': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'src.process.pid': 4000,
    'src.process.uid': 'U1',
    'src.process.user': 'CORP\\jdoe',
    'src.process.parent.name': 'explorer.exe',
  };
  const s1 = (r: Record<string, unknown>) => normalise('sentinelone-cloud-funnel', { ...base, ...r }).doc;

  it('IP connect: destination/source, egress, the creator as process.*', () => {
    const doc = s1({
      'event.category': 'ip',
      'event.type': 'IP Connect',
      'meta.event.name': 'TCPV4',
      'dst.ip.address': '203.0.113.7',
      'dst.port.number': 443,
      'src.ip.address': '10.0.0.5',
      'src.port.number': 49722,
      'event.network.direction': 'OUTGOING',
      'event.network.protocolName': 'TCP',
    });
    expect(
      pick(doc, [
        'event.category',
        'event.type',
        'event.action',
        'destination.ip',
        'destination.port',
        'source.ip',
        'network.direction',
        'network.protocol',
        'process.name',
        'process.parent.name',
        'user.name',
        'user.domain',
      ]),
    ).toEqual({
      'event.category': ['network'],
      'event.type': ['start', 'connection'],
      'event.action': ['connection_attempted'],
      'destination.ip': '203.0.113.7',
      'destination.port': 443,
      'source.ip': '10.0.0.5',
      'network.direction': 'egress',
      'network.protocol': 'tcp',
      'process.name': 'powershell.exe',
      'process.parent.name': 'explorer.exe',
      'user.name': 'jdoe',
      'user.domain': 'CORP',
    });
  });

  it('DNS: question and answers, IPv4-mapped addresses unwrapped', () => {
    const doc = s1({
      'event.category': 'dns',
      'event.type': 'DNS Resolved',
      'meta.event.name': 'DNS',
      'event.dns.request': 'type: 1 evil.example.com',
      'event.dns.response': 'type:  5 cdn.example.net;::ffff:203.0.113.9;198.51.100.4;',
    });
    expect(
      pick(doc, ['event.category', 'dns.question.name', 'dns.question.type', 'dns.answers', 'dns.resolved_ip']),
    ).toEqual({
      'event.category': ['network'],
      'dns.question.name': 'evil.example.com',
      'dns.question.type': 'A',
      'dns.answers': [{ type: 'CNAME', data: 'cdn.example.net' }],
      'dns.resolved_ip': ['203.0.113.9', '198.51.100.4'],
    });
  });

  it('file creation: the target file, the source process', () => {
    const doc = s1({
      'event.category': 'file',
      'event.type': 'File Creation',
      'meta.event.name': 'FILECREATION',
      'tgt.file.path': 'C:\\Users\\jdoe\\a.vbs',
      'tgt.file.type': 'file',
    });
    expect(
      pick(doc, [
        'event.type',
        'event.action',
        'file.path',
        'file.name',
        'file.extension',
        'file.directory',
        'process.name',
      ]),
    ).toEqual({
      'event.type': ['creation'],
      'event.action': ['creation'],
      'file.path': 'C:\\Users\\jdoe\\a.vbs',
      'file.name': 'a.vbs',
      'file.extension': 'vbs',
      'file.directory': 'C:\\Users\\jdoe',
      'process.name': 'powershell.exe',
    });
  });

  it('registry: path split into key and value, data as sent', () => {
    const doc = s1({
      'event.category': 'registry',
      'event.type': 'Registry Value Modified',
      'meta.event.name': 'REGVALUEMODIFIED',
      'registry.keyPath': 'MACHINE\\SOFTWARE\\Run\\evil',
      'registry.value': 'C:\\evil.exe',
    });
    expect(
      pick(doc, [
        'event.type',
        'event.action',
        'registry.path',
        'registry.key',
        'registry.value',
        'registry.data.strings',
      ]),
    ).toEqual({
      'event.type': ['change'],
      'event.action': ['modification'],
      'registry.path': 'MACHINE\\SOFTWARE\\Run\\evil',
      'registry.key': 'MACHINE\\SOFTWARE\\Run',
      'registry.value': 'evil',
      'registry.data.strings': 'C:\\evil.exe',
    });
  });

  it('login: authentication start for the logged-on user', () => {
    const doc = s1({
      'event.category': 'logins',
      'event.type': 'Login',
      'meta.event.name': 'LOGIN',
      'event.login.userName': 'admin',
      'src.endpoint.ip.address': '198.51.100.2',
    });
    expect(pick(doc, ['event.category', 'event.type', 'user.name', 'host.ip'])).toEqual({
      'event.category': ['authentication'],
      'event.type': ['start'],
      'user.name': 'admin',
      'host.ip': ['198.51.100.2'],
    });
  });

  it('process: quotes around the whole command line are stripped before the Go-style split', () => {
    const doc = s1({
      'event.category': 'process',
      'meta.event.name': 'PROCESSCREATION',
      'tgt.process.name': 'cmd.exe',
      'tgt.process.cmdline': '"C:\\x\\cmd.exe" /c "dir"',
    });
    expect(pick(doc, ['process.command_line', 'process.args', 'process.args_count'])).toEqual({
      'process.command_line': 'C:\\x\\cmd.exe" /c "dir',
      'process.args': ['C:\\x\\cmd.exe /c dir'],
      'process.args_count': 1,
    });
  });

  it('process: empty arguments are dropped by the final cleanup, args_count keeps them', () => {
    const doc = s1({
      'event.category': 'process',
      'meta.event.name': 'PROCESSCREATION',
      'tgt.process.name': 'a.exe',
      'tgt.process.cmdline': 'a.exe "" b',
    });
    expect(pick(doc, ['process.args', 'process.args_count'])).toEqual({
      'process.args': ['a.exe', 'b'],
      'process.args_count': 3,
    });
  });

  it('doubled backslashes in the raw line collapse to one (the pipeline’s gsub on the message)', () => {
    const raw = {
      ...base,
      'event.category': 'process',
      'meta.event.name': 'PROCESSCREATION',
      'tgt.process.name': 'cmd.exe',
      'tgt.process.cmdline': 'cmd /c dir \\\\\\\\srv\\\\share',
    };
    const line = JSON.stringify(raw);
    const { doc } = normalise('sentinelone-cloud-funnel', JSON.parse(line) as Record<string, unknown>, line);
    expect(getPath(doc, 'process.command_line')).toBe('cmd /c dir \\\\srv\\share');
  });

  it('nested (already expanded) records read the same as dotted ones', () => {
    const dotted = s1({
      'event.category': 'process',
      'meta.event.name': 'PROCESSCREATION',
      'tgt.process.name': 'cmd.exe',
    });
    const nested = normalise('sentinelone-cloud-funnel', {
      event: { time: 1714641301234, category: 'process' },
      meta: { event: { name: 'PROCESSCREATION' } },
      agent: { uuid: 'ag1' },
      endpoint: { name: 'WS-1', os: 'windows' },
      src: {
        process: {
          name: 'powershell.exe',
          cmdline: 'powershell.exe -nop',
          image: { path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' },
          pid: 4000,
          uid: 'U1',
          user: 'CORP\\jdoe',
          parent: { name: 'explorer.exe' },
        },
      },
      tgt: { process: { name: 'cmd.exe' } },
    }).doc;
    const ecs = (d: EventDoc) => ({ ...d, sentinel_one_cloud_funnel: undefined });
    expect(ecs(nested)).toEqual(ecs(dotted));
  });
});

describe('Endgame', () => {
  it('documents keep their fields; epoch-millisecond @timestamp becomes ISO; the index follows the version', () => {
    const { doc, index } = normalise('endgame', {
      '@timestamp': 1714641301234,
      agent: { type: 'endgame', version: '3.56.0' },
      endgame: { event_type_full: 'network_event', unique_pid: 1 },
      event: { category: 'network', type: 'connection', action: 'ipv4_connection_attempt_event' },
      destination: { ip: '203.0.113.7', port: 443 },
    });
    expect(index).toBe('endgame-3.56.0');
    expect(pick(doc, ['@timestamp', 'event.category', 'event.module', 'destination.port', 'data_stream'])).toEqual({
      '@timestamp': '2024-05-02T09:15:01.234Z',
      'event.category': 'network',
      'event.module': 'endgame',
      'destination.port': 443,
      data_stream: undefined,
    });
  });

  it('native EQL-schema events map to ECS (file, registry, network, dns, image load)', () => {
    const ev = (r: Record<string, unknown>) =>
      normalise('endgame', {
        unique_pid: 7,
        pid: 70,
        process_name: 'x.exe',
        timestamp_utc: '2024-05-02 09:15:01',
        ...r,
      }).doc;
    expect(
      pick(ev({ event_type_full: 'file_event', event_subtype_full: 'file_create_event', file_path: 'C:\\a\\b.ps1' }), [
        'event.category',
        'event.type',
        'file.path',
        'file.name',
        'file.extension',
        'process.entity_id',
      ]),
    ).toEqual({
      'event.category': ['file'],
      'event.type': ['creation'],
      'file.path': 'C:\\a\\b.ps1',
      'file.name': 'b.ps1',
      'file.extension': 'ps1',
      'process.entity_id': '7',
    });
    expect(
      pick(
        ev({
          event_type_full: 'registry_event',
          event_subtype_full: 'registry_modify_event',
          registry_path: 'HKLM\\SOFTWARE\\Run\\x',
        }),
        ['event.category', 'event.type', 'registry.path'],
      ),
    ).toEqual({
      'event.category': ['registry'],
      'event.type': ['change'],
      'registry.path': 'HKLM\\SOFTWARE\\Run\\x',
    });
    expect(
      pick(
        ev({
          event_type_full: 'network_event',
          event_subtype_full: 'ipv4_connection_attempt_event',
          destination_address: '203.0.113.7',
          destination_port: '443',
        }),
        ['event.category', 'event.type', 'destination.ip', 'destination.port'],
      ),
    ).toEqual({
      'event.category': ['network'],
      'event.type': ['start', 'connection'],
      'destination.ip': '203.0.113.7',
      'destination.port': 443,
    });
    expect(
      pick(ev({ event_type_full: 'dns_event', event_subtype_full: 'request_event', query_name: 'evil.example.com' }), [
        'event.category',
        'dns.question.name',
      ]),
    ).toEqual({
      'event.category': ['network'],
      'dns.question.name': 'evil.example.com',
    });
    expect(
      pick(
        ev({
          event_type_full: 'image_load_event',
          event_subtype_full: 'image_load_event',
          image_path: 'C:\\Users\\Public\\e.dll',
        }),
        ['event.category', 'event.type', 'dll.path', 'dll.name'],
      ),
    ).toEqual({
      'event.category': ['library'],
      'event.type': ['start'],
      'dll.path': 'C:\\Users\\Public\\e.dll',
      'dll.name': 'e.dll',
    });
  });
});
