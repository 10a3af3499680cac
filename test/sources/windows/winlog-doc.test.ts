/**
 * The winlog document's details, as elastic/beats `winlogbeat/sys/winevent/event.go` (`Fields`,
 * `AddPairs`), `winlogbeat/eventlog/eventlog.go` (`ToEvent`) and `winmeta.go` produce them.
 */
import { describe, expect, it } from 'vitest';
import { buildWinlogDoc, rfc3339Nano } from '../../../src/sources/windows/index.js';
import { removeWindowsLineEndings } from '../../../src/sources/windows/winlog-doc.js';
import type { XmlElement } from '../../../src/sources/windows/xml-tree.js';
import { eventTree, SECURITY } from './event-xml.js';

type Obj = Record<string, unknown>;
const build = (t: XmlElement, opts = {}): Obj => buildWinlogDoc(t, { file: '-' }, undefined, opts)!;

describe('winlog document', () => {
  it('prints TimeCreated as Go RFC3339Nano (trailing zeros dropped)', () => {
    expect(rfc3339Nano('2020-10-27T20:00:14.324234100Z')).toBe('2020-10-27T20:00:14.3242341Z');
    expect(rfc3339Nano('2020-10-27T20:00:14.100000000Z')).toBe('2020-10-27T20:00:14.1Z');
    expect(rfc3339Nano('2020-10-27T20:00:14.0000000Z')).toBe('2020-10-27T20:00:14Z');
    expect(rfc3339Nano('2020-10-27T20:00:14Z')).toBe('2020-10-27T20:00:14Z');
    expect(rfc3339Nano('2020-10-27T22:00:14.5+02:00')).toBe('2020-10-27T20:00:14.5Z');
    expect(rfc3339Nano('27/10/2020')).toBeUndefined();
  });

  it('CRLF → LF and trailing newlines removed, in messages and values', () => {
    expect(removeWindowsLineEndings('a\r\nb\r\n\r\n')).toBe('a\nb');
    const d = build(eventTree({ ...SECURITY, id: 4688, data: { CommandLine: 'x\r\ny\r\n' } }));
    expect(((d.winlog as Obj).event_data as Obj).CommandLine).toBe('x\ny');
  });

  it('event data: empty values dropped, unnamed and `Data` keys become paramN (by position), first key wins', () => {
    const tree: XmlElement = {
      name: 'Event',
      attrs: {},
      children: [
        eventTree({ ...SECURITY, id: 1 }).children[0]!,
        {
          name: 'EventData',
          attrs: {},
          children: [
            { name: 'Data', attrs: {}, children: ['first'] },
            { name: 'Data', attrs: { Name: 'Empty' }, children: [] },
            { name: 'Data', attrs: {}, children: ['third'] },
            { name: 'Data', attrs: { Name: 'Dup' }, children: ['one'] },
            { name: 'Data', attrs: { Name: 'Dup' }, children: ['two'] },
            { name: 'Binary', attrs: {}, children: ['0A0B'] },
          ],
        },
      ],
    };
    expect((build(tree).winlog as Obj).event_data).toEqual({
      param1: 'first',
      param3: 'third',
      Dup: 'one',
      Binary: '0A0B',
    });
  });

  it('user data: the wrapper element name as xml_name', () => {
    const d = build(
      eventTree({
        ...SECURITY,
        id: 1102,
        userData: { name: 'LogFileCleared', values: { SubjectUserName: 'bob', X: '' } },
      }),
    );
    expect((d.winlog as Obj).user_data).toEqual({ SubjectUserName: 'bob', xml_name: 'LogFileCleared' });
  });

  it('keywords: names and event.outcome from the audit bits; log.level from the level number', () => {
    const ok = build(eventTree({ ...SECURITY, id: 4624, keywords: '0x8020000000000000' }));
    expect((ok.winlog as Obj).keywords).toEqual(['Audit Success']);
    expect((ok.event as Obj).outcome).toBe('success');
    expect(ok.log).toEqual({ level: 'information' });
    const fail = build(eventTree({ ...SECURITY, id: 4625, keywords: '0x8010000000000000', level: 2 }));
    expect((fail.winlog as Obj).keywords).toEqual(['Audit Failure']);
    expect((fail.event as Obj).outcome).toBe('failure');
    expect(fail.log).toEqual({ level: 'error' });
    const none = build(eventTree({ ...SECURITY, id: 1, keywords: '0x8000000000000000' }));
    expect((none.winlog as Obj).keywords).toBeUndefined();
    expect((none.event as Obj).outcome).toBeUndefined();
  });

  it('zero values are omitted (AddOptional), well-known SIDs resolved unless disabled, log.file.path on request', () => {
    const t = eventTree({ ...SECURITY, id: 4624, version: 0, userSid: 'S-1-5-20', pid: 0, tid: 0 });
    const d = build(t, { filePath: 'C:\\logs\\Security.evtx' });
    const w = d.winlog as Obj;
    expect(w.version).toBeUndefined();
    expect(w.process).toBeUndefined();
    expect(w.user).toEqual({
      identifier: 'S-1-5-20',
      domain: 'NT AUTHORITY',
      name: 'NETWORK SERVICE',
      type: 'Well Known Group',
    });
    expect(d.log).toEqual({ level: 'information', file: { path: 'C:\\logs\\Security.evtx' } });
    expect(((build(t, { resolveWellKnownSids: false }).winlog as Obj).user as Obj).name).toBeUndefined();
  });
});
