/**
 * WAL checkpoints on their own thread and connection. Copying the WAL into the database costs
 * as much as writing it; done on the ingest thread it took a seventh of its time. A PASSIVE
 * checkpoint never blocks the writer, but under continuous ingest it never catches up with it,
 * and SQLite only restarts the WAL from its beginning after a checkpoint that did: the WAL would
 * grow without end (and every read with it). So once the WAL passes `maxWalBytes`, a RESTART
 * checkpoint waits for the writer's current transaction, copies the rest (ingest pauses for that
 * long) and lets the next transaction write the WAL from its start.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 10000');
const walSize = () => { try { return statSync(workerData.path + '-wal').size; } catch { return 0; } };
const timer = setInterval(() => {
  try {
    db.pragma(walSize() > workerData.maxWalBytes ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(PASSIVE)');
  } catch (e) { parentPort.postMessage(String(e && e.message)); }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(path: string, everyMs: number, onError: (message: string) => void, maxWalBytes = 64 << 20) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(CODE, { eval: true, workerData: { module, path, everyMs, maxWalBytes } });
    this.worker.on('message', (m: string) => onError(m));
    this.worker.on('error', (e) => onError(e.message));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.worker.terminate();
  }
}
