/**
 * Per-event-id behaviour of windows.sysmon_operational, derived from elastic/integrations
 * `packages/windows/data_stream/forwarded/elasticsearch/ingest_pipeline/sysmon_operational.yml`
 * (6321f22f). Event data values are taken from real records of ../shared/fixtures/evtx where one
 * exists (file named in the test), else written from the Sysmon schema.
 */
import { describe, expect, it } from 'vitest';
import { normaliseWinEvent } from '../../../src/sources/windows/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import { eventTree, SYSMON } from './event-xml.js';

type Obj = Record<string, unknown>;

function sysmon(id: number, data: Record<string, string>, extra: Obj = {}): { doc: EventDoc; problems: BadRecord[] } {
  const problems: BadRecord[] = [];
  const out = normaliseWinEvent(eventTree({ ...SYSMON, id, task: id, data, ...extra }), {
    sink: (p) => problems.push(p),
    loc: { file: 'sysmon.evtx', record: 1 },
  });
  expect(out?.index).toBe('logs-windows.sysmon_operational-default');
  return { doc: out!.doc, problems };
}

const event = (d: EventDoc): Obj => d.event as Obj;
const proc = (d: EventDoc): Obj => d.process as Obj;
const ed = (d: EventDoc): Obj | undefined => (d.winlog as Obj).event_data as Obj | undefined;

describe('Sysmon event ids (sysmon_operational.yml 6321f22f)', () => {
  it('3 network connection (evtx/omerbenamram sysmon.evtx)', () => {
    const { doc, problems } = sysmon(3, {
      UtcTime: '2017-12-18 14:51:29.706',
      ProcessGuid: '{94F748D5-4DCB-5A9E-0000-0010B2051110}',
      ProcessId: '4280',
      Image: 'C:\\Windows\\Temp\\opera autoupdate\\installer.exe',
      User: 'NT AUTHORITY\\SYSTEM',
      Protocol: 'tcp',
      Initiated: 'true',
      SourceIsIpv6: 'false',
      SourceIp: '192.168.2.128',
      SourceHostname: 'DESKTOP-2KGM189.localdomain',
      SourcePort: '59344',
      SourcePortName: '',
      DestinationIsIpv6: 'false',
      DestinationIp: '185.26.182.117',
      DestinationHostname: '',
      DestinationPort: '443',
      DestinationPortName: 'https',
    });
    expect(problems).toEqual([]);
    expect(event(doc)).toMatchObject({
      category: ['network'],
      type: ['start', 'connection', 'protocol'],
      action: 'Network connection',
      code: '3',
    });
    expect(doc.network).toEqual({ transport: 'tcp', protocol: 'https', direction: 'egress', type: 'ipv4' });
    expect(doc.source).toEqual({ ip: '192.168.2.128', domain: 'DESKTOP-2KGM189.localdomain', port: 59344 });
    expect(doc.destination).toEqual({ ip: '185.26.182.117', port: 443 });
    expect(doc.related).toEqual({ user: ['SYSTEM'], ip: ['192.168.2.128', '185.26.182.117'] });
    expect(doc.user).toEqual({ id: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM' });
    expect(proc(doc)).toEqual({
      entity_id: '{94F748D5-4DCB-5A9E-0000-0010B2051110}',
      pid: 4280,
      executable: 'C:\\Windows\\Temp\\opera autoupdate\\installer.exe',
      name: 'installer.exe',
    });
    expect(doc['@timestamp']).toBe('2017-12-18T14:51:29.706Z');
    // Every event_data key is mapped or cleaned up: the object is removed.
    expect(ed(doc)).toBeUndefined();
  });

  it('5 process terminated (evtx/sans-blue-team sliver-sysmon.evtx)', () => {
    const { doc } = sysmon(5, {
      RuleName: '-',
      UtcTime: '2023-05-18 18:28:25.865',
      ProcessGuid: '{0FD50764-6E0F-6466-0018-000000001700}',
      ProcessId: '5136',
      Image: 'C:\\Users\\fgaeta\\AppData\\Local\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe',
      User: 'VALKYRIE\\fgaeta',
    });
    expect(event(doc)).toMatchObject({ category: ['process'], type: ['end'], action: 'Process terminated' });
    expect(proc(doc)).toMatchObject({ pid: 5136, name: 'MicrosoftEdgeUpdate.exe' });
    expect(doc.user).toEqual({ id: 'S-1-5-18', domain: 'VALKYRIE', name: 'fgaeta' });
    expect(doc.rule).toBeUndefined();
  });

  it('7 image loaded: file.*, PE and signature fields; Signed stays a string (evtx/sbousseaden sideloading…c2.evtx)', () => {
    const { doc } = sysmon(7, {
      RuleName: '',
      UtcTime: '2020-10-17 11:43:27.769',
      ProcessGuid: '{747F3D96-D8DF-5F8A-0000-0010572F7200}',
      ProcessId: '3660',
      Image: 'C:\\Users\\Public\\tools\\apt\\wwlib\\test.exe',
      ImageLoaded: 'C:\\Users\\Public\\tools\\apt\\wwlib\\wwlib.dll',
      FileVersion: '?',
      Description: '?',
      Product: '?',
      Company: '?',
      OriginalFileName: '?',
      Hashes:
        'SHA1=6F32C711AFA423DF203AE2A27B259299402CF317,MD5=F0FCD453346038E434FA2D9F1E769F5B,SHA256=DB07BB76B9B227A54092179F4DCB3DFC25B325887E01098125AC44FDA70104E6,IMPHASH=22B6C0416D4E9B8FF922CC11DE30ADE7',
      Signed: 'true',
      Signature: 'Example Signer',
      SignatureStatus: 'Valid',
    });
    expect(event(doc)).toMatchObject({ category: ['process'], type: ['change'], action: 'Image loaded' });
    expect(doc.file).toEqual({
      path: 'C:\\Users\\Public\\tools\\apt\\wwlib\\wwlib.dll',
      name: 'wwlib.dll',
      directory: 'C:\\Users\\Public\\tools\\apt\\wwlib',
      extension: 'dll',
      hash: {
        sha1: '6f32c711afa423df203ae2a27b259299402cf317',
        md5: 'f0fcd453346038e434fa2d9f1e769f5b',
        sha256: 'db07bb76b9b227a54092179f4dcb3dfc25b325887e01098125ac44fda70104e6',
      },
      pe: {
        imphash: '22b6c0416d4e9b8ff922cc11de30ade7',
        original_file_name: '?',
        company: '?',
        description: '?',
        file_version: '?',
        product: '?',
      },
      // The pipeline tests `Signed == true` (a boolean): the winlog input's string never matches.
      code_signature: { subject_name: 'Example Signer', status: 'Valid', valid: true },
    });
    expect(proc(doc).pe).toBeUndefined();
    expect(proc(doc).hash).toBeUndefined();
    expect(ed(doc)).toEqual({
      FileVersion: '?',
      Description: '?',
      Product: '?',
      Company: '?',
      Signed: 'true',
      Signature: 'Example Signer',
      SignatureStatus: 'Valid',
    });
  });

  it('8 CreateRemoteThread: Source* is the process; TargetProcessGuid renamed to TargetProcessGUID (evtx/sans-blue-team sliver-sysmon.evtx)', () => {
    const { doc } = sysmon(8, {
      RuleName: '-',
      UtcTime: '2023-05-18 18:29:27.058',
      SourceProcessGuid: '{0FD50764-6E65-6466-1618-000000001700}',
      SourceProcessId: '12236',
      SourceImage: 'C:\\JOINT_BALL.exe',
      TargetProcessGuid: '{0FD50764-E95D-6356-3F00-000000001700}',
      TargetProcessId: '2516',
      TargetImage: 'C:\\Windows\\System32\\spoolsv.exe',
      NewThreadId: '5192',
      StartAddress: '0x00000000023A0000',
      StartModule: '-',
      StartFunction: '-',
      SourceUser: 'VALKYRIE\\fgaeta',
      TargetUser: 'NT AUTHORITY\\SYSTEM',
    });
    expect(event(doc)).toMatchObject({ category: ['process'], type: ['change'], action: 'CreateRemoteThread' });
    expect(proc(doc)).toEqual({
      entity_id: '{0FD50764-6E65-6466-1618-000000001700}',
      pid: 12236,
      executable: 'C:\\JOINT_BALL.exe',
      name: 'JOINT_BALL.exe',
    });
    expect(ed(doc)).toEqual({
      TargetProcessGUID: '{0FD50764-E95D-6356-3F00-000000001700}',
      TargetProcessId: '2516',
      TargetImage: 'C:\\Windows\\System32\\spoolsv.exe',
      NewThreadId: '5192',
      StartAddress: '0x00000000023A0000',
      SourceUser: 'VALKYRIE\\fgaeta',
      TargetUser: 'NT AUTHORITY\\SYSTEM',
    });
    expect(doc.user).toEqual({ id: 'S-1-5-18' });
  });

  it('10 process access: source process, thread id; target fields stay in event_data (evtx/Yamato Sysmon-27…certutil.evtx)', () => {
    const { doc } = sysmon(10, {
      RuleName: '-',
      UtcTime: '2022-08-29 04:43:48.007',
      SourceProcessGUID: '{3E153517-43C6-630C-F202-000000000400}',
      SourceProcessId: '8960',
      SourceThreadId: '5048',
      SourceImage: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      TargetProcessGUID: '{3E153517-4404-630C-0003-000000000400}',
      TargetProcessId: '8636',
      TargetImage: 'C:\\Windows\\system32\\certutil.exe',
      GrantedAccess: '0x001fffff',
      CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d8d4|UNKNOWN(00007FFCF689D134)',
      SourceUser: 'DESKTOP-VQBONAV\\user',
      TargetUser: 'DESKTOP-VQBONAV\\user',
    });
    expect(event(doc)).toMatchObject({ category: ['process'], type: ['access'], action: 'ProcessAccess', code: '10' });
    expect(proc(doc)).toEqual({
      entity_id: '{3E153517-43C6-630C-F202-000000000400}',
      pid: 8960,
      thread: { id: 5048 },
      executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      name: 'powershell.exe',
    });
    expect(ed(doc)).toMatchObject({
      TargetImage: 'C:\\Windows\\system32\\certutil.exe',
      GrantedAccess: '0x001fffff',
      CallTrace: 'C:\\Windows\\SYSTEM32\\ntdll.dll+9d8d4|UNKNOWN(00007FFCF689D134)',
      TargetProcessGUID: '{3E153517-4404-630C-0003-000000000400}',
    });
  });

  it('11 file create: file.* from TargetFilename, rule.name (evtx/Yamato Sysmon-27…certutil.evtx)', () => {
    const { doc } = sysmon(11, {
      RuleName: 'EXE',
      UtcTime: '2022-08-29 04:43:48.179',
      ProcessGuid: '{3E153517-4404-630C-0003-000000000400}',
      ProcessId: '8636',
      Image: 'C:\\Windows\\system32\\certutil.exe',
      TargetFilename: 'C:\\Users\\user\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\NZ19LUSG\\calc[1].exe',
      CreationUtcTime: '2022-08-29 04:43:48.179',
      User: 'DESKTOP-VQBONAV\\user',
    });
    expect(event(doc)).toMatchObject({ category: ['file'], type: ['creation'], action: 'FileCreate' });
    expect(doc.rule).toEqual({ name: 'EXE' });
    expect(doc.file).toEqual({
      path: 'C:\\Users\\user\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\NZ19LUSG\\calc[1].exe',
      name: 'calc[1].exe',
      directory: 'C:\\Users\\user\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\NZ19LUSG',
      extension: 'exe',
    });
    expect(ed(doc)).toEqual({ CreationUtcTime: '2022-08-29 04:43:48.179' });
  });

  it('12 registry delete with a \\REGISTRY\\ path: no hive, value from the last segment (evtx/omerbenamram sysmon.evtx)', () => {
    const { doc } = sysmon(12, {
      EventType: 'DeleteValue',
      UtcTime: '2017-12-26 13:18:08.040',
      ProcessGuid: '{94F748D5-4C0F-5A42-0000-00107B98FE0F}',
      ProcessId: '8268',
      Image: 'C:\\Users\\tony\\AppData\\Local\\Temp\\Procmon64.exe',
      TargetObject: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\PROCMON23\\Start',
    });
    expect(event(doc)).toMatchObject({
      category: ['configuration', 'registry'],
      type: ['change'],
      action: 'RegistryEvent (Object create and delete)',
    });
    expect(doc.registry).toEqual({
      path: '\\REGISTRY\\MACHINE\\SYSTEM\\ControlSet001\\Services\\PROCMON23\\Start',
      value: 'Start',
    });
    expect(ed(doc)).toEqual({ EventType: 'DeleteValue' });
  });

  it('13 registry value set: hive, key, value and data by type (REG_SZ, DWORD, QWORD with the pipeline arithmetic)', () => {
    const base = { EventType: 'SetValue', UtcTime: '2024-01-02 03:04:05.678', Image: 'C:\\x\\reg.exe' };
    const sz = sysmon(13, {
      ...base,
      TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
      Details: 'C:\\Users\\Public\\evil.exe',
    }).doc;
    expect(event(sz)).toMatchObject({ action: 'RegistryEvent (Value Set)' });
    expect(sz.registry).toEqual({
      path: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
      hive: 'HKLM',
      key: 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil',
      value: 'evil',
      data: { strings: ['C:\\Users\\Public\\evil.exe'], type: 'REG_SZ' },
    });
    // evtx/omerbenamram sysmon.evtx: `DWORD (0x00000004)`.
    const dword = sysmon(13, { ...base, TargetObject: 'HKU\\S-1-5-21\\x\\Start', Details: 'DWORD (0x00000004)' }).doc;
    expect(dword.registry).toMatchObject({ hive: 'HKU', data: { strings: ['4'], type: 'SZ_DWORD' } });
    const qword = sysmon(13, {
      ...base,
      TargetObject: 'HKCU\\x\\q',
      Details: 'QWORD (0x00000001-0x00000002)',
    }).doc;
    expect(qword.registry).toMatchObject({ data: { strings: ['258'], type: 'SZ_QWORD' } });
    const bin = sysmon(13, { ...base, TargetObject: 'HKCU\\x\\b', Details: 'Binary Data' }).doc;
    expect(bin.registry).toMatchObject({ data: { strings: ['Binary Data'], type: 'REG_BINARY' } });
    expect(ed(sz)).toEqual({ EventType: 'SetValue', Details: 'C:\\Users\\Public\\evil.exe' });
  });

  it('14 registry rename: registry.* from TargetObject, NewName stays', () => {
    const { doc } = sysmon(14, {
      EventType: 'RenameKey',
      UtcTime: '2024-01-02 03:04:05.678',
      Image: 'C:\\Windows\\regedit.exe',
      TargetObject: 'HKCU\\Software\\Old',
      NewName: 'HKCU\\Software\\New',
    });
    expect(event(doc)).toMatchObject({
      action: 'RegistryEvent (Key and Value Rename)',
      category: ['configuration', 'registry'],
    });
    expect(doc.registry).toEqual({ path: 'HKCU\\Software\\Old', hive: 'HKCU', key: 'Software\\Old', value: 'Old' });
    expect(ed(doc)).toEqual({ EventType: 'RenameKey', NewName: 'HKCU\\Software\\New' });
  });

  it('15 file stream hash: `Hash` treated as `Hashes`, zero IMPHASH dropped (evtx/omerbenamram sysmon.evtx)', () => {
    const { doc } = sysmon(15, {
      UtcTime: '2017-12-26 13:17:52.891',
      ProcessGuid: '{94F748D5-C3C3-5A37-0000-0010C341820F}',
      ProcessId: '360',
      Image: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
      TargetFilename: 'C:\\Users\\tony\\Downloads\\ProcessMonitor.zip',
      CreationUtcTime: '2017-12-26 13:17:50.141',
      Hash: 'SHA1=EA22F4E5201BBDECAE0D4A7809AEAC3E37766586,MD5=0D277DF348223E0F135194A11E581401,SHA256=7EA0C87179D1DAA3E46904E07469633426A81EF1063F338DCA31C7DC641E0BA4,IMPHASH=00000000000000000000000000000000',
    });
    expect(event(doc)).toMatchObject({ category: ['file'], type: ['access'], action: 'FileCreateStreamHash' });
    expect((doc.file as Obj).hash).toEqual({
      sha1: 'ea22f4e5201bbdecae0d4a7809aeac3e37766586',
      md5: '0d277df348223e0f135194a11e581401',
      sha256: '7ea0c87179d1daa3e46904e07469633426a81ef1063f338dca31c7dc641e0ba4',
    });
    expect((doc.file as Obj).extension).toBe('zip');
    expect((doc.related as Obj).hash).toHaveLength(3);
  });

  it('17/18 pipe events: file.name is the pipe name; "System" image has no process.name (evtx/sbousseaden psexec samples)', () => {
    const created = sysmon(17, {
      RuleName: '',
      EventType: 'CreatePipe',
      UtcTime: '2020-12-09 16:52:34.611',
      ProcessGuid: '{747F3D96-00D2-5FD1-0000-0010FA4C5301}',
      ProcessId: '13004',
      PipeName: '\\PSEXESVC',
      Image: 'C:\\Users\\Public\\psexecprivesc.exe',
    }).doc;
    expect(event(created)).toMatchObject({
      category: ['file'],
      type: ['creation'],
      action: 'PipeEvent (Pipe Created)',
    });
    expect(created.file).toEqual({ name: '\\PSEXESVC' });
    const connected = sysmon(18, {
      RuleName: '',
      UtcTime: '2019-04-30 20:26:51.793',
      ProcessGuid: '{365ABB72-2584-5CC9-0000-0010EA030000}',
      ProcessId: '4',
      PipeName: '\\ntsvcs',
      Image: 'System',
    }).doc;
    expect(event(connected)).toMatchObject({ type: ['access'], action: 'PipeEvent (Pipe Connected)' });
    expect(proc(connected)).toEqual({
      entity_id: '{365ABB72-2584-5CC9-0000-0010EA030000}',
      pid: 4,
      executable: 'System',
    });
  });

  it('22 DNS query: answers, resolved IPs (IPv4-mapped prefix removed), related hosts (integration sample_event.json)', () => {
    const { doc } = sysmon(22, {
      RuleName: '',
      UtcTime: '2019-07-18 03:34:01.261',
      ProcessGuid: '{fa4a0de6-e8a9-5d2f-0000-001053699900}',
      ProcessId: '2736',
      QueryName: 'www.msn.com',
      QueryStatus: '0',
      QueryResults: 'type:  5 www-msn-com.a-0003.a-msedge.net;type:  5 a-0003.a-msedge.net;::ffff:204.79.197.203;',
      Image: 'C:\\Program Files (x86)\\Internet Explorer\\iexplore.exe',
    });
    expect(event(doc)).toMatchObject({
      category: ['network'],
      type: ['connection', 'protocol', 'info'],
      action: 'DNSEvent (DNS query)',
    });
    expect(doc.dns).toEqual({
      question: { name: 'www.msn.com' },
      answers: [
        { type: 'CNAME', data: 'www-msn-com.a-0003.a-msedge.net' },
        { type: 'CNAME', data: 'a-0003.a-msedge.net' },
        { type: 'A', data: '204.79.197.203' },
      ],
      resolved_ip: ['204.79.197.203'],
    });
    expect(doc.network).toEqual({ protocol: 'dns' });
    expect(doc.related).toEqual({
      hosts: ['www-msn-com.a-0003.a-msedge.net', 'a-0003.a-msedge.net', 'www.msn.com'],
      ip: ['204.79.197.203'],
    });
    // The status code → name table is not reproduced (see pipelines/sysmon.ts): the code stays.
    expect(doc.sysmon).toEqual({ dns: { status: '0' } });
  });

  it('22 with QueryResults "-" (evtx/sans-blue-team sliver-sysmon.evtx): no answers', () => {
    const { doc } = sysmon(22, {
      RuleName: '-',
      UtcTime: '2022-10-26 07:24:50.572',
      ProcessGuid: '{0FD50764-E95B-6356-0C00-000000001700}',
      ProcessId: '636',
      QueryName: '_ldap._tcp.Default-First-Site-Name._sites.dc._msdcs.VALKYRIE',
      QueryStatus: '1460',
      QueryResults: '-',
      Image: 'C:\\Windows\\System32\\lsass.exe',
      User: 'NT AUTHORITY\\SYSTEM',
    });
    expect(doc.dns).toEqual({ question: { name: '_ldap._tcp.Default-First-Site-Name._sites.dc._msdcs.VALKYRIE' } });
    expect((doc.related as Obj).hosts).toEqual(['_ldap._tcp.Default-First-Site-Name._sites.dc._msdcs.VALKYRIE']);
  });

  it('23/26 file delete: archived/executable booleans; hashes to process.hash (23) or file.hash (26)', () => {
    const data = {
      RuleName: '-',
      UtcTime: '2024-02-03 04:05:06.789',
      ProcessGuid: '{11111111-2222-3333-4444-555555555555}',
      ProcessId: '1234',
      User: 'CORP\\bob',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      TargetFilename: 'C:\\Users\\bob\\AppData\\Local\\Temp\\payload.ps1',
      Hashes: 'SHA256=AA11',
      IsExecutable: 'false',
    };
    const archived = sysmon(23, { ...data, Archived: 'true' }).doc;
    expect(event(archived)).toMatchObject({
      category: ['file'],
      type: ['deletion'],
      action: 'FileDelete (File Delete archived)',
    });
    expect(archived.sysmon).toEqual({ file: { archived: true, is_executable: false } });
    expect(proc(archived).hash).toEqual({ sha256: 'aa11' });
    expect((archived.file as Obj).path).toBe('C:\\Users\\bob\\AppData\\Local\\Temp\\payload.ps1');
    const logged = sysmon(26, data).doc;
    expect(event(logged)).toMatchObject({ action: 'FileDeleteDetected (File Delete logged)', type: ['deletion'] });
    expect((logged.file as Obj).hash).toEqual({ sha256: 'aa11' });
    expect(proc(logged).hash).toBeUndefined();
  });

  it('every Sysmon event id 1–29 and 255 gets its categorisation', () => {
    const ids = [...Array.from({ length: 29 }, (_, i) => i + 1), 255];
    for (const id of ids) {
      const { doc } = sysmon(id, { UtcTime: '2024-01-01 00:00:00.000' });
      expect(event(doc).action, `event ${id}`).toBeTypeOf('string');
      expect(event(doc).type, `event ${id}`).toBeInstanceOf(Array);
      expect(event(doc).code).toBe(String(id));
    }
    const err = sysmon(255, { UtcTime: '2024-01-01 00:00:00.000', ID: 'DriverCommunication', Description: 'x' }).doc;
    expect(err.error).toEqual({ code: 'DriverCommunication' });
    const tamper = sysmon(25, {
      UtcTime: '2024-01-01 00:00:00.000',
      Type: 'Image is replaced',
      Image: 'C:\\a.exe',
    }).doc;
    expect(tamper.message).toBe('Image is replaced');
  });

  it('reports unparseable values and keeps the rest of the record', () => {
    const { doc, problems } = sysmon(1, {
      UtcTime: 'yesterday',
      ProcessId: '12x',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
      SourcePort: '99999999999999999999999',
    });
    expect(problems.map((p) => [p.kind, p.loc])).toEqual([
      ['field-conversion', { file: 'sysmon.evtx', record: 1 }],
      ['field-conversion', { file: 'sysmon.evtx', record: 1 }],
      ['field-conversion', { file: 'sysmon.evtx', record: 1 }],
    ]);
    expect(problems[2]!.message).toContain('source.port');
    expect(problems[0]!.message).toContain('yesterday');
    expect(problems[1]!.message).toContain('"12x"');
    // @timestamp stays the record's TimeCreated; the process is still mapped.
    expect(doc['@timestamp']).toBe('2024-03-01T10:20:30.123Z');
    expect(proc(doc)).toMatchObject({ name: 'cmd.exe', args: ['cmd.exe', '/c', 'whoami'], args_count: 3 });
    expect(proc(doc).pid).toBeUndefined();
  });
});
