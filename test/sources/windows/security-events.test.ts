/**
 * Per-event-id behaviour of system.security, derived from elastic/integrations
 * `packages/windows/data_stream/forwarded/elasticsearch/ingest_pipeline/security_standard.yml`
 * (06a5bac9, the shared `standard` pipeline), `packages/windows/_dev/shared/ingest_pipeline/
 * system_security_default.yml` (d3aaa918) and `security_common.yml` (755ff665). Values are those
 * of real records in ../shared/fixtures/evtx where one exists (named), rendered as Windows
 * renders them, else written from Microsoft's event schemas.
 */
import { describe, expect, it } from 'vitest';
import { normaliseWinEvent } from '../../../src/sources/windows/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import { eventTree, SECURITY } from './event-xml.js';

type Obj = Record<string, unknown>;

function security(
  id: number,
  data: Record<string, string>,
  extra: Obj = {},
  opts: { forwarded?: boolean } = {},
): { doc: EventDoc; problems: BadRecord[] } {
  const problems: BadRecord[] = [];
  const out = normaliseWinEvent(eventTree({ ...SECURITY, id, data, ...extra }), {
    ...opts,
    sink: (p) => problems.push(p),
    loc: { file: 'Security.evtx', record: 7 },
  });
  return { doc: out!.doc, problems };
}

const event = (d: EventDoc): Obj => d.event as Obj;
const winlog = (d: EventDoc): Obj => d.winlog as Obj;
const ed = (d: EventDoc): Obj => winlog(d).event_data as Obj;

const SUBJECT_SYSTEM = {
  SubjectUserSid: 'S-1-5-18',
  SubjectUserName: 'WS01$',
  SubjectDomainName: 'CORP',
  SubjectLogonId: '0x3e7',
};
const SUBJECT_ADMIN = {
  SubjectUserSid: 'S-1-5-21-4230534742-2542757381-3142984815-1111',
  SubjectUserName: 'admmig',
  SubjectDomainName: 'OFFSEC',
  SubjectLogonId: '0x1659379',
};

describe('Security event ids (security_standard.yml 06a5bac9)', () => {
  it('4624 logon: target user → user.*, logon type, source, process; winlog.logon.id from SubjectLogonId', () => {
    const { doc, problems } = security(
      4624,
      {
        ...SUBJECT_SYSTEM,
        TargetUserSid: 'S-1-5-21-1-2-3-1104',
        TargetUserName: 'alice',
        TargetDomainName: 'CORP',
        TargetLogonId: '0x8a3f2',
        LogonType: '10',
        LogonProcessName: 'User32 ',
        AuthenticationPackageName: 'Negotiate',
        WorkstationName: 'WS01',
        LogonGuid: '{00000000-0000-0000-0000-000000000000}',
        TransmittedServices: '-',
        LmPackageName: '-',
        KeyLength: '0',
        ProcessId: '0x2f4',
        ProcessName: 'C:\\Windows\\System32\\svchost.exe',
        IpAddress: '10.0.0.5',
        IpPort: '51234',
        ImpersonationLevel: '%%1833',
        ElevatedToken: '%%1842',
        TargetLinkedLogonId: '0x0',
      },
      { task: 12544 },
    );
    expect(problems).toEqual([]);
    expect(event(doc)).toMatchObject({
      code: '4624',
      action: 'logged-in',
      category: ['authentication'],
      type: ['start'],
      outcome: 'success',
    });
    expect(doc.user).toEqual({ id: 'S-1-5-21-1-2-3-1104', name: 'alice', domain: 'CORP' });
    expect(winlog(doc).logon).toEqual({ type: 'RemoteInteractive', id: '0x3e7' });
    expect(doc.source).toEqual({ ip: '10.0.0.5', port: 51234, domain: 'WS01' });
    expect(doc.process).toEqual({ pid: 756, executable: 'C:\\Windows\\System32\\svchost.exe', name: 'svchost.exe' });
    expect(doc.related).toEqual({ user: ['alice', 'WS01$'], ip: ['10.0.0.5'] });
    expect(ed(doc)).toEqual({
      ...SUBJECT_SYSTEM,
      TargetUserSid: 'S-1-5-21-1-2-3-1104',
      TargetUserName: 'alice',
      TargetDomainName: 'CORP',
      TargetLogonId: '0x8a3f2',
      LogonType: '10',
      LogonProcessName: 'User32 ',
      AuthenticationPackageName: 'Negotiate',
      KeyLength: '0',
      ImpersonationLevel: '%%1833',
      ElevatedToken: '%%1842',
      TargetLinkedLogonId: '0x0',
    });
    expect(winlog(doc).task).toBe('Logon');
    expect(doc['@timestamp']).toBe('2024-03-01T10:20:30.123Z');
  });

  it('4625 failed logon: outcome failure, failure reason / status / sub status (evtx/omerbenamram Security_with_size_t.evtx)', () => {
    const { doc } = security(
      4625,
      {
        ...SUBJECT_SYSTEM,
        TargetUserSid: 'S-1-0-0',
        TargetUserName: 'Administrator',
        TargetDomainName: 'WIN-L0ZZQ76PMUF',
        Status: '0xc0000224',
        FailureReason: '%%2309',
        SubStatus: '0x0',
        LogonType: '2',
        ProcessId: '0x214',
        ProcessName: 'C:\\Windows\\System32\\winlogon.exe',
        IpAddress: '127.0.0.1',
        IpPort: '0',
      },
      { keywords: '0x8010000000000000' },
    );
    expect(event(doc)).toMatchObject({ action: 'logon-failed', outcome: 'failure', category: ['authentication'] });
    expect(winlog(doc).logon).toEqual({
      type: 'Interactive',
      id: '0x3e7',
      failure: {
        reason: "The specified account's password has expired.",
        status: 'User is required to change password at next logon',
        sub_status: 'Status OK.',
      },
    });
    expect(doc.user).toEqual({ id: 'S-1-0-0', name: 'Administrator', domain: 'WIN-L0ZZQ76PMUF' });
    expect(doc.source).toEqual({ ip: '127.0.0.1', port: 0 });
  });

  it('4648 explicit credentials: subject is user.*, target is user.effective.* (evtx/omerbenamram Security_with_size_t.evtx)', () => {
    const { doc } = security(4648, {
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: '26L2233B1-02$',
      SubjectDomainName: 'WORKGROUP',
      SubjectLogonId: '0x3e7',
      LogonGuid: '{00000000-0000-0000-0000-000000000000}',
      TargetUserName: 'SYSTEM',
      TargetDomainName: 'NT AUTHORITY',
      TargetServerName: 'localhost',
      TargetInfo: 'localhost',
      ProcessId: '0x24c',
      ProcessName: 'C:\\Windows\\System32\\services.exe',
      IpAddress: '-',
      IpPort: '-',
    });
    expect(event(doc)).toMatchObject({ action: 'logged-in-explicit' });
    expect(doc.user).toEqual({
      id: 'S-1-5-18',
      name: '26L2233B1-02$',
      domain: 'WORKGROUP',
      effective: { name: 'SYSTEM', domain: 'NT AUTHORITY' },
    });
    expect(doc.related).toEqual({ user: ['SYSTEM', '26L2233B1-02$'] });
    expect(doc.process).toEqual({ pid: 588, executable: 'C:\\Windows\\System32\\services.exe', name: 'services.exe' });
    expect(doc.source).toBeUndefined();
    expect(ed(doc)).toEqual({
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: '26L2233B1-02$',
      SubjectDomainName: 'WORKGROUP',
      SubjectLogonId: '0x3e7',
      TargetUserName: 'SYSTEM',
      TargetDomainName: 'NT AUTHORITY',
      TargetServerName: 'localhost',
      TargetInfo: 'localhost',
    });
  });

  it('4662 directory object access: AccessMask as a list with bit names, AccessList decoded', () => {
    const { doc } = security(4662, {
      ...SUBJECT_ADMIN,
      ObjectServer: 'DS',
      ObjectType: '%{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
      ObjectName: '%{2df0b9b4-31cd-4d00-b4cb-57c3f6bd41b2}',
      OperationType: 'Object Access',
      HandleId: '0x0',
      AccessList: '%%7688\r\n\t\t\t\t',
      AccessMask: '0x100',
      Properties:
        '%%7688\r\n\t\t{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}\r\n',
      AdditionalInfo: '-',
      AdditionalInfo2: '',
    });
    expect(event(doc)).toMatchObject({
      action: 'object-operation-performed',
      category: ['iam', 'configuration'],
      type: ['admin', 'change'],
    });
    expect(doc.user).toEqual({
      id: 'S-1-5-21-4230534742-2542757381-3142984815-1111',
      name: 'admmig',
      domain: 'OFFSEC',
    });
    expect(ed(doc)).toMatchObject({
      AccessMask: ['0x100'],
      AccessMaskDescription: ['Control Access'],
      AccessList: ['7688'],
      // The trailing whitespace gives an empty entry, which the final sweep of the system.security
      // pipeline then removes.
      AccessListDescription: ['Control Access'],
      Properties: '%%7688\n\t\t{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}\n\t{19195a5b-6da0-11d0-afd3-00c04fd930c9}',
    });
    expect(ed(doc).AdditionalInfo).toBeUndefined();
    expect(winlog(doc).logon).toEqual({ id: '0x1659379' });
    // windows.forwarded has no final sweep: the empty description stays.
    const fwd = security(4662, { ...SUBJECT_ADMIN, AccessList: '%%7688\r\n\t\t\t\t' }, {}, { forwarded: true }).doc;
    expect(ed(fwd).AccessListDescription).toEqual(['Control Access', '']);
  });

  it('4672 special privileges: PrivilegeList split on whitespace', () => {
    const { doc } = security(
      4672,
      {
        SubjectUserSid: 'S-1-5-18',
        SubjectUserName: 'SYSTEM',
        SubjectDomainName: 'NT AUTHORITY',
        SubjectLogonId: '0x3e7',
        PrivilegeList: 'SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege\r\n\t\t\tSeDebugPrivilege',
      },
      { task: 12548 },
    );
    expect(event(doc)).toMatchObject({ action: 'logged-in-special', category: ['iam'], type: ['admin'] });
    expect(ed(doc).PrivilegeList).toEqual(['SeAssignPrimaryTokenPrivilege', 'SeTcbPrivilege', 'SeDebugPrivilege']);
    expect(doc.user).toEqual({ id: 'S-1-5-18', name: 'SYSTEM', domain: 'NT AUTHORITY' });
    expect(winlog(doc).task).toBe('Special Logon');
  });

  it('4697 service installed: service.name / service.type (evtx/Yamato ID5140-5145,4688,4697…)', () => {
    const { doc } = security(4697, {
      ...SUBJECT_ADMIN,
      ServiceName: 'iOWamcEn',
      ServiceFileName: '%COMSPEC% /b /c start /b /min powershell.exe -nop -w hidden -noni -c "…"',
      ServiceType: '0x10',
      ServiceStartType: '3',
      ServiceAccount: 'LocalSystem',
    });
    expect(event(doc)).toMatchObject({
      action: 'service-installed',
      category: ['iam', 'configuration'],
      type: ['admin', 'change'],
    });
    expect(doc.service).toEqual({ name: 'iOWamcEn', type: 'Win32 Own Process' });
    expect(ed(doc)).toMatchObject({
      ServiceFileName: expect.stringContaining('powershell.exe') as unknown,
      ServiceStartType: '3',
    });
    expect(doc.user).toMatchObject({ name: 'admmig' });
  });

  it('4698 / 4702 scheduled task created / updated: winlog.scheduled_task.name (evtx/sbousseaden LM_ScheduledTask_ATSVC_target_host.evtx)', () => {
    const created = security(4698, { ...SUBJECT_ADMIN, TaskName: '\\CYAlyNSS', TaskContent: '<?xml …?><Task/>' }).doc;
    expect(event(created)).toMatchObject({
      action: 'scheduled-task-created',
      category: ['iam', 'configuration'],
      type: ['creation', 'admin'],
    });
    expect(winlog(created).scheduled_task).toEqual({ name: '\\CYAlyNSS' });
    const updated = security(4702, { ...SUBJECT_ADMIN, TaskName: '\\T', TaskContentNew: '<Task/>' }).doc;
    expect(event(updated)).toMatchObject({ action: 'scheduled-task-updated', type: ['change', 'admin'] });
    expect(ed(updated).TaskName).toBe('\\T');
  });

  it('4720 user created: user.target, UAC flags and UserAccountControl codes (evtx/omerbenamram post-Security.evtx)', () => {
    const { doc } = security(4720, {
      TargetUserName: 'John',
      TargetDomainName: 'John-PC',
      TargetSid: 'S-1-5-21-3838055588-3125202756-3154177548-1000',
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'WIN-F0HKLEEGGT1$',
      SubjectDomainName: 'WORKGROUP',
      SubjectLogonId: '0x3e7',
      PrivilegeList: '-',
      SamAccountName: 'John',
      DisplayName: '%%1793',
      OldUacValue: '0x0',
      NewUacValue: '0x15',
      UserAccountControl: '\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084',
    });
    expect(event(doc)).toMatchObject({ action: 'added-user-account', category: ['iam'], type: ['user', 'creation'] });
    expect(doc.user).toEqual({
      id: 'S-1-5-18',
      name: 'WIN-F0HKLEEGGT1$',
      domain: 'WORKGROUP',
      target: { id: 'S-1-5-21-3838055588-3125202756-3154177548-1000', name: 'John', domain: 'John-PC' },
    });
    expect(doc.related).toEqual({ user: ['WIN-F0HKLEEGGT1$', 'John'] });
    expect(ed(doc)).toMatchObject({
      NewUACList: ['USER_ACCOUNT_DISABLED', 'USER_PASSWORD_NOT_REQUIRED', 'USER_NORMAL_ACCOUNT'],
      UserAccountControl: ['2080', '2082', '2084'],
      DisplayName: '%%1793',
    });
    expect(ed(doc).PrivilegeList).toBeUndefined();
  });

  it('4728 member added to a global group: member from the DN, group.*, user.target.group (evtx/omerbenamram post-Security.evtx)', () => {
    const { doc } = security(4728, {
      MemberName: 'CN=Bob Smith,OU=Staff,DC=corp,DC=local',
      MemberSid: 'S-1-5-21-1-2-3-1105',
      TargetUserName: 'Domain Admins',
      TargetDomainName: 'CORP',
      TargetSid: 'S-1-5-21-1-2-3-512',
      ...SUBJECT_ADMIN,
      PrivilegeList: '-',
    });
    expect(event(doc)).toMatchObject({ action: 'added-member-to-group', category: ['iam'], type: ['group', 'change'] });
    expect(doc.group).toEqual({ id: 'S-1-5-21-1-2-3-512', name: 'Domain Admins', domain: 'CORP' });
    expect(doc.user).toEqual({
      id: SUBJECT_ADMIN.SubjectUserSid,
      name: 'admmig',
      domain: 'OFFSEC',
      // The pipeline takes the fourth DN component as the domain.
      target: {
        name: 'Bob Smith',
        domain: 'local',
        group: { id: 'S-1-5-21-1-2-3-512', name: 'Domain Admins', domain: 'CORP' },
      },
    });
    expect(doc.related).toEqual({ user: ['Bob Smith', 'admmig'] });
  });

  it('4732 member added to a local group: no member name ("-" removed), group from the target', () => {
    const { doc } = security(4732, {
      MemberName: '-',
      MemberSid: 'S-1-5-21-3838055588-3125202756-3154177548-1000',
      TargetUserName: 'Users',
      TargetDomainName: 'Builtin',
      TargetSid: 'S-1-5-32-545',
      SubjectUserSid: 'S-1-5-18',
      SubjectUserName: 'WIN-F0HKLEEGGT1$',
      SubjectDomainName: 'WORKGROUP',
      SubjectLogonId: '0x3e7',
    });
    expect(event(doc)).toMatchObject({ action: 'added-member-to-group' });
    expect(doc.group).toEqual({ id: 'S-1-5-32-545', name: 'Users', domain: 'Builtin' });
    expect(doc.user).toEqual({ id: 'S-1-5-18', name: 'WIN-F0HKLEEGGT1$', domain: 'WORKGROUP' });
    expect(ed(doc).MemberSid).toBe('S-1-5-21-3838055588-3125202756-3154177548-1000');
  });

  it('4768 TGT request: ticket options / encryption / status decoded, IPv4-mapped source address unwrapped', () => {
    const { doc } = security(
      4768,
      {
        TargetUserName: 'alice',
        TargetDomainName: 'CORP.LOCAL',
        TargetSid: 'S-1-5-21-1-2-3-1104',
        ServiceName: 'krbtgt',
        ServiceSid: 'S-1-5-21-1-2-3-502',
        TicketOptions: '0x40810010',
        Status: '0x0',
        TicketEncryptionType: '0x12',
        PreAuthType: '2',
        IpAddress: '::ffff:10.0.0.7',
        IpPort: '49700',
        CertIssuerName: '',
      },
      { task: 14339 },
    );
    expect(event(doc)).toMatchObject({
      action: 'kerberos-authentication-ticket-requested',
      category: ['authentication'],
      type: ['start'],
    });
    expect(doc.user).toEqual({ id: 'S-1-5-21-1-2-3-1104', name: 'alice', domain: 'CORP.LOCAL' });
    expect(doc.service).toEqual({ name: 'krbtgt' });
    expect(doc.source).toEqual({ ip: '10.0.0.7', port: 49700 });
    expect(doc.related).toEqual({ user: ['alice'], ip: ['10.0.0.7'] });
    expect(ed(doc)).toMatchObject({
      TicketOptionsDescription: ['Forwardable', 'Renewable', 'Name-canonicalize', 'Renewable-ok'],
      TicketEncryptionTypeDescription: 'AES256-CTS-HMAC-SHA1-96',
      StatusDescription: 'KDC_ERR_NONE',
      Status: '0x0',
      PreAuthType: '2',
    });
    expect(winlog(doc).task).toBe('Kerberos Authentication Service');
  });

  it('4769 service ticket: user name before "@", RC4 encryption named', () => {
    const { doc } = security(4769, {
      TargetUserName: 'alice@CORP.LOCAL',
      TargetDomainName: 'CORP.LOCAL',
      ServiceName: 'MSSQLSvc/db01.corp.local:1433',
      ServiceSid: 'S-1-5-21-1-2-3-2001',
      TicketOptions: '0x40810000',
      TicketEncryptionType: '0x17',
      IpAddress: '::ffff:10.0.0.8',
      IpPort: '50000',
      Status: '0x0',
      LogonGuid: '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}',
      TransmittedServices: '-',
    });
    expect(event(doc)).toMatchObject({ action: 'kerberos-service-ticket-requested' });
    expect(doc.user).toEqual({ name: 'alice', domain: 'CORP.LOCAL' });
    expect(ed(doc)).toMatchObject({ TicketEncryptionTypeDescription: 'RC4-HMAC', Status: '0x0' });
    expect(doc.service).toEqual({ name: 'MSSQLSvc/db01.corp.local:1433' });
  });

  it('5136 directory object modified: raw %% codes kept for the rules, subject user', () => {
    const { doc } = security(5136, {
      OpCorrelationID: '{2A8D4F1E-5B6C-4D7E-8F90-A1B2C3D4E5F6}',
      AppCorrelationID: '-',
      ...SUBJECT_ADMIN,
      DSName: 'corp.local',
      DSType: '%%14676',
      ObjectDN: 'CN=AdminSDHolder,CN=System,DC=corp,DC=local',
      ObjectGUID: '{7F3E1B2A-0000-4C5D-9E8F-112233445566}',
      ObjectClass: 'container',
      AttributeLDAPDisplayName: 'nTSecurityDescriptor',
      AttributeSyntaxOID: '2.5.5.15',
      AttributeValue: 'O:DAG:DAD:PAI(A;;LCRPLORC;;;AU)',
      OperationType: '%%14674',
    });
    expect(event(doc)).toMatchObject({
      action: 'directory-service-object-modified',
      category: ['iam', 'configuration'],
      type: ['admin', 'change'],
    });
    expect(doc.user).toMatchObject({ name: 'admmig', domain: 'OFFSEC' });
    expect(ed(doc)).toMatchObject({
      OperationType: '%%14674',
      ObjectDN: 'CN=AdminSDHolder,CN=System,DC=corp,DC=local',
    });
    expect(ed(doc).AppCorrelationID).toBeUndefined();
  });

  it('5145 share object access: file.* from share fields, source, access decoding (evtx/Yamato ID5140-5145,4688,4697…)', () => {
    const { doc } = security(5145, {
      ...SUBJECT_ADMIN,
      ObjectType: 'File',
      IpAddress: '10.23.123.11',
      IpPort: '43133',
      ShareName: '\\\\*\\ADMIN$',
      ShareLocalPath: '\\??\\C:\\Windows',
      RelativeTargetName: 'System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      AccessMask: '0x1',
      AccessList: '%%4416\r\n\t\t\t\t',
      AccessReason: '-',
    });
    expect(event(doc)).toMatchObject({
      action: 'network-share-object-access-checked',
      category: ['network', 'file'],
      type: ['info', 'access'],
    });
    expect(doc.file).toEqual({
      name: 'System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      directory: '\\??\\C:\\Windows',
      path: '\\??\\C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      target_path: '\\\\*\\ADMIN$\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      extension: 'exe',
    });
    expect(doc.source).toEqual({ ip: '10.23.123.11', port: 43133 });
    expect(ed(doc)).toMatchObject({
      AccessMask: ['0x1'],
      AccessMaskDescription: ['Create Child'],
      AccessList: ['4416'],
      AccessListDescription: ['ReadData (or ListDirectory)'],
      ShareName: '\\\\*\\ADMIN$',
    });
    expect(ed(doc).IpAddress).toBeUndefined();
  });

  it('1102 audit log cleared: subject from user_data', () => {
    const { doc } = security(
      1102,
      {},
      {
        provider: 'Microsoft-Windows-Eventlog',
        data: undefined,
        userData: {
          name: 'LogFileCleared',
          values: {
            SubjectUserSid: 'S-1-5-21-1-2-3-500',
            SubjectUserName: 'Administrator',
            SubjectDomainName: 'CORP',
            SubjectLogonId: '0x2e1f0',
          },
        },
      },
    );
    expect(event(doc)).toMatchObject({ action: 'audit-log-cleared', category: ['iam'], type: ['admin', 'change'] });
    expect(doc.user).toEqual({ id: 'S-1-5-21-1-2-3-500', name: 'Administrator', domain: 'CORP' });
    expect(winlog(doc).logon).toEqual({ id: '0x2e1f0' });
    expect(winlog(doc).user_data).toMatchObject({ xml_name: 'LogFileCleared' });
  });

  it('an id outside the table keeps the task name as event.action (4703 "Token Right Adjusted Events")', () => {
    const { doc } = security(4703, { ...SUBJECT_SYSTEM, EnabledPrivilegeList: 'SeDebugPrivilege' }, { task: 13317 });
    expect(event(doc).action).toBe('Token Right Adjusted Events');
    expect(event(doc).category).toBeUndefined();
    expect(doc.user).toBeUndefined();
    expect(winlog(doc).logon).toEqual({ id: '0x3e7' });
  });

  it('reports an undecodable hexadecimal PID and keeps the rest of 4688', () => {
    const { doc, problems } = security(4688, {
      ...SUBJECT_SYSTEM,
      NewProcessId: '0xZZ',
      NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
      ProcessId: '0x10',
      CommandLine: 'cmd.exe /c dir',
      ParentProcessName: 'C:\\Windows\\explorer.exe',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'field-conversion', loc: { file: 'Security.evtx', record: 7 } });
    expect(problems[0]!.message).toContain('NewProcessId');
    expect(doc.process).toEqual({
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      parent: { executable: 'C:\\Windows\\explorer.exe', name: 'explorer.exe', pid: 16 },
      args: ['cmd.exe', '/c', 'dir'],
      command_line: 'cmd.exe /c dir',
    });
    expect(ed(doc).NewProcessId).toBe('0xZZ');
  });
});
