/**
 * Shared inputs for the alert builder tests: the founding rule as shipped, a two-stage sequence
 * rule, and a Sysmon process-start event as Elastic's Windows integration indexes it.
 */
import {
  builtinRulesDir,
  emptyLoadResult,
  loadRules,
  loadTomlText,
  prepareRules,
  type PreparedRule,
} from '../../../src/rules/index.js';

export function foundingRule(): PreparedRule {
  const { rules } = prepareRules(loadRules([builtinRulesDir()]));
  const r = rules.find((x) => x.rule.ruleId === 'd9ffc3d6-9de9-4b29-9395-5757d0695ecf');
  if (!r) throw new Error('founding rule not loaded');
  return r;
}

const SEQUENCE_TOML = `
[metadata]
creation_date = "2025/01/10"
updated_date = "2025/02/20"
maturity = "production"

[rule]
author = ["Elastic"]
description = "Test sequence: a shell started by Office, then a network connection from it."
from = "now-9m"
index = ["logs-windows.sysmon_operational-*"]
language = "eql"
license = "Elastic License v2"
name = "Office Shell Followed by Network Connection"
risk_score = 47
rule_id = "0f2a6c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
severity = "medium"
tags = ["Domain: Endpoint", "OS: Windows"]
type = "eql"
query = '''
sequence by host.id, process.entity_id with maxspan=1m
  [process where event.type == "start" and process.name == "cmd.exe"]
  [network where event.type == "start"]
'''

[[rule.threat]]
framework = "MITRE ATT&CK"

[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
`;

export function sequenceRule(): PreparedRule {
  const load = emptyLoadResult();
  loadTomlText(SEQUENCE_TOML, 'sequence.toml', load);
  const { rules } = prepareRules(load);
  if (rules.length !== 1) throw new Error(`sequence rule not loaded: ${JSON.stringify(load.rules[0]?.problems)}`);
  return rules[0];
}

/** Sysmon event 1 (process creation), as the windows.sysmon_operational pipeline indexes it. */
export function sysmonProcessStart(): Record<string, unknown> {
  return {
    '@timestamp': '2025-03-14T10:31:58.004Z',
    agent: {
      ephemeral_id: '2f0b8a3c-6d1e-4b7a-9c5d-8e2f1a0b3c4d',
      id: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      name: 'WIN-FIN-07',
      type: 'filebeat',
      version: '8.17.0',
    },
    data_stream: { dataset: 'windows.sysmon_operational', namespace: 'default', type: 'logs' },
    ecs: { version: '8.11.0' },
    event: {
      action: 'Process Create (rule: ProcessCreate)',
      agent_id_status: 'verified',
      category: ['process'],
      code: '1',
      created: '2025-03-14T10:31:59.312Z',
      dataset: 'windows.sysmon_operational',
      ingested: '2025-03-14T10:32:01Z',
      kind: 'event',
      module: 'windows',
      provider: 'Microsoft-Windows-Sysmon',
      type: ['start'],
    },
    host: {
      architecture: 'x86_64',
      hostname: 'win-fin-07',
      id: '8f3c2a1e-5b7d-4c9e-a1f2-3d4e5f607182',
      ip: ['10.20.30.41', 'fe80::1c2d:3e4f:5a6b:7c8d'],
      mac: ['00-50-56-A1-B2-C3'],
      name: 'WIN-FIN-07',
      os: {
        build: '19045.4291',
        family: 'windows',
        kernel: '10.0.19041.4291 (WinBuild.160101.0800)',
        name: 'Windows 10 Pro',
        platform: 'windows',
        type: 'windows',
        version: '10.0',
      },
    },
    log: { level: 'information' },
    message: 'Process Create:\nRuleName: -\nUtcTime: 2025-03-14 10:31:58.004\n...',
    process: {
      args: [
        'cmd.exe',
        '/c',
        'echo',
        'CreateObject("WScript.Shell").Run',
        '>',
        '%TEMP%\\a.vbs',
        '&',
        'wscript',
        '%TEMP%\\a.vbs',
      ],
      args_count: 9,
      command_line: 'cmd.exe /c echo CreateObject("WScript.Shell").Run > %TEMP%\\a.vbs & wscript %TEMP%\\a.vbs',
      entity_id: '{7d1c9a52-3b4e-4f60-8a21-0c9d8e7f6a51}',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      hash: {
        md5: '911d039e71583a07320b32bde22f8e22',
        sha256: 'bc866cfcdda37e24dc2634dc282c7a0e6f55209da17a8fa105b07414c0e7c527',
      },
      name: 'cmd.exe',
      parent: {
        args: ['C:\\Windows\\Explorer.EXE'],
        args_count: 1,
        command_line: 'C:\\Windows\\Explorer.EXE',
        entity_id: '{7d1c9a52-0000-4f60-8a21-000000000001}',
        executable: 'C:\\Windows\\explorer.exe',
        name: 'explorer.exe',
        pid: 3120,
      },
      pe: {
        company: 'Microsoft Corporation',
        description: 'Windows Command Processor',
        file_version: '10.0.19041.3636',
        original_file_name: 'Cmd.Exe',
        product: 'Microsoft® Windows® Operating System',
      },
      pid: 4812,
      working_directory: 'C:\\Users\\j.doe\\',
    },
    related: { hash: ['911d039e71583a07320b32bde22f8e22'], user: ['j.doe'] },
    user: { domain: 'CORP', id: 'S-1-5-21-3623811015-3361044348-30300820-1107', name: 'j.doe' },
    winlog: {
      api: 'wineventlog',
      channel: 'Microsoft-Windows-Sysmon/Operational',
      computer_name: 'WIN-FIN-07.corp.example',
      event_data: { IntegrityLevel: 'Medium', LogonId: '0x3e7a1c', TerminalSessionId: '1' },
      event_id: '1',
      opcode: 'Info',
      process: { pid: 2968, thread: { id: 3644 } },
      provider_guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      provider_name: 'Microsoft-Windows-Sysmon',
      record_id: '412778',
      user: { domain: 'NT AUTHORITY', identifier: 'S-1-5-18', name: 'SYSTEM', type: 'User' },
      version: 5,
    },
  };
}

export const SYSMON_INDEX = 'logs-windows.sysmon_operational-default';
