/**
 * Decoding of one 64 KiB chunk: header and checksum checks, the record walk, recovery after a
 * damaged record. Problems are reported and the walk carries on; nothing here throws.
 */
import type { ProblemSink } from '../types.js';
import { childElement, type XmlElement } from '../windows/xml-tree.js';
import { ChunkDecoder, EvtxFormatError } from './binxml.js';
import {
  CHUNK_HEADER_SIZE,
  CHUNK_SIZE,
  chunkHeaderCrc,
  parseChunkHeader,
  RECORD_HEADER_SIZE,
  RECORD_SIGNATURE,
  recordsCrc,
} from './layout.js';
import { filetime, u32, u64n } from './values.js';
import type { XmlOut } from './xml-out.js';

/** One event record. */
export interface EvtxRecord {
  /** System/EventRecordID (the record header's id when the event has none). */
  recordId: number;
  /**
   * System/TimeCreated/@SystemTime as ISO-8601 UTC with 7 fractional digits (the record header's
   * written time when the event has none).
   */
  timeCreated: string;
  /** Byte offset of the record in the file. */
  offset: number;
  /** Index of the 64 KiB block holding the record (0 = the block right after the file header). */
  chunkIndex: number;
  /** The `<Event>` element, values rendered as Windows renders them. */
  event: XmlElement;
  /** The event as XML text, when asked for. */
  xml?: string;
}

export interface ChunkContext {
  file: string;
  onProblem: ProblemSink;
  /** Also render `xml` for each record. */
  xml: boolean;
  /** Scratch space for XML text; in `xmlOnly` mode each record's XML is appended here instead. */
  xmlOut: XmlOut;
  /** Write each record's XML (and a newline) to `xmlOut` without building trees or records. */
  xmlOnly?: boolean;
  /** Verify the chunk header and records CRC32 (false for files written without checksums). */
  checksums: boolean;
}

export interface ChunkResult {
  records: number;
  problems: number;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

const ISO_7 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const DIGITS = /^\d+$/;

/**
 * EventRecordID and TimeCreated from the event's System element. They are preferred to the record
 * header's id and written time, which differ in exported/filtered logs (`wevtutil epl` renumbers
 * the headers from 1 and stamps the export time, while the event keeps its own values).
 */
function systemIdentity(event: XmlElement): { recordId?: number; timeCreated?: string } {
  const out: { recordId?: number; timeCreated?: string } = {};
  const sys = childElement(event, 'System');
  if (sys === undefined) return out;
  for (const c of sys.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'EventRecordID') {
      const t = c.children.length === 1 ? c.children[0] : undefined;
      if (typeof t === 'string' && t.length <= 15 && DIGITS.test(t)) out.recordId = Number(t);
    } else if (c.name === 'TimeCreated') {
      const t = c.attrs.SystemTime;
      // Our own FILETIME rendering is always this shape; anything else (a string value) is not trusted.
      if (t !== undefined && t.length === 28 && ISO_7.test(t)) out.timeCreated = t;
    }
  }
  return out;
}

/** Whether a well-formed record header (signature, size, copy of size) starts at `p`. */
function recordHeaderOk(b: Buffer, p: number, chunkEnd: number): boolean {
  if (p + RECORD_HEADER_SIZE > chunkEnd || u32(b, p) !== RECORD_SIGNATURE) return false;
  const size = u32(b, p + 4);
  return size >= RECORD_HEADER_SIZE + 4 && p + size <= chunkEnd && u32(b, p + size - 4) === size;
}

function allZero(b: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (b[p] !== 0) return false;
  return true;
}

/**
 * Decode the chunk at `b[p]`; `avail` bytes of it are present (less than 64 KiB when the file is
 * truncated). `fileOffset` is the chunk's offset in the file, for record offsets and problems.
 */
export function decodeChunk(
  b: Buffer,
  p: number,
  avail: number,
  fileOffset: number,
  chunkIndex: number,
  ctx: ChunkContext,
  onRecord: (r: EvtxRecord) => void,
): ChunkResult {
  let problems = 0;
  const report = (at: number, kind: string, message: string): void => {
    problems++;
    ctx.onProblem({ loc: { file: ctx.file, offset: fileOffset + (at - p) }, kind, message });
  };
  const chunkEnd = p + Math.min(avail, CHUNK_SIZE);
  if (avail < CHUNK_HEADER_SIZE) {
    report(p, 'evtx-truncated', `chunk ${chunkIndex} is cut off after ${avail} bytes, before the end of its header`);
    return { records: 0, problems };
  }
  const h = parseChunkHeader(b, p);
  let headerTrusted = true;
  if (ctx.checksums) {
    const crc = chunkHeaderCrc(b, p);
    if (crc !== h.headerChecksum) {
      headerTrusted = false;
      report(
        p,
        'evtx-chunk-header-crc',
        `chunk ${chunkIndex} header checksum mismatch (stored ${hex(h.headerChecksum)}, computed ${hex(crc)})`,
      );
    }
  }
  let end = p + h.freeSpaceOffset;
  if (h.freeSpaceOffset < CHUNK_HEADER_SIZE || h.freeSpaceOffset > CHUNK_SIZE) {
    report(p, 'evtx-chunk-header', `chunk ${chunkIndex} free space offset ${hex(h.freeSpaceOffset)} is out of range`);
    end = chunkEnd;
    headerTrusted = false;
  } else if (end > chunkEnd) {
    report(chunkEnd, 'evtx-truncated', `chunk ${chunkIndex} is cut off after ${avail} of ${CHUNK_SIZE} bytes`);
    end = chunkEnd;
  } else if (ctx.checksums) {
    const crc = recordsCrc(b, p, h.freeSpaceOffset);
    if (crc !== h.recordsChecksum) {
      report(
        p,
        'evtx-chunk-records-crc',
        `chunk ${chunkIndex} records checksum mismatch (stored ${hex(h.recordsChecksum)}, computed ${hex(crc)})`,
      );
    }
  }

  /**
   * A record that failed to decode. Anything but EvtxFormatError is a reader bug met on odd data:
   * it is reported too (kind evtx-internal), so one record cannot stop a whole file.
   */
  const recordProblem = (e: unknown, q: number, recordId: number): void => {
    if (e instanceof EvtxFormatError) {
      const at = fileOffset + (e.offset - p);
      report(q, 'evtx-binxml', `record ${recordId} (header id): ${e.message} (at file offset ${at})`);
    } else report(q, 'evtx-internal', `record ${recordId} (header id): ${String(e)}`);
  };
  const decoder = new ChunkDecoder(b, p, chunkEnd);
  let records = 0;
  let q = p + CHUNK_HEADER_SIZE;
  while (q + RECORD_HEADER_SIZE <= end) {
    if (!recordHeaderOk(b, q, chunkEnd)) {
      if (allZero(b, q, end)) break; // the free space offset sometimes points past zeroed slack
      // A record cut by the end of a truncated file: the truncation is already reported.
      if (chunkEnd < p + CHUNK_SIZE && u32(b, q) === RECORD_SIGNATURE && q + u32(b, q + 4) > chunkEnd) break;
      q = resync(b, q, end, chunkEnd, headerTrusted ? h.firstRecordId : -1, h.lastRecordId, chunkIndex, report);
      continue;
    }
    const size = u32(b, q + 4);
    const recordId = u64n(b, q + 8);
    if (ctx.xmlOnly) {
      const out = ctx.xmlOut;
      const mark = out.pos;
      try {
        decoder.decodeRecordXml(q + RECORD_HEADER_SIZE, q + size - 4, out);
        out.byte(0x0a);
        records++;
      } catch (e) {
        out.pos = mark;
        recordProblem(e, q, recordId);
      }
      q += size;
      continue;
    }
    let rec: EvtxRecord | undefined;
    try {
      const event = decoder.decodeRecord(q + RECORD_HEADER_SIZE, q + size - 4);
      const sys = systemIdentity(event);
      rec = {
        recordId: sys.recordId ?? recordId,
        timeCreated: sys.timeCreated ?? filetime(b, q + 16),
        offset: fileOffset + (q - p),
        chunkIndex,
        event,
      };
      if (ctx.xml) {
        ctx.xmlOut.reset();
        decoder.decodeRecordXml(q + RECORD_HEADER_SIZE, q + size - 4, ctx.xmlOut);
        rec.xml = ctx.xmlOut.slice(0);
      }
    } catch (e) {
      recordProblem(e, q, recordId);
    }
    // Outside the try: an exception from the consumer is theirs, not a damaged record.
    if (rec !== undefined) {
      records++;
      onRecord(rec);
    }
    q += size;
  }
  return { records, problems };
}

/**
 * After a damaged record header at `q`, find the next intact record of this chunk. Records are
 * 8-byte aligned; an intact header whose id falls outside the chunk's id range is stale data from
 * an earlier use of the chunk and is passed over. Returns where to continue (`end` if nothing).
 */
function resync(
  b: Buffer,
  q: number,
  end: number,
  chunkEnd: number,
  firstId: number,
  lastId: number,
  chunkIndex: number,
  report: (at: number, kind: string, message: string) => void,
): number {
  const what =
    u32(b, q) !== RECORD_SIGNATURE
      ? 'no record signature'
      : `record ${u64n(b, q + 8)} has size ${u32(b, q + 4)} and its copy of the size does not match`;
  for (let r = q + 8; r + RECORD_HEADER_SIZE <= end; r += 8) {
    if (!recordHeaderOk(b, r, chunkEnd)) continue;
    const id = u64n(b, r + 8);
    if (firstId >= 0 && (id < firstId || id > lastId)) continue;
    report(q, 'evtx-record-header', `chunk ${chunkIndex}: ${what}; skipped ${r - q} bytes to the next intact record`);
    return r;
  }
  report(q, 'evtx-record-header', `chunk ${chunkIndex}: ${what}; no intact record follows in this chunk`);
  return end;
}
