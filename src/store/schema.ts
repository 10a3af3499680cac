/**
 * The SQLite schema of `eqlite serve`'s store. One file (`<data>/eqlite.db`, WAL) holds events,
 * alerts, notes, rule state and ingest bookkeeping. Versioned through `meta.schema_version`;
 * a store written by a newer eqlite is refused rather than misread.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Index names, so events carry a small integer instead of the name.
CREATE TABLE IF NOT EXISTS indices (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

-- Events as acknowledged to shippers. seq is the ingest order (detection cursors point into it).
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,          -- the Elasticsearch _id (given, or derived from the content)
  idx INTEGER NOT NULL,      -- indices.id
  version INTEGER NOT NULL DEFAULT 1,
  at INTEGER NOT NULL,       -- arrival (ms, server clock)
  ts INTEGER,                -- @timestamp (ms)
  ing INTEGER,               -- event.ingested (ms)
  host TEXT,                 -- host.name / hostname / id, for timelines and process trees (host_runs)
  doc TEXT NOT NULL          -- the document (JSON)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (id, idx);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_ing ON events (ing);
-- The host index: per host and flush (every 4096 events, EventStore.flushHosts), the seqs of that
-- host's events (under ingest a per-event (host, ts) index cost 3.5 µs an event and a fifth of the
-- WAL, its inserts scattered over every host's pages). seqs: little-endian uint32 offsets from minseq.
-- tmin/tmax: the events' @timestamp span (ms). Rows may name seqs deleted or overwritten since:
-- readers check the event's own host.
CREATE TABLE IF NOT EXISTS host_runs (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  tmin INTEGER,
  tmax INTEGER,
  minseq INTEGER NOT NULL,
  maxseq INTEGER NOT NULL,
  seqs BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS host_runs_host ON host_runs (host, tmax);
CREATE INDEX IF NOT EXISTS host_runs_maxseq ON host_runs (maxseq);

-- Kibana alert documents; the primary key is kibana.alert.uuid, so writing one twice is a no-op.
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  created INTEGER NOT NULL,      -- the alert's @timestamp (ms)
  original INTEGER,              -- kibana.alert.original_time (ms)
  severity TEXT NOT NULL,
  sev_rank INTEGER NOT NULL,
  risk REAL NOT NULL,
  rule_name TEXT NOT NULL,
  host TEXT,
  user TEXT,
  reason TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  tags TEXT NOT NULL DEFAULT '[]',
  assignee TEXT,
  building_block INTEGER NOT NULL DEFAULT 0,
  group_id TEXT,
  event_seq INTEGER,             -- the source event (single-event alerts and blocks)
  updated INTEGER,
  rf TEXT,                       -- alert_rule_fields.hash: the rule's fields, stored once
  doc TEXT NOT NULL              -- the alert document without those fields
);
-- The fields every alert of a rule version repeats (parameters, note, threat: ~30 KB for a
-- prebuilt rule), kept once and put back into the document when it is read.
CREATE TABLE IF NOT EXISTS alert_rule_fields (hash TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_created ON alerts (created);
CREATE INDEX IF NOT EXISTS alerts_original ON alerts (original);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, status);
CREATE INDEX IF NOT EXISTS alerts_group ON alerts (group_id);

CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_alert ON notes (alert_id);

-- Per rule: what the user chose and where detection stands.
CREATE TABLE IF NOT EXISTS rule_state (
  rule_id TEXT PRIMARY KEY,
  enabled INTEGER,               -- null: the rule file's own setting
  mode TEXT,                     -- null: chosen automatically
  cursor INTEGER,                -- continuous: last event seq evaluated
  watermark INTEGER,             -- continuous sequences: event time (ms) fully released
  last_run_at INTEGER,           -- scheduled: startedAt of the last completed run
  last_duration_ms INTEGER,
  last_status TEXT,
  last_message TEXT,
  last_gap_ms INTEGER,
  errors INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_error_at INTEGER
);

-- Ingest bookkeeping: followed files' positions, counters that survive restarts.
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  dev INTEGER, ino INTEGER,
  offset INTEGER NOT NULL DEFAULT 0,
  updated INTEGER
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;
