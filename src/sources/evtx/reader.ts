/**
 * Whole-file EVTX reading: a synchronous walk over a Buffer and a streaming walk over a path that
 * reads the file a few chunks at a time. Both scan every 64 KiB block after the header, not just
 * the chunks the header declares, because dirty files under-count them.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { BadRecord, ProblemSink } from '../types.js';
import { decodeChunk, type ChunkContext, type EvtxRecord } from './chunk.js';
import { XmlOut } from './xml-out.js';
import {
  CHUNK_SIZE,
  checksumsKept,
  FILE_HEADER_SIZE,
  hasChunkMagic,
  parseFileHeader,
  SNIFF_BYTES,
  type EvtxFileHeader,
} from './layout.js';

export interface EvtxReadOptions {
  /** Name used in problem locations (the path as the user gave it). Default `<buffer>`. */
  file?: string;
  /** Receives each problem (damaged chunk or record, checksum mismatch, truncation). */
  onProblem?: ProblemSink;
  /** Also render each record as XML text (`record.xml`). */
  xml?: boolean;
  /** First 64 KiB block to decode (0-based, after the file header); with `endChunk`, splits work. */
  firstChunk?: number;
  /** Block to stop before (exclusive). Default: through the end of the file. */
  endChunk?: number;
}

export interface EvtxReadSummary {
  header: EvtxFileHeader;
  /** 64 KiB blocks in the file (the last may be partial when the file is truncated). */
  blocks: number;
  /** Blocks that held a chunk and were decoded. */
  chunks: number;
  records: number;
  problems: number;
}

/** Number of 64 KiB blocks (chunks or not) after the header in a file of `size` bytes. */
export function evtxBlockCount(size: number): number {
  return size <= FILE_HEADER_SIZE ? 0 : Math.ceil((size - FILE_HEADER_SIZE) / CHUNK_SIZE);
}

function isZero(b: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (b[p] !== 0) return false;
  return true;
}

class FileWalk {
  readonly summary: EvtxReadSummary;
  readonly ctx: ChunkContext;

  constructor(header: EvtxFileHeader, size: number, opts: EvtxReadOptions, xmlOnly = false) {
    this.summary = { header, blocks: evtxBlockCount(size), chunks: 0, records: 0, problems: 0 };
    const sink = opts.onProblem;
    const file = opts.file ?? '<buffer>';
    this.ctx = {
      file,
      xml: opts.xml === true,
      xmlOut: new XmlOut(xmlOnly ? 2 << 20 : 64 << 10),
      xmlOnly,
      checksums: checksumsKept(header),
      onProblem: (p: BadRecord) => {
        this.summary.problems++;
        sink?.(p);
      },
    };
    if (!header.signatureOk) {
      this.ctx.onProblem({
        loc: { file, offset: 0 },
        kind: 'evtx-file-header',
        message: 'the "ElfFile" signature is damaged; reading the chunks anyway',
      });
    } else if (!header.checksumOk) {
      this.ctx.onProblem({
        loc: { file, offset: 0 },
        kind: 'evtx-file-header-crc',
        message: 'file header checksum mismatch',
      });
    }
    if (size < FILE_HEADER_SIZE) {
      this.ctx.onProblem({
        loc: { file, offset: size },
        kind: 'evtx-truncated',
        message: `file is ${size} bytes, shorter than its ${FILE_HEADER_SIZE}-byte header; no chunks`,
      });
    }
  }

  /** Decode block `index`, whose bytes start at `b[p]` (`avail` of them present). */
  block(b: Buffer, p: number, avail: number, index: number, onRecord: (r: EvtxRecord) => void): void {
    const fileOffset = FILE_HEADER_SIZE + index * CHUNK_SIZE;
    if (avail >= 8 && hasChunkMagic(b, p)) {
      this.summary.chunks++;
      this.summary.records += decodeChunk(b, p, avail, fileOffset, index, this.ctx, onRecord).records;
      return;
    }
    // Blocks past the declared count are unused preallocation; inside it a missing chunk is damage.
    if (index < this.summary.header.chunkCount) {
      const empty = isZero(b, p, p + avail);
      this.ctx.onProblem({
        loc: { file: this.ctx.file, offset: fileOffset },
        kind: 'evtx-chunk-signature',
        message: `block ${index} is inside the ${this.summary.header.chunkCount} chunks the header declares but has no chunk signature${empty ? ' (all zero)' : ''}`,
      });
    } else if (avail < CHUNK_SIZE && !isZero(b, p, p + avail)) {
      this.ctx.onProblem({
        loc: { file: this.ctx.file, offset: fileOffset },
        kind: 'evtx-truncated',
        message: `file ends ${avail} bytes into block ${index}`,
      });
    }
  }
}

/** The block range [first, stop) an options object selects in a file of `blocks` blocks. */
function blockRange(opts: EvtxReadOptions, blocks: number): [number, number] {
  return [Math.max(0, opts.firstChunk ?? 0), Math.min(blocks, opts.endChunk ?? blocks)];
}

const NO_RECORD = (): void => {};

/** Chunks read per file read by the path-based readers (1 MiB). */
const CHUNKS_PER_READ = 16;

/**
 * Walk the selected blocks of a file through `fill` (which puts blocks `i`.. into `buf` and
 * returns how many bytes it read), calling `each` after every block. Used by the sync readers.
 */
function walkBlocksSync(
  walk: FileWalk,
  opts: EvtxReadOptions,
  read: (buf: Buffer, fileOffset: number, length: number) => number,
  onRecord: (r: EvtxRecord) => void,
  each: () => void,
): void {
  const [first, stop] = blockRange(opts, walk.summary.blocks);
  const buf = Buffer.allocUnsafe(CHUNK_SIZE * CHUNKS_PER_READ);
  for (let i = first; i < stop; i += CHUNKS_PER_READ) {
    const n = Math.min(CHUNKS_PER_READ, stop - i);
    const got = read(buf, FILE_HEADER_SIZE + i * CHUNK_SIZE, n * CHUNK_SIZE);
    for (let j = 0; j < n && j * CHUNK_SIZE < got; j++) {
      walk.block(buf, j * CHUNK_SIZE, Math.min(CHUNK_SIZE, got - j * CHUNK_SIZE), i + j, onRecord);
      each();
    }
  }
}

/** Head of an open file (header and first chunk signature, or less if the file is shorter). */
function readHeadSync(fd: number, size: number): Buffer {
  const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
  readSync(fd, head, 0, head.length, 0);
  return head;
}

/**
 * Read every record of an EVTX file held in memory, synchronously, calling `onRecord` for each.
 * Throws NotEvtxError if `buf` is not EVTX; damage inside the file is reported through
 * `opts.onProblem` and skipped.
 */
export function forEachEvtxRecord(
  buf: Buffer,
  opts: EvtxReadOptions,
  onRecord: (r: EvtxRecord) => void,
): EvtxReadSummary {
  const walk = new FileWalk(parseFileHeader(buf), buf.length, opts);
  const [first, stop] = blockRange(opts, walk.summary.blocks);
  for (let i = first; i < stop; i++) {
    const p = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    walk.block(buf, p, Math.min(CHUNK_SIZE, buf.length - p), i, onRecord);
  }
  return walk.summary;
}

/**
 * forEachEvtxRecord over a path, reading 1 MiB at a time (only the selected chunks), for worker
 * threads that must not hold whole files. Records are reported as they are decoded.
 */
export function forEachEvtxRecordInFile(
  path: string,
  opts: EvtxReadOptions,
  onRecord: (r: EvtxRecord) => void,
): EvtxReadSummary {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const walk = new FileWalk(parseFileHeader(readHeadSync(fd, size)), size, { ...opts, file: opts.file ?? path });
    walkBlocksSync(
      walk,
      opts,
      (b, off, len) => readSync(fd, b, 0, Math.max(0, Math.min(len, size - off)), off),
      onRecord,
      NO_RECORD,
    );
    return walk.summary;
  } finally {
    closeSync(fd);
  }
}

/**
 * The fastest way to XML text: every record's XML, one per line (UTF-8, `\n` after each), handed
 * over one chunk at a time without building trees. `onXml` must use (or copy) the bytes before it
 * returns; they are overwritten afterwards.
 */
export function forEachEvtxXml(
  buf: Buffer,
  opts: EvtxReadOptions,
  onXml: (xml: Buffer, records: number) => void,
): EvtxReadSummary {
  const walk = new FileWalk(parseFileHeader(buf), buf.length, opts, true);
  const out = walk.ctx.xmlOut;
  const [first, stop] = blockRange(opts, walk.summary.blocks);
  let done = 0;
  for (let i = first; i < stop; i++) {
    const p = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    walk.block(buf, p, Math.min(CHUNK_SIZE, buf.length - p), i, NO_RECORD);
    if (out.pos > 0) onXml(out.buf.subarray(0, out.pos), walk.summary.records - done);
    done = walk.summary.records;
    out.reset();
  }
  return walk.summary;
}

/** forEachEvtxXml over a path, reading 1 MiB at a time (only the selected chunks). */
export function forEachEvtxXmlInFile(
  path: string,
  opts: EvtxReadOptions,
  onXml: (xml: Buffer, records: number) => void,
): EvtxReadSummary {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const walk = new FileWalk(
      parseFileHeader(readHeadSync(fd, size)),
      size,
      { ...opts, file: opts.file ?? path },
      true,
    );
    const out = walk.ctx.xmlOut;
    let done = 0;
    const flush = (): void => {
      if (out.pos > 0) onXml(out.buf.subarray(0, out.pos), walk.summary.records - done);
      done = walk.summary.records;
      out.reset();
    };
    walkBlocksSync(
      walk,
      opts,
      (b, off, len) => readSync(fd, b, 0, Math.max(0, Math.min(len, size - off)), off),
      NO_RECORD,
      flush,
    );
    return walk.summary;
  } finally {
    closeSync(fd);
  }
}

/** Generator form of forEachEvtxRecord. */
export function* readEvtxBuffer(buf: Buffer, opts: EvtxReadOptions = {}): Generator<EvtxRecord, EvtxReadSummary> {
  const walk = new FileWalk(parseFileHeader(buf), buf.length, opts);
  const [first, stop] = blockRange(opts, walk.summary.blocks);
  const batch: EvtxRecord[] = [];
  const push = (r: EvtxRecord): void => {
    batch.push(r);
  };
  for (let i = first; i < stop; i++) {
    const p = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    walk.block(buf, p, Math.min(CHUNK_SIZE, buf.length - p), i, push);
    for (const r of batch) yield r;
    batch.length = 0;
  }
  return walk.summary;
}

/**
 * Async block walk over a path: reads up to 16 chunks at a time and hands each read's blocks to
 * `walk.block`, then yields whatever `take` collected. Shared by the streaming readers.
 */
async function* walkFileAsync<T>(
  path: string,
  opts: EvtxReadOptions,
  xmlOnly: boolean,
  onRecord: (r: EvtxRecord) => void,
  take: (walk: FileWalk) => T | undefined,
): AsyncGenerator<T, EvtxReadSummary> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await fh.read(head, 0, head.length, 0);
    const walk = new FileWalk(parseFileHeader(head), size, { ...opts, file: opts.file ?? path }, xmlOnly);
    const [first, stop] = blockRange(opts, walk.summary.blocks);
    const buf = Buffer.allocUnsafe(CHUNK_SIZE * CHUNKS_PER_READ);
    for (let i = first; i < stop; i += CHUNKS_PER_READ) {
      const n = Math.min(CHUNKS_PER_READ, stop - i);
      const fileOffset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
      const { bytesRead } = await fh.read(buf, 0, Math.min(n * CHUNK_SIZE, size - fileOffset), fileOffset);
      for (let j = 0; j < n && j * CHUNK_SIZE < bytesRead; j++) {
        walk.block(buf, j * CHUNK_SIZE, Math.min(CHUNK_SIZE, bytesRead - j * CHUNK_SIZE), i + j, onRecord);
        const got = take(walk);
        if (got !== undefined) yield got;
      }
    }
    return walk.summary;
  } finally {
    await fh.close();
  }
}

/**
 * Stream the records of an EVTX file chunk by chunk, never holding more than 1 MiB of it. Yields
 * the records of each chunk as one array (cheaper than one await per record). Throws
 * NotEvtxError if the file is not EVTX.
 */
export function streamEvtxFileChunks(
  path: string,
  opts: EvtxReadOptions = {},
): AsyncGenerator<EvtxRecord[], EvtxReadSummary> {
  let batch: EvtxRecord[] = [];
  return walkFileAsync(
    path,
    opts,
    false,
    (r) => batch.push(r),
    () => {
      if (batch.length === 0) return undefined;
      const out = batch;
      batch = [];
      return out;
    },
  );
}

/**
 * Stream an EVTX file as XML text (one record per line, UTF-8), chunk by chunk, never building
 * trees. Each yielded Buffer is the consumer's to keep.
 */
export function streamEvtxXmlFile(path: string, opts: EvtxReadOptions = {}): AsyncGenerator<Buffer, EvtxReadSummary> {
  return walkFileAsync(path, opts, true, NO_RECORD, (walk) => {
    const out = walk.ctx.xmlOut;
    if (out.pos === 0) return undefined;
    const bytes = Buffer.from(out.buf.subarray(0, out.pos));
    out.reset();
    return bytes;
  });
}

/** Stream the records of an EVTX file one by one (see streamEvtxFileChunks). */
export async function* readEvtxFile(
  path: string,
  opts: EvtxReadOptions = {},
): AsyncGenerator<EvtxRecord, EvtxReadSummary> {
  const it = streamEvtxFileChunks(path, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    for (const rec of r.value) yield rec;
  }
}
