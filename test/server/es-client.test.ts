/**
 * The official Elasticsearch client against `eqlite serve`: its start-up calls, the bulk helper
 * (retries, per-item drops) and raw `bulk` answers item by item, and the alerts the founding rule
 * raises on what it sent.
 */
import { Client, errors } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUNDING_RULE_ID, SYSMON_INDEX, processEvent, testServer } from './helpers.js';

type Server = Awaited<ReturnType<typeof testServer>>;

describe('@elastic/elasticsearch client', () => {
  let server: Server;
  let client: Client;

  beforeAll(async () => {
    // With a prepare worker, as the built server runs (tests otherwise prepare inline).
    server = await testServer({ ingestThreads: 1 });
    client = new Client({ node: server.url });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('gets the root info and licence a shipper checks at start-up', async () => {
    const info = await client.info();
    expect(info.version.number).toBe('8.17.0');
    expect(info.tagline).toBe('You Know, for Search');
    const lic = await client.license.get();
    expect(lic.license.status).toBe('active');
    expect(await client.indices.exists({ index: SYSMON_INDEX })).toBe(true);
    const tpl = await client.indices.putIndexTemplate({ name: 'eqlite-test', index_patterns: ['x-*'] });
    expect(tpl.acknowledged).toBe(true);
  });

  it('bulk helper: every good document stored, bad ones dropped per item, alerts for the matching ones', async () => {
    const docs: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 3000; i++) docs.push(processEvent(i, { matching: i % 100 === 7 }));
    // An index name Elasticsearch refuses: these items fail alone.
    const dropped: unknown[] = [];
    const stats = await client.helpers.bulk({
      datasource: docs,
      onDocument: (d) => ({ create: { _index: (d as { bad?: boolean }).bad ? 'Bad-Index' : SYSMON_INDEX } }),
      onDrop: (d) => dropped.push(d),
      flushBytes: 200_000,
    });
    expect(stats.total).toBe(3000);
    expect(stats.successful).toBe(3000);
    expect(stats.failed).toBe(0);
    expect(dropped).toHaveLength(0);

    const bad = [processEvent(90_001), { ...processEvent(90_002), bad: true }, processEvent(90_003)];
    const s2 = await client.helpers.bulk({
      datasource: bad,
      onDocument: (d) => ({ create: { _index: (d as { bad?: boolean }).bad ? 'Bad-Index' : SYSMON_INDEX } }),
      onDrop: (d) => dropped.push(d),
      retries: 0,
    });
    expect(s2.successful).toBe(2);
    expect(s2.failed).toBe(1);
    expect(dropped).toHaveLength(1);
    expect((dropped[0] as { status: number; error: { type: string } }).status).toBe(400);
    expect((dropped[0] as { error: { type: string } }).error.type).toBe('invalid_index_name_exception');

    expect(server.store.eventCount()).toBe(3002);
    const alerts = server.store.alerts.list({ rule: FOUNDING_RULE_ID, size: 500 });
    expect(alerts.total).toBe(30);
    const cmds = alerts.items.map((a) => server.store.alerts.get(a.id)?.doc.process as { command_line: string });
    expect(cmds.every((p) => p.command_line.includes('wscript'))).toBe(true);
  });

  it('raw bulk: per-item results exactly as Elasticsearch answers, good items kept beside bad ones', async () => {
    const before = server.store.eventCount();
    const res = await client.bulk({
      operations: [
        { index: { _index: SYSMON_INDEX, _id: 'doc-1' } },
        processEvent(1, { matching: true, host: 'bulk-host' }),
        { create: { _index: SYSMON_INDEX, _id: 'doc-1' } },
        processEvent(2),
        { index: { _index: SYSMON_INDEX, _id: 'doc-1' } },
        processEvent(3),
        { delete: { _index: SYSMON_INDEX, _id: 'doc-1' } },
        { create: { _index: 'logs-other-default' } },
        processEvent(4),
      ],
    });
    expect(res.errors).toBe(true);
    expect(res.items).toHaveLength(5);
    const [a, b, c, d, e] = res.items;
    expect(a.index).toMatchObject({
      _index: SYSMON_INDEX,
      _id: 'doc-1',
      _version: 1,
      result: 'created',
      status: 201,
      _primary_term: 1,
    });
    expect(a.index?._shards).toEqual({ total: 1, successful: 1, failed: 0 });
    expect(b.create).toMatchObject({ _id: 'doc-1', status: 409 });
    expect(b.create?.error?.type).toBe('version_conflict_engine_exception');
    expect(c.index).toMatchObject({ _id: 'doc-1', _version: 2, result: 'updated', status: 200 });
    expect(d.delete?.status).toBe(400);
    expect(e.create).toMatchObject({ _index: 'logs-other-default', result: 'created', status: 201 });
    expect(typeof e.create?._id).toBe('string');
    expect(e.create?._id).toHaveLength(20);
    expect(server.store.eventCount()).toBe(before + 2);
    // The first version of doc-1 matched and raised an alert; its id is Kibana's for that event.
    expect(server.store.alerts.list({ host: 'bulk-host' }).total).toBe(1);
  });

  it('a large bulk through the prepare workers: bad lines fail alone, raw winlog records are normalised, event.ingested added', async () => {
    let body = '';
    for (let i = 0; i < 100; i++) {
      body += `{"create":{"_index":"${SYSMON_INDEX}"}}\n`;
      if (i === 10) body += '{"broken\n';
      else if (i === 20)
        body += `${JSON.stringify({ '@timestamp': '2026-01-01T00:00:00.000Z', winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', provider_name: 'Microsoft-Windows-Sysmon', computer_name: 'raw-host', event_data: { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c echo a & echo wscript b', ProcessId: '42' } } })}\n`;
      else body += `${JSON.stringify(processEvent(200_000 + i, { host: 'pooled' }))}\n`;
    }
    const res = (await client.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body })) as {
      errors: boolean;
      items: Array<{ create: { status: number; _id: string; error?: { type: string } } }>;
    };
    expect(res.errors).toBe(true);
    expect(res.items.filter((i) => i.create.status === 201)).toHaveLength(99);
    expect(res.items[10].create.error?.type).toBe('mapper_parsing_exception');
    const raw = server.store.events.byId(res.items[20].create._id, SYSMON_INDEX);
    const doc = JSON.parse(raw?.text ?? '{}') as {
      event?: { category?: string[]; ingested?: string };
      host?: { name?: string };
    };
    expect(doc.event?.category).toEqual(['process']);
    expect(typeof doc.event?.ingested).toBe('string');
    const plain = JSON.parse(server.store.events.byId(res.items[0].create._id, SYSMON_INDEX)?.text ?? '{}') as Record<
      string,
      unknown
    >;
    expect(typeof plain['event.ingested']).toBe('string');
  });

  it('a malformed bulk fails as a whole with 400, as in Elasticsearch', async () => {
    const err = await client.transport
      .request({ method: 'POST', path: '/_bulk', bulkBody: '{"index":{"_index":"x"}}\n{}\n{"nope":{}}\n{}\n' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.ResponseError);
    expect((err as errors.ResponseError).statusCode).toBe(400);
    expect(((err as errors.ResponseError).body as { error: { type: string } }).error.type).toBe(
      'illegal_argument_exception',
    );
  });

  it('single documents: index with and without id, create conflict', async () => {
    const r1 = await client.index({ index: SYSMON_INDEX, document: processEvent(7) });
    expect(r1.result).toBe('created');
    const r2 = await client.create({ index: SYSMON_INDEX, id: 'single-1', document: processEvent(8) });
    expect(r2.result).toBe('created');
    const r3 = await client
      .create({ index: SYSMON_INDEX, id: 'single-1', document: processEvent(9) })
      .catch((e: unknown) => e);
    expect((r3 as errors.ResponseError).statusCode).toBe(409);
  });
});

describe('bulk answers', () => {
  it('the text form is the object form, item for item', async () => {
    const { bulkResponse, bulkResponseText, parseBulk } = await import('../../src/server/ingest/bulk.js');
    const parsed = parseBulk(
      '{"index":{"_index":"a","_id":"x\\"1"}}\n{}\n{"delete":{"_index":"a","_id":"2"}}\n{"create":{"_index":"b"}}\n{}\n' +
        '{"create":{"_index":"b"}}\n{}\n{"create":{"_index":"b"}}\n{}\n{"index":{"_index":"a"}}\n{}\n',
      undefined,
    );
    if ('error' in parsed) throw new Error('parse');
    const outcomes = [
      { ok: true as const, index: 'a', id: 'x"1', seq: 7, version: 2, result: 'updated' as const },
      { ok: false as const, index: 'b', status: 400, type: 'mapper_parsing_exception', reason: 'failed to parse' },
      { ok: true as const, index: 'b', id: 'AAGbH_x-0123456789ab', seq: 8, version: 1, result: 'created' as const },
      { ok: true as const, index: 'b', id: 'é\\', seq: 9, version: 1, result: 'created' as const },
      { ok: true as const, index: 'a', id: 'z', seq: 10, version: 1, result: 'created' as const },
    ];
    expect(JSON.parse(bulkResponseText(parsed.slots, outcomes, 3))).toEqual(bulkResponse(parsed.slots, outcomes, 3));
  });
});

describe('vendor records posted to their data streams', () => {
  it('go through the same normalisers as files, and the founding rule sees them', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('./helpers.js');
    const s = await testServer();
    try {
      for (const [file, index] of [
        ['examples/crowdstrike/eng-ws-31-fdr.ndjson', 'logs-crowdstrike.fdr-default'],
        ['examples/defender/mkt-lt-05-device-process-events.ndjson', 'logs-m365_defender.event-default'],
        ['examples/sentinelone/ops-ws-19-cloud-funnel.ndjson', 'logs-sentinel_one_cloud_funnel.event-default'],
      ]) {
        const lines = readFileSync(`${ROOT}${file}`, 'utf8')
          .split('\n')
          .filter((l) => l.trim());
        const body = lines.map((l) => `{"create":{"_index":"${index}"}}\n${l}\n`).join('');
        const r = await fetch(`${s.url}/_bulk`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-ndjson' },
        });
        const j = (await r.json()) as { items: Array<{ create: { status: number; _id: string } }> };
        const stored = j.items.filter((i) => i.create.status === 201);
        expect(stored.length).toBeGreaterThan(0);
        const doc = JSON.parse(s.store.events.byId(stored[0].create._id, index)?.text ?? '{}') as {
          data_stream?: { dataset?: string };
          event?: { ingested?: string };
        };
        expect(index).toContain(doc.data_stream?.dataset ?? 'none');
        expect(typeof doc.event?.ingested).toBe('string');
      }
      // Each bundled vendor example holds attacks the founding rule catches.
      const rules = new Set(s.store.alerts.list({ size: 500 }).items.map((a) => a.rule_id));
      expect(rules.has(FOUNDING_RULE_ID)).toBe(true);
      expect(s.store.alerts.count()).toBeGreaterThanOrEqual(3);
    } finally {
      await s.close();
    }
  });
});
