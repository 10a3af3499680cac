/**
 * Opening the store's SQLite database: WAL (readers never block the writer), the durability
 * level, and the schema. `synchronous=FULL` (default) fsyncs the WAL at every commit, so an
 * acknowledged bulk survives a power cut; `NORMAL` survives a process kill but not a power cut.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HOST_RUNS_UPTO, SET_HOST_RUNS_UPTO } from './events.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;
export type SyncMode = 'full' | 'normal';

export interface OpenOptions {
  sync?: SyncMode;
  /** Page cache in MiB. Default 256. */
  cacheMiB?: number;
  readonly?: boolean;
}

export function dbPath(dir: string): string {
  return join(resolve(dir), 'eqlite.db');
}

export function openDb(dir: string, options: OpenOptions = {}): Db {
  mkdirSync(dir, { recursive: true });
  const db = new Database(dbPath(dir), { readonly: options.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma(`cache_size = ${-1024 * (options.cacheMiB ?? 256)}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  // Checkpoints are run by the store on a timer (see Store.maintain), not on the commit path.
  db.pragma('wal_autocheckpoint = 0');
  if (!options.readonly) {
    db.exec(SCHEMA);
    // Stores made before alerts had their rule fields apart.
    const cols = db.prepare('PRAGMA table_info(alerts)').all() as Array<{ name: string }>;
    if (!cols.some((c) => c.name === 'rf')) db.exec('ALTER TABLE alerts ADD COLUMN rf TEXT');
    // Host runs of the events committed after the last flush (EventStore.flushHosts) that a crash
    // kept from being written; in stores made with the per-event host index, of every event
    // (its entries become runs of one event, then it goes).
    const oldIndex = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'events_host'").get();
    db.transaction(() => {
      const upto = oldIndex
        ? undefined
        : (db.prepare('SELECT value FROM counters WHERE name = ?').get(HOST_RUNS_UPTO) as
            { value: number } | undefined);
      const from =
        upto?.value ?? (db.prepare('SELECT coalesce(max(maxseq), 0) AS m FROM host_runs').get() as { m: number }).m;
      const last = (db.prepare('SELECT coalesce(max(seq), 0) AS m FROM events').get() as { m: number }).m;
      if (last > from)
        db.prepare(
          `INSERT INTO host_runs (host, tmin, tmax, minseq, maxseq, seqs)
           SELECT host, ts, ts, seq, seq, zeroblob(4) FROM events WHERE host IS NOT NULL AND seq > ? ORDER BY seq`,
        ).run(from);
      if (last !== upto?.value) db.prepare(SET_HOST_RUNS_UPTO).run(last);
      if (oldIndex) db.exec('DROP INDEX events_host');
    })();
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      { value: string } | undefined;
    if (!row) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created_at', ?)").run(
        String(SCHEMA_VERSION),
        new Date().toISOString(),
      );
    } else if (Number(row.value) > SCHEMA_VERSION) {
      db.close();
      throw new Error(`the store in ${dir} was written by a newer eqlite (schema ${row.value} > ${SCHEMA_VERSION})`);
    }
  }
  return db;
}
