/** The JSON API of docs/serve-api.md: alerts, workflow, notes, pivots, trees, timelines, rules, search, health, metrics, stream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDING_RULE_ID, SYSMON_INDEX, bulkBody, postBulk, processEvent, testServer } from './helpers.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type Json = Record<string, unknown>;

describe('JSON API', () => {
  let s: Server;
  const get = async (path: string) => {
    const r = await fetch(`${s.url}${path}`);
    return { status: r.status, json: (await r.json()) as Json };
  };
  const send = async (method: string, path: string, body: unknown) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: r.status, json: (await r.json()) as Json };
  };
  const t0 = Date.parse('2026-05-01T10:00:00Z');
  let alertId = '';

  beforeAll(async () => {
    s = await testServer();
    // A process tree on host tree-1: explorer → cmd (alert) → child, plus unrelated noise.
    const parent = processEvent(1, { host: 'tree-1', time: new Date(t0 - 60_000) });
    (parent.process as Json).entity_id = '{explorer}';
    (parent.process as Json).name = 'explorer.exe';
    const alerting = processEvent(2, { host: 'tree-1', matching: true, time: new Date(t0) });
    (alerting.process as Json).entity_id = '{cmd}';
    ((alerting.process as Json).parent as Json).entity_id = '{explorer}';
    const child = processEvent(3, { host: 'tree-1', time: new Date(t0 + 5_000) });
    (child.process as Json).entity_id = '{child}';
    (child.process as Json).name = 'wscript.exe';
    ((child.process as Json).parent as Json).entity_id = '{cmd}';
    const others = [4, 5, 6].map((n) =>
      processEvent(n, { host: `other-${n}`, matching: true, time: new Date(t0 + n * 1000) }),
    );
    const r = await postBulk(s.url, bulkBody([parent, alerting, child, ...others]));
    expect(r.json.errors).toBe(false);
    const list = await get(`/api/alerts?host=tree-1`);
    alertId = ((list.json.items as Json[])[0] as { id: string }).id;
  });
  afterAll(async () => {
    await s.close();
  });

  it('lists alerts with filters, sorting and pages', async () => {
    const all = await get('/api/alerts');
    expect(all.json.total).toBe(4);
    expect(Object.keys((all.json.items as Json[])[0]).sort()).toEqual(
      [
        'assignee',
        'building_block',
        'group_id',
        'host',
        'id',
        'original_time',
        'reason',
        'risk_score',
        'rule_id',
        'rule_name',
        'severity',
        'tags',
        'time',
        'user',
        'workflow_status',
      ].sort(),
    );
    const page = await get('/api/alerts?sort=host&order=asc&size=2&page=2');
    expect((page.json.items as Array<{ host: string }>).map((a) => a.host)).toEqual(['other-6', 'tree-1']);
    expect((await get(`/api/alerts?rule=${FOUNDING_RULE_ID}&severity=high`)).json.total).toBe(4);
    expect((await get('/api/alerts?severity=low')).json.total).toBe(0);
    expect((await get('/api/alerts?q=OTHER-5')).json.total).toBe(1);
    expect((await get(`/api/alerts?from=${new Date(t0 + 4500).toISOString()}`)).json.total).toBe(2);
    expect((await get('/api/alerts?sort=nope')).status).toBe(400);
    expect((await get('/api/alerts?size=501')).status).toBe(400);
  });

  it('alert detail: the Kibana document, investigation fields, guide with pivot buttons, explain, MITRE', async () => {
    const { json } = await get(`/api/alerts/${alertId}`);
    const alert = json.alert as Json;
    expect(alert['kibana.alert.uuid']).toBe(alertId);
    expect(alert['kibana.alert.rule.execution.type']).toBe('scheduled');
    expect((json.rule as Json).rule_id).toBe(FOUNDING_RULE_ID);
    expect((json.investigation_fields as Array<{ field: string }>).map((f) => f.field)).toContain(
      'process.command_line',
    );
    const guide = json.guide as { html: string; markdown: string };
    expect(guide.markdown).toContain('!{investigate');
    expect(guide.html).toMatch(/<button type="button" class="pivot" data-pivot="0"/);
    expect((json.pivots as Json[]).length).toBe(5);
    expect(((json.explain as { matched: string[] }).matched ?? []).join(' ')).toContain('process.command_line');
    expect((json.mitre as Array<{ tactic: { id: string } }>)[0].tactic.id).toBe('TA0002');
    expect(json.sequence).toBeNull();
    expect((await get('/api/alerts/nope')).status).toBe(404);
  });

  it('workflow: status, tags, assignee, notes, bulk — reflected in the document and the stream', async () => {
    const events: string[] = [];
    const ctl = new AbortController();
    const stream = await fetch(`${s.url}/api/stream`, { signal: ctl.signal });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const reading = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        events.push(dec.decode(value));
      }
    })();
    const p = await send('PATCH', `/api/alerts/${alertId}`, {
      workflow_status: 'acknowledged',
      tags: ['triage'],
      assignee: 'ana',
    });
    expect(p.json).toMatchObject({ id: alertId, workflow_status: 'acknowledged', tags: ['triage'], assignee: 'ana' });
    const doc = (await get(`/api/alerts/${alertId}`)).json.alert as Json;
    expect(doc['kibana.alert.workflow_status']).toBe('acknowledged');
    expect(doc['kibana.alert.workflow_tags']).toEqual(['triage']);
    expect((await send('PATCH', `/api/alerts/${alertId}`, { workflow_status: 'done' })).status).toBe(400);
    const n = await send('POST', `/api/alerts/${alertId}/notes`, { text: 'looked at it' });
    expect(n.status).toBe(201);
    expect(n.json).toMatchObject({ alert_id: alertId, text: 'looked at it' });
    expect(((await get(`/api/alerts/${alertId}`)).json.notes as Json[]).length).toBe(1);
    const ids = ((await get('/api/alerts')).json.items as Array<{ id: string }>).map((a) => a.id);
    const b = await send('POST', '/api/alerts/bulk', { ids, workflow_status: 'closed' });
    expect(b.json.updated).toBe(4);
    expect((await get('/api/alerts?status=closed')).json.total).toBe(4);
    expect((await get('/api/alerts?status=open')).json.total).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    ctl.abort();
    await reading;
    const text = events.join('');
    expect(text).toContain('event: health');
    expect(text).toContain('event: alert-updated');
  });

  it('pivots count events in the window around the alert and list them', async () => {
    const pivots = (await get(`/api/alerts/${alertId}/pivots`)).json as unknown as Array<{
      label: string;
      count: number;
      window: { from: string; to: string };
    }>;
    expect(pivots).toHaveLength(5);
    const child = pivots.find((p) => p.label.startsWith('Child process'));
    // Kibana: `now` is the alert's @timestamp (its creation), not the event time (rule-format.md §6).
    const created = String(((await get(`/api/alerts/${alertId}`)).json.alert as Json)['@timestamp']);
    expect(created).not.toBe(new Date(t0).toISOString());
    expect(child?.window.to).toBe(new Date(created).toISOString());
    const events = await get(`/api/alerts/${alertId}/pivots/0/events?size=10`);
    expect(typeof events.json.total).toBe('number');
    expect((await get(`/api/alerts/${alertId}/pivots/9/events`)).status).toBe(404);
  });

  it('process tree: ancestors and descendants of the alerting process on its host', async () => {
    const { json } = await get(`/api/alerts/${alertId}/process-tree`);
    type Node = { entity_id: string; name: string | null; is_alert: boolean; children: Node[] };
    // explorer's own parent is known only from explorer's process.parent fields: it is the root.
    const root = json.root as Node;
    expect(root.entity_id).toBe('{parent-tree-1}');
    const explorer = root.children[0];
    expect(explorer).toMatchObject({ entity_id: '{explorer}', name: 'explorer.exe', is_alert: false });
    const cmd = explorer.children[0];
    expect(cmd).toMatchObject({ entity_id: '{cmd}', is_alert: true });
    expect(cmd.children.map((c) => c.entity_id)).toEqual(['{child}']);
  });

  it("timeline: the host's events around the alert", async () => {
    const wide = (await get(`/api/alerts/${alertId}/timeline?before=15m&after=15m`)).json.items as Array<{
      id: string;
      time: string;
    }>;
    expect(wide).toHaveLength(3);
    expect(wide.map((i) => i.time)).toEqual([...wide.map((i) => i.time)].sort());
    const narrow = (await get(`/api/alerts/${alertId}/timeline?before=10s&after=1s`)).json.items as Json[];
    expect(narrow).toHaveLength(1);
  });

  it('rules: list, show, disable and enable', async () => {
    const list = (await get('/api/rules')).json as unknown as Array<Json>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      rule_id: FOUNDING_RULE_ID,
      mode: 'continuous',
      enabled: true,
      interval: '5m',
      from: 'now-9m',
    });
    expect(list[0].tactics).toContain('Execution');
    const detail = (await get(`/api/rules/${FOUNDING_RULE_ID}`)).json;
    expect(detail.query).toContain('process where');
    expect(detail.note_html).toContain('data-pivot');
    // The guide and setup as markdown (the UI renders them itself), pivots as Kibana's markers.
    expect(String(detail.note)).toContain('!{investigate{');
    expect(String(detail.note)).not.toContain('$investigate_');
    expect(String(detail.setup)).toMatch(/^## Setup/);
    expect((await send('POST', `/api/rules/${FOUNDING_RULE_ID}/disable`, {})).json.enabled).toBe(false);
    await postBulk(s.url, bulkBody([processEvent(50, { matching: true, host: 'while-disabled' })]));
    expect((await get('/api/alerts?host=while-disabled')).json.total).toBe(0);
    expect((await send('POST', `/api/rules/${FOUNDING_RULE_ID}/enable`, {})).json.enabled).toBe(true);
    expect(s.store.rules.get(FOUNDING_RULE_ID)?.enabled).toBe(1);
    // Enabled again, the rule first runs over its look-back window, as Kibana's first run does.
    for (let i = 0; i < 50 && (await get('/api/alerts?host=while-disabled')).json.total === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await get('/api/alerts?host=while-disabled')).json.total).toBe(1);
    const reload = await send('POST', '/api/rules/reload', {});
    expect((reload.json.rules as Json[]).length).toBe(1);
    expect((await get('/api/rules/nope')).status).toBe(404);
  });

  it('events search: EQL over the store, time pre-filter, positioned errors', async () => {
    const r = await send('POST', '/api/events/search', { query: 'process where host.name == "tree-1"', size: 2 });
    expect((r.json.events as Json[]).length).toBe(2);
    const windowed = await send('POST', '/api/events/search', {
      query: 'process where host.name == "tree-1"',
      from: new Date(t0 - 1000).toISOString(),
      to: new Date(t0 + 1000).toISOString(),
    });
    expect((windowed.json.events as Array<{ id: string; index: string }>).map((e) => e.index)).toEqual([SYSMON_INDEX]);
    const seq = await send('POST', '/api/events/search', {
      query:
        'sequence by host.name [process where process.name == "explorer.exe"] [process where process.name == "cmd.exe"]',
    });
    expect((seq.json.sequences as Json[]).length).toBe(1);
    const bad = await send('POST', '/api/events/search', { query: 'process where process.name ==' });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { reason: string }).reason).toMatch(/^line 1:\d+/);
  });

  it('health and Prometheus metrics', async () => {
    const h = (await get('/api/health')).json;
    expect(h).toMatchObject({
      status: 'green',
      store: { events: 7, alerts: 5 },
      ingest: { events_total: 7 },
      detection: { rules: 1 },
    });
    const m = await (await fetch(`${s.url}/api/metrics`)).text();
    expect(m).toMatch(/^eqlite_ingest_events_total 7$/m);
    expect(m).toMatch(/^eqlite_alerts_total\{severity="high"\} 5$/m);
    expect(m).toMatch(/^eqlite_rule_run_duration_seconds\{rule_id="d9ffc3d6-9de9-4b29-9395-5757d0695ecf"\} /m);
    expect(m).toMatch(/^eqlite_store_bytes \d+$/m);
    expect(m).toMatch(/^eqlite_detection_lag_seconds /m);
  });

  it('serves the UI or a plain page when it is not built', async () => {
    const r = await fetch(`${s.url}/ui/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${s.url}/ui/../package.json`)).status).not.toBe(200);
    const root = await fetch(`${s.url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(root.status).toBe(302);
  });

  it('bulk bodies: ASCII and UTF-8 documents are stored as sent', async () => {
    const docs = [
      { ...processEvent(90, { host: 'text-1', time: new Date(t0) }), note: 'plain ascii' },
      { ...processEvent(91, { host: 'text-2', time: new Date(t0) }), note: 'café ☃ \u{1f600} Ω' },
    ];
    for (const [i, d] of docs.entries()) {
      const body = `{"create":{"_index":"${SYSMON_INDEX}","_id":"text-${i}"}}\n${JSON.stringify(d)}\n`;
      const r = await postBulk(s.url, body);
      expect(r.json.errors).toBe(false);
      const stored = s.store.events.byId(`text-${i}`, SYSMON_INDEX);
      expect((JSON.parse(stored?.text ?? '{}') as Json).note).toBe(d.note);
    }
  });
});
