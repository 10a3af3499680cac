/**
 * Ingest bookkeeping: positions of followed files (so a restart resumes where the last committed
 * batch ended) and counters that survive restarts.
 */
import type { Db } from './db.js';

export interface SourcePosition {
  dev: number | null;
  ino: number | null;
  offset: number;
}

export class Bookkeeping {
  private readonly st;

  constructor(db: Db) {
    this.st = {
      getSource: db.prepare('SELECT dev, ino, offset FROM sources WHERE name = ?'),
      setSource: db.prepare(
        'INSERT INTO sources (name, dev, ino, offset, updated) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, offset = excluded.offset, updated = excluded.updated',
      ),
      getCounter: db.prepare('SELECT value FROM counters WHERE name = ?'),
      addCounter: db.prepare(
        'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
      ),
    };
  }

  source(name: string): SourcePosition | undefined {
    return this.st.getSource.get(name) as SourcePosition | undefined;
  }

  setSource(name: string, pos: SourcePosition): void {
    this.st.setSource.run(name, pos.dev, pos.ino, pos.offset, Date.now());
  }

  counter(name: string): number {
    return (this.st.getCounter.get(name) as { value: number } | undefined)?.value ?? 0;
  }

  add(name: string, n: number): void {
    if (n !== 0) this.st.addCounter.run(name, n);
  }
}
