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
 *     // Synchronous over a Buffer (fastest; what worker threads use). `xml: true` adds rec.xml.
 *     const summary = forEachEvtxRecord(buf, { file: 'Security.evtx', xml: true }, (rec) => ...);
 *     // Split one file across workers with { firstChunk, endChunk } (see evtxBlockCount).
 *
 *     // XML text only (fastest, no trees): one record per line, in batches of whole chunks.
 *     forEachEvtxXml(buf, { file }, (bytes) => out.write(bytes)); // bytes are reused: write/copy now
 *     for await (const bytes of streamEvtxXmlFile('Security.evtx')) process.stdout.write(bytes);
 *
 * A file that is not EVTX throws NotEvtxError (use sniffEvtx(head) to detect the format first).
 * Damage inside an EVTX file never throws: every readable record is returned and each problem
 * (checksum mismatch, missing chunk signature, damaged record, truncation) goes to `onProblem`
 * as a BadRecord located by file offset. `event` is the tree of src/sources/windows/xml-tree.ts
 * with values as Windows renders them (see values.ts); `toXml(event)` prints it.
 */
export { EvtxFormatError } from './binxml.js';
export type { EvtxRecord } from './chunk.js';
export { NotEvtxError, parseFileHeader, sniffEvtx, type EvtxFileHeader } from './layout.js';
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
