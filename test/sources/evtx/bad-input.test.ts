/**
 * Damaged input: truncated files, corrupted chunks (bytes flipped in a copy made in a temp dir),
 * files that are not EVTX. Every readable record must come back, every problem located.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  forEachEvtxRecord,
  forEachEvtxRecordInFile,
  forEachEvtxXml,
  forEachEvtxXmlInFile,
  NotEvtxError,
  readEvtxBuffer,
  readEvtxFile,
  SNIFF_BYTES,
  sniffEvtx,
  streamEvtxXmlFile,
  type EvtxRecord,
} from '../../../src/sources/evtx/index.js';
import type { BadRecord } from '../../../src/sources/types.js';
import { EVTX_DIR, fixtureExists } from './golden.js';

const SYSMON = 'sbousseaden/EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx';
const tmp = mkdtempSync(join(tmpdir(), 'eqlite-evtx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function readBuf(buf: Buffer): { records: EvtxRecord[]; problems: BadRecord[] } {
  const records: EvtxRecord[] = [];
  const problems: BadRecord[] = [];
  forEachEvtxRecord(buf, { file: 'x.evtx', onProblem: (p) => problems.push(p) }, (r) => records.push(r));
  return { records, problems };
}

async function readPath(path: string): Promise<{ records: EvtxRecord[]; problems: BadRecord[] }> {
  const records: EvtxRecord[] = [];
  const problems: BadRecord[] = [];
  for await (const r of readEvtxFile(path, { onProblem: (p) => problems.push(p) })) records.push(r);
  return { records, problems };
}

/** A copy of a fixture in the temp dir, with `edit` applied. */
function damagedCopy(name: string, edit: (b: Buffer) => Buffer | void): string {
  const path = join(tmp, name);
  copyFileSync(join(EVTX_DIR, SYSMON), path);
  const b = readFileSync(path);
  writeFileSync(path, edit(b) ?? b);
  return path;
}

describe.skipIf(!fixtureExists())('damaged EVTX files', () => {
  const clean = fixtureExists() ? readBuf(readFileSync(join(EVTX_DIR, SYSMON))) : { records: [], problems: [] };
  const chunkOf = (r: EvtxRecord): number => r.chunkIndex;

  it('the clean file reads without problems (baseline)', () => {
    expect(clean.records.length).toBe(565);
    expect(clean.problems).toEqual([]);
  });

  it('truncated mid-chunk: every record before the cut, and the cut reported', async () => {
    const cut = 4096 + 3 * 65536 + 20000;
    const path = damagedCopy('truncated.evtx', (b) => b.subarray(0, cut));
    const { records, problems } = await readPath(path);
    // Records starting well before the cut (the longest record in this file is 4368 bytes).
    const before = clean.records.filter((r) => r.chunkIndex < 3 || (r.chunkIndex === 3 && r.offset < cut - 4400));
    expect(records.length).toBeGreaterThanOrEqual(before.length);
    expect(records.every((r) => r.offset < cut)).toBe(true);
    expect(records.map((r) => r.recordId)).toEqual(clean.records.slice(0, records.length).map((r) => r.recordId));
    expect(problems.map((p) => p.kind)).toEqual(['evtx-truncated']);
    expect(problems[0].loc).toEqual({ file: path, offset: cut });
  });

  it('truncated inside the file header: no records, one problem, no exception', () => {
    const { records, problems } = readBuf(readFileSync(join(EVTX_DIR, SYSMON)).subarray(0, 1000));
    expect(records).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual(['evtx-truncated']);
  });

  it('bytes flipped inside a record: that record is reported, the rest of the file is read', async () => {
    const victim = clean.records.filter((r) => r.chunkIndex === 2)[5];
    const path = damagedCopy('flipped-record.evtx', (b) => {
      for (let i = 30; i < 60; i++) b[victim.offset + i] ^= 0xff;
    });
    const { records, problems } = await readPath(path);
    expect(records.map((r) => r.recordId)).toEqual(clean.records.filter((r) => r !== victim).map((r) => r.recordId));
    expect(problems.map((p) => p.kind).sort()).toEqual(['evtx-binxml', 'evtx-chunk-records-crc']);
    const bin = problems.find((p) => p.kind === 'evtx-binxml')!;
    expect(bin.loc.offset).toBe(victim.offset);
    const headerId = Number(readFileSync(join(EVTX_DIR, SYSMON)).readBigUInt64LE(victim.offset + 8));
    expect(bin.message).toContain(`record ${headerId} (header id)`);
  });

  it('a damaged record header: the reader resumes at the next intact record of the chunk', () => {
    const inChunk = clean.records.filter((r) => r.chunkIndex === 4);
    const victim = inChunk[3];
    const b = Buffer.from(readFileSync(join(EVTX_DIR, SYSMON)));
    b.writeUInt32LE(0x77777777, victim.offset + 4); // size field
    const { records, problems } = readBuf(b);
    expect(records.map((r) => r.recordId)).toEqual(clean.records.filter((r) => r !== victim).map((r) => r.recordId));
    const hdr = problems.find((p) => p.kind === 'evtx-record-header')!;
    expect(hdr.loc.offset).toBe(victim.offset);
    expect(hdr.message).toMatch(/skipped \d+ bytes to the next intact record/);
  });

  it('a chunk whose signature is destroyed is skipped and reported; other chunks are intact', () => {
    const b = Buffer.from(readFileSync(join(EVTX_DIR, SYSMON)));
    const at = 4096 + 6 * 65536;
    b.fill(0x41, at, at + 8);
    const { records, problems } = readBuf(b);
    expect(records.map((r) => r.recordId)).toEqual(
      clean.records.filter((r) => chunkOf(r) !== 6).map((r) => r.recordId),
    );
    expect(problems).toEqual([
      {
        loc: { file: 'x.evtx', offset: at },
        kind: 'evtx-chunk-signature',
        message: 'block 6 is inside the 15 chunks the header declares but has no chunk signature',
      },
    ]);
  });

  it('a corrupted chunk header is reported (checksum) and its records still read', () => {
    const b = Buffer.from(readFileSync(join(EVTX_DIR, SYSMON)));
    b[4096 + 65536 + 100] ^= 0x55; // unused header bytes, covered by the header checksum
    const { records, problems } = readBuf(b);
    expect(records.length).toBe(clean.records.length);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'evtx-chunk-header-crc', loc: { offset: 4096 + 65536 } });
  });

  it('a damaged file signature: recognised by its first chunk, every record read, reported', () => {
    const b = Buffer.from(readFileSync(join(EVTX_DIR, SYSMON)));
    b.write('XXXXXXXX', 0, 'latin1');
    expect(sniffEvtx(b.subarray(0, 8))).toBe(false);
    expect(sniffEvtx(b.subarray(0, SNIFF_BYTES))).toBe(true);
    const { records, problems } = readBuf(b);
    expect(records.map((r) => r.recordId)).toEqual(clean.records.map((r) => r.recordId));
    expect(problems.map((p) => p.kind)).toEqual(['evtx-file-header']);
  });

  it('a corrupted file header checksum is reported, never fatal', () => {
    const b = Buffer.from(readFileSync(join(EVTX_DIR, SYSMON)));
    b[60] ^= 1;
    const { records, problems } = readBuf(b);
    expect(records.length).toBe(clean.records.length);
    expect(problems.map((p) => p.kind)).toEqual(['evtx-file-header-crc']);
  });

  it('the streaming, path-based and buffer readers agree (records and XML)', async () => {
    const path = join(EVTX_DIR, SYSMON);
    const streamed = await readPath(path);
    const gen = [...readEvtxBuffer(readFileSync(path))];
    expect(streamed.records.map((r) => [r.recordId, r.offset])).toEqual(
      clean.records.map((r) => [r.recordId, r.offset]),
    );
    expect(gen).toEqual(clean.records);
    const inFile: EvtxRecord[] = [];
    forEachEvtxRecordInFile(path, { firstChunk: 2, endChunk: 11 }, (r) => inFile.push(r));
    expect(inFile).toEqual(clean.records.filter((r) => r.chunkIndex >= 2 && r.chunkIndex < 11));
    const xmlSync: Buffer[] = [];
    forEachEvtxXmlInFile(path, {}, (b) => xmlSync.push(Buffer.from(b)));
    const xmlAsync: Buffer[] = [];
    for await (const b of streamEvtxXmlFile(path)) xmlAsync.push(b);
    const xmlBuf: Buffer[] = [];
    forEachEvtxXml(readFileSync(path), {}, (b) => xmlBuf.push(Buffer.from(b)));
    expect(Buffer.concat(xmlSync).equals(Buffer.concat(xmlBuf))).toBe(true);
    expect(Buffer.concat(xmlAsync).equals(Buffer.concat(xmlBuf))).toBe(true);
    expect(Buffer.concat(xmlBuf).toString().split('\n').length).toBe(clean.records.length + 1);
  });

  it('firstChunk/endChunk split a file into disjoint parts that add up to the whole', () => {
    const b = readFileSync(join(EVTX_DIR, SYSMON));
    const parts: number[] = [];
    for (const [first, end] of [
      [0, 5],
      [5, 9],
      [9, 100],
    ]) {
      forEachEvtxRecord(b, { firstChunk: first, endChunk: end }, (r) => parts.push(r.recordId));
    }
    expect(parts).toEqual(clean.records.map((r) => r.recordId));
  });
});

describe.skipIf(!fixtureExists())('callers', () => {
  it("an exception thrown by the caller's callback propagates (it is not a damaged record)", () => {
    const b = readFileSync(join(EVTX_DIR, SYSMON));
    const problems: BadRecord[] = [];
    expect(() =>
      forEachEvtxRecord(b, { onProblem: (p) => problems.push(p) }, () => {
        throw new Error('consumer failed');
      }),
    ).toThrow('consumer failed');
    expect(problems).toEqual([]);
  });
});

describe('files that are not EVTX', () => {
  it('get a clear error, and sniffEvtx tells them apart', async () => {
    const text = Buffer.from('{"@timestamp":"2024-01-01T00:00:00Z"}\n');
    expect(sniffEvtx(text)).toBe(false);
    expect(sniffEvtx(Buffer.from('ElfFile\0rest'))).toBe(true);
    expect(sniffEvtx(Buffer.alloc(0))).toBe(false);
    expect(() => forEachEvtxRecord(text, {}, () => {})).toThrow(NotEvtxError);
    expect(() => forEachEvtxRecord(text, {}, () => {})).toThrow(/not an EVTX file/);
    expect(() => forEachEvtxRecord(Buffer.alloc(0), {}, () => {})).toThrow(NotEvtxError);
    const path = join(tmp, 'not.evtx');
    writeFileSync(path, text);
    await expect(readPath(path)).rejects.toThrow(NotEvtxError);
  });
});
