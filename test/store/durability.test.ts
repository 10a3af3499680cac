/**
 * Durable commits without blocking the thread: `txSynced` (group fdatasync of the WAL after the
 * commit) and the checkpointer's write gate around WAL restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../src/store/checkpointer.js';
import { Store } from '../../src/store/index.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function open(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-durable-'));
  const store = Store.open(dir, { sync: 'full' });
  cleanup.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

function insert(store: Store, i: number): void {
  store.events.insert({
    id: `id-${i}`,
    index: 'logs-a-default',
    op: 'create',
    autoId: true,
    at: i,
    ts: i,
    ing: i,
    host: 'h',
    text: JSON.stringify({ n: i, pad: 'x'.repeat(2000) }),
  });
}

describe('txSynced', () => {
  it('commits at once, resolves after the fdatasync, and leaves the connection at synchronous=FULL', async () => {
    const store = open();
    const a = store.txSynced(() => {
      insert(store, 1);
      return 'a';
    });
    // Committed before the promise settles: another statement already sees the row.
    expect(a.result).toBe('a');
    expect(store.events.count()).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    // Commits while an fdatasync runs share the next one; every promise resolves.
    const more = Array.from({ length: 5 }, (_, k) => store.txSynced(() => insert(store, 2 + k)).synced);
    await Promise.all([a.synced, ...more]);
    expect(store.events.count()).toBe(6);
  });

  it('a failed transaction rolls back and still restores synchronous=FULL', () => {
    const store = open();
    expect(() =>
      store.txSynced(() => {
        insert(store, 1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.events.count()).toBe(0);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe('checkpointer write gate', () => {
  it('holds writes while the WAL restarts, then the WAL is written from its start again', async () => {
    const store = open();
    for (let i = 0; i < 200; i++) store.tx(() => insert(store, i));
    const walFrames = () => (store.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0].log;
    expect(walFrames()).toBeGreaterThan(50);
    const errors: string[] = [];
    const ckpt = new Checkpointer(store.path, 10, (m) => errors.push(m), 64 * 1024);
    cleanup.push(() => ckpt.stop());
    // The gate is held from the checkpointer's request (seen right after its handler) until its RESTART is done.
    let held = false;
    const worker = (ckpt as unknown as { worker: import('node:worker_threads').Worker }).worker;
    worker.on('message', (m: { pause?: true }) => {
      if (m.pause) held = ckpt.gate !== undefined;
    });
    const until = Date.now() + 5000;
    while (ckpt.restarts === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(ckpt.restarts).toBeGreaterThan(0);
    expect(held).toBe(true);
    expect(ckpt.gate).toBeUndefined();
    // The first commit after the restart writes at the WAL's beginning: it holds a few frames only.
    store.tx(() => insert(store, 1000));
    expect(walFrames()).toBeLessThan(10);
    // The WAL file keeps its size, but holds little now: no further restart holds ingest.
    const restarts = ckpt.restarts;
    await new Promise((r) => setTimeout(r, 100));
    expect(ckpt.restarts).toBe(restarts);
    expect(errors).toEqual([]);
  });
});
