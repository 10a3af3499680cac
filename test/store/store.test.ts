/** The store on its own: idempotent events and alerts, retention by age and size, persistence across reopen. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore, Store, type NewEvent } from '../../src/store/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function open(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eqlite-store-'));
  dirs.push(dir);
  return { store: Store.open(dir, { sync: 'normal' }), dir };
}

function ev(i: number, at: number, extra: Partial<NewEvent> = {}): NewEvent {
  const text = JSON.stringify({ '@timestamp': new Date(at).toISOString(), n: i, pad: 'x'.repeat(500) });
  return {
    id: `id-${i}`,
    index: 'logs-a-default',
    op: 'create',
    autoId: true,
    at,
    ts: at,
    ing: at,
    host: `h${i % 3}`,
    text,
    ...extra,
  };
}

function alert(id: string, original: string): Record<string, unknown> {
  return {
    '@timestamp': '2026-01-01T00:00:00.000Z',
    'kibana.alert.uuid': id,
    'kibana.alert.rule.rule_id': 'r1',
    'kibana.alert.rule.name': 'Rule one',
    'kibana.alert.severity': 'medium',
    'kibana.alert.risk_score': 47,
    'kibana.alert.reason': 'a reason',
    'kibana.alert.original_time': original,
    'kibana.alert.workflow_status': 'open',
    host: { name: 'h1' },
  };
}

describe('Store', () => {
  it('events: auto ids dedupe, explicit ids follow index/create semantics', () => {
    const { store } = open();
    store.tx(() => {
      expect(store.events.insert(ev(1, 1000)).result).toBe('created');
      expect(store.events.insert(ev(1, 1000)).result).toBe('duplicate');
      expect(store.events.insert(ev(2, 1000, { autoId: false, op: 'create' })).result).toBe('created');
      expect(store.events.insert(ev(2, 1000, { autoId: false, op: 'create' })).result).toBe('conflict');
      const u = store.events.insert(ev(2, 1000, { autoId: false, op: 'index' }));
      expect(u).toMatchObject({ result: 'updated', version: 2 });
      // The same id in another index is another document.
      expect(store.events.insert(ev(2, 1000, { autoId: false, index: 'logs-b-default' })).result).toBe('created');
    });
    expect(store.events.count()).toBe(3);
    store.close();
  });

  it('alerts: the Kibana id is the key, so a second write changes nothing; workflow survives reopen', () => {
    const { store, dir } = open();
    store.tx(() => {
      expect(store.alerts.insert(alert('a1', '2026-01-01T00:00:00Z'), null)).toBe(true);
      expect(
        store.alerts.insert({ ...alert('a1', '2026-01-01T00:00:00Z'), 'kibana.alert.reason': 'changed' }, null),
      ).toBe(false);
    });
    store.alerts.update('a1', { workflow_status: 'closed', tags: ['fp'], assignee: 'bo' });
    store.alerts.addNote('a1', 'benign');
    store.close();
    const again = Store.open(dir);
    const a = again.alerts.get('a1');
    expect(a?.summary).toMatchObject({ reason: 'a reason', workflow_status: 'closed', tags: ['fp'], assignee: 'bo' });
    expect(a?.doc['kibana.alert.workflow_status']).toBe('closed');
    expect(again.alerts.notes('a1').map((n) => n.text)).toEqual(['benign']);
    again.close();
  });

  it('retention by age deletes events that arrived before the cut-off, and keeps alerts', () => {
    const { store } = open();
    const now = 10_000_000;
    store.tx(() => {
      for (let i = 0; i < 100; i++) store.events.insert(ev(i, now - (100 - i) * 1000));
      store.books.add('events_stored', 100);
      store.alerts.insert(alert('a1', '2026-01-01T00:00:00Z'), 1);
    });
    const r = store.maintain({ maxAgeMs: 30_500, now });
    expect(r.deletedByAge).toBe(70);
    expect(store.events.count()).toBe(30);
    expect(store.eventCount()).toBe(30);
    expect(store.events.minSeq()).toBe(71);
    expect(store.alerts.count()).toBe(1);
    store.close();
  });

  it('retention by size deletes the oldest events until the store fits', () => {
    const { store } = open();
    store.tx(() => {
      for (let i = 0; i < 4000; i++) store.events.insert(ev(i, 1000 + i));
      store.books.add('events_stored', 4000);
    });
    store.checkpoint('TRUNCATE');
    const full = store.bytes();
    const r = store.maintain({ maxBytes: Math.floor(full / 2) });
    expect(r.deletedBySize).toBeGreaterThan(1000);
    expect(store.bytes()).toBeLessThanOrEqual(Math.floor(full / 2));
    // The newest events are the ones kept.
    expect(store.events.maxSeq()).toBe(4000);
    expect(store.events.get(4000)).toBeDefined();
    store.close();
  });

  it('time ranges page by (time, seq) and fall back to @timestamp when the primary field is missing', () => {
    const { store } = open();
    store.tx(() => {
      for (let i = 0; i < 25; i++) store.events.insert(ev(i, 1000 + i, { ing: i % 5 === 0 ? null : 5000 + i }));
    });
    const pages = [...store.events.timeRange('ing', 5000, 6000, { pageSize: 7 })];
    expect(pages.map((p) => p.length)).toEqual([7, 7, 6]);
    const withFallback = [...store.events.timeRange('ing', 5000, 6000, { fallback: true, pageSize: 7 })].flat();
    expect(withFallback).toHaveLength(20);
    const fallbackOnly = [...store.events.timeRange('ing', 0, 10, { fallback: true })].flat();
    expect(fallbackOnly).toHaveLength(0);
    const byTs = [...store.events.timeRange('ing', 0, 4000, { fallback: true })].flat();
    expect(byTs.map((r) => r.ts)).toEqual([1000, 1005, 1010, 1015, 1020]);
    const desc = [...store.events.timeRange('ts', 1000, 1024, { descending: true, pageSize: 10, host: 'h0' })].flat();
    expect(desc.map((r) => r.ts)).toEqual([1024, 1021, 1018, 1015, 1012, 1009, 1006, 1003, 1000]);
    store.close();
  });

  it('insertMany answers as insert one by one: multi-row chunks, and row by row where an _id exists', () => {
    const a = open().store;
    const b = open().store;
    // 100 new events (several chunks), then a resend of some (auto ids), explicit-id creates that
    // conflict, an overwrite, and a duplicate inside the same batch.
    const first = Array.from({ length: 100 }, (_, i) => ev(i, 1000 + i));
    const second = [
      ...Array.from({ length: 40 }, (_, i) => ev(200 + i, 2000 + i)),
      ev(5, 1005),
      ev(6, 1006, { autoId: false, op: 'create' }),
      ev(7, 3000, { autoId: false, op: 'index', text: '{"n":7,"v":2}' }),
      ev(300, 3001),
      ev(300, 3001),
    ];
    for (const batch of [first, second]) {
      const many = a.tx(() => a.events.insertMany(batch));
      const one = b.tx(() => batch.map((e) => b.events.insert(e)));
      expect(many).toEqual(one);
    }
    expect(a.events.count()).toBe(b.events.count());
    expect([...a.events.all()].flat()).toEqual([...b.events.all()].flat());
    a.close();
    b.close();
  });

  it('host queries (host_runs) answer as a filter over every event: order, pages, overwrites, retention, old stores', () => {
    const { store, dir } = open();
    const hosts = ['a', 'b', 'c'];
    const mk = (i: number, host: string | null, ts: number | null, extra: Partial<NewEvent> = {}) =>
      ev(i, 1000 + i, { host, ts, ing: i % 4 === 0 ? null : 5000 + i, ...extra });
    store.tx(() =>
      store.events.insertMany(Array.from({ length: 90 }, (_, i) => mk(i, hosts[i % 3], 1000 + ((i * 7) % 50)))),
    );
    store.tx(() => {
      for (let i = 90; i < 100; i++) store.events.insert(mk(i, i % 2 ? 'a' : null, i % 5 ? 1000 + i : null));
    });
    // An overwrite moves event x-1 from host b to host c.
    store.tx(() => store.events.insert(mk(1, 'c', 1010, { id: 'x-1', autoId: false, op: 'index' })));
    store.tx(() => store.events.insert(mk(1, 'b', 1011, { id: 'x-1', autoId: false, op: 'create' })));
    store.tx(() => store.events.insert(mk(2, 'c', 1012, { id: 'x-1', autoId: false, op: 'index' })));

    const every = () => [...store.events.all()].flat();
    const naive = (field: 'ts' | 'ing', from: number, to: number, host: string, desc: boolean, fallback: boolean) => {
      const key = (r: { seq: number; ts: number | null; ing: number | null }) => r[field];
      const inRange = (v: number | null) => v !== null && v >= from && v <= to;
      const sort = (a: { t: number; seq: number }, b: { t: number; seq: number }) =>
        (desc ? -1 : 1) * (a.t - b.t || a.seq - b.seq);
      const rows = every().filter((r) => r.host === host);
      const first = rows.filter((r) => inRange(key(r))).map((r) => ({ t: key(r) as number, seq: r.seq }));
      const second =
        fallback && field !== 'ts'
          ? rows.filter((r) => key(r) === null && inRange(r.ts)).map((r) => ({ t: r.ts as number, seq: r.seq }))
          : [];
      return [...first.sort(sort), ...second.sort(sort)].map((x) => x.seq);
    };
    const check = () => {
      for (const host of [...hosts, 'nobody'])
        for (const desc of [false, true])
          for (const [field, from, to, fallback] of [
            ['ts', 1000, 1030, false],
            ['ts', 0, 9999, false],
            ['ing', 5000, 5060, true],
            ['ing', 5000, 5060, false],
          ] as const) {
            const pages = [
              ...store.events.timeRange(field, from, to, { host, descending: desc, pageSize: 7, fallback }),
            ];
            expect(pages.every((p) => p.length <= 7)).toBe(true);
            expect(pages.flat().map((r) => r.seq)).toEqual(naive(field, from, to, host, desc, fallback));
          }
    };
    // Runs still waiting to be written (fewer events than a flush takes), then written.
    const runs = () => (store.db.prepare('SELECT count(*) AS n FROM host_runs').get() as { n: number }).n;
    expect(runs()).toBe(0);
    check();
    store.tx(() => store.events.flushHosts());
    expect(runs()).toBeGreaterThan(0);
    check();
    expect(naive('ts', 0, 9999, 'c', false, false).length).toBeGreaterThan(30);

    // Retention drops the runs of deleted events too.
    const before = runs();
    store.tx(() => store.events.deleteBefore(95));
    expect(runs()).toBeLessThan(before);
    expect([...store.events.timeRange('ts', 0, 9999, { host: 'b' })].flat().map((r) => r.seq)).toEqual(
      naive('ts', 0, 9999, 'b', false, false),
    );

    // A store made with the per-event (host, ts) index: reopened, its events are found by host.
    store.db.exec('DELETE FROM host_runs; CREATE INDEX events_host ON events (host, ts);');
    store.close();
    const again = Store.open(dir, { sync: 'normal' });
    expect(again.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events_host'").get()).toBeUndefined();
    const a = [...again.events.timeRange('ts', 0, 9999, { host: 'a' })].flat();
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((r) => r.host === 'a')).toBe(true);
    again.close();
  });

  it('after a crash, events whose host runs were not written yet are found by host', () => {
    const { store, dir } = open();
    const n = EventStore.HOST_RUN_EVENTS + 100;
    const rows = Array.from({ length: n }, (_, i) => ev(i, 1000 + i, { host: `h${i % 2}` }));
    store.tx(() => store.events.insertMany(rows.slice(0, EventStore.HOST_RUN_EVENTS)));
    store.tx(() => store.events.insertMany(rows.slice(EventStore.HOST_RUN_EVENTS)));
    const flushed = (store.db.prepare('SELECT max(maxseq) AS m FROM host_runs').get() as { m: number }).m;
    expect(flushed).toBeGreaterThan(0);
    expect(flushed).toBeLessThan(n);
    // The process dies: the runs waiting in memory are lost. Another connection opens the store.
    const again = Store.open(dir, { sync: 'normal' });
    for (const host of ['h0', 'h1']) {
      const got = [...again.events.timeRange('ts', 0, 1e9, { host })].flat();
      expect(got.length).toBe(n / 2);
      expect(got.every((r) => r.host === host)).toBe(true);
    }
    again.close();
    store.close();
  });
});
