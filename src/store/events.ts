/**
 * Events in the store: insertion (idempotent by `_id` and index, as Elasticsearch keys documents),
 * and the reads detection and the API need — by ingest order (continuous detection), by time on
 * `@timestamp` or `event.ingested` (scheduled windows, searches, pivots), by host (timelines).
 */
import type { Db } from './db.js';

/** Counter: every event up to this seq has its host run written (EventStore.flushHosts). */
export const HOST_RUNS_UPTO = 'host_runs_upto';

/** Sets `HOST_RUNS_UPTO` (one parameter: the seq). */
export const SET_HOST_RUNS_UPTO = `INSERT INTO counters (name, value) VALUES ('${HOST_RUNS_UPTO}', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`;

export interface NewEvent {
  id: string;
  index: string;
  /** `index` overwrites a document with the same explicit `_id`; `create` refuses it. */
  op: 'index' | 'create';
  /** The id was derived from the content: the same id is the same document, stored once. */
  autoId: boolean;
  at: number;
  ts: number | null;
  ing: number | null;
  host: string | null;
  text: string;
}

export type InsertOutcome =
  | { result: 'created'; seq: number; version: 1 }
  | { result: 'updated'; seq: number; version: number }
  | { result: 'duplicate'; seq: number; version: number }
  | { result: 'conflict'; version: number };

export interface EventRow {
  seq: number;
  id: string;
  index: string;
  at: number;
  ts: number | null;
  ing: number | null;
  host: string | null;
  text: string;
}

interface RawRow {
  seq: number;
  id: string;
  idx: number;
  at: number;
  ts: number | null;
  ing: number | null;
  host: string | null;
  doc: string;
}

/** Which timestamp column a time range applies to. */
export type TimeField = 'ts' | 'ing';

export class EventStore {
  private readonly indexIds = new Map<string, number>();
  private readonly indexNames = new Map<number, string>();
  private readonly st;

  constructor(private readonly db: Db) {
    for (const r of db.prepare('SELECT id, name FROM indices').all() as Array<{ id: number; name: string }>) {
      this.indexIds.set(r.name, r.id);
      this.indexNames.set(r.id, r.name);
    }
    this.st = {
      insertIndex: db.prepare('INSERT INTO indices (name) VALUES (?)'),
      insert: db.prepare(
        'INSERT INTO events (id, idx, at, ts, ing, host, doc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id, idx) DO NOTHING',
      ),
      existing: db.prepare('SELECT seq, version FROM events WHERE id = ? AND idx = ?'),
      // An overwrite gets a new seq, so continuous detection sees the new version as new.
      overwrite: db.prepare(
        'UPDATE events SET seq = (SELECT max(seq) + 1 FROM events), version = version + 1, at = ?, ts = ?, ing = ?, host = ?, doc = ? WHERE id = ? AND idx = ? RETURNING seq, version',
      ),
      maxSeq: db.prepare('SELECT max(seq) AS m FROM events'),
      count: db.prepare('SELECT count(*) AS n FROM events'),
      after: db.prepare(
        'SELECT seq, id, idx, at, ts, ing, host, doc FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      ),
      bySeq: db.prepare('SELECT seq, id, idx, at, ts, ing, host, doc FROM events WHERE seq = ?'),
      byId: db.prepare('SELECT seq, id, idx, at, ts, ing, host, doc FROM events WHERE id = ? AND idx = ?'),
      atOf: db.prepare('SELECT at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1'),
      minSeq: db.prepare('SELECT min(seq) AS m FROM events'),
      insertRun: db.prepare('INSERT INTO host_runs (host, tmin, tmax, minseq, maxseq, seqs) VALUES (?, ?, ?, ?, ?, ?)'),
      setRunsUpto: db.prepare(SET_HOST_RUNS_UPTO),
      runsInTime: db.prepare('SELECT minseq, seqs FROM host_runs WHERE host = ? AND tmax >= ? AND tmin <= ?'),
      runsAll: db.prepare('SELECT minseq, seqs FROM host_runs WHERE host = ?'),
      keysOf: db.prepare('SELECT seq, ts, ing, host FROM events WHERE seq IN (SELECT value FROM json_each(?))'),
      rowsOf: db.prepare(
        'SELECT seq, id, idx, at, ts, ing, host, doc FROM events WHERE seq IN (SELECT value FROM json_each(?))',
      ),
    };
  }

  indexId(name: string): number {
    let id = this.indexIds.get(name);
    if (id === undefined) {
      id = Number(this.st.insertIndex.run(name).lastInsertRowid);
      this.indexIds.set(name, id);
      this.indexNames.set(id, name);
    }
    return id;
  }

  indexName(id: number): string {
    return this.indexNames.get(id) ?? '';
  }

  /** Index ids whose names pass `test` (for index-pattern pre-filtering in SQL). */
  indexIdsWhere(test: (name: string) => boolean): number[] {
    return [...this.indexIds].filter(([n]) => test(n)).map(([, id]) => id);
  }

  /** Rows per multi-row INSERT: a quarter less CPU per event than one statement per row. */
  static readonly CHUNK = 32;
  private readonly multi = new Map<number, ReturnType<Db['prepare']>>();

  /**
   * Stores events in order, as `insert` would one by one (outcomes in the same order); call
   * inside a transaction. New documents go in by chunks of multi-row INSERTs; a chunk that meets
   * an existing `_id` fails as a whole (SQLite backs out that statement only) and is stored row by
   * row instead, so resends and overwrites get `insert`'s answers. The rows of one statement get
   * consecutive seqs, the last being `lastInsertRowid`.
   */
  insertMany(rows: NewEvent[]): InsertOutcome[] {
    const out: InsertOutcome[] = [];
    for (let s = 0; s < rows.length; s += EventStore.CHUNK) {
      const m = Math.min(EventStore.CHUNK, rows.length - s);
      if (m === 1) {
        out.push(this.insert(rows[s]));
        continue;
      }
      const args: unknown[] = new Array(m * 7);
      for (let j = 0; j < m; j++) {
        const e = rows[s + j];
        const a = j * 7;
        args[a] = e.id;
        args[a + 1] = this.indexId(e.index);
        args[a + 2] = e.at;
        args[a + 3] = e.ts;
        args[a + 4] = e.ing;
        args[a + 5] = e.host;
        args[a + 6] = e.text;
      }
      let last: number;
      try {
        last = Number(this.insertStatement(m).run(args).lastInsertRowid);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
        for (let j = 0; j < m; j++) out.push(this.insert(rows[s + j]));
        continue;
      }
      for (let j = 0; j < m; j++) {
        const seq = last - m + 1 + j;
        this.noteHost(rows[s + j], seq);
        out.push({ result: 'created', seq, version: 1 });
      }
    }
    this.flushHostsEvery();
    return out;
  }

  private insertStatement(m: number): ReturnType<Db['prepare']> {
    let st = this.multi.get(m);
    if (!st) {
      const values = new Array<string>(m).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ');
      st = this.db.prepare(`INSERT INTO events (id, idx, at, ts, ing, host, doc) VALUES ${values}`);
      this.multi.set(m, st);
    }
    return st;
  }

  /** Stores one event; call inside a transaction. */
  insert(e: NewEvent): InsertOutcome {
    const idx = this.indexId(e.index);
    const r = this.st.insert.run(e.id, idx, e.at, e.ts, e.ing, e.host, e.text);
    if (r.changes === 1) {
      const seq = Number(r.lastInsertRowid);
      this.noteHost(e, seq);
      this.flushHostsEvery();
      return { result: 'created', seq, version: 1 };
    }
    const old = this.st.existing.get(e.id, idx) as { seq: number; version: number };
    if (e.autoId) return { result: 'duplicate', seq: old.seq, version: old.version };
    if (e.op === 'create') return { result: 'conflict', version: old.version };
    const u = this.st.overwrite.get(e.at, e.ts, e.ing, e.host, e.text, e.id, idx) as { seq: number; version: number };
    this.noteHost(e, u.seq);
    this.flushHostsEvery();
    return { result: 'updated', seq: u.seq, version: u.version };
  }

  /**
   * Host runs not yet written: host → seqs (increasing) and @timestamp span. They are written
   * once `HOST_RUN_EVENTS` events are waiting, whatever the transactions (one row per host and
   * flush: with small transactions a row per host and commit cost a third of an insert), so
   * committed events may have no run yet: readers add these, and after a crash `openDb` makes
   * runs for the events after the last flush (`HOST_RUNS_UPTO`).
   */
  private readonly hosts = new Map<string, { seqs: number[]; tmin: number | null; tmax: number | null }>();
  private waiting = 0;
  static readonly HOST_RUN_EVENTS = 4096;

  private noteHost(e: NewEvent, seq: number): void {
    if (e.host === null) return;
    this.waiting++;
    let h = this.hosts.get(e.host);
    if (!h) {
      h = { seqs: [], tmin: null, tmax: null };
      this.hosts.set(e.host, h);
    }
    h.seqs.push(seq);
    if (e.ts !== null) {
      if (h.tmin === null || e.ts < h.tmin) h.tmin = e.ts;
      if (h.tmax === null || e.ts > h.tmax) h.tmax = e.ts;
    }
  }

  private flushHostsEvery(): void {
    if (this.waiting >= EventStore.HOST_RUN_EVENTS) this.flushHosts();
  }

  /**
   * Writes one host_runs row per host noted since the last call, and that every event up to the
   * newest seq has its run (call inside a transaction).
   */
  flushHosts(): void {
    for (const [host, h] of this.hosts) {
      const min = h.seqs[0];
      const blob = Buffer.allocUnsafe(4 * h.seqs.length);
      for (let i = 0; i < h.seqs.length; i++) blob.writeUInt32LE(h.seqs[i] - min, 4 * i);
      this.st.insertRun.run(host, h.tmin, h.tmax, min, h.seqs[h.seqs.length - 1], blob);
    }
    this.hosts.clear();
    this.waiting = 0;
    this.st.setRunsUpto.run(this.maxSeq());
  }

  /** Host runs are waiting to be written. */
  get hostsWaiting(): boolean {
    return this.waiting > 0;
  }

  maxSeq(): number {
    return (this.st.maxSeq.get() as { m: number | null }).m ?? 0;
  }

  minSeq(): number {
    return (this.st.minSeq.get() as { m: number | null }).m ?? 0;
  }

  count(): number {
    return (this.st.count.get() as { n: number }).n;
  }

  /** Events with seq in (after, upto], in ingest order, at most `limit`. */
  range(after: number, upto: number, limit: number): EventRow[] {
    return (this.st.after.all(after, upto, limit) as RawRow[]).map((r) => this.row(r));
  }

  get(seq: number): EventRow | undefined {
    const r = this.st.bySeq.get(seq) as RawRow | undefined;
    return r && this.row(r);
  }

  byId(id: string, index: string): EventRow | undefined {
    const idx = this.indexIds.get(index);
    if (idx === undefined) return undefined;
    const r = this.st.byId.get(id, idx) as RawRow | undefined;
    return r && this.row(r);
  }

  /** Arrival time of the first event at or after `seq`. */
  arrivalAt(seq: number): number | undefined {
    return (this.st.atOf.get(seq) as { at: number } | undefined)?.at;
  }

  /** The first seq whose arrival is at or after `ms` (binary search: arrival grows with seq). */
  firstSeqArrivedSince(ms: number): number {
    let lo = this.minSeq();
    let hi = this.maxSeq() + 1;
    if (lo === 0) return 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const at = this.arrivalAt(mid);
      if (at === undefined || at >= ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Events whose `field` lies in [from, to] — with `fallback`, also events without the field whose
   * `@timestamp` does (Kibana's timestamp_override fallback) — paged by (time, seq).
   */
  *timeRange(
    field: TimeField,
    from: number,
    to: number,
    options: { fallback?: boolean; pageSize?: number; host?: string; descending?: boolean } = {},
  ): Generator<EventRow[]> {
    const size = options.pageSize ?? 5000;
    if (options.host !== undefined) {
      yield* this.hostRange(field, from, to, { ...options, host: options.host, pageSize: size });
      return;
    }
    const order = options.descending ? 'DESC' : 'ASC';
    const cmp = options.descending ? '<' : '>';
    const run = function* (this: EventStore, col: TimeField, nullCol: TimeField | undefined): Generator<EventRow[]> {
      const extra = nullCol ? ` AND ${nullCol} IS NULL` : '';
      const stmt = this.db.prepare(
        `SELECT seq, id, idx, at, ts, ing, host, doc FROM events WHERE ${col} BETWEEN ? AND ?${extra}` +
          ` AND (${col} ${cmp} ? OR (${col} = ? AND seq ${cmp} ?)) ORDER BY ${col} ${order}, seq ${order} LIMIT ?`,
      );
      let lastT = options.descending ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
      let lastSeq = options.descending ? Number.MAX_SAFE_INTEGER : -1;
      for (;;) {
        const rows = stmt.all(from, to, lastT, lastT, lastSeq, size) as RawRow[];
        if (rows.length === 0) return;
        const last = rows[rows.length - 1];
        lastT = last[col] as number;
        lastSeq = last.seq;
        yield rows.map((r) => this.row(r));
        if (rows.length < size) return;
      }
    };
    yield* run.call(this, field, undefined);
    if (options.fallback && field !== 'ts') yield* run.call(this, 'ts', field);
  }

  /** `timeRange` for one host: its seqs from host_runs, then the events' keys, ordered here. */
  private *hostRange(
    field: TimeField,
    from: number,
    to: number,
    o: { fallback?: boolean; pageSize: number; host: string; descending?: boolean },
  ): Generator<EventRow[]> {
    const runs = (field === 'ts' ? this.st.runsInTime.all(o.host, from, to) : this.st.runsAll.all(o.host)) as Array<{
      minseq: number;
      seqs: Buffer;
    }>;
    const seqs: number[] = [];
    for (const r of runs) for (let i = 0; i < r.seqs.length; i += 4) seqs.push(r.minseq + r.seqs.readUInt32LE(i));
    const waiting = this.hosts.get(o.host);
    if (waiting) for (const seq of waiting.seqs) seqs.push(seq);
    const primary: Array<{ seq: number; t: number }> = [];
    const fallback: Array<{ seq: number; t: number }> = [];
    const seen = new Set<number>();
    for (let i = 0; i < seqs.length; i += 1000) {
      const chunk = seqs.slice(i, i + 1000);
      const keys = this.st.keysOf.all(JSON.stringify(chunk)) as Array<Pick<RawRow, 'seq' | 'ts' | 'ing' | 'host'>>;
      for (const k of keys) {
        // A run can name a seq twice (an overwrite in the same commit) or an event whose host changed.
        if (k.host !== o.host || seen.has(k.seq)) continue;
        seen.add(k.seq);
        const v = k[field];
        if (v !== null && v >= from && v <= to) primary.push({ seq: k.seq, t: v });
        else if (o.fallback && field !== 'ts' && v === null && k.ts !== null && k.ts >= from && k.ts <= to)
          fallback.push({ seq: k.seq, t: k.ts });
      }
    }
    const dir = o.descending ? -1 : 1;
    const order = (a: { seq: number; t: number }, b: { seq: number; t: number }) => dir * (a.t - b.t || a.seq - b.seq);
    const all = [...primary.sort(order), ...fallback.sort(order)];
    for (let i = 0; i < all.length; i += o.pageSize) {
      const page = all.slice(i, i + o.pageSize);
      const rows = new Map<number, RawRow>();
      for (const r of this.st.rowsOf.all(JSON.stringify(page.map((x) => x.seq))) as RawRow[]) rows.set(r.seq, r);
      const out: EventRow[] = [];
      for (const x of page) {
        const r = rows.get(x.seq);
        if (r) out.push(this.row(r));
      }
      if (out.length) yield out;
    }
  }

  /** Every event with seq > after, paged (for queries on fields without an index). */
  *all(after = 0, pageSize = 5000): Generator<EventRow[]> {
    let cursor = after;
    const upto = this.maxSeq();
    for (;;) {
      const rows = this.range(cursor, upto, pageSize);
      if (rows.length === 0) return;
      cursor = rows[rows.length - 1].seq;
      yield rows;
    }
  }

  /** Deletes events with seq < `seq`; returns how many. */
  deleteBefore(seq: number): number {
    this.db.prepare('DELETE FROM host_runs WHERE maxseq < ?').run(seq);
    return this.db.prepare('DELETE FROM events WHERE seq < ?').run(seq).changes;
  }

  private row(r: RawRow): EventRow {
    return {
      seq: r.seq,
      id: r.id,
      index: this.indexName(r.idx),
      at: r.at,
      ts: r.ts,
      ing: r.ing,
      host: r.host,
      text: r.doc,
    };
  }
}
