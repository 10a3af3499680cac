/**
 * Every record of ../shared/fixtures/evtx-expected (libevtx's XML export of 56 real EVTX files,
 * 12k records) through the Windows normalisers: each yields a document, in the data stream of
 * its channel, with the invariants the rules rely on, and the only problem reported is the one
 * genuinely malformed value in that corpus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseWinEvent, routeChannel } from '../../../src/sources/windows/index.js';
import type { BadRecord } from '../../../src/sources/types.js';
import { SECURITY_EVENTS } from '../../../src/sources/windows/pipelines/security.js';
import { SYSMON_EVENTS } from '../../../src/sources/windows/pipelines/sysmon.js';
import { parseXml, splitEvtxExport } from './xml-helper.js';

const ROOT = join(__dirname, '../../../../shared/fixtures/evtx-expected');

type Obj = Record<string, unknown>;

describe('evtx-expected corpus through the normalisers', () => {
  it('normalises every record', () => {
    const files = (readdirSync(ROOT, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.evtx.xml') && !f.includes('python-evtx'),
    );
    expect(files.length).toBeGreaterThan(50);
    const problems: BadRecord[] = [];
    const datasets: Record<string, number> = {};
    let records = 0;
    for (const f of files) {
      const xmls = splitEvtxExport(readFileSync(join(ROOT, f), 'utf8'));
      xmls.forEach((xml, i) => {
        const tree = parseXml(xml);
        const out = normaliseWinEvent(tree, { sink: (p) => problems.push(p), loc: { file: f, record: i } });
        records++;
        expect(out, `${f} #${i}`).toBeDefined();
        const doc = out!.doc;
        const w = doc.winlog as Obj;
        const ev = doc.event as Obj;
        const ds = (doc.data_stream as Obj).dataset as string;
        datasets[ds] = (datasets[ds] ?? 0) + 1;
        expect(ds).toBe(routeChannel(w.channel as string));
        expect(ev.code).toBe(/<EventID[^>]*>(\d+)</.exec(xml)![1]);
        expect(doc['@timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(ev.ingested).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect((doc.host as Obj).os).toEqual({ type: 'windows', family: 'windows' });
        if (ds === 'windows.sysmon_operational' && SYSMON_EVENTS[ev.code as string] !== undefined) {
          expect(ev.action).toBe(SYSMON_EVENTS[ev.code as string]!.action);
          expect(ev.type).toEqual(SYSMON_EVENTS[ev.code as string]!.type);
        }
        if (ds === 'system.security' && SECURITY_EVENTS[ev.code as string] !== undefined) {
          expect(ev.action).toBe(SECURITY_EVENTS[ev.code as string]!.action);
        }
      });
    }
    expect(records).toBeGreaterThan(12_000);
    expect(datasets).toMatchObject({
      'system.security': expect.any(Number) as unknown,
      'windows.sysmon_operational': expect.any(Number) as unknown,
      'system.system': expect.any(Number) as unknown,
      'windows.powershell_operational': expect.any(Number) as unknown,
    });
    // One Sysmon 15 record has `Hash: Unknown`: Elasticsearch's kv processor fails on it (no hashes).
    expect(problems.map((p) => [p.kind, p.loc.file.split('/').pop(), p.message])).toEqual([
      [
        'field-format',
        'sysmon_11_1_15_WScriptBypassUAC.evtx.xml',
        'sysmon: hashList $hashes: hash list "Unknown" has an entry without "="',
      ],
    ]);
  });
});
