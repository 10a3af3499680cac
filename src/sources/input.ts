/**
 * Opening inputs: files (transparently gunzipped when they start with the gzip magic, and turned
 * into UTF-8 when they are UTF-16 text with a byte order mark, as Windows PowerShell 5 writes
 * redirected output), or stdin for `-`. Everything downstream reads plain UTF-8 byte streams.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable, Transform } from 'node:stream';

export const STDIN = '-';

/** How a file's first bytes say it must be read: gzip, UTF-16 text (by its byte order mark), or as it is. */
export type InputEncoding = 'gzip' | 'utf-16le' | 'utf-16be' | undefined;

/** The encoding `first` (a file's first bytes) shows. */
export function encodingOf(first: Uint8Array): InputEncoding {
  if (first.length < 2) return undefined;
  if (first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (first[0] === 0xff && first[1] === 0xfe) return 'utf-16le';
  if (first[0] === 0xfe && first[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The encoding of a file by its first two bytes. */
export async function fileEncoding(path: string): Promise<InputEncoding> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return encodingOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** True when the file starts with the gzip magic bytes. */
export async function startsWithGzip(path: string): Promise<boolean> {
  return (await fileEncoding(path)) === 'gzip';
}

/** UTF-16 text (its byte order mark dropped) as UTF-8 bytes, chunk by chunk. */
function utf16ToUtf8(encoding: 'utf-16le' | 'utf-16be'): Transform {
  const decoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      const rest = decoder.decode();
      done(null, rest ? Buffer.from(rest, 'utf8') : undefined);
    },
  });
}

/** `raw` read as `encoding` says: gunzipped, or UTF-16 turned into UTF-8, or as it is. */
function decoded(raw: Readable, encoding: InputEncoding): Readable {
  if (encoding === undefined) return raw;
  const next = encoding === 'gzip' ? createGunzip() : utf16ToUtf8(encoding);
  raw.on('error', (e) => next.destroy(e));
  return raw.pipe(next);
}

/** Stdin as already opened and peeked at by `keepStdin`'s caller, for the next `openInput('-')`. */
let keptStdin: Readable | undefined;

/**
 * Hands stdin, opened (and partly read, replayed by `stream`) to detect its format, to the next
 * `openInput('-')`: stdin can be read once, so opening it again would find it spent.
 */
export function keepStdin(stream: Readable): void {
  keptStdin = stream;
}

/** A byte stream of the (decompressed, UTF-8) content of `path`, or of stdin for `-`. */
export async function openInput(path: string): Promise<Readable> {
  if (path === STDIN) {
    const kept = keptStdin;
    keptStdin = undefined;
    return kept ?? decodeIfNeeded(process.stdin);
  }
  const encoding = await fileEncoding(path);
  return decoded(createReadStream(path, { highWaterMark: 1 << 20 }), encoding);
}

/** Reads the first `n` bytes of the decompressed content (for format sniffing). */
export async function peekInput(path: string, n = 64 * 1024): Promise<Buffer> {
  const stream = await openInput(path);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= n) break;
    }
  } catch (err) {
    // A truncated archive still yields what it had; the reader reports the damage when it reads.
    if (total === 0) throw err;
  } finally {
    if (path !== STDIN) stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** Streams without a file to peek at (stdin): look at the first chunk, then replay it. */
async function decodeIfNeeded(stream: Readable): Promise<Readable> {
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await it.next();
  async function* replay(): AsyncGenerator<Buffer> {
    if (!first.done) yield first.value;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  }
  return decoded(Readable.from(replay()), first.done ? undefined : encodingOf(first.value));
}
