/**
 * The store of `eqlite serve`: one SQLite database (better-sqlite3, WAL) under `--data DIR`.
 *
 *   const store = Store.open('.eqlite-data');
 *   store.tx(() => { store.events.insert(e); store.alerts.insert(alertDoc, seq); });  // one commit
 *   store.maintain({ maxAgeMs, maxBytes });   // retention and WAL checkpoint, run periodically
 *
 * Everything written inside one `tx` is committed together (and fsynced with `sync: 'full'`), so
 * an event and the alerts computed from it, or a rule run's alerts and its new state, are never
 * half there after a crash.
 */
import { closeSync, fdatasync, openSync, statSync } from 'node:fs';
import { AlertStore } from './alerts.js';
import { Bookkeeping } from './bookkeeping.js';
import { dbPath, openDb, type Db, type OpenOptions, type SyncMode } from './db.js';
import { EventStore } from './events.js';
import { RuleStateStore } from './rule-state.js';

export { AlertStore, WORKFLOW_STATUSES, docField, hostOf, userOf } from './alerts.js';
export type { AlertQuery, AlertSummary, Note, StoredAlert, WorkflowStatus } from './alerts.js';
export { EventStore, type EventRow, type InsertOutcome, type NewEvent, type TimeField } from './events.js';
export { RuleStateStore, type RuleState, type RuleStatePatch } from './rule-state.js';
export { Bookkeeping, type SourcePosition } from './bookkeeping.js';
export type { OpenOptions, SyncMode } from './db.js';

export interface RetentionOptions {
  /** Delete events that arrived longer ago than this. */
  maxAgeMs?: number;
  /** Delete the oldest events while the database uses more than this many bytes. */
  maxBytes?: number;
  now?: number;
}

export interface MaintenanceResult {
  deletedByAge: number;
  deletedBySize: number;
}

export class Store {
  readonly events: EventStore;
  readonly alerts: AlertStore;
  readonly rules: RuleStateStore;
  readonly books: Bookkeeping;

  /** The WAL file, opened for `fdatasync` by `txSynced` (sync full). */
  private walFd: number | undefined;
  /** The fdatasync in flight, and the one queued behind it (shared by every commit meanwhile). */
  private syncing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(
    readonly db: Db,
    readonly dir: string,
    readonly sync: SyncMode = 'full',
  ) {
    this.events = new EventStore(db);
    this.alerts = new AlertStore(db);
    this.rules = new RuleStateStore(db);
    this.books = new Bookkeeping(db);
  }

  static open(dir: string, options: OpenOptions = {}): Store {
    return new Store(openDb(dir, options), dir, options.sync ?? 'full');
  }

  get path(): string {
    return dbPath(this.dir);
  }

  /** A persistent setting: its value, or `init()` stored on first use. */
  meta(key: string, init: () => string): string {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    if (row) return row.value;
    const value = init();
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(key, value);
    return value;
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  /**
   * Like `tx`, but with `sync: 'full'` the commit does not fsync on this thread: the promise
   * resolves once an `fdatasync` of the WAL, started after the commit on libuv's thread pool,
   * has finished. Acknowledge only then. The thread meanwhile serves other requests, and commits
   * that land while one fdatasync runs share the next one (group commit). The commit itself runs
   * with `synchronous=NORMAL`, which SQLite keeps consistent after a power cut (it may only lose
   * the newest commits: exactly those not yet acknowledged).
   */
  txSynced<T>(fn: () => T): { result: T; synced: Promise<void> } {
    if (this.sync !== 'full' || this.db.inTransaction) return { result: this.tx(fn), synced: Promise.resolve() };
    this.db.pragma('synchronous = NORMAL');
    let result: T;
    try {
      result = this.db.transaction(fn)();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    return { result, synced: this.walSynced() };
  }

  /** Resolves when everything committed before the call is on disk. */
  private walSynced(): Promise<void> {
    // An fdatasync already running may have started before this commit: wait for the next one.
    if (this.syncing)
      return (this.queued ??= this.syncing.then(
        () => this.startSync(),
        () => this.startSync(),
      ));
    return this.startSync();
  }

  private startSync(): Promise<void> {
    this.queued = undefined;
    this.walFd ??= openSync(`${this.path}-wal`, 'r+');
    const fd = this.walFd;
    const p = new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    this.syncing = p;
    const clear = () => {
      if (this.syncing === p) this.syncing = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  /** Bytes in use by the database (pages not on the free list), plus the WAL. */
  bytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    let wal = 0;
    try {
      wal = statSync(`${this.path}-wal`).size;
    } catch {
      // No WAL file yet.
    }
    return (pages - free) * pageSize + wal;
  }

  /** Retention by age and size, then a WAL checkpoint. */
  maintain(options: RetentionOptions = {}): MaintenanceResult {
    const now = options.now ?? Date.now();
    let deletedByAge = 0;
    let deletedBySize = 0;
    if (options.maxAgeMs !== undefined) {
      const first = this.events.firstSeqArrivedSince(now - options.maxAgeMs);
      deletedByAge = this.tx(() => this.deleteEventsBefore(first));
    }
    this.checkpoint();
    if (options.maxBytes !== undefined) {
      // Delete the oldest tenth of the events at a time until the database fits.
      for (let i = 0; i < 20 && this.bytes() > options.maxBytes; i++) {
        const min = this.events.minSeq();
        const max = this.events.maxSeq();
        if (min === 0) break;
        const cut = min + Math.max(1, Math.ceil((max - min + 1) / 10));
        deletedBySize += this.tx(() => this.deleteEventsBefore(cut));
        this.checkpoint();
      }
    }
    return { deletedByAge, deletedBySize };
  }

  private deleteEventsBefore(seq: number): number {
    const n = this.events.deleteBefore(seq);
    this.books.add('events_stored', -n);
    return n;
  }

  /** Events in the store (kept as a counter: count(*) walks a whole index). */
  eventCount(): number {
    return this.books.counter('events_stored');
  }

  /** Copies the WAL into the database; TRUNCATE also resets the WAL file (at close). */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' = 'PASSIVE'): void {
    this.db.pragma(`wal_checkpoint(${mode})`);
  }

  close(): void {
    if (this.walFd !== undefined) {
      closeSync(this.walFd);
      this.walFd = undefined;
    }
    if (this.db.open) {
      if (this.events.hostsWaiting && !this.db.inTransaction) this.tx(() => this.events.flushHosts());
      try {
        this.checkpoint('TRUNCATE');
      } catch {
        // Another connection may hold a read lock; the WAL is replayed on the next open.
      }
      this.db.close();
    }
  }
}
