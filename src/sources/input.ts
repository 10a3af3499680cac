/**
 * Opening inputs: files (transparently gunzipped when they start with the gzip magic), or stdin
 * for `-`. Everything downstream reads plain byte streams.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

export const STDIN = '-';

/** True when the file starts with the gzip magic bytes. */
export async function startsWithGzip(path: string): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** A byte stream of the (decompressed) content of `path`, or of stdin for `-`. */
export async function openInput(path: string): Promise<Readable> {
  if (path === STDIN) return gunzipIfNeeded(process.stdin);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (await startsWithGzip(path)) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    return raw.pipe(gunzip);
  }
  return raw;
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
async function gunzipIfNeeded(stream: Readable): Promise<Readable> {
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
  const plain = Readable.from(replay());
  if (!first.done && first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) {
    const gunzip = createGunzip();
    plain.on('error', (e) => gunzip.destroy(e));
    return plain.pipe(gunzip);
  }
  return plain;
}
