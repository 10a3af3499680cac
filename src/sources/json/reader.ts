/**
 * Reads JSON event documents: NDJSON (one object per line), a JSON array of objects (streamed
 * element by element, never loaded whole), or one JSON document such as an Elasticsearch `_search`
 * response. Elasticsearch hits (`{_index, _id, _source}`) are unwrapped and keep their index.
 * A bad line or element is reported with its location and skipped; the rest is read.
 */
import type { Readable } from 'node:stream';
import { openInput, withoutBom } from '../input.js';
import type { EventDoc, ProblemSink, SourceRecord } from '../types.js';
import { splitLines } from './lines.js';

export interface JsonReadOptions {
  onProblem: ProblemSink;
  /** Index to assign when a record carries none (`--index`). */
  index?: string;
}

/** Where the JSON error is, from V8's message ("... in JSON at position 12"). */
function describeJsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/^Unexpected token/, 'unexpected token');
}

/** ES hit → its `_source`; the hit's `_index` travels beside the document, not inside it. */
export function unwrapHit(obj: Record<string, unknown>): { doc: EventDoc; index?: string; id?: string } {
  const src = obj._source;
  if (src && typeof src === 'object' && !Array.isArray(src) && ('_index' in obj || '_id' in obj)) {
    const index = typeof obj._index === 'string' ? obj._index : undefined;
    const id = typeof obj._id === 'string' ? obj._id : undefined;
    return { doc: src as EventDoc, index, id };
  }
  const index = typeof obj._index === 'string' ? obj._index : undefined;
  return { doc: obj, index };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The hits of an Elasticsearch search/EQL response, or undefined when `obj` is not one. */
export function hitsOf(obj: Record<string, unknown>): unknown[] | undefined {
  const hits = obj.hits;
  if (isObject(hits)) {
    if (Array.isArray(hits.hits)) return hits.hits;
    if (Array.isArray(hits.events)) return hits.events;
    if (Array.isArray(hits.sequences))
      return (hits.sequences as Array<{ events?: unknown[] }>).flatMap((s) => s.events ?? []);
  }
  return undefined;
}

type Shape = 'ndjson' | 'array' | 'document';

async function detectShape(stream: Readable): Promise<{ shape: Shape; replay: Buffer[]; rest: AsyncIterator<Buffer> }> {
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const replay: Buffer[] = [];
  let seen = '';
  for (;;) {
    const { value, done } = await it.next();
    if (done) break;
    replay.push(value);
    seen += value.toString('utf8', 0, Math.min(value.length, 65536));
    const trimmed = withoutBom(seen).trimStart();
    if (trimmed.length === 0) continue;
    if (trimmed[0] === '[') return { shape: 'array', replay, rest: it };
    const nl = trimmed.indexOf('\n');
    if (nl < 0 && seen.length < 1 << 20) continue;
    const first = nl < 0 ? trimmed : trimmed.slice(0, nl);
    try {
      JSON.parse(first);
      return { shape: 'ndjson', replay, rest: it };
    } catch {
      // A first line that is not a whole value: a pretty-printed document (or a broken NDJSON line).
      return {
        shape: first.trim().startsWith('{') && first.trim().endsWith('}') ? 'ndjson' : 'document',
        replay,
        rest: it,
      };
    }
  }
  return { shape: 'ndjson', replay, rest: it };
}

async function* replayStream(replay: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const b of replay) yield b;
  for (;;) {
    const { value, done } = await rest.next();
    if (done) return;
    yield value;
  }
}

export async function* readJson(path: string, opts: JsonReadOptions): AsyncGenerator<SourceRecord> {
  yield* readJsonStream(path, await openInput(path), opts);
}

/** Like `readJson`, over a stream already opened (and possibly already peeked at). */
export async function* readJsonStream(
  path: string,
  stream: Readable,
  opts: JsonReadOptions,
): AsyncGenerator<SourceRecord> {
  const { shape, replay, rest } = await detectShape(stream);
  const chunks = replayStream(replay, rest);
  if (shape === 'ndjson') yield* readNdjson(path, chunks, opts);
  else if (shape === 'array') yield* readArray(path, chunks, opts);
  else yield* readDocument(path, chunks, opts);
}

function toRecords(
  value: unknown,
  path: string,
  loc: { line?: number; offset?: number; record?: number },
  opts: JsonReadOptions,
): SourceRecord[] {
  if (!isObject(value)) {
    opts.onProblem({
      loc: { file: path, ...loc },
      kind: 'json-not-object',
      message: `expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`,
    });
    return [];
  }
  const hits = hitsOf(value);
  if (hits) {
    return hits.filter(isObject).map((h, i) => {
      const { doc, index, id } = unwrapHit(h);
      return { doc, index: index ?? opts.index, id, loc: { file: path, ...loc, record: i } };
    });
  }
  const { doc, index, id } = unwrapHit(value);
  return [{ doc, index: index ?? opts.index, id, loc: { file: path, ...loc } }];
}

async function* readNdjson(
  path: string,
  chunks: AsyncGenerator<Buffer>,
  opts: JsonReadOptions,
): AsyncGenerator<SourceRecord> {
  const { Readable } = await import('node:stream');
  for await (const { text, line, offset } of splitLines(Readable.from(chunks))) {
    if (text.length === 0 || text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      opts.onProblem({ loc: { file: path, line, offset }, kind: 'json-syntax', message: describeJsonError(err) });
      continue;
    }
    yield* toRecords(value, path, { line, offset }, opts);
  }
}

/** Streams the elements of a top-level JSON array, tracking strings and nesting to find boundaries. */
async function* readArray(
  path: string,
  chunks: AsyncGenerator<Buffer>,
  opts: JsonReadOptions,
): AsyncGenerator<SourceRecord> {
  let depth = 0;
  let inString = false;
  let escape = false;
  let started = false;
  let elem = '';
  let elemLine = 1;
  let line = 1;
  let index = 0;
  let done = false;
  for await (const chunk of chunks) {
    const s = chunk.toString('utf8');
    for (let i = 0; i < s.length && !done; i++) {
      const c = s[i];
      if (c === '\n') line++;
      if (!started) {
        if (c === '[') started = true;
        continue;
      }
      if (inString) {
        elem += c;
        if (escape) escape = false;
        else if (c === '\\') escape = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (depth === 0 && (c === ',' || c === ']')) {
        if (elem.trim().length) {
          yield* parseElement(elem, path, elemLine, index++, opts);
        }
        elem = '';
        if (c === ']') done = true;
        continue;
      }
      if (depth === 0 && elem.trim().length === 0 && !/\s/.test(c)) elemLine = line;
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      elem += c;
    }
  }
  if (!done) {
    if (elem.trim().length) yield* parseElement(elem, path, elemLine, index++, opts);
    opts.onProblem({
      loc: { file: path, line },
      kind: 'json-truncated',
      message: 'the JSON array is not closed (truncated file?)',
    });
  }
}

function* parseElement(
  text: string,
  path: string,
  line: number,
  record: number,
  opts: JsonReadOptions,
): Generator<SourceRecord> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    opts.onProblem({ loc: { file: path, line, record }, kind: 'json-syntax', message: describeJsonError(err) });
    return;
  }
  yield* toRecords(value, path, { line, record }, opts);
}

async function* readDocument(
  path: string,
  chunks: AsyncGenerator<Buffer>,
  opts: JsonReadOptions,
): AsyncGenerator<SourceRecord> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  const text = Buffer.concat(parts).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not one document after all: read it line by line so good lines survive and bad ones are located.
    yield* readNdjson(path, single(Buffer.from(text, 'utf8')), opts);
    return;
  }
  yield* toRecords(value, path, { line: 1 }, opts);
}

async function* single(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}
