/**
 * Scheduled detection with Kibana's semantics: windows and catch-up windows, the gap message,
 * timestamp_override with the @timestamp fallback, max_signals keeping the most recent, and
 * overlapping windows that never write an alert twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../src/server/detect/engine.js';
import { gapMessage, humanize, planRun } from '../../src/server/detect/windows.js';
import { Ingestor } from '../../src/server/ingest/ingestor.js';
import { Store } from '../../src/store/index.js';
import { FOUNDING_RULE_ID, SYSMON_INDEX, processEvent, tempDir } from './helpers.js';
import { foundingRuleWith } from './rules-fixtures.js';

const MIN = 60_000;

describe('run windows (getRuleRangeTuples)', () => {
  const base = { from: 'now-9m', to: 'now', intervalMs: 5 * MIN, maxSignals: 100 };

  it('first run: one window [now-from, now-to]', () => {
    const p = planRun({ ...base, startedAt: 100 * MIN, previousStartedAt: undefined });
    expect(p.windows).toEqual([{ from: 91 * MIN, to: 100 * MIN, maxSignals: 100 }]);
    expect(p.gapMs).toBe(0);
  });

  it('on schedule: no catch-up (the 4-minute overlap is not a gap)', () => {
    const p = planRun({ ...base, startedAt: 105 * MIN, previousStartedAt: 100 * MIN });
    expect(p.windows).toHaveLength(1);
    expect(p.gapMessage).toBeUndefined();
  });

  it('a gap adds ceil(gap/interval) catch-up windows, each shifted back one interval, oldest first', () => {
    // 20 minutes since the last run, 9 minutes covered: an 11-minute gap, 3 catch-up windows.
    const p = planRun({ ...base, startedAt: 120 * MIN, previousStartedAt: 100 * MIN });
    expect(p.gapMs).toBe(11 * MIN);
    expect(p.windows.map((w) => [w.from / MIN, w.to / MIN])).toEqual([
      [96, 105],
      [101, 110],
      [106, 115],
      [111, 120],
    ]);
    expect(p.remainingGapMs).toBe(0);
  });

  it('at most 4 catch-up windows; what is left fails the run with Kibana message', () => {
    const p = planRun({ ...base, startedAt: 160 * MIN, previousStartedAt: 100 * MIN });
    expect(p.windows).toHaveLength(5);
    expect(p.remainingGapMs).toBe(51 * MIN - 20 * MIN);
    expect(p.gapMessage).toBe(
      '31 minutes (1860000ms) were not queried between this rule execution and the last execution, so signals may have been missed. Consider increasing your look behind time or adding more Kibana instances',
    );
  });

  it("durations read like moment's humanize", () => {
    expect(humanize(30_000)).toBe('a few seconds');
    expect(humanize(60_000)).toBe('a minute');
    expect(humanize(50 * MIN)).toBe('an hour');
    expect(humanize(3 * 3_600_000)).toBe('3 hours');
    expect(humanize(30 * 3_600_000)).toBe('a day');
    expect(gapMessage(90_000)).toMatch(/^2 minutes \(90000ms\) were not queried/);
  });
});

describe('scheduled rule runs over the store', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  function setup(settings: Record<string, string | number>, ingestOptions: { setIngested?: boolean } = {}) {
    const t = tempDir();
    const store = Store.open(t.dir, { sync: 'normal' });
    const rules = foundingRuleWith(t.dir, settings);
    let now = Date.parse('2026-03-01T12:00:00Z');
    const clock = () => now;
    const engine = new DetectionEngine(store, { paths: [rules], mode: 'scheduled', now: clock, tickMs: 3_600_000 });
    engine.rules.load();
    const ingestor = new Ingestor(store, engine.continuous, { now: clock, ...ingestOptions });
    cleanup.push(() => {
      engine.stop();
      store.close();
      t.remove();
    });
    const rule = engine.rules.get(FOUNDING_RULE_ID);
    if (!rule) throw new Error('rule not loaded');
    expect(rule.mode).toBe('scheduled');
    const send = (docs: Array<Record<string, unknown>>) =>
      ingestor.ingest(docs.map((d) => ({ op: 'create' as const, index: SYSMON_INDEX, text: JSON.stringify(d) })));
    return {
      store,
      engine,
      rule,
      send,
      at: (ms: number) => {
        now = ms;
      },
      now: () => now,
      run: () => engine.scheduler.run(rule, now),
    };
  }

  it('finds events by event.ingested, and overlapping runs never write an alert twice', async () => {
    const s = setup({ interval: '5m', from: 'now-9m' });
    const t0 = s.now();
    // Old events (by @timestamp) ingested now: the rule sees them, as in Kibana, through event.ingested.
    s.send([0, 1, 2, 3].map((n) => processEvent(n, { matching: n % 2 === 0, time: new Date(t0 - 30 * 86_400_000) })));
    s.at(t0 + 2 * MIN);
    const r1 = await s.run();
    expect(r1.status).toBe('succeeded');
    expect(r1.alerts).toBe(2);
    s.at(t0 + 7 * MIN);
    const r2 = await s.run();
    expect(r2.matches).toBe(2);
    expect(s.store.alerts.count()).toBe(2);
    s.at(t0 + 12 * MIN);
    const r3 = await s.run();
    expect(r3.matches).toBe(0);
    expect(s.store.rules.get(FOUNDING_RULE_ID)?.last_run_at).toBe(t0 + 12 * MIN);
  });

  it('timestamp_override fallback: an event without event.ingested is found by its @timestamp', async () => {
    const s = setup({ interval: '5m', from: 'now-9m' }, { setIngested: false });
    const t0 = s.now();
    s.send([
      processEvent(1, { matching: true, time: new Date(t0 - MIN) }),
      // event.ingested out of the window: not found, although @timestamp is in it.
      processEvent(2, {
        matching: true,
        time: new Date(t0 - MIN),
        extra: { event: { category: ['process'], type: ['start'], ingested: '2020-01-01T00:00:00Z' } },
      }),
      // Neither in the window.
      processEvent(3, { matching: true, time: new Date(t0 - 60 * MIN) }),
    ]);
    const r = await s.run();
    expect(r.alerts).toBe(1);
    const [a] = s.store.alerts.list({}).items;
    expect((s.store.alerts.get(a.id)?.doc.process as { entity_id: string }).entity_id).toMatch(/^\{proc-1-/);
  });

  it('max_signals: keeps the most recent matches of the window and warns', async () => {
    const s = setup({ interval: '5m', from: 'now-9m', max_signals: 3 });
    const t0 = s.now();
    s.send([0, 1, 2, 3, 4].map((n) => processEvent(n, { matching: true, time: new Date(t0 - (10 - n) * 1000) })));
    const r = await s.run();
    expect(r.matches).toBe(3);
    expect(r.status).toBe('partial failure');
    expect(r.message).toContain(
      'This rule reached the maximum alert limit for the rule execution. Some alerts were not created.',
    );
    const times = s.store.alerts
      .list({})
      .items.map((a) => a.original_time)
      .sort();
    expect(times).toEqual([2, 3, 4].map((n) => new Date(t0 - (10 - n) * 1000).toISOString()));
  });

  it('after downtime, catch-up windows find what arrived meanwhile; beyond 4 windows the run fails with the gap message', async () => {
    const s = setup({ interval: '5m', from: 'now-6m' });
    const t0 = s.now();
    await s.run();
    // Events ingested 12 minutes later, while no run happened.
    s.at(t0 + 12 * MIN);
    s.send([processEvent(10, { matching: true })]);
    s.at(t0 + 20 * MIN);
    const r = await s.run();
    expect(r.windows.length).toBeGreaterThan(1);
    expect(r.status).toBe('succeeded');
    expect(r.alerts).toBe(1);
    s.at(t0 + 120 * MIN);
    const r2 = await s.run();
    expect(r2.windows).toHaveLength(5);
    expect(r2.status).toBe('failed');
    expect(r2.message).toMatch(/were not queried between this rule execution and the last execution/);
    expect(s.store.rules.get(FOUNDING_RULE_ID)?.last_status).toBe('failed');
  });
});
