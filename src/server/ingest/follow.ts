/**
 * `eqlite serve --follow FILE` and stdin: NDJSON (ECS, winlog JSON or an EDR vendor format)
 * read as it grows. A followed file's position is committed with the events read from it, so a
 * restart resumes exactly after the last stored line. Rotation-safe: when the path names a new
 * file (rename-and-create), the old one is read to its end first; when the file shrinks
 * (copy-truncate), reading starts again from its beginning.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { classifyRecord, isEdrFormat } from '../../sources/edr/index.js';
import type { Store } from '../../store/index.js';
import type { IngestItem, Ingestor } from './ingestor.js';
import type { RouteKind } from './normalise.js';

export interface LineSourceOptions {
  /** Index for documents that name none (ECS); vendor formats choose their data stream. */
  index: string;
  /** Force a format; default detected from the first record. */
  format?: RouteKind;
  batchLines?: number;
  log?: (line: string) => void;
}

export function detectRoute(line: string): RouteKind {
  try {
    const v = JSON.parse(line) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ('winlog' in v) return 'winlog';
      const c = classifyRecord(v);
      if (c && isEdrFormat(c)) return c;
    }
  } catch {
    // Not JSON: stored as a parse failure by the ingestor, routed as ECS.
  }
  return 'ecs';
}

/** Turns complete lines into ingest items. */
class Liner {
  route: RouteKind | undefined;
  constructor(private readonly o: LineSourceOptions) {
    this.route = o.format;
  }
  items(lines: string[]): IngestItem[] {
    const out: IngestItem[] = [];
    for (let l of lines) {
      if (l.endsWith('\r')) l = l.slice(0, -1);
      if (l.trim() === '') continue;
      this.route ??= detectRoute(l);
      out.push({ op: 'create', index: this.o.index, text: l, route: this.route });
    }
    return out;
  }
}

export class FileFollower {
  private fd: number | undefined;
  private ino = 0;
  private dev = 0;
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly liner: Liner;
  private readonly buf = Buffer.allocUnsafe(4 << 20);

  constructor(
    private readonly path: string,
    private readonly store: Store,
    private readonly ingestor: Ingestor,
    private readonly o: LineSourceOptions,
  ) {
    this.liner = new Liner(o);
  }

  start(pollMs = 250): void {
    const saved = this.store.books.source(this.key);
    this.open();
    if (saved && this.fd !== undefined && saved.ino === this.ino && saved.dev === this.dev) {
      const size = fstatSync(this.fd).size;
      this.offset = saved.offset <= size ? saved.offset : 0;
    }
    this.poll();
    this.timer = setInterval(() => this.poll(), pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private get key(): string {
    return `file:${this.path}`;
  }

  private open(): void {
    try {
      this.fd = openSync(this.path, 'r');
      const st = fstatSync(this.fd);
      this.ino = st.ino;
      this.dev = st.dev;
      this.offset = 0;
    } catch {
      this.fd = undefined;
    }
  }

  /** Reads what was appended; follows rotation and truncation. */
  poll(): void {
    try {
      if (this.fd === undefined) {
        this.open();
        if (this.fd === undefined) return;
      }
      let current: { ino: number; dev: number; size: number } | undefined;
      try {
        current = statSync(this.path);
      } catch {
        current = undefined;
      }
      if (current && (current.ino !== this.ino || current.dev !== this.dev)) {
        // Rotated: finish the old file, then start the new one from its beginning.
        this.drain(true);
        closeSync(this.fd);
        this.open();
      } else if (fstatSync(this.fd).size < this.offset) {
        this.offset = 0;
      }
      this.drain(false);
    } catch (err) {
      this.o.log?.(`follow ${this.path}: ${(err as Error).message}`);
    }
  }

  /** Ingests the complete lines after `offset` (with `final`, a last unterminated line too). */
  private drain(final: boolean): void {
    if (this.fd === undefined) return;
    for (;;) {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, this.offset);
      if (n === 0) return;
      let end = this.buf.lastIndexOf(10, n - 1) + 1;
      // No newline: the rest of a rotated file, or a line longer than the buffer, is taken as is.
      if (end === 0 && (final || n === this.buf.length)) end = n;
      if (end === 0) return;
      const lines = this.buf.toString('utf8', 0, end).split('\n');
      const pos = { dev: this.dev, ino: this.ino, offset: this.offset + end };
      this.ingestor.ingest(this.liner.items(lines), () => this.store.books.setSource(this.key, pos));
      this.offset += end;
      if (n < this.buf.length) return;
    }
  }
}

/** Reads NDJSON from a stream (stdin) until it ends; resolves with the number of lines. */
export async function ingestStream(input: Readable, ingestor: Ingestor, o: LineSourceOptions): Promise<number> {
  const liner = new Liner(o);
  let carry = '';
  let count = 0;
  const batch = o.batchLines ?? 5000;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    ingestor.ingest(liner.items(pending));
    count += pending.length;
    pending = [];
  };
  for await (const chunk of input) {
    const text = carry + (typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'));
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const l of lines) {
      pending.push(l);
      if (pending.length >= batch) flush();
    }
    flush();
  }
  if (carry) pending.push(carry);
  flush();
  return count;
}
