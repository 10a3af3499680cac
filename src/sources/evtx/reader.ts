/**
 * Whole-file EVTX reading: a synchronous walk over a Buffer and a streaming walk over a path that
 * reads the file a few chunks at a time. Both scan every 64 KiB block after the header, not just
 * the chunks the header declares, because dirty files under-count them.
 */
import { open } from 'node:fs/promises';
import type { BadRecord, ProblemSink } from '../types.js';
import { decodeChunk, type ChunkContext, type EvtxRecord } from './chunk.js';
import {
  CHUNK_SIZE,
  checksumsKept,
  FILE_HEADER_SIZE,
  hasChunkMagic,
  parseFileHeader,
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

  constructor(header: EvtxFileHeader, size: number, opts: EvtxReadOptions) {
    this.summary = { header, blocks: evtxBlockCount(size), chunks: 0, records: 0, problems: 0 };
    const sink = opts.onProblem;
    const file = opts.file ?? '<buffer>';
    this.ctx = {
      file,
      xml: opts.xml === true,
      checksums: checksumsKept(header),
      onProblem: (p: BadRecord) => {
        this.summary.problems++;
        sink?.(p);
      },
    };
    if (!header.checksumOk) {
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

/**
 * Read every record of an EVTX file held in memory, synchronously, calling `onRecord` for each
 * (fastest; meant for worker threads). Throws NotEvtxError if `buf` is not EVTX; damage inside
 * the file is reported through `opts.onProblem` and skipped.
 */
export function forEachEvtxRecord(
  buf: Buffer,
  opts: EvtxReadOptions,
  onRecord: (r: EvtxRecord) => void,
): EvtxReadSummary {
  const walk = new FileWalk(parseFileHeader(buf), buf.length, opts);
  const blocks = walk.summary.blocks;
  const first = Math.max(0, opts.firstChunk ?? 0);
  const stop = Math.min(blocks, opts.endChunk ?? blocks);
  for (let i = first; i < stop; i++) {
    const p = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    walk.block(buf, p, Math.min(CHUNK_SIZE, buf.length - p), i, onRecord);
  }
  return walk.summary;
}

/** Generator form of forEachEvtxRecord. */
export function* readEvtxBuffer(buf: Buffer, opts: EvtxReadOptions = {}): Generator<EvtxRecord, EvtxReadSummary> {
  const walk = new FileWalk(parseFileHeader(buf), buf.length, opts);
  const blocks = walk.summary.blocks;
  const first = Math.max(0, opts.firstChunk ?? 0);
  const stop = Math.min(blocks, opts.endChunk ?? blocks);
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

/** Chunks read per file read in the streaming reader (1 MiB). */
const CHUNKS_PER_READ = 16;

/**
 * Stream the records of an EVTX file chunk by chunk, never holding more than a few chunks in
 * memory. Yields the records of each chunk as one array (cheaper than one await per record).
 * Throws NotEvtxError if the file is not EVTX.
 */
export async function* streamEvtxFileChunks(
  path: string,
  opts: EvtxReadOptions = {},
): AsyncGenerator<EvtxRecord[], EvtxReadSummary> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, FILE_HEADER_SIZE));
    await fh.read(head, 0, head.length, 0);
    const walk = new FileWalk(parseFileHeader(head), size, { ...opts, file: opts.file ?? path });
    const blocks = walk.summary.blocks;
    const first = Math.max(0, opts.firstChunk ?? 0);
    const stop = Math.min(blocks, opts.endChunk ?? blocks);
    const buf = Buffer.alloc(CHUNK_SIZE * CHUNKS_PER_READ);
    for (let i = first; i < stop; i += CHUNKS_PER_READ) {
      const n = Math.min(CHUNKS_PER_READ, stop - i);
      const fileOffset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
      const want = Math.min(n * CHUNK_SIZE, size - fileOffset);
      const { bytesRead } = await fh.read(buf, 0, want, fileOffset);
      for (let j = 0; j < n; j++) {
        const p = j * CHUNK_SIZE;
        if (p >= bytesRead) break;
        const out: EvtxRecord[] = [];
        walk.block(buf, p, Math.min(CHUNK_SIZE, bytesRead - p), i + j, (r) => out.push(r));
        if (out.length) yield out;
      }
    }
    return walk.summary;
  } finally {
    await fh.close();
  }
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
