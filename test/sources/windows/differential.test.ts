/**
 * The fast Windows normalisers against the frozen reference implementation (./reference/, the
 * interpreted engine and the old winlog document builder): every record of the fixture corpora,
 * through both, must give the same document (same keys in the same order at every level, same
 * values and types) and the same problems, under every output and policy option.
 *
 * Corpora: ../shared/fixtures/evtx-expected (libevtx's XML export, 12,396 records, parsed as
 * Windows XML) and ../shared/fixtures/evtx (the EVTX files themselves through src/sources/evtx,
 * 22,599 records, with the values as the native reader renders them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setAdaptiveThreshold } from '../../../src/sources/mapping/index.js';
import { readEvtxBuffer } from '../../../src/sources/evtx/index.js';
import type { BadRecord, EventDoc } from '../../../src/sources/types.js';
import {
  buildWinlogDoc,
  normaliseWinEvent,
  normaliseWinlogDoc,
  type WinEventOptions,
} from '../../../src/sources/windows/index.js';
import type { XmlElement } from '../../../src/sources/windows/xml-tree.js';
import * as ref from './reference/windows/index.js';
import { canon, firstDifference } from './canon.js';
import { parseXml, splitEvtxExport } from './xml-helper.js';

const SHARED = join(__dirname, '../../../../shared/fixtures');

interface Outcome {
  text: string;
  doc: unknown;
}

function outcome(r: { doc: EventDoc; index: string } | undefined, problems: BadRecord[]): Outcome {
  const doc = r === undefined ? undefined : { index: r.index, doc: r.doc };
  return { text: `${canon(doc)}\n${canon(problems)}`, doc: { ...(doc ?? {}), problems } };
}

type Tree = { where: string; tree: XmlElement };

function xmlCorpus(): Tree[] {
  const root = join(SHARED, 'evtx-expected');
  const files = (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.evtx.xml') && !f.includes('python-evtx'))
    .sort();
  const out: Tree[] = [];
  for (const f of files) {
    splitEvtxExport(readFileSync(join(root, f), 'utf8')).forEach((xml, i) =>
      out.push({ where: `${f}#${i}`, tree: parseXml(xml) }),
    );
  }
  return out;
}

function evtxCorpus(): Tree[] {
  const root = join(SHARED, 'evtx');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.evtx')).sort();
  const out: Tree[] = [];
  for (const f of files) {
    for (const r of readEvtxBuffer(readFileSync(join(root, f)), { onProblem: () => {} }))
      out.push({ where: `${f}@${r.offset}`, tree: r.event });
  }
  return out;
}

/** Both implementations over every tree with the same options; returns the mismatches (at most 5). */
function compareTrees(trees: Tree[], opts: WinEventOptions): string[] {
  const bad: string[] = [];
  for (const { where, tree } of trees) {
    const pa: BadRecord[] = [];
    const pb: BadRecord[] = [];
    const loc = { file: where };
    const a = outcome(ref.normaliseWinEvent(tree, { ...opts, loc, sink: (p) => pa.push(p) }), pa);
    const b = outcome(normaliseWinEvent(tree, { ...opts, loc, sink: (p) => pb.push(p) }), pb);
    if (a.text !== b.text) bad.push(`${where}: ${firstDifference(a.doc, b.doc)}`);
    if (bad.length >= 5) break;
  }
  return bad;
}

const VARIANTS: Array<[string, WinEventOptions]> = [
  ['Elastic Agent output (defaults)', {}],
  ['Winlogbeat output', { output: 'winlogbeat', winlogbeatVersion: '8.12.1' }],
  ['forwarded (WEF collector)', { forwarded: true }],
  [
    'no host enrichment, no ingested, no task tables or SID resolution, file path',
    {
      hostOs: false,
      hostId: false,
      ingested: { mode: 'none' },
      publisherTasks: false,
      resolveWellKnownSids: false,
      filePath: 'C:\\logs\\x.evtx',
    },
  ],
  ['fixed ingest time, namespace', { ingested: { mode: 'fixed', at: '2024-05-06T07:08:09.123Z' }, namespace: 'prod' }],
];

describe('fast Windows normalisers = reference implementation', () => {
  const xml = xmlCorpus();
  const evtx = evtxCorpus();

  it('reads the whole corpora', () => {
    expect(xml.length).toBe(12_396);
    expect(evtx.length).toBeGreaterThan(22_000);
  });

  // The pipelines are adaptive (interpreted for their first documents, then generated): first the
  // interpreted form over the whole EVTX corpus, then the generated one at once for everything after.
  afterAll(() => setAdaptiveThreshold(1_000));

  it('EVTX records, the pipelines interpreted (as for the first documents of a run): identical documents and problems', () => {
    setAdaptiveThreshold(Infinity);
    expect(compareTrees(evtx, {})).toEqual([]);
  });

  it('EVTX records (native reader), Elastic Agent output: identical documents and problems', () => {
    setAdaptiveThreshold(0);
    expect(compareTrees(evtx, {})).toEqual([]);
  });

  for (const [name, opts] of VARIANTS) {
    it(`evtx-expected XML records, ${name}: identical documents and problems`, () => {
      expect(compareTrees(xml, opts)).toEqual([]);
    });
  }

  it('winlog documents alone (dump --raw) and winlog JSON documents (normaliseWinlogDoc) are identical', () => {
    const bad: string[] = [];
    const trees = [...xml, ...evtx.filter((_, i) => i % 4 === 0)];
    for (const { where, tree } of trees) {
      const pa: BadRecord[] = [];
      const pb: BadRecord[] = [];
      const loc = { file: where };
      const da = ref.buildWinlogDoc(tree, loc, (p) => pa.push(p));
      const db = buildWinlogDoc(tree, loc, (p) => pb.push(p));
      if (canon([da, pa]) !== canon([db, pb])) bad.push(`${where} (winlog doc): ${firstDifference(da, db)}`);
      if (da === undefined) continue;
      // The documents as a shipper would send them (JSON), through the copying entry point.
      const json = JSON.parse(JSON.stringify(da)) as EventDoc;
      const qa: BadRecord[] = [];
      const qb: BadRecord[] = [];
      const ra = outcome(ref.normaliseWinlogDoc(json, { loc, sink: (p) => qa.push(p) }), qa);
      const rb = outcome(normaliseWinlogDoc(json, { loc, sink: (p) => qb.push(p) }), qb);
      if (ra.text !== rb.text) bad.push(`${where} (JSON doc): ${firstDifference(ra.doc, rb.doc)}`);
      if (bad.length >= 5) break;
    }
    expect(bad).toEqual([]);
  });
});
