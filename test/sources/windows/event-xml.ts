/** Test-only: builds an `<Event>` tree the way Windows renders a record (values as Windows prints them). */
import type { XmlElement } from '../../../src/sources/windows/xml-tree.js';

export interface EventSpec {
  provider: string;
  guid?: string;
  id: number;
  channel: string;
  computer?: string;
  version?: number;
  level?: number;
  task?: number;
  opcode?: number;
  keywords?: string;
  time?: string;
  recordId?: number;
  pid?: number;
  tid?: number;
  userSid?: string;
  data?: Record<string, string>;
  /** UserData wrapper element name and values (instead of EventData). */
  userData?: { name: string; values: Record<string, string> };
}

const el = (name: string, attrs: Record<string, string> = {}, children: XmlElement['children'] = []): XmlElement => ({
  name,
  attrs,
  children,
});

export function eventTree(s: EventSpec): XmlElement {
  const system = el('System', {}, [
    el('Provider', { Name: s.provider, ...(s.guid !== undefined ? { Guid: s.guid } : {}) }),
    el('EventID', {}, [String(s.id)]),
    el('Version', {}, [String(s.version ?? 0)]),
    el('Level', {}, [String(s.level ?? 0)]),
    el('Task', {}, [String(s.task ?? 0)]),
    el('Opcode', {}, [String(s.opcode ?? 0)]),
    el('Keywords', {}, [s.keywords ?? '0x8020000000000000']),
    el('TimeCreated', { SystemTime: s.time ?? '2024-03-01T10:20:30.1234567Z' }),
    el('EventRecordID', {}, [String(s.recordId ?? 1000)]),
    el('Correlation'),
    el('Execution', { ProcessID: String(s.pid ?? 700), ThreadID: String(s.tid ?? 800) }),
    el('Channel', {}, [s.channel]),
    el('Computer', {}, [s.computer ?? 'ws01.corp.local']),
    el('Security', s.userSid !== undefined ? { UserID: s.userSid } : {}),
  ]);
  const children: XmlElement[] = [system];
  if (s.data !== undefined) {
    children.push(
      el(
        'EventData',
        {},
        Object.entries(s.data).map(([k, v]) => el('Data', { Name: k }, v === '' ? [] : [v])),
      ),
    );
  }
  if (s.userData !== undefined) {
    const wrapper = el(
      s.userData.name,
      {},
      Object.entries(s.userData.values).map(([k, v]) => el(k, {}, v === '' ? [] : [v])),
    );
    children.push(el('UserData', {}, [wrapper]));
  }
  return el('Event', {}, children);
}

export const SYSMON = {
  provider: 'Microsoft-Windows-Sysmon',
  guid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
  channel: 'Microsoft-Windows-Sysmon/Operational',
  keywords: '0x8000000000000000',
  level: 4,
  userSid: 'S-1-5-18',
};

export const SECURITY = {
  provider: 'Microsoft-Windows-Security-Auditing',
  guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
  channel: 'Security',
};
