/**
 * Golden tests against ../shared/fixtures/integrations (read in place; see SOURCES.md there for
 * which expected files are partial). Every deliberate difference is listed with its reason; any
 * other difference, on any field, fails.
 */
import { describe, expect, it } from 'vitest';
import { buildWinlogDoc, normaliseWinEvent, normaliseWinlogDoc } from '../../../src/sources/windows/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import { diffDocs, fixture } from './golden-helper.js';
import { parseXml } from './xml-helper.js';

/** Fields Elastic Agent adds outside the integration pipeline; pipeline-test expected files never show them. */
const AGENT_FIELDS = [
  'data_stream.dataset',
  'data_stream.namespace',
  'data_stream.type',
  'event.dataset',
  'event.module',
];
/** Our `event.ingested` policy (event time, whole seconds): Fleet's final pipeline sets it live, expected files omit it. */
const INGESTED = ['event.ingested'];
/** host.os enrichment: the agent's host metadata sets it live; pipeline expected files do not contain it. */
const HOST_OS = ['host.os.family', 'host.os.type'];
/** host.id enrichment (from the computer name): the agent's host metadata sets a per-host id live. */
const HOST_ID = ['host.id'];

/**
 * The record of beats' `sysmon-12-processcreate.evtx`, as `wevtutil qe /f:RenderedXml` prints it:
 * System values and event data from the collection golden, RenderingInfo with the message, task
 * and level names the live publisher rendered (CRLF line ends, as Windows renders them).
 */
const SYSMON_12_XML = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
<System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>1</EventID>
<Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>
<TimeCreated SystemTime='2020-10-27T20:00:14.324234100Z'/><EventRecordID>20</EventRecordID><Correlation/>
<Execution ProcessID='7144' ThreadID='6876'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel>
<Computer>vagrant</Computer><Security UserID='S-1-5-18'/></System>
<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>2020-10-27 20:00:14.320</Data>
<Data Name='ProcessGuid'>{9F32B55F-7C4E-5F98-5803-000000000500}</Data><Data Name='ProcessId'>3616</Data>
<Data Name='Image'>C:\\Windows\\System32\\notepad.exe</Data><Data Name='FileVersion'>10.0.17763.475 (WinBuild.160101.0800)</Data>
<Data Name='Description'>Notepad</Data><Data Name='Product'>Microsoft® Windows® Operating System</Data>
<Data Name='Company'>Microsoft Corporation</Data><Data Name='OriginalFileName'>NOTEPAD.EXE</Data>
<Data Name='CommandLine'>"C:\\Windows\\system32\\notepad.exe" </Data><Data Name='CurrentDirectory'>C:\\Users\\vagrant\\</Data>
<Data Name='User'>VAGRANT\\vagrant</Data><Data Name='LogonGuid'>{9F32B55F-6FDD-5F98-E7C9-020000000000}</Data>
<Data Name='LogonId'>0x2c9e7</Data><Data Name='TerminalSessionId'>1</Data><Data Name='IntegrityLevel'>Medium</Data>
<Data Name='Hashes'>SHA1=B6D237154F2E528F0B503B58B025862D66B02B73</Data>
<Data Name='ParentProcessGuid'>{9F32B55F-6FDF-5F98-7000-000000000500}</Data><Data Name='ParentProcessId'>4212</Data>
<Data Name='ParentImage'>C:\\Windows\\explorer.exe</Data><Data Name='ParentCommandLine'>C:\\Windows\\Explorer.EXE</Data></EventData>
<RenderingInfo Culture='en-US'><Message>MESSAGE</Message><Level>Information</Level>
<Task>Process Create (rule: ProcessCreate)</Task><Opcode>Info</Opcode><Channel>Microsoft-Windows-Sysmon/Operational</Channel>
<Provider>Microsoft-Windows-Sysmon</Provider><Keywords></Keywords></RenderingInfo></Event>`;

type Golden = Array<EventDoc & { message: string }>;
const collection = fixture<Golden>('_beats/winlogbeat-sysmon/collection/sysmon-12-processcreate.evtx.golden.json');
const ingest = fixture<Golden>('_beats/winlogbeat-sysmon/ingest/sysmon-12-processcreate.golden.json');

function sysmon12Tree() {
  const msg = collection[0]!.message.replace(/\n/g, '\r\n').replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return parseXml(SYSMON_12_XML.replace('MESSAGE', msg));
}

describe('winlog document (elastic/beats sysmon-12 collection golden)', () => {
  it('equals the collection golden field for field', () => {
    const problems: BadRecord[] = [];
    const doc = buildWinlogDoc(sysmon12Tree(), { file: 't.evtx' }, (p) => problems.push(p));
    expect(problems).toEqual([]);
    expect(diffDocs(doc, collection[0])).toEqual({
      // Kept for the pipelines (they date @timestamp / event.created from it). The collection
      // golden was recorded by a Winlogbeat whose ToEvent drops it; Elastic Agent inputs carry it
      // (system/security and sysmon_operational pipeline test inputs).
      onlyActual: ['winlog.time_created'],
      onlyExpected: [],
      changed: [],
    });
  });

  it('without RenderingInfo: task and action from the built-in Sysmon task table, no message', () => {
    const tree = sysmon12Tree();
    tree.children = tree.children.filter((c) => typeof c === 'string' || c.name !== 'RenderingInfo');
    const doc = buildWinlogDoc(tree, { file: 't.evtx' }, undefined);
    expect(diffDocs(doc, collection[0])).toEqual({
      onlyActual: ['winlog.time_created'],
      onlyExpected: ['message'],
      changed: [],
    });
  });
});

describe('windows.sysmon_operational (elastic/beats sysmon-12 collection → ingest golden pair)', () => {
  it('the collection document through the Sysmon pipeline equals the ingest golden (winlogbeat output)', () => {
    const { doc, index } = normaliseWinlogDoc(collection[0]!, { output: 'winlogbeat' });
    expect(index).toBe('winlogbeat-8.17.0');
    expect(diffDocs(doc, ingest[0])).toEqual({
      onlyActual: [
        // Winlogbeat adds agent.* itself; the golden was produced without a shipper.
        'agent.type',
        'agent.version',
        ...INGESTED,
        ...HOST_OS,
        ...HOST_ID,
      ].sort(),
      onlyExpected: [],
      changed: [],
    });
  });

  it('the EVTX/XML record gives the same document (plus event.created from TimeCreated)', () => {
    const out = normaliseWinEvent(sysmon12Tree(), { output: 'winlogbeat' })!;
    expect(diffDocs(out.doc, ingest[0])).toEqual({
      onlyActual: [
        'agent.type',
        'agent.version',
        // The integration pipeline (6321f22f) dates event.created from winlog.time_created, which
        // the beats collection document lacked.
        'event.created',
        ...INGESTED,
        ...HOST_OS,
        ...HOST_ID,
      ].sort(),
      onlyExpected: [],
      changed: [],
    });
    expect((out.doc.event as Record<string, unknown>).created).toBe('2020-10-27T20:00:14.324Z');
  });

  it('agent output: same ECS fields, in logs-windows.sysmon_operational-default', () => {
    const out = normaliseWinlogDoc(collection[0]!, {});
    expect(out.index).toBe('logs-windows.sysmon_operational-default');
    expect(diffDocs(out.doc, ingest[0])).toEqual({
      onlyActual: [
        'agent.type',
        ...AGENT_FIELDS.filter((f) => f !== 'event.module'),
        ...INGESTED,
        ...HOST_OS,
        ...HOST_ID,
      ].sort(),
      onlyExpected: [],
      // Elastic Agent's data streams are module `windows`; Winlogbeat's module is `sysmon`.
      changed: ['event.module'],
    });
    expect(out.doc.data_stream).toEqual({ type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'default' });
    expect((out.doc.event as Record<string, unknown>).module).toBe('windows');
  });
});

interface EventsFile {
  events: EventDoc[];
}
interface ExpectedFile {
  expected: EventDoc[];
}

describe('system.security (4688 pipeline test)', () => {
  const input = fixture<EventsFile>('system/security/test-security-windows2019-4688-process-created.json');
  const expected = fixture<ExpectedFile>(
    'system/security/test-security-windows2019-4688-process-created.json-expected.json',
  ).expected;

  it('events[0] equals the expected document (the only one stored, see SOURCES.md)', () => {
    const { doc, index } = normaliseWinlogDoc(input.events[0]!, {});
    expect(index).toBe('logs-system.security-default');
    expect(diffDocs(doc, expected[0])).toEqual({
      onlyActual: [...AGENT_FIELDS, ...INGESTED, ...HOST_OS, ...HOST_ID].sort(),
      // The expected file (60b3b60a) predates the event_data clean-up of the newest pipeline
      // (system_security_default.yml: `-`, empty and zero-GUID values removed); the
      // windows.forwarded expected file of the same event (0b97ab02) shows them removed.
      onlyExpected: ['winlog.event_data.TargetDomainName', 'winlog.event_data.TargetUserName'],
      changed: [],
    });
  });

  it('events[1] (no stored expectation): the final empty-value sweep removes the trailing empty argument', () => {
    // Splitter B gives ['"…notepad.exe"', ''] (ecs-mapping.md); system_security_default.yml then
    // drops blank strings inside lists too.
    const { doc } = normaliseWinlogDoc(input.events[1]!, {});
    const p = doc.process as Record<string, unknown>;
    expect(p.args).toEqual(['"C:\\Windows\\System32\\notepad.exe"']);
    expect(p.command_line).toBe('"C:\\Windows\\System32\\notepad.exe" ');
    expect(p.pid).toBe(0x5a9c);
    expect(p.parent).toEqual({ executable: 'C:\\Windows\\explorer.exe', name: 'explorer.exe', pid: 0x49d0 });
    expect(doc.user).toEqual({
      domain: 'TESTDOMAIN',
      id: 'S-1-5-21-1111111111-2222222222-3333333333-1001',
      name: 'testuser',
      effective: { id: 'S-1-0-0' },
    });
    expect(doc['@timestamp']).toBe('2021-04-15T19:05:10.050Z');
    expect(doc.host).toEqual({
      name: 'WORKSTATION01',
      id: 'WORKSTATION01',
      os: { type: 'windows', family: 'windows' },
    });
  });
});

describe('windows.forwarded (4688 pipeline test)', () => {
  const input = fixture<EventsFile>('windows/forwarded/test-security-windows2019-4688-process-created.json');
  const expected = fixture<ExpectedFile>(
    'windows/forwarded/test-security-windows2019-4688-process-created.json-expected.json',
  ).expected;

  it('equals the expected document', () => {
    const { doc, index } = normaliseWinlogDoc(input.events[0]!, { forwarded: true });
    expect(index).toBe('logs-windows.forwarded-default');
    expect(diffDocs(doc, expected[0])).toEqual({
      onlyActual: [...AGENT_FIELDS, ...INGESTED].sort(),
      onlyExpected: [],
      changed: [],
    });
  });

  it('keeps the trailing empty argument (no final sweep in the forwarded pipeline)', () => {
    const second = fixture<EventsFile>('system/security/test-security-windows2019-4688-process-created.json')
      .events[1]!;
    const { doc } = normaliseWinlogDoc(second, { forwarded: true });
    expect((doc.process as Record<string, unknown>).args).toEqual(['"C:\\Windows\\System32\\notepad.exe"', '']);
  });
});

describe('windows.sysmon_operational input-only fixture (extract-test-events.json)', () => {
  const input = fixture<EventsFile>('windows/sysmon_operational/extract-test-events.json').events[0]!;

  it('maps as sysmon_operational.yml (6321f22f) does', () => {
    const problems: BadRecord[] = [];
    const { doc, index } = normaliseWinlogDoc(input, { sink: (p) => problems.push(p) });
    expect(problems).toEqual([]);
    expect(index).toBe('logs-windows.sysmon_operational-default');
    expect(doc['@timestamp']).toBe('2022-04-27T18:13:46.501Z');
    const event = doc.event as Record<string, unknown>;
    expect(event).toMatchObject({
      code: '1',
      kind: 'event',
      action: 'Process creation',
      category: ['process'],
      type: ['start'],
      created: '2022-01-24T05:12:52.042Z',
      ingested: '2022-04-27T18:13:46Z',
      dataset: 'windows.sysmon_operational',
      module: 'windows',
    });
    const p = doc.process as Record<string, unknown>;
    // ParentImage/ParentCommandLine `-` and the zero ParentProcessGuid are removed before
    // mapping: no parent executable, command line, entity id or name; the PID stays.
    expect(p.parent).toEqual({ pid: 5060 });
    expect(p.entity_id).toBe('{34B92076-87DA-6269-16EE-240000002800}');
    expect(p.pid).toBe(8232);
    expect(p.executable).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(p.name).toBe('cmd.exe');
    expect(p.working_directory).toBe('C:\\Windows\\system32\\');
    // The stored revision does not decode the XML entities the forwarder left in.
    expect(p.command_line).toBe(
      '&quot;C:\\Windows\\system32\\cmd.exe&quot; /c SQLCMD -S &quot;X&quot; -h -1 -Q &quot;EXEC DBA.dbo.AGSYNC_ALERT&quot; &gt; C:\\tmp\\SQL_ASYNCMonitor.txt',
    );
    expect(p.args_count).toBe(12);
    expect(p.hash).toEqual({
      md5: '999999996175b77e0c3a000549d2922c',
      sha256: '935c1861df1f4018d698e8b65abfa02d7e9037d8f68ca3c2065b6ca165d44ad2',
    });
    expect(p.pe).toEqual({
      original_file_name: 'Cmd.Exe',
      company: 'Microsoft Corporation',
      description: 'Windows Command Processor',
      file_version: '10.0.14393.0 (rs1_release.160715-1616)',
      product: 'Microsoft® Windows® Operating System',
    });
    // user.id is the SID Sysmon logs under; name/domain are the process owner.
    expect(doc.user).toEqual({ id: 'S-1-5-18', domain: 'DOMAIN', name: 'user' });
    expect(doc.related).toEqual({
      hash: ['999999996175b77e0c3a000549d2922c', '935c1861df1f4018d698e8b65abfa02d7e9037d8f68ca3c2065b6ca165d44ad2'],
      user: ['user'],
    });
    expect(doc.rule).toBeUndefined();
    const w = doc.winlog as Record<string, unknown>;
    expect(w.record_id).toBe('3');
    expect(w.time_created).toBeUndefined();
    expect(w.level).toBeUndefined();
    expect(w.event_data).toEqual({
      FileVersion: '10.0.14393.0 (rs1_release.160715-1616)',
      Description: 'Windows Command Processor',
      Product: 'Microsoft® Windows® Operating System',
      Company: 'Microsoft Corporation',
      LogonGuid: '{99999999-3A6F-6235-680C-030000000000}',
      LogonId: '0x30c68',
      TerminalSessionId: '0',
      IntegrityLevel: 'High',
    });
    expect(doc.log).toEqual({ level: 'information' });
    expect(doc.ecs).toEqual({ version: '8.17.0' });
  });
});
