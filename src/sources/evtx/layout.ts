/**
 * The fixed structures of an EVTX file: file header, 64 KiB chunks, record headers.
 * Layout per libyal's "Windows XML Event Log (EVTX)" specification and MS-EVEN6.
 */
import { crc32 } from 'node:zlib';
import { u16, u32, u64n } from './values.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const RECORD_HEADER_SIZE = 24;
export const RECORD_SIGNATURE = 0x00002a2a;

const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC_LO = 0x43666c45; // "ElfC" little-endian
const CHUNK_MAGIC_HI = 0x006b6e68; // "hnk\0"

/** File flag 0x4: set on files written without checksums (all stored CRCs are zero). */
const FLAG_NO_CRC = 0x4;

/** A non-EVTX input: thrown, never reported as a problem, so callers can try another format. */
export class NotEvtxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotEvtxError';
  }
}

function hasFileMagic(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  for (let i = 0; i < 8; i++) if (b[i] !== FILE_MAGIC[i]) return false;
  return true;
}

/** Bytes of a file's head that sniffEvtx and parseFileHeader look at (header plus a chunk signature). */
export const SNIFF_BYTES = 4096 + 8;

/**
 * True when `head` (the first bytes of a file: 8 are enough for an intact file, SNIFF_BYTES also
 * recognise one whose file signature is damaged but whose first chunk is intact) is EVTX.
 */
export function sniffEvtx(head: Uint8Array): boolean {
  return hasFileMagic(head) || (head.length >= SNIFF_BYTES && hasChunkMagic(head, 4096));
}

export interface EvtxFileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  headerBlockSize: number;
  /** Chunks the header declares (0 when the signature is damaged); dirty files hold more (all blocks are scanned). */
  chunkCount: number;
  flags: number;
  isDirty: boolean;
  isFull: boolean;
  /** False when the stored CRC32 of the first 120 bytes does not match (and checksums are kept). */
  checksumOk: boolean;
  /** False when the "ElfFile" signature is damaged (the file was recognised by its first chunk). */
  signatureOk: boolean;
}

/**
 * Parse the file header from the first bytes of a file (SNIFF_BYTES of them, or the whole file if
 * shorter). Throws NotEvtxError unless the file starts with "ElfFile" or, its signature damaged,
 * holds a chunk at 4096 (then `signatureOk` is false and the header fields are not to be trusted).
 */
export function parseFileHeader(b: Buffer): EvtxFileHeader {
  const signatureOk = hasFileMagic(b);
  if (!signatureOk && !(b.length >= SNIFF_BYTES && hasChunkMagic(b, 4096))) {
    throw new NotEvtxError('not an EVTX file: it does not start with the "ElfFile" signature');
  }
  if (b.length < 128) throw new NotEvtxError(`not an EVTX file: ${b.length} bytes, shorter than its header`);
  const flags = u32(b, 120);
  const stored = u32(b, 124);
  return {
    firstChunk: u64n(b, 8),
    lastChunk: u64n(b, 16),
    nextRecordId: u64n(b, 24),
    headerSize: u32(b, 32),
    minorVersion: u16(b, 36),
    majorVersion: u16(b, 38),
    headerBlockSize: u16(b, 40),
    chunkCount: signatureOk ? u16(b, 42) : 0,
    flags,
    isDirty: (flags & 1) !== 0,
    isFull: (flags & 2) !== 0,
    checksumOk: (flags & FLAG_NO_CRC && stored === 0) || crc32(b.subarray(0, 120)) === stored,
    signatureOk,
  };
}

export function hasChunkMagic(b: Uint8Array, p: number): boolean {
  return u32(b, p) === CHUNK_MAGIC_LO && u32(b, p + 4) === CHUNK_MAGIC_HI;
}

export interface ChunkHeader {
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  recordsChecksum: number;
  headerChecksum: number;
}

export function parseChunkHeader(b: Uint8Array, p: number): ChunkHeader {
  return {
    firstRecordNumber: u64n(b, p + 8),
    lastRecordNumber: u64n(b, p + 16),
    firstRecordId: u64n(b, p + 24),
    lastRecordId: u64n(b, p + 32),
    lastRecordOffset: u32(b, p + 44),
    freeSpaceOffset: u32(b, p + 48),
    recordsChecksum: u32(b, p + 52),
    headerChecksum: u32(b, p + 124),
  };
}

/** CRC32 of a chunk header: bytes 0..120 and 128..512. */
export function chunkHeaderCrc(b: Buffer, p: number): number {
  return crc32(b.subarray(p + 128, p + CHUNK_HEADER_SIZE), crc32(b.subarray(p, p + 120)));
}

export function recordsCrc(b: Buffer, p: number, freeSpaceOffset: number): number {
  return crc32(b.subarray(p + CHUNK_HEADER_SIZE, p + freeSpaceOffset));
}

/** Whether checksums are kept in this file (false for files flagged as written without them). */
export function checksumsKept(header: EvtxFileHeader): boolean {
  return (header.flags & FLAG_NO_CRC) === 0;
}
