/** The prepare workers: the same answers as the main thread, and a dead worker never stalls ingest. */
import { afterEach, describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../src/server/detect/engine.js';
import { Ingestor } from '../../src/server/ingest/ingestor.js';
import { PreparePool } from '../../src/server/ingest/pool.js';
import { Store } from '../../src/store/index.js';
import { SYSMON_INDEX, processEvent, tempDir } from './helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function setup(pool: PreparePool | undefined, now = () => Date.parse('2026-02-02T10:00:00Z')) {
  const t = tempDir();
  const store = Store.open(t.dir, { sync: 'normal' });
  const engine = new DetectionEngine(store, { paths: [] });
  engine.rules.load();
  engine.continuous.refresh(engine.rules.enabled('continuous'));
  const ingestor = new Ingestor(store, engine.continuous, { pool, now });
  cleanup.push(() => {
    store.close();
    t.remove();
  });
  return { store, ingestor };
}

const items = () =>
  Array.from({ length: 120 }, (_, i) => ({
    op: 'create' as const,
    index: SYSMON_INDEX,
    text:
      i === 5
        ? '{"nope'
        : JSON.stringify(processEvent(i, { matching: i % 10 === 0, time: new Date(Date.UTC(2026, 1, 2, 9, 0, i)) })),
  }));

describe('prepare pool', () => {
  it('gives the answers the main thread gives: ids, stored text, alerts', async () => {
    const pool = new PreparePool(1);
    cleanup.push(() => pool.close());
    const batch = items();
    const a = setup(pool);
    const b = setup(undefined);
    const pooled = await a.ingestor.ingestAsync(batch);
    const inline = b.ingestor.ingest(batch);
    expect(pooled).toEqual(inline);
    expect(a.store.alerts.allIds()).toEqual(b.store.alerts.allIds());
    expect(a.store.alerts.count()).toBe(12);
    const ok = pooled.find((o) => o.ok);
    if (!ok || !ok.ok) throw new Error('no stored item');
    expect(a.store.events.byId(ok.id, SYSMON_INDEX)?.text).toBe(b.store.events.byId(ok.id, SYSMON_INDEX)?.text);
  });

  it('a bulk of several chunks (one transaction each) gives the answers of one transaction', async () => {
    const n = Ingestor.CHUNK * 2 + 500;
    // Every 300th document from the second chunk on repeats an earlier one: the same derived id, stored once.
    const k = (i: number) => (i % 300 === 299 && i > 1200 ? i - 1200 : i);
    const batch: Array<{ op: 'create' | 'index'; index: string; id?: string; text: string }> = Array.from(
      { length: n },
      (_, i) => ({
        op: i % 7 === 0 ? ('index' as const) : ('create' as const),
        index: SYSMON_INDEX,
        // Explicit ids repeat across chunks: conflicts (create) and overwrites (index).
        id: i % 5 === 0 ? `x-${i % 1500}` : undefined,
        text:
          i % 401 === 0
            ? '{"nope'
            : JSON.stringify(
                processEvent(k(i), { matching: k(i) % 10 === 0, time: new Date(Date.UTC(2026, 1, 2, 9, 0, 0, k(i))) }),
              ),
      }),
    );
    const dups = batch.filter((x, i) => x.id === undefined && k(i) !== i && batch[k(i)].id === undefined).length;
    expect(dups).toBeGreaterThan(2);
    for (const workers of [1, 2]) {
      const pool = new PreparePool(workers);
      cleanup.push(() => pool.close());
      const a = setup(pool);
      const b = setup(undefined);
      const pooled = await a.ingestor.ingestAsync(batch);
      const inline = b.ingestor.ingest(batch);
      expect(pooled).toEqual(inline);
      expect(pooled.some((o) => !o.ok && o.status === 409)).toBe(true);
      expect(pooled.some((o) => o.ok && o.result === 'updated')).toBe(true);
      expect(a.store.alerts.allIds()).toEqual(b.store.alerts.allIds());
      expect(a.store.eventCount()).toBe(b.store.eventCount());
      expect(a.store.eventCount()).toBeLessThan(n - dups);
      const texts = (s: Store) => [...s.events.all()].flat().map((r) => `${r.id} ${r.text}`);
      expect(texts(a.store)).toEqual(texts(b.store));
      expect(a.ingestor.stats).toEqual(b.ingestor.stats);
    }
  });

  it('arrival times grow with seq, also when a small bulk is written while a pooled one is prepared', async () => {
    const pool = new PreparePool(1);
    cleanup.push(() => pool.close());
    let clock = Date.parse('2026-02-02T10:00:00Z');
    const a = setup(pool, () => (clock += 7));
    const bulk = (b: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        op: 'create' as const,
        index: SYSMON_INDEX,
        text: JSON.stringify(processEvent(b * 10_000 + i, { host: `h-${b}` })),
      }));
    // The pooled bulk takes its time first, then waits for the worker; the small one (written on
    // the main thread at once) arrives later but is stored first.
    const big = a.ingestor.ingestAsync(bulk(1, Ingestor.CHUNK * 2));
    const small = a.ingestor.ingest(bulk(2, 10));
    expect((await big).concat(small).every((o) => o.ok)).toBe(true);
    const rows = [...a.store.events.all()].flat();
    expect(rows.map((r) => r.host)).toEqual([...Array(10).fill('h-2'), ...Array(Ingestor.CHUNK * 2).fill('h-1')]);
    for (let i = 1; i < rows.length; i++) expect(rows[i].at).toBeGreaterThanOrEqual(rows[i - 1].at);
  });

  it('after a worker dies, documents are prepared on the main thread', async () => {
    const pool = new PreparePool(1);
    cleanup.push(() => pool.close());
    const a = setup(pool);
    await (pool as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers[0].terminate();
    for (let i = 0; i < 50 && !pool.broken; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pool.broken).toBe(true);
    const out = await a.ingestor.ingestAsync(items());
    expect(out.filter((o) => o.ok)).toHaveLength(119);
  });
});
