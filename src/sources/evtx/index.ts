/**
 * Native EVTX reader (pure TypeScript, no addon).
 *
 * Usage:
 *
 *     import { readEvtxFile, forEachEvtxRecord, sniffEvtx } from './sources/evtx/index.js';
 *
 *     // Streaming over a path (reads 1 MiB at a time, never the whole file):
 *     for await (const rec of readEvtxFile('Security.evtx', { onProblem: (p) => report(p) })) {
 *       rec.recordId; rec.timeCreated; rec.offset; rec.chunkIndex; rec.event; // XmlElement <Event>
 *     }
 *
 *     // Synchronous (what worker threads use). `xml: true` adds rec.xml.
 *     const summary = forEachEvtxRecord(buf, { file: 'Security.evtx', xml: true }, (rec) => ...);
 *     forEachEvtxRecordInFile('Security.evtx', {}, (rec) => ...); // same, 1 MiB reads
 *     // Split one file across workers with { firstChunk, endChunk } (see evtxBlockCount).
 *
 *     // XML text only (fastest, no trees): one record per line, UTF-8, a chunk at a time.
 *     forEachEvtxXml(buf, { file }, (bytes) => out.write(bytes)); // bytes are reused: write/copy now
 *     for await (const bytes of streamEvtxXmlFile('Security.evtx')) process.stdout.write(bytes);
 *
 * A file that is not EVTX throws NotEvtxError (use sniffEvtx(head) on the first SNIFF_BYTES bytes
 * to detect the format first; a damaged "ElfFile" signature is tolerated when the first chunk is intact).
 * Damage inside an EVTX file never throws: every readable record is returned and each problem
 * goes to `onProblem` as a BadRecord located by file offset, with kind `evtx-file-header`, `evtx-file-header-crc`,
 * `evtx-chunk-signature`, `evtx-chunk-header-crc`, `evtx-chunk-header`, `evtx-chunk-records-crc`,
 * `evtx-record-header` (the walk resumes at the next intact record of the chunk), `evtx-binxml`
 * (that record is skipped), `evtx-internal` (a reader bug met on odd data; the record is skipped) or
 * `evtx-truncated`. Exceptions thrown by your callbacks propagate unchanged. Every 64 KiB block after the header is scanned,
 * not only the chunks a (dirty) header declares.
 *
 * Values are rendered as Windows renders them (values.ts): GUIDs `{UPPER}`, SIDs `S-1-…`,
 * FILETIME/SYSTEMTIME ISO-8601 UTC with 7 fractional digits, booleans `true`/`false`, binary as
 * upper-case hex, and HexInt32/HexInt64/size_t as `0x%x` (`0x3e7`, not libevtx's padded
 * `0x00000000000003e7`: Windows, winlogbeat and Elastic's rules use the short form). Optional
 * substitutions with no value drop their attribute or element; arrays repeat their element.
 * `recordId`/`timeCreated` come from System/EventRecordID and System/TimeCreated (the record
 * header's values differ in exported logs). `event` is the tree of ../windows/xml-tree.ts;
 * `toXml(event)` prints exactly what `xml` holds.
 */
export { EvtxFormatError } from './binxml.js';
export type { EvtxRecord } from './chunk.js';
export { NotEvtxError, parseFileHeader, SNIFF_BYTES, sniffEvtx, type EvtxFileHeader } from './layout.js';
export {
  evtxBlockCount,
  forEachEvtxRecord,
  forEachEvtxRecordInFile,
  forEachEvtxXml,
  forEachEvtxXmlInFile,
  readEvtxBuffer,
  readEvtxFile,
  streamEvtxFileChunks,
  streamEvtxXmlFile,
  type EvtxReadOptions,
  type EvtxReadSummary,
} from './reader.js';
