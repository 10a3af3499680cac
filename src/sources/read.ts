/**
 * One entry point for every input: detect (or take) the format, read the records, and normalise
 * them to ECS with the right normaliser. `eqlite query`, `dump`, `hunt` and `serve` all read here.
 */
import { Readable } from 'node:stream';
import { readEvtxFile, streamEvtxXmlFile } from './evtx/index.js';
import { readEdrStream } from './edr/index.js';
import { normaliseWinEvent, normaliseWinlogDoc, type IngestedPolicy } from './windows/index.js';
import { readWindowsXml, readWindowsXmlFile, decodeXmlBytes } from './windows/xml-reader.js';
import { toXml } from './windows/xml-tree.js';
import { buildWinlogDoc } from './windows/winlog-doc.js';
import { openInputEncoded, STDIN, type InputEncoding } from './input.js';
import { readJsonStream } from './json/reader.js';
import { detectFormat, type SourceFormat } from './detect.js';
import type { ProblemSink, SourceRecord } from './types.js';

export interface ReadOptions {
  /** Forced format, or `auto` to detect per file. */
  format?: SourceFormat | 'auto';
  onProblem: ProblemSink;
  /** Index to assign to records that carry none (`--index`). */
  index?: string;
  /** Only what Elastic's integrations produce (no eqlite enrichments). */
  strictEcs?: boolean;
  /** How `event.ingested` is synthesised (default: event time, whole seconds). */
  ingested?: IngestedPolicy;
  /** `dump --raw`: the record before normalisation. */
  raw?: boolean;
  /** `dump --xml`: Windows records as XML text (in `doc.xml`). */
  xml?: boolean;
}

export interface ReadRecord extends SourceRecord {
  format: SourceFormat;
}

/** The first bytes of an input, a stream that still yields them, and how the input was encoded. */
export async function openWithHead(
  path: string,
  n = 64 * 1024,
): Promise<{ head: Buffer; stream: Readable; encoding: InputEncoding }> {
  const { stream, encoding } = await openInputEncoded(path);
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let total = 0;
  let done = false;
  // A stream that fails after some data (a truncated .gz): the data is still read, and the error
  // comes after it, where it happened.
  let failed: { err: unknown } | undefined;
  while (total < n) {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (err) {
      if (total === 0) throw err;
      failed = { err };
      break;
    }
    if (r.done) {
      done = true;
      break;
    }
    chunks.push(r.value);
    total += r.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (failed) throw failed.err;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head: head.subarray(0, n), stream: Readable.from(replay()), encoding };
}

export class UnknownFormatError extends Error {}

/** Reads one input, yielding normalised records (or raw ones with `raw`). */
export async function* readSource(path: string, opts: ReadOptions): AsyncGenerator<ReadRecord> {
  const { head, stream, encoding } = await openWithHead(path);
  let format: SourceFormat;
  if (opts.format && opts.format !== 'auto') format = opts.format;
  else {
    const d = detectFormat(head);
    if (d.format === undefined) {
      stream.destroy();
      throw new UnknownFormatError(`${path}: unknown format (${d.reason}); use --format to force one`);
    }
    format = d.format;
  }
  const sink = opts.onProblem;
  const ingested = opts.ingested;
  const tag = (r: SourceRecord): ReadRecord => ({ ...r, format, index: r.index ?? opts.index });
  switch (format) {
    case 'evtx': {
      stream.destroy();
      if (path === STDIN) throw new UnknownFormatError('EVTX cannot be read from stdin: give the file path');
      if (opts.xml) {
        // XML straight from the records, without building trees (one record per line).
        let n = 0;
        for await (const bytes of streamEvtxXmlFile(path, { onProblem: sink })) {
          for (const line of bytes.toString('utf8').split('\n')) {
            if (line) yield { doc: { xml: line }, loc: { file: path, record: n++ }, format };
          }
        }
        return;
      }
      for await (const rec of readEvtxFile(path, { onProblem: sink })) {
        const loc = { file: path, offset: rec.offset, record: rec.recordId };
        if (opts.xml) {
          yield { doc: { xml: rec.xml ?? toXml(rec.event) }, loc, format };
          continue;
        }
        if (opts.raw) {
          const d = buildWinlogDoc(rec.event, loc, sink);
          if (d) yield { doc: d, loc, format };
          continue;
        }
        const n = normaliseWinEvent(rec.event, { loc, sink, ingested });
        if (n) yield tag({ doc: n.doc, index: n.index, loc });
      }
      return;
    }
    case 'winxml': {
      let events: AsyncIterable<{ event: import('./windows/xml-tree.js').XmlElement; line: number }>;
      if (path !== STDIN && encoding !== 'gzip') {
        // A plain file streams; stdin and archives are decoded whole (the encoding needs the start).
        stream.destroy();
        events = readWindowsXmlFile(path, { file: path, onProblem: sink });
      } else {
        const parts: Buffer[] = [];
        for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
        events = (async function* () {
          yield* readWindowsXml(decodeXmlBytes(Buffer.concat(parts)), { file: path, onProblem: sink });
        })();
      }
      for await (const ev of events) {
        const loc = { file: path, line: ev.line };
        if (opts.xml) {
          yield { doc: { xml: toXml(ev.event) }, loc, format };
          continue;
        }
        if (opts.raw) {
          const d = buildWinlogDoc(ev.event, loc, sink);
          if (d) yield { doc: d, loc, format };
          continue;
        }
        const n = normaliseWinEvent(ev.event, { loc, sink, ingested });
        if (n) yield tag({ doc: n.doc, index: n.index, loc });
      }
      return;
    }
    case 'winlogbeat': {
      for await (const r of readJsonStream(path, stream, { onProblem: sink, index: opts.index })) {
        if (opts.raw) {
          yield { ...r, format };
          continue;
        }
        const n = normaliseWinlogDoc(r.doc, { loc: r.loc, sink, ingested });
        yield tag({ doc: n.doc, index: r.index ?? n.index, loc: r.loc });
      }
      return;
    }
    case 'ecs': {
      for await (const r of readJsonStream(path, stream, { onProblem: sink, index: opts.index }))
        yield { ...r, format };
      return;
    }
    default: {
      for await (const r of readEdrStream(stream as AsyncIterable<Buffer>, {
        file: path,
        format,
        sink,
        strictEcs: opts.strictEcs,
        ingested,
        raw: opts.raw,
      })) {
        yield tag(r);
      }
    }
  }
}
