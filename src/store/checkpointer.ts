/**
 * WAL checkpoints on their own thread and connection. Copying the WAL into the database costs
 * as much as writing it; done on the ingest thread it took a seventh of its time. A PASSIVE
 * checkpoint never blocks the writer, but under continuous ingest it never catches up with it,
 * and SQLite only restarts the WAL from its beginning after a checkpoint that did: the WAL would
 * grow without end (and every read with it). So once the WAL holds more than `maxWalBytes` of
 * frames (counted in frames: SQLite writes a restarted WAL over the old file without shrinking
 * it, so after the first restart the file's size said "full" at every tick and held ingest for a
 * RESTART every 250 ms, 60-110 ms each, about a third of the time under sustained ingest), the thread
 * asks the ingest thread to hold its writes (`gate`): ingest then awaits instead of starting a
 * transaction, the RESTART checkpoint copies what the PASSIVE ones left (little) without waiting
 * for a writer, and the next transaction writes the WAL from its start. Before the gate, the
 * writer met the RESTART inside SQLite's busy handler, sleeping on the event loop's thread, and
 * under load waited past its busy timeout (`database is locked`, a failed bulk).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
try { writeFileSync('/proc/thread-self/comm', 'eqlite-ckpt'); } catch {}
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 10000');
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
let paused = false;
// The WAL's frame count when the last RESTART ended: until a writer starts the WAL over, the
// count stays there, and another RESTART would have nothing to do.
let restartedAt = -1;
const timer = setInterval(() => {
  if (paused) return;
  try {
    const { log } = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (log !== restartedAt && log * frameBytes > workerData.maxWalBytes) {
      paused = true;
      parentPort.postMessage({ pause: true });
    }
  } catch (e) { parentPort.postMessage({ error: String(e && e.message) }); }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'go') {
    try { restartedAt = db.pragma('wal_checkpoint(RESTART)')[0].log; } catch (e) { parentPort.postMessage({ error: String(e && e.message) }); }
    paused = false;
    parentPort.postMessage({ resume: true });
    return;
  }
  clearInterval(timer); db.close(); parentPort.close();
});
`;

interface CheckpointMessage {
  pause?: true;
  resume?: true;
  error?: string;
}

export class Checkpointer {
  private readonly worker: Worker;
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** RESTART checkpoints done (writes were held for each). */
  restarts = 0;

  constructor(path: string, everyMs: number, onError: (message: string) => void, maxWalBytes = 64 << 20) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(CODE, { eval: true, workerData: { module, path, everyMs, maxWalBytes } });
    this.worker.on('message', (m: CheckpointMessage) => {
      if (m.error !== undefined) onError(m.error);
      if (m.pause) {
        // This runs between two of this thread's transactions: none is open now.
        this.held ??= new Promise<void>((r) => (this.release = r));
        this.worker.postMessage('go');
      }
      if (m.resume) {
        this.restarts++;
        this.open();
      }
    });
    this.worker.on('error', (e) => {
      this.open();
      onError(e.message);
    });
    this.worker.on('exit', () => this.open());
    this.worker.unref();
  }

  /** While a RESTART checkpoint runs: a promise to await before writing; otherwise undefined. */
  get gate(): Promise<void> | undefined {
    return this.held;
  }

  private open(): void {
    this.release?.();
    this.held = undefined;
    this.release = undefined;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
    this.open();
  }
}
