/** Per-file format detection and `--format` forcing. */
import { describe, expect, it } from 'vitest';
import {
  classifyRecord,
  detectEdrFormat,
  normaliseCrowdStrike,
  resolveEdrFormat,
} from '../../../src/sources/edr/index.js';
import { fixtureText } from './helpers.js';

const fdrLine = fixtureText('crowdstrike/fdr/extract-test-windows.log').trim();
const defenderLine = fixtureText('m365_defender/event/extract-test-device.log').trim();
const s1Line = fixtureText('sentinel_one_cloud_funnel/event/test-process.log').trim();

const defenderRow = (JSON.parse(defenderLine) as { properties: Record<string, unknown> }).properties;

describe('detectEdrFormat', () => {
  it('recognises each vendor fixture from its first line', () => {
    expect(detectEdrFormat(fdrLine + '\n')).toBe('crowdstrike-fdr');
    expect(detectEdrFormat(defenderLine + '\n')).toBe('m365-defender');
    expect(detectEdrFormat(s1Line + '\n')).toBe('sentinelone-cloud-funnel');
  });

  it('accepts bytes, a BOM and CRLF line ends', () => {
    expect(detectEdrFormat(Buffer.from('\uFEFF' + fdrLine + '\r\n' + fdrLine + '\r\n'))).toBe('crowdstrike-fdr');
  });

  it('is not fooled by ECS NDJSON, even when it carries the vendor namespace', () => {
    const normalised = normaliseCrowdStrike(JSON.parse(fdrLine) as Record<string, unknown>)!.doc;
    expect(detectEdrFormat(JSON.stringify(normalised) + '\n')).toBe('ecs');
    expect(detectEdrFormat(fixtureText('endpoint/process/sample_event.json'))).toBe('ecs');
    // Flattened ECS (dotted keys) too.
    expect(
      detectEdrFormat(
        '{"@timestamp":"2024-01-01T00:00:00Z","event.dataset":"crowdstrike.fdr","event_simpleName":"x"}\n',
      ),
    ).toBe('ecs');
  });

  it("recognises Endgame's ECS-like documents before the ECS test (they carry ecs.version)", () => {
    const doc = {
      '@timestamp': '2024-05-02T09:15:01.234Z',
      ecs: { version: '1.5.0' },
      agent: { type: 'endgame', version: '3.56.0' },
      event: { module: 'endgame', dataset: 'esensor', kind: 'event' },
      endgame: { event_type_full: 'process_event', unique_pid: 1 },
    };
    expect(detectEdrFormat(JSON.stringify(doc) + '\n')).toBe('endgame');
    expect(classifyRecord({ _index: 'endgame-3.56.0-000001', _source: { process: { name: 'x' } } })).toBe('endgame');
    expect(detectEdrFormat('{"event_type_full":"process_event","process_name":"cmd.exe","unique_pid":3}\n')).toBe(
      'endgame',
    );
  });

  it('recognises Defender Advanced Hunting exports with top-level columns, arrays and wrappers', () => {
    expect(detectEdrFormat(JSON.stringify(defenderRow) + '\n')).toBe('m365-defender');
    expect(detectEdrFormat(JSON.stringify([defenderRow, defenderRow], null, 2))).toBe('m365-defender');
    expect(
      detectEdrFormat(JSON.stringify({ Schema: [{ Name: 'Timestamp', Type: 'DateTime' }], Results: [defenderRow] })),
    ).toBe('m365-defender');
    expect(detectEdrFormat(JSON.stringify({ records: [JSON.parse(defenderLine)] }))).toBe('m365-defender');
  });

  it('classifies from the first whole record of a truncated array head', () => {
    const big = JSON.stringify([defenderRow, defenderRow, defenderRow], null, 2);
    expect(detectEdrFormat(big.slice(0, Math.floor(big.length / 2)))).toBe('m365-defender');
  });

  it('skips unparseable and unrecognised lines before deciding', () => {
    expect(detectEdrFormat('{"hello":1}\n' + s1Line + '\n')).toBe('sentinelone-cloud-funnel');
    expect(detectEdrFormat('this is not json\n' + fdrLine + '\n')).toBe('crowdstrike-fdr');
  });

  it('returns undefined for what it does not know', () => {
    expect(detectEdrFormat('')).toBeUndefined();
    expect(detectEdrFormat('{"a":1}\n{"b":2}\n')).toBeUndefined();
    expect(detectEdrFormat('<Events><Event/></Events>')).toBeUndefined();
    expect(detectEdrFormat('ElfFile\u0000\u0001')).toBeUndefined();
  });
});

describe('resolveEdrFormat (--format)', () => {
  it('a forced EDR format wins over the content', () => {
    expect(resolveEdrFormat('m365-defender', fdrLine)).toBe('m365-defender');
    expect(resolveEdrFormat('ecs', fdrLine)).toBe('ecs');
  });

  it('auto (or nothing) detects; other formats are not EDR', () => {
    expect(resolveEdrFormat('auto', fdrLine)).toBe('crowdstrike-fdr');
    expect(resolveEdrFormat(undefined, s1Line)).toBe('sentinelone-cloud-funnel');
    expect(resolveEdrFormat('evtx', fdrLine)).toBeUndefined();
  });
});
