/**
 * Routing, the System / PowerShell data streams, Elastic Agent vs Winlogbeat output, the
 * event.ingested and host.os policies, and bad records.
 */
import { describe, expect, it } from 'vitest';
import {
  normaliseWinEvent,
  normaliseWinlogDoc,
  routeChannel,
  buildWinlogDoc,
} from '../../../src/sources/windows/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import type { XmlElement } from '../../../src/sources/windows/xml-tree.js';
import { eventTree, SECURITY, SYSMON } from './event-xml.js';
import { fixture } from './golden-helper.js';

type Obj = Record<string, unknown>;

/** System 7045 of evtx/omerbenamram 2-vss_7-System.evtx (AccountName empty there). */
const SERVICE_7045 = eventTree({
  provider: 'Service Control Manager',
  guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
  id: 7045,
  channel: 'System',
  computer: 'DESKTOP-1N4R894',
  level: 4,
  keywords: '0x8080000000000000',
  time: '2018-07-06T18:38:41.404961400Z',
  userSid: 'S-1-5-18',
  data: {
    ServiceName: 'Red Hat VirtIO Ethernet Adapter Service',
    ImagePath: '\\SystemRoot\\System32\\drivers\\netkvm.sys',
    ServiceType: 'kernel mode driver',
    StartType: 'demand start',
    AccountName: '',
  },
});

describe('system.system (windows_event.yml: no field mapping)', () => {
  it('7045 keeps winlog.* as the winlog input wrote it, with Agent fields around it', () => {
    const out = normaliseWinEvent(SERVICE_7045)!;
    expect(out.index).toBe('logs-system.system-default');
    expect(out.doc).toEqual({
      '@timestamp': '2018-07-06T18:38:41.404Z',
      event: {
        kind: 'event',
        code: '7045',
        provider: 'Service Control Manager',
        // Task 0 is "None" in winmeta.xml; Winlogbeat writes the task name as event.action.
        action: 'None',
        dataset: 'system.system',
        module: 'system',
        ingested: '2018-07-06T18:38:41Z',
      },
      host: { name: 'DESKTOP-1N4R894', os: { type: 'windows', family: 'windows' }, id: 'DESKTOP-1N4R894' },
      log: { level: 'information' },
      winlog: {
        channel: 'System',
        event_id: '7045',
        provider_name: 'Service Control Manager',
        record_id: 1000,
        task: 'None',
        computer_name: 'DESKTOP-1N4R894',
        keywords: ['Classic'],
        opcode: 'Info',
        provider_guid: '{555908d1-a6d7-4695-8e1e-26931d2012f4}',
        time_created: '2018-07-06T18:38:41.404Z',
        user: { identifier: 'S-1-5-18', domain: 'NT AUTHORITY', name: 'SYSTEM', type: 'Well Known Group' },
        event_data: {
          ServiceName: 'Red Hat VirtIO Ethernet Adapter Service',
          ImagePath: '\\SystemRoot\\System32\\drivers\\netkvm.sys',
          ServiceType: 'kernel mode driver',
          StartType: 'demand start',
        },
        process: { pid: 700, thread: { id: 800 } },
      },
      ecs: { version: '8.11.0' },
      agent: { type: 'filebeat' },
      data_stream: { type: 'logs', dataset: 'system.system', namespace: 'default' },
    });
  });
});

describe('windows.powershell_operational (powershell_operational.yml 146501bd)', () => {
  it('4104 script block (evtx/sans-blue-team Powershell-Invoke-Obfuscation-many.evtx)', () => {
    const tree = eventTree({
      provider: 'Microsoft-Windows-PowerShell',
      guid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}',
      id: 4104,
      channel: 'Microsoft-Windows-PowerShell/Operational',
      version: 1,
      level: 5,
      task: 2,
      opcode: 15,
      keywords: '0x0000000000000000',
      pid: 4196,
      tid: 5528,
      userSid: 'S-1-5-21-1552841522-3835366585-4197357653-1001',
      data: {
        MessageNumber: '1',
        MessageTotal: '1',
        ScriptBlockText: '.\\DeepBlue-0.2.ps1 "" powershell\r\n',
        ScriptBlockId: 'e6f1558a-49ad-4fb6-9e4b-5460f390873f',
        Path: 'C:\\tools\\DeepBlue-0.2.ps1',
      },
    });
    const out = normaliseWinEvent(tree)!;
    expect(out.index).toBe('logs-windows.powershell_operational-default');
    const d = out.doc;
    expect(d.event).toMatchObject({ code: '4104', kind: 'event', category: ['process'], type: ['info'] });
    expect(d.powershell).toEqual({
      sequence: 1,
      total: 1,
      file: {
        script_block_id: 'e6f1558a-49ad-4fb6-9e4b-5460f390873f',
        script_block_text: '.\\DeepBlue-0.2.ps1 "" powershell',
      },
    });
    expect(d.file).toEqual({
      path: 'C:\\tools\\DeepBlue-0.2.ps1',
      name: 'DeepBlue-0.2.ps1',
      directory: 'C:\\tools',
      extension: 'ps1',
    });
    expect(d.process).toEqual({ pid: 4196 });
    expect(d.user).toEqual({ id: 'S-1-5-21-1552841522-3835366585-4197357653-1001' });
    expect(d.log).toEqual({ level: 'verbose' });
    expect((d.winlog as Obj).event_data).toBeUndefined();
  });

  it('4103 ContextInfo lines become event_data keys, Host Application the command line', () => {
    const tree = eventTree({
      provider: 'Microsoft-Windows-PowerShell',
      id: 4103,
      channel: 'Microsoft-Windows-PowerShell/Operational',
      level: 4,
      keywords: '0x0',
      data: {
        ContextInfo:
          '        Severity = Informational\r\n        Host Name = ConsoleHost\r\n        Host Application = powershell.exe -nop -c "iex x"\r\n        Command Name = Invoke-Expression\r\n',
        UserData: '',
        Payload: 'CommandInvocation(Invoke-Expression): "Invoke-Expression"',
      },
    });
    const d = normaliseWinEvent(tree)!.doc;
    expect(d.process).toEqual({
      title: 'ConsoleHost',
      command_line: 'powershell.exe -nop -c "iex x"',
      args: ['powershell.exe', '-nop', '-c', 'iex x'],
      args_count: 4,
      pid: 700,
    });
    expect(d.powershell).toEqual({ command: { name: 'Invoke-Expression' } });
  });
});

describe('routing and output styles', () => {
  it('routes channels to data streams (case-insensitively), unknown channels to winlog.winlog', () => {
    expect(routeChannel('Security')).toBe('system.security');
    expect(routeChannel('SYSTEM')).toBe('system.system');
    expect(routeChannel('Application')).toBe('system.application');
    expect(routeChannel('Microsoft-Windows-Sysmon/Operational')).toBe('windows.sysmon_operational');
    expect(routeChannel('Microsoft-Windows-PowerShell/Operational')).toBe('windows.powershell_operational');
    expect(routeChannel('Windows PowerShell')).toBe('windows.powershell');
    expect(routeChannel('Microsoft-Windows-TaskScheduler/Operational')).toBe('winlog.winlog');
    expect(routeChannel(undefined)).toBe('winlog.winlog');
  });

  it('forwarded: every channel goes to windows.forwarded; only Security/Sysmon/PowerShell are mapped', () => {
    const sys = normaliseWinEvent(SERVICE_7045, { forwarded: true, hostOs: false })!;
    expect(sys.index).toBe('logs-windows.forwarded-default');
    expect((sys.doc.host as Obj).os).toEqual({ type: 'windows', family: 'windows' });
    expect(sys.doc.ecs).toEqual({ version: '8.17.0' });
    const sm = normaliseWinEvent(eventTree({ ...SYSMON, id: 1, data: { Image: 'C:\\a\\b.exe' } }), {
      forwarded: true,
    })!;
    expect(sm.index).toBe('logs-windows.forwarded-default');
    expect((sm.doc.process as Obj).name).toBe('b.exe');
    expect(sm.doc.event).toMatchObject({ dataset: 'windows.forwarded', module: 'windows' });
  });

  it('winlogbeat output: winlogbeat-<version>, module per channel, no data_stream', () => {
    const sec = normaliseWinEvent(eventTree({ ...SECURITY, id: 4634, data: { TargetLogonId: '0x1' } }), {
      output: 'winlogbeat',
      winlogbeatVersion: '8.12.2',
    })!;
    expect(sec.index).toBe('winlogbeat-8.12.2');
    expect(sec.doc.data_stream).toBeUndefined();
    expect(sec.doc.event).toMatchObject({ module: 'security', action: 'logged-out' });
    expect(sec.doc.agent).toEqual({ type: 'winlogbeat', version: '8.12.2' });
    const sys = normaliseWinEvent(SERVICE_7045, { output: 'winlogbeat' })!;
    expect((sys.doc.event as Obj).module).toBeUndefined();
    expect((sys.doc.event as Obj).dataset).toBeUndefined();
  });

  it('a forced data stream and namespace', () => {
    const out = normaliseWinEvent(SERVICE_7045, { dataStream: 'winlog.winlog', namespace: 'prod' })!;
    expect(out.index).toBe('logs-winlog.winlog-prod');
    expect(out.doc.data_stream).toEqual({ type: 'logs', dataset: 'winlog.winlog', namespace: 'prod' });
  });
});

describe('policies', () => {
  it('event.ingested: event time (default), fixed, none', () => {
    const ingested = (o: Parameters<typeof normaliseWinEvent>[1]): unknown =>
      (normaliseWinEvent(SERVICE_7045, o)!.doc.event as Obj).ingested;
    expect(ingested({})).toBe('2018-07-06T18:38:41Z');
    expect(ingested({ ingested: { mode: 'fixed', at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) } })).toBe(
      '2024-01-02T03:04:05Z',
    );
    expect(ingested({ ingested: { mode: 'fixed', at: '2024-01-02T03:04:05.999+01:00' } })).toBe('2024-01-02T02:04:05Z');
    expect(ingested({ ingested: { mode: 'none' } })).toBeUndefined();
  });

  it('host.id from the computer name, except for forwarded events; switchable', () => {
    expect((normaliseWinEvent(SERVICE_7045)!.doc.host as Obj).id).toBe('DESKTOP-1N4R894');
    expect((normaliseWinEvent(SERVICE_7045, { hostId: false })!.doc.host as Obj).id).toBeUndefined();
    expect((normaliseWinEvent(SERVICE_7045, { forwarded: true })!.doc.host as Obj).id).toBeUndefined();
  });

  it('host.os enrichment can be switched off, and never overrides a shipper value', () => {
    expect((normaliseWinEvent(SERVICE_7045, { hostOs: false })!.doc.host as Obj).os).toBeUndefined();
    const doc = normaliseWinlogDoc(
      {
        ...(buildWinlogDoc(SERVICE_7045, { file: '-' }, undefined) as EventDoc),
        host: { name: 'x', os: { type: 'linux' } },
      },
      {},
    ).doc;
    expect((doc.host as Obj).os).toEqual({ type: 'linux', family: 'windows' });
  });

  it('documents that already went through a pipeline pass through unchanged', () => {
    const expected = fixture<{ expected: EventDoc[] }>(
      'system/security/test-security-windows2019-4688-process-created.json-expected.json',
    ).expected[0]!;
    const ingestedDoc = { ...expected, data_stream: { type: 'logs', dataset: 'system.security', namespace: 'ns1' } };
    const out = normaliseWinlogDoc(ingestedDoc, {});
    expect(out.index).toBe('logs-system.security-ns1');
    expect(out.doc).toEqual(ingestedDoc);
    expect(out.doc).not.toBe(ingestedDoc);
  });
});

describe('bad records are reported with their location, the rest carries on', () => {
  const collect = (tree: XmlElement): { out: unknown; problems: BadRecord[] } => {
    const problems: BadRecord[] = [];
    const out = normaliseWinEvent(tree, {
      sink: (p) => problems.push(p),
      loc: { file: 'x.evtx', offset: 4096, record: 9 },
    });
    return { out, problems };
  };

  it('no System block: reported, no document', () => {
    const { out, problems } = collect({ name: 'Event', attrs: {}, children: [] });
    expect(out).toBeUndefined();
    expect(problems).toEqual([
      {
        loc: { file: 'x.evtx', offset: 4096, record: 9 },
        kind: 'winlog-shape',
        message: 'record has no <System> block',
      },
    ]);
  });

  it('a root that is not <Event>: reported, no document', () => {
    const { out, problems } = collect({ name: 'Events', attrs: {}, children: [] });
    expect(out).toBeUndefined();
    expect(problems[0]!.kind).toBe('winlog-shape');
  });

  it('unparseable System numbers: reported, the fields left out, the record still normalised', () => {
    const tree = eventTree({ ...SECURITY, id: 4688, data: { NewProcessName: 'C:\\x.exe' } });
    const sys = tree.children[0] as XmlElement;
    for (const c of sys.children) {
      if (typeof c === 'string') continue;
      if (c.name === 'EventID') c.children = ['46x8'];
      if (c.name === 'Keywords') c.children = ['audit'];
      if (c.name === 'TimeCreated') c.attrs.SystemTime = 'not a time';
      if (c.name === 'Execution') c.attrs.ProcessID = '-1';
    }
    const { out, problems } = collect(tree);
    expect(problems.map((p) => p.kind)).toEqual(['winlog-value', 'winlog-value', 'winlog-value', 'winlog-value']);
    expect(problems.map((p) => p.message.split(' ')[0])).toEqual([
      'System/EventID',
      'System/Keywords',
      'System/TimeCreated/@SystemTime',
      'System/Execution/@ProcessID',
    ]);
    const doc = (out as { doc: EventDoc }).doc;
    expect((doc.winlog as Obj).event_id).toBeUndefined();
    expect(doc['@timestamp']).toBeUndefined();
    expect((doc.event as Obj).ingested).toBeUndefined();
    expect((doc.winlog as Obj).channel).toBe('Security');
  });
});

describe('output inferred from the shipper', () => {
  const sysmonDoc = fixture<EventDoc[]>(
    '_beats/winlogbeat-sysmon/collection/sysmon-12-processcreate.evtx.golden.json',
  )[0]!;

  it('a Winlogbeat document gets Winlogbeat output and its version unless told otherwise', () => {
    const wb = { ...sysmonDoc, agent: { type: 'winlogbeat', version: '7.17.3' } };
    expect(normaliseWinlogDoc(wb, {}).index).toBe('winlogbeat-7.17.3');
    expect(normaliseWinlogDoc(wb, { output: 'agent' }).index).toBe('logs-windows.sysmon_operational-default');
  });

  it("a raw Elastic Agent document keeps the agent's data stream and namespace", () => {
    const raw = {
      ...sysmonDoc,
      data_stream: { type: 'logs', dataset: 'windows.forwarded', namespace: 'wef' },
      agent: { type: 'filebeat' },
    };
    const out = normaliseWinlogDoc(raw, {});
    expect(out.index).toBe('logs-windows.forwarded-wef');
    expect((out.doc.event as Obj).action).toBe('Process creation');
  });
});
