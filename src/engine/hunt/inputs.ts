/**
 * Planning the inputs of a hunt (the files come from `expandInputs`, ../inputs.ts):
 * each file's format is detected from its first bytes; large NDJSON and EVTX files are split into
 * segments that worker threads read in parallel.
 */
import { statSync } from 'node:fs';
import { evtxBlockCount } from '../../sources/evtx/index.js';
import { detectFormat, type SourceFormat } from '../../sources/detect.js';
import { keepStdin, STDIN, withoutBom } from '../../sources/input.js';
import { openWithHead } from '../../sources/read.js';
import type { ProblemSink } from '../../sources/types.js';
import type { Segment } from './config.js';

export interface InputFile {
  file: string;
  size: number;
  format: SourceFormat;
  /** Read as a stream only, not by byte ranges: gzipped, or UTF-16 text turned into UTF-8. */
  gzip: boolean;
  /** One JSON object per line (so it can be split by byte ranges). */
  ndjson: boolean;
}

function looksNdjson(head: Buffer): boolean {
  const t = withoutBom(head.toString('utf8'));
  const start = t.search(/\S/);
  if (start < 0 || t[start] !== '{') return false;
  const nl = t.indexOf('\n', start);
  if (nl < 0) return head.length < 64 * 1024;
  try {
    JSON.parse(t.slice(start, nl));
    return true;
  } catch {
    return false;
  }
}

/** Detects each file's format; files that cannot be read or recognised are reported and left out. */
export async function describeInputs(
  files: string[],
  forced: SourceFormat | 'auto',
  onProblem: ProblemSink,
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const file of files) {
    try {
      const size = file === STDIN ? 0 : statSync(file).size;
      const { head, stream, encoding } = await openWithHead(file, 64 * 1024);
      // Stdin cannot be opened twice: what was read to detect its format is kept for reading it.
      if (file === STDIN) keepStdin(stream);
      else stream.destroy();
      // Byte ranges hold the file's own bytes: an archive, or UTF-16 text, is read as one stream.
      const gzip = file !== STDIN && encoding !== undefined;
      let format: SourceFormat;
      if (forced !== 'auto') format = forced;
      else {
        const d = detectFormat(head);
        if (d.format === undefined) {
          onProblem({ loc: { file }, kind: 'unknown-format', message: `${d.reason}; use --format to force one` });
          continue;
        }
        format = d.format;
      }
      out.push({ file, size, format, gzip, ndjson: format !== 'evtx' && format !== 'winxml' && looksNdjson(head) });
    } catch (err) {
      onProblem({ loc: { file }, kind: 'input-unreadable', message: (err as Error).message });
    }
  }
  return out;
}

const SPLIT_BYTES = 32 << 20;
const EVTX_HEADER = 4096;
const EVTX_CHUNK = 64 * 1024;

/** Cuts inputs into segments: NDJSON by byte ranges, EVTX by chunk ranges, anything else whole. */
export function planSegments(inputs: InputFile[]): Segment[] {
  const segs: Segment[] = [];
  for (const inp of inputs) {
    if (inp.file !== STDIN && !inp.gzip && inp.ndjson) {
      const n = Math.max(1, Math.ceil(inp.size / SPLIT_BYTES));
      const step = Math.ceil(inp.size / n);
      for (let i = 0; i < n; i++) {
        const start = i * step;
        const end = Math.min(inp.size, start + step);
        segs.push({
          id: segs.length,
          file: inp.file,
          format: inp.format,
          start,
          end: i === n - 1 ? Infinity : end,
          bytes: end - start,
        });
      }
    } else if (inp.format === 'evtx' && !inp.gzip && inp.file !== STDIN) {
      const blocks = evtxBlockCount(inp.size);
      const per = SPLIT_BYTES / EVTX_CHUNK;
      const n = Math.max(1, Math.ceil(blocks / per));
      for (let i = 0; i < n; i++) {
        const firstChunk = i * per;
        const endChunk = Math.min(blocks, firstChunk + per);
        const bytes = (endChunk - firstChunk) * EVTX_CHUNK + (i === 0 ? EVTX_HEADER : 0);
        segs.push({
          id: segs.length,
          file: inp.file,
          format: inp.format,
          firstChunk,
          endChunk: i === n - 1 ? undefined : endChunk,
          bytes,
        });
      }
    } else {
      segs.push({ id: segs.length, file: inp.file, format: inp.format, bytes: inp.size });
    }
  }
  return segs;
}
