/**
 * Reliability: the server process is killed (SIGKILL) in the middle of ingest and in the middle
 * of a scheduled rule run, restarted on the same store, and the shipper retries what it got no
 * answer for. Afterwards every acknowledged event is stored exactly once and every matching event
 * has exactly one alert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/index.js';
import { FOUNDING_RULE_ID, bulkBody, processEvent, spawnServer, tempDir, type ChildServer } from './helpers.js';
import { foundingRuleWith } from './rules-fixtures.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Bulk {
  body: string;
  matching: Set<number>;
}

function makeBulks(count: number, size: number, every: number): Bulk[] {
  const out: Bulk[] = [];
  for (let b = 0; b < count; b++) {
    const docs = [];
    const matching = new Set<number>();
    for (let i = 0; i < size; i++) {
      const m = (b * size + i) % every === 3;
      if (m) matching.add(i);
      docs.push(processEvent(b * size + i, { matching: m, host: `rel-${b}` }));
    }
    out.push({ body: bulkBody(docs), matching });
  }
  return out;
}

type Items = Array<{ create: { _id: string; status: number } }>;

async function send(url: string, bulk: Bulk): Promise<Items> {
  const r = await fetch(`${url}/_bulk`, {
    method: 'POST',
    body: bulk.body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  const j = (await r.json()) as { errors: boolean; items: Items };
  if (r.status !== 200 || j.errors) throw new Error(`bulk failed: ${r.status}`);
  return j.items;
}

/** What the store holds, read directly after the server stopped. */
function inspect(dir: string) {
  const store = Store.open(dir);
  const events = store.db.prepare('SELECT id, count(*) AS n FROM events GROUP BY id').all() as Array<{
    id: string;
    n: number;
  }>;
  const alerts = store.db
    .prepare('SELECT id, json_extract(doc, \'$."kibana.alert.ancestors"[0].id\') AS event FROM alerts')
    .all() as Array<{ id: string; event: string }>;
  // Events per host as timelines find them (host runs, rebuilt on open for what a kill kept from being written).
  const byHost = new Map<string, number>();
  for (const { host } of store.db.prepare('SELECT DISTINCT host FROM events').all() as Array<{ host: string }>)
    byHost.set(host, [...store.events.timeRange('ts', 0, Number.MAX_SAFE_INTEGER, { host })].flat().length);
  store.close();
  return { events: new Map(events.map((e) => [e.id, e.n])), alerts, byHost };
}

describe('kill -9 and restart', () => {
  // Without and with the prepare worker (which writes a bulk in chunks, one transaction each).
  it.each([[[]], [['--ingest-threads', '1']]])(
    'during ingest %j: no acknowledged event lost or duplicated, one alert per matching event',
    async (extra: string[]) => {
      const t = tempDir();
      cleanup.push(() => t.remove());
      const bulks = makeBulks(24, 1500, 40);
      const acked = new Map<number, Items>();
      let server: ChildServer = await spawnServer(['--data', t.dir, ...extra]);
      cleanup.push(() => server.kill());

      // Two shipper connections; the server dies while bulks are in flight.
      let next = 0;
      let killed = false;
      const inFlight = new Set<number>();
      const unanswered: number[] = [];
      const shipper = async () => {
        for (;;) {
          if (next >= bulks.length || killed) return;
          const b = next++;
          inFlight.add(b);
          try {
            acked.set(b, await send(server.url, bulks[b]));
          } catch {
            unanswered.push(b);
          }
          inFlight.delete(b);
        }
      };
      const running = Promise.all([shipper(), shipper()]);
      while (next < 8) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 30));
      killed = true;
      const atKill = inFlight.size;
      await server.kill('SIGKILL');
      await running;
      expect(atKill).toBeGreaterThan(0);
      expect(unanswered.length).toBeGreaterThan(0);

      // Restart; the shipper resends what got no answer, then the rest.
      server = await spawnServer(['--data', t.dir, ...extra]);
      const rest = [...unanswered, ...Array.from({ length: bulks.length - next }, (_, i) => next + i)].filter(
        (b) => b < bulks.length,
      );
      for (const b of rest) acked.set(b, await send(server.url, bulks[b]));
      await server.kill('SIGTERM');

      expect(acked.size).toBe(bulks.length);
      const { events, alerts, byHost } = inspect(t.dir);
      const expectedAlertEvents = new Set<string>();
      let total = 0;
      for (const [b, items] of acked) {
        items.forEach((it, i) => {
          total++;
          expect(events.get(it.create._id)).toBe(1);
          if (bulks[b].matching.has(i)) expectedAlertEvents.add(it.create._id);
        });
      }
      expect(events.size).toBe(total);
      expect(alerts).toHaveLength(expectedAlertEvents.size);
      expect(new Set(alerts.map((a) => a.event))).toEqual(expectedAlertEvents);
      // Each bulk is one host's: its timeline holds the bulk's events, once each.
      expect(byHost).toEqual(new Map(bulks.map((b, i) => [`rel-${i}`, 1500])));
    },
  );

  it('during a scheduled rule run: the run is redone after the restart, alerts neither lost nor duplicated', async () => {
    const t = tempDir();
    cleanup.push(() => t.remove());
    // max_signals above the matching events, so that every one of them gets its alert in a run.
    const rule = foundingRuleWith(t.dir, { interval: '2s', from: 'now-30m', max_signals: 1000 });
    const args = ['--data', t.dir, '--rules', rule, '--mode', 'scheduled', '--log-runs', '--sync', 'normal'];
    let server = await spawnServer(args);
    cleanup.push(() => server.kill());
    const bulks = makeBulks(40, 3000, 200);
    const acked = new Map<number, Items>();
    for (let b = 0; b < bulks.length; b++) acked.set(b, await send(server.url, bulks[b]));
    // The first run that starts once everything is stored reads all of it: kill it half-way.
    const mark = server.stderr().length;
    await server.waitFor(new RegExp(`[\\s\\S]{${mark}}[\\s\\S]*run started: ${FOUNDING_RULE_ID}`), 30_000);
    await new Promise((r) => setTimeout(r, 100));
    const after = server.stderr().slice(server.stderr().lastIndexOf(`run started: ${FOUNDING_RULE_ID}`));
    await server.kill('SIGKILL');
    expect(after).not.toContain('run finished');

    server = await spawnServer(args);
    const mark2 = server.stderr().length;
    await server.waitFor(new RegExp(`[\\s\\S]{${mark2}}[\\s\\S]*run finished: ${FOUNDING_RULE_ID}`), 60_000);
    await server.kill('SIGTERM');

    const { events, alerts } = inspect(t.dir);
    const expectedAlertEvents = new Set<string>();
    for (const [b, items] of acked) {
      items.forEach((it, i) => {
        expect(events.get(it.create._id)).toBe(1);
        if (bulks[b].matching.has(i)) expectedAlertEvents.add(it.create._id);
      });
    }
    expect(alerts).toHaveLength(expectedAlertEvents.size);
    expect(new Set(alerts.map((a) => a.event))).toEqual(expectedAlertEvents);
  });
});
