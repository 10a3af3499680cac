/**
 * Opening inputs: files (transparently gunzipped when they start with the gzip magic, and turned
 * into UTF-8 when they are UTF-16 text with a byte order mark, as Windows PowerShell 5 writes
 * redirected output), or stdin for `-`. Everything downstream reads plain UTF-8 byte streams.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable, Transform } from 'node:stream';

export const STDIN = '-';

/** `text` without a leading byte order mark: Windows tools write one, and JSON and XML text has none. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

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
  return (await openInputEncoded(path)).stream;
}

/**
 * `openInput`, and how the input was encoded (gzip, UTF-16, or undefined: as it is), so that a
 * caller needing both opens the file once. Stdin handed over by `keepStdin` says undefined.
 */
export async function openInputEncoded(path: string): Promise<{ stream: Readable; encoding: InputEncoding }> {
  if (path === STDIN) {
    const kept = keptStdin;
    keptStdin = undefined;
    return kept ? { stream: kept, encoding: undefined } : decodeIfNeeded(process.stdin);
  }
  const encoding = await fileEncoding(path);
  return { stream: decoded(createReadStream(path, { highWaterMark: 1 << 20 }), encoding), encoding };
}

/** Streams without a file to peek at (stdin): look at the first chunk, then replay it. */
async function decodeIfNeeded(stream: Readable): Promise<{ stream: Readable; encoding: InputEncoding }> {
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
  const encoding = first.done ? undefined : encodingOf(first.value);
  return { stream: decoded(Readable.from(replay()), encoding), encoding };
}
