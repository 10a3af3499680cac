/**
 * The smaller Windows pipelines.
 *
 * - system.system / system.application: elastic/integrations
 *   `packages/windows/_dev/shared/ingest_pipeline/windows_event.yml` (d3aaa918): no field mapping,
 *   only `ecs.version` and `error.code` as a string; `event.code` and `winlog.*` come as the
 *   winlog input wrote them.
 * - windows.powershell_operational: `packages/windows/_dev/shared/ingest_pipeline/powershell_operational.yml`
 *   (146501bd). Not reproduced: the 4103 `Payload` invocation-details parse, the script-block
 *   fingerprint and entropy statistics.
 * - windows.powershell (classic "Windows PowerShell" channel): categorisation and common fields
 *   only; the pipeline's parse of the `param` blobs (HostApplication=…) is not reproduced.
 */
import type { MappingRun, Step } from '../../mapping/index.js';
import { CLEAN_EVENT_DATA, ed, EVENT_DATA, eventDataOf, setIn } from './common.js';

export const WINDOWS_EVENT_STEPS: readonly Step[] = [{ op: 'convert', field: 'error.code', type: 'string' }];

/** 4103 `ContextInfo`: "        Key = Value" lines (8+ spaces) into event_data keys; continuation lines appended. */
function contextInfo(run: MappingRun): void {
  const e = eventDataOf(run);
  const ci = e?.ContextInfo;
  if (e === undefined || typeof ci !== 'string') return;
  const keyPattern = /^\s{8,}([A-Za-z][A-Za-z0-9 _.-]*?)\s*[:=](.*)$/;
  let key: string | undefined;
  let value = '';
  for (const line of ci.split(/\r?\n/)) {
    const m = keyPattern.exec(line);
    if (m !== null) {
      if (key !== undefined) run.put(e, key, value.trim());
      key = m[1]!;
      value = m[2]!;
    } else if (key !== undefined) value += '\n' + line;
  }
  if (key !== undefined) run.put(e, key, value.trim());
}

function removeKeySpaces(run: MappingRun): void {
  const e = eventDataOf(run);
  if (e === undefined) return;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k.replace(/\s/g, '')] = v;
  setIn(run.doc, EVENT_DATA, out);
}

function scriptFile(run: MappingRun): void {
  const path = eventDataOf(run)?.ScriptName;
  if (typeof path !== 'string' || path.length <= 1) return;
  const idx = path.lastIndexOf('\\');
  if (idx < 0) return;
  setIn(run.doc, 'file.name', path.slice(idx + 1));
  setIn(run.doc, 'file.directory', path.slice(0, idx));
  const ext = path.lastIndexOf('.');
  if (ext > -1) setIn(run.doc, 'file.extension', path.slice(ext + 1));
}

const mv = (field: string, from: string): Step => ({ op: 'rename', field, from: ed(from) });

const POWERSHELL_COMMON: readonly Step[] = [
  { op: 'copy', field: 'log.level', from: 'winlog.level' },
  { op: 'date', field: '@timestamp', from: 'winlog.time_created', formats: ['ISO8601'], tag: 'time_created_date' },
  { op: 'set', field: 'event.kind', value: 'event' },
  { op: 'convert', field: 'event.code', from: 'winlog.event_id', type: 'string' },
  { op: 'set', field: 'event.category', value: ['process'] },
  { op: 'set', field: 'event.type', value: ['start'], if: { eq: 'event.code', value: '4105' } },
  { op: 'set', field: 'event.type', value: ['end'], if: { eq: 'event.code', value: '4106' } },
  { op: 'set', field: 'event.type', value: ['info'], if: { missing: 'event.type' } },
  { op: 'convert', field: 'winlog.record_id', type: 'string' },
];

export const POWERSHELL_OPERATIONAL_STEPS: readonly Step[] = [
  {
    op: 'script',
    deferSafe: true,
    name: '4103 context info',
    run: contextInfo,
    if: { eq: 'winlog.event_id', value: '4103' },
  },
  { op: 'script', name: 'event_data keys without spaces', run: removeKeySpaces },
  CLEAN_EVENT_DATA,
  ...POWERSHELL_COMMON,
  { op: 'convert', field: 'event.sequence', from: ed('SequenceNumber'), type: 'long' },
  mv('process.entity_id', 'HostID'),
  mv('process.command_line', 'HostApplication'),
  mv('process.title', 'HostName'),
  { op: 'copy', field: 'process.pid', from: 'winlog.process.pid' },
  { op: 'copy', field: 'user.id', from: 'winlog.user.identifier' },
  { op: 'copy', field: 'user.domain', from: 'winlog.user.domain' },
  { op: 'copy', field: 'user.name', from: 'winlog.user.name' },
  { op: 'append', field: 'related.user', from: 'user.name' },
  { op: 'append', field: 'related.hosts', from: 'user.domain' },
  { op: 'domainUser', from: ed('ConnectedUser'), domain: 'source.user.domain', name: 'source.user.name' },
  { op: 'append', field: 'related.user', from: 'source.user.name' },
  {
    op: 'when',
    cond: { exists: 'source.user' },
    then: [
      { op: 'rename', field: 'destination.user.domain', from: 'user.domain' },
      { op: 'rename', field: 'destination.user.name', from: 'user.name' },
      { op: 'copy', field: 'user.domain', from: 'source.user.domain' },
      { op: 'copy', field: 'user.name', from: 'source.user.name' },
    ],
  },
  { op: 'convert', field: 'powershell.sequence', from: ed('MessageNumber'), type: 'long' },
  { op: 'convert', field: 'powershell.total', from: ed('MessageTotal'), type: 'long' },
  mv('powershell.id', 'ShellID'),
  mv('powershell.engine.version', 'EngineVersion'),
  mv('powershell.pipeline_id', 'PipelineID'),
  mv('powershell.runspace_id', 'RunspaceID'),
  mv('powershell.runspace_id', 'RunspaceId'),
  mv('powershell.process.executable_version', 'HostVersion'),
  mv('powershell.command.value', 'CommandLine'),
  mv('powershell.command.path', 'CommandPath'),
  mv('powershell.command.name', 'CommandName'),
  mv('powershell.command.type', 'CommandType'),
  mv('powershell.file.script_block_id', 'ScriptBlockId'),
  mv('powershell.file.script_block_text', 'ScriptBlockText'),
  { op: 'trim', field: 'powershell.file.script_block_text' },
  { op: 'argv', from: 'process.command_line', args: 'process.args', count: 'process.args_count', algorithm: 'go' },
  mv(ed('ScriptName'), 'Path'),
  { op: 'script', deferSafe: true, name: 'script file', run: scriptFile },
  mv('file.path', 'ScriptName'),
  { op: 'convert', field: 'error.code', type: 'string' },
  {
    op: 'remove',
    fields: [
      ...[
        'SequenceNumber',
        'User',
        'ConnectedUser',
        'ContextInfo',
        'Severity',
        'MessageTotal',
        'MessageNumber',
        'Payload',
      ].map(ed),
      'winlog.time_created',
      'winlog.level',
    ],
  },
  { op: 'clean', field: EVENT_DATA, values: [], removeIfEmpty: true },
];

export const POWERSHELL_CLASSIC_STEPS: readonly Step[] = [
  CLEAN_EVENT_DATA,
  ...POWERSHELL_COMMON,
  { op: 'copy', field: 'process.pid', from: 'winlog.process.pid' },
  { op: 'convert', field: 'error.code', type: 'string' },
  { op: 'remove', fields: ['winlog.time_created', 'winlog.level'] },
  { op: 'clean', field: EVENT_DATA, values: [], removeIfEmpty: true },
];
