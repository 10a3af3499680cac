/**
 * Continuous detection on the stream: single-event alerts committed with their events, sequences
 * through the reorder window, and a restart that resumes a pending sequence by replay without
 * writing any alert twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FOUNDING_RULE_ID, bulkBody, postBulk, processEvent, tempDir, testServer } from './helpers.js';
import { SEQUENCE_RULE_ID, FOUNDING_RULE_FILE, sequenceRule } from './rules-fixtures.js';

function proc(name: string, host: string, time: Date, n: number): Record<string, unknown> {
  return processEvent(n, {
    host,
    time,
    extra: { process: { name, pid: n, entity_id: `{${name}-${n}}`, executable: `C:\\t\\${name}` } },
  });
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('continuous detection', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('alerts are visible as soon as the bulk is answered, with Kibana ids that do not depend on the mode', async () => {
    const s = await testServer();
    cleanup.push(() => s.close());
    expect(s.engine.rules.get(FOUNDING_RULE_ID)?.mode).toBe('continuous');
    const docs = [processEvent(1, { matching: true }), processEvent(2)];
    const r = await postBulk(s.url, bulkBody(docs));
    expect(r.json.errors).toBe(false);
    const list = s.store.alerts.list({});
    expect(list.total).toBe(1);
    // Same event through a scheduled run: the same alert id, so nothing new is written.
    const rule = s.engine.rules.get(FOUNDING_RULE_ID);
    if (!rule) throw new Error('no rule');
    const run = await s.engine.scheduler.run(rule, Date.now());
    expect(run.matches).toBe(1);
    expect(s.store.alerts.count()).toBe(1);
    // Re-sending the same bytes (a shipper's retry) stores nothing new.
    const again = await postBulk(s.url, bulkBody(docs));
    expect((again.json.items as Array<{ create: { status: number } }>).every((i) => i.create.status === 201)).toBe(
      true,
    );
    expect(s.store.eventCount()).toBe(2);
    expect(s.store.alerts.count()).toBe(1);
  });

  it('sequences: reorder window, shell and building blocks, and resume after a restart', async () => {
    const t = tempDir();
    cleanup.push(() => t.remove());
    const rules = [FOUNDING_RULE_FILE, sequenceRule(t.dir)];
    const opts = { rules, reorderWindowMs: 100, tickMs: 50 };
    let s = await testServer({ dataDir: t.dir, ...opts });
    expect(s.engine.rules.get(SEQUENCE_RULE_ID)?.mode).toBe('continuous');
    const t0 = Date.now();
    // Out of order: b arrives before a, within the reorder window.
    await postBulk(
      s.url,
      bulkBody(
        [proc('b.exe', 'h1', new Date(t0 + 1000), 2), proc('a.exe', 'h1', new Date(t0), 1)],
        'logs-test-default',
      ),
    );
    await until(() => s.store.alerts.list({ rule: SEQUENCE_RULE_ID, buildingBlocks: true }).total === 3);
    const all = s.store.alerts.list({ rule: SEQUENCE_RULE_ID, buildingBlocks: true }).items;
    const shell = all.find((a) => !a.building_block);
    expect(shell?.group_id).toBe(shell?.id);
    expect(all.filter((a) => a.building_block).every((b) => b.group_id === shell?.id)).toBe(true);

    // a on h2, then a restart before b comes.
    await postBulk(s.url, bulkBody([proc('a.exe', 'h2', new Date(t0 + 5000), 3)], 'logs-test-default'));
    await new Promise((r) => setTimeout(r, 300));
    await s.close();
    s = await testServer({ dataDir: t.dir, ...opts });
    cleanup.push(() => s.close());
    await postBulk(s.url, bulkBody([proc('b.exe', 'h2', new Date(t0 + 20_000), 4)], 'logs-test-default'));
    await until(() => s.store.alerts.list({ rule: SEQUENCE_RULE_ID }).total === 2);
    // The first sequence was replayed too: its alerts were already there, none was written twice.
    expect(s.store.alerts.list({ rule: SEQUENCE_RULE_ID, buildingBlocks: true }).total).toBe(6);
  });

  it("a rule's runtime error is recorded on the rule and does not stop ingest", async () => {
    const t = tempDir();
    cleanup.push(() => t.remove());
    const s = await testServer({ dataDir: t.dir });
    cleanup.push(() => s.close());
    const rule = s.engine.rules.get(FOUNDING_RULE_ID);
    if (!rule) throw new Error('no rule');
    const original = rule.prepared.admits;
    rule.prepared.admits = () => {
      throw new Error('boom');
    };
    const r = await postBulk(s.url, bulkBody([processEvent(1, { matching: true })]));
    rule.prepared.admits = original;
    expect(r.status).toBe(200);
    expect(r.json.errors).toBe(false);
    expect(s.store.rules.get(FOUNDING_RULE_ID)?.errors).toBe(1);
    expect(s.store.rules.get(FOUNDING_RULE_ID)?.last_error).toContain('boom');
    const rules = (await (await fetch(`${s.url}/api/rules`)).json()) as Array<{ last_run: { status: string } }>;
    expect(rules[0].last_run.status).toBe('partial failure');
  });
});
