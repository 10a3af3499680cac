/**
 * Request bodies: read raw (any content type — shippers send `application/x-ndjson`,
 * `application/json` or ES's `vnd.elasticsearch+…` types), gunzipped or inflated when the
 * shipper compresses, and never more than the route's limit, before or after decompression
 * (a small gzip bomb gets the same 413 as a large body).
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

export class BodyTooLarge extends Error {
  readonly statusCode = 413;
  constructor(limit: number) {
    super(`request body is larger than the limit of [${limit}] bytes`);
  }
}

export class BadEncoding extends Error {
  readonly statusCode = 400;
}

export function readBody(req: IncomingMessage, payload: Readable, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge(limit));
  const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
  let stream: Readable = payload;
  if (enc === 'gzip' || enc === 'x-gzip') stream = payload.pipe(createGunzip());
  else if (enc === 'deflate') stream = payload.pipe(createInflate());
  else if (enc !== '' && enc !== 'identity')
    return Promise.reject(new BadEncoding(`unsupported content-encoding [${enc}]`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      payload.unpipe?.();
      payload.resume();
      reject(err);
    };
    stream.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) return fail(new BodyTooLarge(limit));
      chunks.push(c);
    });
    stream.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    stream.on('error', (e: Error) =>
      fail(stream === payload ? e : new BadEncoding(`cannot decompress the body: ${e.message}`)),
    );
    payload.on('error', fail);
  });
}
