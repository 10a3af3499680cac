/** The UI's API client, routes and pivot/JSON helpers, in Node with a fake fetch. */
import { describe, expect, it } from 'vitest';
import { Api, ApiError, AuthRequired } from '../../../src/server/ui/lib/api.js';
import { searchTree, pathKey } from '../../../src/server/ui/lib/json.js';
import { parseMarkdown, pluginsOf } from '../../../src/server/ui/lib/markdown.js';
import { matchPivots } from '../../../src/server/ui/lib/pivots.js';
import {
  alertsApiParams,
  alertsHash,
  defaultFilters,
  parseRoute,
  toIso,
  type AlertFilters,
} from '../../../src/server/ui/lib/route.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeFetch(answer: (c: Call) => Response): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const f = (async (url: string, init: RequestInit = {}) => {
    const c: Call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body as string | undefined,
    };
    calls.push(c);
    return answer(c);
  }) as unknown as typeof fetch;
  return { fetch: f, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('Api', () => {
  it('sends the API key as ApiKey and JSON bodies, encodes path segments', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { id: 'x' }));
    const api = new Api({ fetch, getKey: () => 'c2VjcmV0' });
    await api.patchAlert('a/b?c', { workflow_status: 'closed' });
    expect(calls[0].url).toBe('/api/alerts/a%2Fb%3Fc');
    expect(calls[0].method).toBe('PATCH');
    expect(calls[0].headers.authorization).toBe('ApiKey c2VjcmV0');
    expect(calls[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0].body ?? '')).toEqual({ workflow_status: 'closed' });
    await api.bulkStatus(['1', '2'], 'acknowledged');
    expect(calls[1]).toMatchObject({ url: '/api/alerts/bulk', method: 'POST' });
    expect(JSON.parse(calls[1].body ?? '')).toEqual({ ids: ['1', '2'], workflow_status: 'acknowledged' });
    await api.pivotEvents('id', 3, 100);
    expect(calls[2].url).toBe('/api/alerts/id/pivots/3/events?size=100');
    await api.timeline('id');
    expect(calls[3].url).toBe('/api/alerts/id/timeline?before=15m&after=15m');
  });

  it('sends no Authorization header without a key', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, []));
    await new Api({ fetch, getKey: () => null }).rules();
    expect(calls[0].headers.authorization).toBeUndefined();
  });

  it('turns 401 into AuthRequired and other errors into ApiError with the ES reason', async () => {
    const { fetch } = fakeFetch((c) =>
      c.url.startsWith('/api/rules')
        ? json(401, {
            error: { type: 'security_exception', reason: 'missing authentication credentials' },
            status: 401,
          })
        : json(400, { error: { type: 'parsing_exception', reason: 'line 1:5: bad' }, status: 400 }),
    );
    const api = new Api({ fetch, getKey: () => null });
    await expect(api.rules()).rejects.toBeInstanceOf(AuthRequired);
    const err = await api.alert('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(AuthRequired);
    expect((err as ApiError).message).toBe('line 1:5: bad');
    expect((err as ApiError).type).toBe('parsing_exception');
  });

  it('reads the event stream through fetch, with the key, across chunk boundaries', async () => {
    const chunks = ['event: alert\ndata: {"id":', '"a1"}\n\n: ping\n\nevent: health\ndata: {}\n\n'];
    const { fetch, calls } = fakeFetch(
      () =>
        new Response(
          new ReadableStream({
            start(c) {
              for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
              c.close();
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
    );
    const got: Array<[string, string]> = [];
    let opened = false;
    await new Api({ fetch, getKey: () => 'k' }).stream(
      (m) => got.push([m.event, m.data]),
      new AbortController().signal,
      () => (opened = true),
    );
    expect(opened).toBe(true);
    expect(calls[0].headers.authorization).toBe('ApiKey k');
    expect(calls[0].headers.accept).toBe('text/event-stream');
    expect(got).toEqual([
      ['alert', '{"id":"a1"}'],
      ['health', '{}'],
    ]);
  });
});

describe('routes and filters', () => {
  it('parses pages and ids', () => {
    expect(parseRoute('')).toMatchObject({ page: 'alerts' });
    expect(parseRoute('#/alerts/a%2Fb')).toEqual({ page: 'alert', id: 'a/b' });
    expect(parseRoute('#/rules')).toEqual({ page: 'rules' });
    expect(parseRoute('#/rules/d9ffc3d6-9de9')).toEqual({ page: 'rule', id: 'd9ffc3d6-9de9' });
    expect(parseRoute('#/nope/x/y')).toMatchObject({ page: 'not-found' });
    expect(parseRoute('#/alerts/%E0%A4%A')).toMatchObject({ page: 'not-found' });
  });

  it('round-trips filters through the hash, leaving defaults out', () => {
    const f: AlertFilters = {
      ...defaultFilters(),
      status: ['open', 'acknowledged'],
      severity: ['high', 'critical'],
      q: 'cmd & <x>',
      host: 'ENG-WS-31',
      range: 'custom',
      from: '2025-11-23T18:00',
      sort: 'severity',
      order: 'asc',
      page: 3,
    };
    const hash = alertsHash(f);
    const back = parseRoute(hash);
    expect(back).toEqual({ page: 'alerts', filters: f });
    expect(alertsHash(defaultFilters())).toBe('#/alerts');
    // No status at all is different from the default (open only).
    const all = parseRoute(alertsHash({ ...defaultFilters(), status: [] }));
    expect(all).toMatchObject({ filters: { status: [] } });
  });

  it('drops unknown values from the hash', () => {
    const r = parseRoute('#/alerts?status=bogus&severity=extreme&sort=__proto__&order=up&page=-1&size=100000&range=1y');
    expect(r).toEqual({ page: 'alerts', filters: { ...defaultFilters(), status: [] } });
  });

  it('builds the API query: repeated status/severity, relative ranges against now, custom ranges as UTC', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    const p = alertsApiParams(
      { ...defaultFilters(), status: ['open', 'closed'], severity: ['high'], range: '24h', q: '  x ' },
      now,
    );
    expect(p.getAll('status')).toEqual(['open', 'closed']);
    expect(p.getAll('severity')).toEqual(['high']);
    expect(p.get('from')).toBe('2026-01-01T00:00:00.000Z');
    expect(p.get('to')).toBeNull();
    expect(p.get('q')).toBe('x');
    expect(p.get('sort')).toBe('time');
    expect(p.get('size')).toBe('50');
    const c = alertsApiParams({ ...defaultFilters(), range: 'custom', from: '2025-11-23T18:00', to: 'garbage' }, now);
    expect(c.get('from')).toBe('2025-11-23T18:00:00.000Z');
    expect(c.get('to')).toBeNull();
    expect(toIso('2025-11-23T19:00:00+01:00')).toBe('2025-11-23T18:00:00.000Z');
  });
});

describe('pivot buttons to API pivots', () => {
  it('matches markers by label whatever their order, positions only as a fallback', () => {
    const tree = parseMarkdown(
      'a !{investigate{"label":"Children"}} b !{investigate{"label":"Host alerts"}} c !{investigate{"label":"Unlisted"}} !{investigate{"label":"Host alerts"}}',
    );
    const pivots = [
      { index: 0, label: 'Host alerts' },
      { index: 1, label: 'Host alerts' },
      { index: 2, label: 'Children' },
      { index: 3, label: 'Something else' },
    ];
    const m = matchPivots(pluginsOf(tree), pivots);
    expect([...m.entries()].sort()).toEqual([
      [0, 2],
      [1, 0],
      [3, 1],
    ]);
    // 'Unlisted' is marker #2; pivot 2 is taken by its label, so it has no pivot.
    expect(m.has(2)).toBe(false);
  });
});

describe('JSON tree search', () => {
  const doc = { process: { name: 'cmd.exe', args: ['cmd.exe', '/c', 'echo'] }, host: { name: 'ENG-WS-31' }, n: 5 };

  it('finds leaves by value and path and shows their ancestors', () => {
    const { shown, hits } = searchTree(doc, 'ECHO');
    expect(hits).toBe(1);
    expect(shown.has(pathKey(['process', 'args', 2]))).toBe(true);
    expect(shown.has(pathKey(['process', 'args']))).toBe(true);
    expect(shown.has(pathKey(['process']))).toBe(true);
    expect(shown.has(pathKey(['host']))).toBe(false);
    expect(searchTree(doc, 'host.name').hits).toBe(1);
  });

  it('shows a whole object whose key matches', () => {
    const { shown } = searchTree(doc, 'process');
    expect(shown.has(pathKey(['process', 'args', 0]))).toBe(true);
    expect(shown.has(pathKey(['n']))).toBe(false);
  });

  it('an empty search matches nothing', () => {
    expect(searchTree(doc, '  ').shown.size).toBe(0);
  });
});
