/**
 * Splits a byte stream into lines without decoding the whole stream: newline search on Buffers,
 * UTF-8 decoding per line. Reports 1-based line numbers and byte offsets.
 */
import type { Readable } from 'node:stream';
import { withoutBom } from '../input.js';

export interface Line {
  text: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
}

export async function* splitLines(stream: Readable): AsyncGenerator<Line> {
  let carry: Buffer | undefined;
  let lineNo = 0;
  let offset = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && buf[end - 1] === 13) end--;
      lineNo++;
      const text = buf.toString('utf8', start, end);
      // The first line without the byte order mark Windows tools write.
      yield { text: lineNo === 1 ? withoutBom(text) : text, line: lineNo, offset: offset + start };
      start = nl + 1;
    }
    if (start < buf.length) carry = buf.subarray(start);
    offset += start;
    buf = Buffer.alloc(0);
  }
  if (carry && carry.length) {
    let end = carry.length;
    if (carry[end - 1] === 13) end--;
    lineNo++;
    const text = carry.toString('utf8', 0, end);
    yield { text: lineNo === 1 ? withoutBom(text) : text, line: lineNo, offset };
  }
}
