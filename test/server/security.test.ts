/**
 * Security: loopback unless a key is set, Elasticsearch-style keys, body limits (also after
 * decompression), hostile event strings escaped wherever the API returns HTML, and no event
 * contents in logs.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { FOUNDING_RULE_ID, bulkBody, postBulk, processEvent, tempDir, testServer } from './helpers.js';
import { foundingRuleWith } from './rules-fixtures.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '"><svg onload=alert(3)>',
  "' onmouseover='alert(4)",
];
const SECRET = 'SECRET-EVENT-CONTENT-7f3a';

describe('binding and keys', () => {
  it('refuses a non-loopback address without an API key', async () => {
    const t = tempDir();
    cleanup.push(() => t.remove());
    await expect(startServer({ host: '0.0.0.0', port: 0, dataDir: t.dir, log: () => undefined })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0 without --api-key/,
    );
  });

  it('with a key: 401 without it or with a wrong one; ApiKey (both forms) and Basic accepted; UI files open', async () => {
    const s = await testServer({ apiKey: 'k3y-s3cret' });
    cleanup.push(() => s.close());
    const call = (auth?: string) => fetch(`${s.url}/api/health`, { headers: auth ? { authorization: auth } : {} });
    const none = await call();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('ApiKey');
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe('security_exception');
    expect((await call('ApiKey wrong')).status).toBe(401);
    expect((await call(`ApiKey ${Buffer.from('id1:wrong').toString('base64')}`)).status).toBe(401);
    expect((await call(`Basic ${Buffer.from('elastic:wrong').toString('base64')}`)).status).toBe(401);
    expect((await call('ApiKey k3y-s3cret')).status).toBe(200);
    expect((await call(`ApiKey ${Buffer.from('id1:k3y-s3cret').toString('base64')}`)).status).toBe(200);
    expect((await call(`Basic ${Buffer.from('elastic:k3y-s3cret').toString('base64')}`)).status).toBe(200);
    expect((await postBulk(s.url, bulkBody([processEvent(1)]))).status).toBe(401);
    expect(s.store.eventCount()).toBe(0);
    expect((await fetch(`${s.url}/ui/`)).status).toBe(200);
  });
});

describe('body limits', () => {
  it('413 for an ingest body over the limit, before and after decompression; API bodies have their own limit', async () => {
    const s = await testServer({ maxBodyBytes: 64 * 1024, maxApiBodyBytes: 4 * 1024 });
    cleanup.push(() => s.close());
    const docs = Array.from({ length: 200 }, (_, i) => processEvent(i));
    const big = bulkBody(docs);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const r = await postBulk(s.url, big);
    expect(r.status).toBe(413);
    expect((r.json.error as { type: string }).type).toBe('content_too_long_exception');
    // A small gzip of a large body: refused too.
    const bomb = gzipSync(Buffer.from(big));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const g = await fetch(`${s.url}/_bulk`, {
      method: 'POST',
      body: bomb,
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    expect(g.status).toBe(413);
    // Under the limit, gzip is welcome.
    const ok = await fetch(`${s.url}/_bulk`, {
      method: 'POST',
      body: gzipSync(Buffer.from(bulkBody(docs.slice(0, 10)))),
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    expect(ok.status).toBe(200);
    expect(s.store.eventCount()).toBe(10);
    const api = await fetch(`${s.url}/api/events/search`, {
      method: 'POST',
      body: JSON.stringify({ query: `process where process.name == "${'x'.repeat(5000)}"` }),
    });
    expect(api.status).toBe(413);
  });
});

describe('hostile strings', () => {
  it('never reach the guide HTML unescaped, and never the logs', async () => {
    const t = tempDir();
    cleanup.push(() => t.remove());
    const rule = foundingRuleWith(t.dir, {});
    const logs: string[] = [];
    const s = await startServer({ port: 0, dataDir: t.dir, rules: [rule], accessLog: true, log: (l) => logs.push(l) });
    cleanup.push(() => s.close());
    const docs = HOSTILE.map((h, i) => {
      const d = processEvent(i, { matching: true, host: `${h}${SECRET}` });
      const p = d.process as Record<string, unknown>;
      p.entity_id = `${h}-${SECRET}`;
      (p.parent as Record<string, unknown>).entity_id = h;
      (d.user as Record<string, unknown>).id = h;
      return d;
    });
    const r = await postBulk(s.url, bulkBody(docs) + `{"create":{"_index":"logs-x-default"}}\n{"broken ${SECRET}\n`);
    expect(r.json.errors).toBe(true);
    const list = (await (await fetch(`${s.url}/api/alerts?q=${encodeURIComponent(SECRET.toLowerCase())}`)).json()) as {
      items: Array<{ id: string; host: string }>;
    };
    expect(list.items).toHaveLength(HOSTILE.length);
    for (const a of list.items) {
      const d = (await (await fetch(`${s.url}/api/alerts/${a.id}`)).json()) as {
        guide: { html: string };
        summary: { host: string };
      };
      // The JSON carries the raw value (the UI escapes it); the HTML carries it escaped only.
      expect(HOSTILE.some((h) => d.summary.host.startsWith(h))).toBe(true);
      const html = d.guide.html;
      expect(html).toContain(SECRET);
      for (const h of HOSTILE) expect(html).not.toContain(h);
      expect(html).not.toMatch(/<(script|img|svg)\b/i);
      // Every tag is one markdown-it or the guide writes, with quoted, known attributes only.
      for (const m of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
        expect([
          'h1',
          'h2',
          'h3',
          'h4',
          'h5',
          'h6',
          'p',
          'ul',
          'ol',
          'li',
          'code',
          'pre',
          'em',
          'strong',
          'a',
          'button',
          'span',
          'br',
          'hr',
          'blockquote',
          'table',
          'thead',
          'tbody',
          'tr',
          'th',
          'td',
        ]).toContain(m[1].toLowerCase());
        const rest = m[2].replace(/\s(type|class|data-pivot|title|href|start|style)="[^"<>]*"/g, '');
        expect(rest.trim()).toBe('');
      }
      expect((await fetch(`${s.url}/api/rules/${FOUNDING_RULE_ID}`)).status).toBe(200);
    }
    await fetch(`${s.url}/api/events/search`, {
      method: 'POST',
      body: JSON.stringify({ query: `process where host.name == "${SECRET}"` }),
    });
    await fetch(`${s.url}/api/alerts?q=${SECRET}`);
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.join('\n')).not.toContain(SECRET);
    for (const h of HOSTILE) expect(logs.join('\n')).not.toContain(h);
  });
});
