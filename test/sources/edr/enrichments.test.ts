/**
 * Each enrichment (README "Enrichments"): what it adds, when it may (the record or an earlier one
 * proves it), and that `strictEcs` turns it off, leaving exactly Elastic's mapping.
 */
import { describe, expect, it } from 'vitest';
import { createEdrNormaliser, type EdrFormat, type EdrNormaliseOptions } from '../../../src/sources/edr/index.js';
import type { EventDoc } from '../../../src/sources/types.js';
import { getPath } from './helpers.js';

function normaliser(
  format: EdrFormat,
  opts: EdrNormaliseOptions = {},
): (raw: Record<string, unknown>, file?: string) => EventDoc {
  const n = createEdrNormaliser(format, {
    ...opts,
    sink: (p) => {
      throw new Error(`${p.kind}: ${p.message}`);
    },
  });
  return (raw, file = 'in.json') => n.normalise({ value: structuredClone(raw), loc: { file } })!.doc;
}

const AH = (table: string, props: Record<string, unknown>): Record<string, unknown> => ({
  category: `AdvancedHunting-${table}`,
  time: '2024-05-02T09:15:03Z',
  properties: { Timestamp: '2024-05-02T09:15:01.9876543Z', DeviceName: 'WS-1', ...props },
});

/** A network event carries no path: only a DeviceInfo record can prove the platform. */
const pathless = (device: string) =>
  AH('DeviceNetworkEvents', {
    DeviceId: device,
    ActionType: 'ConnectionSuccess',
    RemoteIP: '203.0.113.7',
    RemotePort: 443,
    InitiatingProcessFileName: 'curl',
  });

describe('Defender host.os.type', () => {
  it('comes from a DeviceInfo record seen earlier for the same DeviceId', () => {
    const n = normaliser('m365-defender');
    expect(getPath(n(pathless('dev1')), 'host.os.type')).toBeUndefined(); // nothing seen yet
    expect(getPath(n(AH('DeviceInfo', { DeviceId: 'dev1', OSPlatform: 'Windows11' })), 'host.os.type')).toBe('windows');
    expect(getPath(n(pathless('dev1')), 'host.os.type')).toBe('windows');
    expect(getPath(n(pathless('dev2')), 'host.os.type')).toBeUndefined(); // another device
    n(AH('DeviceInfo', { DeviceId: 'dev2', OSPlatform: 'Linux' }));
    expect(getPath(n(pathless('dev2')), 'host.os.type')).toBe('linux');
  });

  it('comes from Windows paths or executable names in the record itself', () => {
    const n = normaliser('m365-defender');
    expect(
      getPath(
        n(
          AH('DeviceProcessEvents', {
            DeviceId: 'd',
            ActionType: 'ProcessCreated',
            FolderPath: 'C:\\Windows\\System32\\cmd.exe',
          }),
        ),
        'host.os.type',
      ),
    ).toBe('windows');
    expect(
      getPath(
        n(AH('DeviceProcessEvents', { DeviceId: 'd', ActionType: 'ProcessCreated', FileName: 'whoami.exe' })),
        'host.os.type',
      ),
    ).toBe('windows');
    expect(
      getPath(
        n(
          AH('DeviceProcessEvents', {
            DeviceId: 'd',
            ActionType: 'ProcessCreated',
            FolderPath: '/usr/bin/id',
            FileName: 'id',
          }),
        ),
        'host.os.type',
      ),
    ).toBeUndefined();
  });

  it('is off with strictEcs (and the cache then proves nothing either)', () => {
    const n = normaliser('m365-defender', { strictEcs: true });
    n(AH('DeviceInfo', { DeviceId: 'dev1', OSPlatform: 'Windows11' }));
    expect(getPath(n(pathless('dev1')), 'host.os.type')).toBeUndefined();
    expect(
      getPath(
        n(AH('DeviceProcessEvents', { DeviceId: 'd', ActionType: 'ProcessCreated', FolderPath: 'C:\\x.exe' })),
        'host.os.type',
      ),
    ).toBeUndefined();
  });
});

describe('Defender file events', () => {
  const created = AH('DeviceFileEvents', {
    DeviceId: 'd',
    ActionType: 'FileCreated',
    FileName: 'Invoice.JS',
    FolderPath: 'C:\\Users\\jdoe\\Downloads\\Invoice.JS',
    InitiatingProcessFileName: 'msedge.exe',
    InitiatingProcessAccountSid: 'S-1-5-21-1-2-3-1104',
    InitiatingProcessAccountName: 'jdoe',
    InitiatingProcessAccountDomain: 'corp',
  });

  it('get file.path, file.extension, the creation type and the acting user', () => {
    const doc = normaliser('m365-defender')(created);
    expect(getPath(doc, 'file.path')).toBe('C:\\Users\\jdoe\\Downloads\\Invoice.JS');
    expect(getPath(doc, 'file.extension')).toBe('JS');
    expect(getPath(doc, 'event.type')).toEqual(['info', 'creation']);
    expect(getPath(doc, 'user')).toEqual({ id: 'S-1-5-21-1-2-3-1104', name: 'jdoe', domain: 'corp' });
  });

  it('join a FolderPath that is only the folder with the file name', () => {
    const doc = normaliser('m365-defender')(
      AH('DeviceFileEvents', { DeviceId: 'd', ActionType: 'FileRenamed', FileName: 'a.dll', FolderPath: 'C:\\Temp' }),
    );
    expect(getPath(doc, 'file.path')).toBe('C:\\Temp\\a.dll');
    expect(getPath(doc, 'event.type')).toEqual(['info', 'change']);
  });

  it('stay as Elastic maps them with strictEcs (FolderPath in file.directory, type info only)', () => {
    const doc = normaliser('m365-defender', { strictEcs: true })(created);
    expect(getPath(doc, 'file.path')).toBeUndefined();
    expect(getPath(doc, 'file.extension')).toBeUndefined();
    expect(getPath(doc, 'file.directory')).toBe('C:\\Users\\jdoe\\Downloads\\Invoice.JS');
    expect(getPath(doc, 'event.type')).toEqual(['info']);
    expect(getPath(doc, 'user')).toBeUndefined();
  });
});

describe('Defender registry events', () => {
  const set = (key: string) =>
    AH('DeviceRegistryEvents', {
      DeviceId: 'd',
      ActionType: 'RegistryValueSet',
      RegistryKey: key,
      RegistryValueName: 'Updater',
      RegistryValueData: 'C:\\Users\\Public\\u.exe',
    });

  it('get registry.path and registry.hive in the HKLM / HKEY_USERS forms rules list', () => {
    const n = normaliser('m365-defender');
    const lm = n(set('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run'));
    expect(getPath(lm, 'registry.path')).toBe('HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater');
    expect(getPath(lm, 'registry.hive')).toBe('HKLM');
    expect(getPath(lm, 'registry.key')).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run');
    expect(getPath(lm, 'event.type')).toEqual(['change']);
    const cu = n(set('HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run'));
    expect(getPath(cu, 'registry.path')).toBe(
      'HKEY_USERS\\S-1-5-21-1-2-3-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater',
    );
    expect(getPath(cu, 'registry.hive')).toBe('HKEY_USERS');
  });

  it('have no registry.path with strictEcs', () => {
    const doc = normaliser('m365-defender', { strictEcs: true })(set('HKEY_LOCAL_MACHINE\\SOFTWARE\\Run'));
    expect(getPath(doc, 'registry.path')).toBeUndefined();
    expect(getPath(doc, 'registry.hive')).toBeUndefined();
  });
});

describe('CrowdStrike host and user names from the metadata feeds', () => {
  const aidmaster = {
    aid: 'aid1',
    cid: 'cid1',
    ComputerName: 'FIN-WS-042',
    MachineDomain: 'corp.example.com',
    AgentLoadFlags: '1',
    event_platform: 'Win',
    _time: '1714640000',
  };
  const userinfo = { cid: 'cid1', UserSid_readable: 'S-1-5-21-1-2-3-1104', UserName: 'jdoe', _time: '1714640000' };
  const event = {
    event_simpleName: 'ProcessRollup2',
    event_platform: 'Win',
    aid: 'aid1',
    cid: 'cid1',
    timestamp: '1714640000123',
    UserSid: 'S-1-5-21-1-2-3-1104',
    ImageFileName: '\\Device\\HarddiskVolume3\\Windows\\System32\\whoami.exe',
  };

  it('fill host.name and user.name of later events', () => {
    const n = normaliser('crowdstrike-fdr');
    expect(getPath(n(event), 'host.name')).toBeUndefined();
    n(aidmaster);
    n(userinfo);
    const doc = n(event);
    expect(getPath(doc, 'host.name')).toBe('FIN-WS-042');
    expect(getPath(doc, 'user.name')).toBe('jdoe');
    expect(getPath(doc, 'related.hosts')).toEqual(['FIN-WS-042']);
  });

  it('are not joined with strictEcs', () => {
    const n = normaliser('crowdstrike-fdr', { strictEcs: true });
    n(aidmaster);
    n(userinfo);
    const doc = n(event);
    expect(getPath(doc, 'host.name')).toBeUndefined();
    expect(getPath(doc, 'user.name')).toBeUndefined();
  });

  it('metadata records go to their own data streams only with route_metadata_to_datastreams and a telling path', () => {
    const routed = createEdrNormaliser('crowdstrike-fdr', { tags: ['route_metadata_to_datastreams'] });
    expect(routed.normalise({ value: { ...aidmaster }, loc: { file: 'fdr/aidmaster/part-00000.gz' } })!.index).toBe(
      'logs-crowdstrike.fdr_aidmaster-default',
    );
    expect(routed.normalise({ value: { ...userinfo }, loc: { file: 'fdr/userinfo/part-00000.gz' } })!.index).toBe(
      'logs-crowdstrike.fdr_userinfo-default',
    );
    expect(routed.normalise({ value: { ...aidmaster }, loc: { file: 'fdr/data/part-00000.gz' } })!.index).toBe(
      'logs-crowdstrike.fdr-default',
    );
    const plain = createEdrNormaliser('crowdstrike-fdr');
    expect(plain.normalise({ value: { ...aidmaster }, loc: { file: 'aidmaster' } })!.index).toBe(
      'logs-crowdstrike.fdr-default',
    );
  });
});

describe('SentinelOne module loads', () => {
  const load = {
    'event.category': 'module',
    'event.type': 'Module Load',
    'meta.event.name': 'MODULELOAD',
    'event.time': 1714641301234,
    'agent.uuid': 'a',
    'endpoint.os': 'windows',
    'src.process.name': 'rundll32.exe',
    'module.path': 'C:\\Users\\Public\\evil.dll',
    'module.sha1': 'aa'.repeat(20),
    'module.md5': 'bb'.repeat(16),
  };

  it('become library events with dll.*', () => {
    const doc = normaliser('sentinelone-cloud-funnel')(load);
    expect(getPath(doc, 'event.category')).toEqual(['library']);
    expect(getPath(doc, 'event.type')).toEqual(['start']);
    expect(getPath(doc, 'dll')).toEqual({
      path: 'C:\\Users\\Public\\evil.dll',
      name: 'evil.dll',
      hash: { md5: 'bb'.repeat(16), sha1: 'aa'.repeat(20) },
    });
  });

  it('carry only their hashes in related.hash with strictEcs', () => {
    const doc = normaliser('sentinelone-cloud-funnel', { strictEcs: true })(load);
    expect(getPath(doc, 'event.category')).toBeUndefined();
    expect(getPath(doc, 'dll')).toBeUndefined();
    expect(getPath(doc, 'related.hash')).toEqual(['bb'.repeat(16), 'aa'.repeat(20)]);
  });
});

describe('Endgame documents', () => {
  const doc = {
    '@timestamp': '2024-05-02T09:15:01.234Z',
    agent: { type: 'endgame', version: '3.56.0' },
    endgame: { event_type_full: 'process_event', event_subtype_full: 'creation_event', unique_pid: 42 },
    event: { kind: 'event', module: 'endgame' },
    host: { os: { platform: 'windows', name: 'Windows' } },
    process: { name: 'cmd.exe' },
  };

  it('get host.os.type from host.os.platform and event.category/type from endgame.*', () => {
    const out = normaliser('endgame')(doc);
    expect(getPath(out, 'host.os.type')).toBe('windows');
    expect(getPath(out, 'event.category')).toEqual(['process']);
    expect(getPath(out, 'event.type')).toEqual(['start']);
  });

  it('pass through untouched (but for event.ingested) with strictEcs', () => {
    const out = normaliser('endgame', { strictEcs: true })(doc);
    const { event, ...rest } = out;
    const { event: e0, ...rest0 } = doc;
    expect(rest).toEqual(rest0);
    expect(event).toEqual({ ...e0, ingested: '2024-05-02T09:15:01Z' });
  });
});
