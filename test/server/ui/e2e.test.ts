/**
 * The triage UI end to end: the built `eqlite serve` with a fresh store, events ingested through
 * `_bulk` (the bundled examples, a process tree around one attack, and hostile strings), driven in
 * Debian's headless Chromium through playwright-core. Screenshots go to test-artifacts/ui/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer as serve, type ServeOptions } from '../../../src/server/index.js';
import { formatCount } from '../../../src/server/ui/lib/format.js';

const root = new URL('../../../', import.meta.url).pathname;
const artifacts = join(root, 'test-artifacts/ui');
const CHROMIUM = '/usr/bin/chromium';
const UI = '/ui/';
const RULE_ID = 'd9ffc3d6-9de9-4b29-9395-5757d0695ecf';

const HOSTILE_HOST = '<img src=x onerror=alert(1)>';
const HOSTILE_USER = '"><script>alert(2)</script>';
const HOSTILE_PARENT = '<svg onload=alert(5)>';
const HOSTILE_URL = 'javascript:alert(6)';
const HOSTILE_NOTE = '<img src=x onerror=alert(7)> [x](javascript:alert(8)) "><script>alert(9)</script>';

interface Server {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `eqlite serve` on a free port with a fresh store, through its programmatic entry. */
async function startServer(options: Partial<ServeOptions> = {}): Promise<Server> {
  const data = mkdtempSync(join(tmpdir(), 'eqlite-ui-e2e-'));
  const lines: string[] = [];
  const s = await serve({ dataDir: data, port: 0, log: (l) => lines.push(l), ...options });
  return {
    url: s.url,
    output: () => lines.join('\n'),
    stop: async () => {
      await s.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

async function api<T>(base: string, method: string, path: string, body?: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers.authorization = `ApiKey ${key}`;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** `_bulk` with index actions; fails on any item error. */
async function bulk(base: string, index: string, docs: unknown[]): Promise<void> {
  const body = docs.map((d) => `${JSON.stringify({ index: { _index: index } })}\n${JSON.stringify(d)}\n`).join('');
  const res = await fetch(`${base}/_bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body,
  });
  const answer = (await res.json()) as { errors: boolean; items: unknown[] };
  expect(res.status, JSON.stringify(answer)).toBe(200);
  expect(answer.errors, JSON.stringify(answer).slice(0, 2000)).toBe(false);
  expect(answer.items).toHaveLength(docs.length);
}

function ndjson(path: string): unknown[] {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}

interface AlertSummary {
  id: string;
  building_block: boolean;
  host: string | null;
  user: string | null;
  workflow_status: string;
  severity: string;
  rule_id: string;
}

async function alerts(base: string, query = 'status=open&status=acknowledged&status=closed&size=500') {
  return api<{ total: number; items: AlertSummary[] }>(base, 'GET', `/api/alerts?${query}`);
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A Sysmon-like ECS process start; the rule runs on `logs-windows.sysmon_operational-*`. */
function processStart(
  at: Date,
  p: Record<string, unknown>,
  host: Record<string, unknown>,
  user: Record<string, unknown>,
) {
  const iso = at.toISOString();
  return {
    '@timestamp': iso,
    data_stream: { type: 'logs', dataset: 'windows.sysmon_operational', namespace: 'e2e' },
    event: {
      category: ['process'],
      type: ['start'],
      action: 'Process creation',
      kind: 'event',
      module: 'windows',
      dataset: 'windows.sysmon_operational',
      ingested: iso,
      created: iso,
    },
    host: { os: { type: 'windows', family: 'windows' }, ...host },
    user,
    process: p,
  };
}

const SYSMON_INDEX = 'logs-windows.sysmon_operational-e2e';
const HOST = { id: 'e2e-host-0001', name: 'e2e-ws-01', hostname: 'e2e-ws-01' };
const USER = { id: 'S-1-5-21-1000-2000-3000-1105', name: 'e2e-analyst', domain: 'E2E' };

/** explorer.exe → cmd.exe (the attack) → wscript.exe, plus the shell's network connection. */
function treeEvents(now: number) {
  const t = (s: number) => new Date(now - s * 1000);
  const parent = {
    entity_id: '{e2e-0000-explorer}',
    pid: 4100,
    name: 'explorer.exe',
    executable: 'C:\\Windows\\explorer.exe',
  };
  const cmd = {
    entity_id: '{e2e-0000-cmd}',
    pid: 5200,
    name: 'cmd.exe',
    executable: 'C:\\Windows\\System32\\cmd.exe',
    command_line:
      'cmd.exe /c echo CreateObject("WScript.Shell").Run("calc") > %TEMP%\\e2e.vbs & wscript %TEMP%\\e2e.vbs',
    args: [
      'cmd.exe',
      '/c',
      'echo',
      'CreateObject("WScript.Shell").Run("calc")',
      '>',
      '%TEMP%\\e2e.vbs',
      '&',
      'wscript',
      '%TEMP%\\e2e.vbs',
    ],
    parent: {
      entity_id: parent.entity_id,
      pid: parent.pid,
      name: parent.name,
      executable: parent.executable,
      command_line: 'C:\\Windows\\explorer.exe',
    },
  };
  const child = {
    entity_id: '{e2e-0000-wscript}',
    pid: 5300,
    name: 'wscript.exe',
    executable: 'C:\\Windows\\System32\\wscript.exe',
    command_line: 'wscript C:\\Users\\e2e\\AppData\\Local\\Temp\\e2e.vbs',
    parent: { entity_id: cmd.entity_id, pid: cmd.pid, name: 'cmd.exe', executable: cmd.executable },
  };
  const network = {
    ...processStart(
      t(40),
      { entity_id: cmd.entity_id, pid: cmd.pid, name: 'cmd.exe', executable: cmd.executable },
      HOST,
      USER,
    ),
    event: {
      category: ['network'],
      type: ['connection'],
      action: 'Network connection detected',
      kind: 'event',
      ingested: t(40).toISOString(),
    },
    destination: { ip: '203.0.113.9', port: 443 },
  };
  return [
    processStart(t(90), { ...parent, command_line: 'C:\\Windows\\explorer.exe' }, HOST, USER),
    processStart(t(60), cmd, HOST, USER),
    // In the shell's own millisecond: the server resolves pivot windows against the alert's event
    // time (docs/serve-api.md), so a child started later would fall outside `now-1h`..`now`.
    processStart(t(60), child, HOST, USER),
    network,
  ];
}

function hostileEvent(now: number) {
  const e = processStart(
    new Date(now - 30_000),
    {
      entity_id: '{e2e-hostile-cmd}',
      pid: 6660,
      name: 'cmd.exe',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      command_line: `cmd.exe /c echo "><script>alert(3)</script> & wscript ${HOSTILE_URL}`,
      args: ['cmd.exe', '/c', 'echo', '"><script>alert(3)</script>', '&', 'wscript', HOSTILE_URL],
      parent: { name: HOSTILE_PARENT, executable: `C:\\${HOSTILE_PARENT}.exe` },
    },
    { id: 'e2e-hostile-host', name: HOSTILE_HOST, hostname: HOSTILE_HOST },
    { id: 'S-1-5-21-666', name: HOSTILE_USER },
  );
  return { ...e, url: { full: HOSTILE_URL, original: HOSTILE_URL }, message: '<b>bold</b> javascript:alert(10)' };
}

const SEQUENCE_RULE_ID = 'e2e0c0de-5e9a-4c1e-9a11-000000000001';

/** A small sequence rule beside the built-in one, so the alert page shows building blocks. */
function sequenceRuleFile(dir: string): string {
  const file = join(dir, 'e2e-sequence.toml');
  writeFileSync(
    file,
    `[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["eqlite e2e"]
description = "stage.exe, then run.exe on the same host within a minute"
index = ["logs-windows.sysmon_operational-*"]
language = "eql"
license = "Apache-2.0"
name = "E2E staged execution"
risk_score = 47
rule_id = "${SEQUENCE_RULE_ID}"
severity = "medium"
type = "eql"
query = '''
sequence by host.id with maxspan=1m
  [process where process.name == "stage.exe"]
  [process where process.name == "run.exe"]
'''
`,
  );
  return file;
}

function sequenceEvents(now: number) {
  const host = { id: 'e2e-seq-host', name: 'e2e-seq-01' };
  return [
    processStart(new Date(now - 20_000), { entity_id: '{e2e-seq-1}', pid: 8100, name: 'stage.exe' }, host, USER),
    processStart(new Date(now - 10_000), { entity_id: '{e2e-seq-2}', pid: 8200, name: 'run.exe' }, host, USER),
  ];
}

function liveEvent(now: number) {
  return processStart(
    new Date(now),
    {
      entity_id: '{e2e-live-cmd}',
      pid: 7100,
      name: 'cmd.exe',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      command_line: 'cmd.exe /c echo x > y.js & wscript y.js',
      args: ['cmd.exe', '/c', 'echo', 'x', '>', 'y.js', '&', 'wscript', 'y.js'],
      parent: { name: 'outlook.exe', executable: 'C:\\Program Files\\Microsoft Office\\outlook.exe' },
    },
    { id: 'e2e-live-host', name: 'e2e-live-01' },
    { id: 'S-1-5-21-7', name: 'e2e-live-user' },
  );
}

describe('web UI end to end (Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];
  let treeAlert: AlertSummary;
  let hostileAlert: AlertSummary;
  let sequenceAlert: AlertSummary;
  let rulesDir = '';

  /** Opens a UI route the way a person does: the /ui/ address with the route in the fragment. */
  const open = async (route: string) => {
    await page.goto(`${server.url}${UI}#${route}`);
    await ready();
  };
  const shot = async (name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
  };
  const ready = async () => page.waitForSelector('.view[data-ready="true"]');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    if (!existsSync(join(root, 'dist/server/ui/index.html'))) throw new Error('the UI is not built: npm run build');
    mkdirSync(artifacts, { recursive: true });
    rulesDir = mkdtempSync(join(tmpdir(), 'eqlite-ui-e2e-rules-'));
    server = await startServer({ rules: [join(root, 'builtin-rules'), sequenceRuleFile(rulesDir)] });
    const now = Date.now();
    // The bundled examples in the formats shippers send them, then this test's own events.
    await bulk(server.url, 'logs-windows.sysmon_operational-default', ndjson('examples/ecs/fin-ws-07-sysmon.ndjson'));
    await bulk(server.url, 'winlogbeat-8.17.0', ndjson('examples/winlogbeat/hr-lt-11-sysmon.ndjson'));
    await bulk(server.url, 'logs-crowdstrike.fdr-default', ndjson('examples/crowdstrike/eng-ws-31-fdr.ndjson'));
    await bulk(
      server.url,
      'logs-m365_defender.event-default',
      ndjson('examples/defender/mkt-lt-05-device-process-events.ndjson'),
    );
    await bulk(
      server.url,
      'logs-sentinel_one_cloud_funnel.event-default',
      ndjson('examples/sentinelone/ops-ws-19-cloud-funnel.ndjson'),
    );
    await bulk(server.url, SYSMON_INDEX, [...treeEvents(now), hostileEvent(now), ...sequenceEvents(now)]);
    // Every alert exists before the first page loads, so lists compare with a settled API.
    [treeAlert, hostileAlert, sequenceAlert] = await waitFor('the alerts of the ingested attacks', async () => {
      const list = await alerts(server.url);
      const a = list.items.find((x) => x.host === HOST.name);
      const b = list.items.find((x) => x.host === HOSTILE_HOST);
      const c = list.items.find((x) => x.rule_id === SEQUENCE_RULE_ID);
      return a && b && c ? [a, b, c] : undefined;
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    // Fail fast: a missing element should not cost playwright's default 30 s.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  it('serves the UI with a strict CSP and loads nothing from elsewhere', async () => {
    const res = await fetch(`${server.url}/ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy') ?? '').toContain("default-src 'self'");
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) foreign.push(r.url());
    });
    await open(`/alerts`);
    await page.locator('tbody tr.row').first().waitFor();
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('lists the alerts the API has, with severity, rule, host, user, reason and time', async () => {
    await open(`/alerts`);
    const listed = await alerts(server.url, 'status=open&size=50');
    await expect.poll(() => page.locator('tbody tr.row').count()).toBe(Math.min(listed.total, 50));
    const row = page.locator(`tr.row[data-id="${treeAlert.id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.join(' | ')).toContain('Suspicious Windows Command Shell Arguments');
    expect(cells).toContain(HOST.name);
    expect(cells).toContain(USER.name);
    expect(await row.locator('td.c-sev').innerText()).toMatch(/high/i);
    const times = await row.locator('td.c-time').allInnerTexts();
    expect(times).toHaveLength(2);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(await page.locator('.summary').innerText()).toContain(`of ${listed.total} alert`);
    await shot('alerts');
  });

  it('filters by host, text, severity and status, and the URL keeps the filters', async () => {
    await open(`/alerts`);
    await page.getByLabel('Host', { exact: true }).fill(HOST.name);
    await page.getByLabel('Host', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('tbody tr.row').count()).toBe(1);
    expect(await page.evaluate('location.hash')).toContain(`host=${HOST.name}`);
    await page.getByLabel('Host', { exact: true }).fill('');
    await page.getByLabel('Host', { exact: true }).press('Enter');

    await page.getByLabel('Search', { exact: true }).fill('e2e-ws-01');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect.poll(() => page.locator('tbody tr.row').count()).toBe(1);
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Search', { exact: true }).press('Enter');

    // No rule here is critical.
    await page.locator('input[name="severity"][value="critical"]').check();
    await expect.poll(() => page.locator('.msg-empty').count()).toBe(1);
    expect(await page.locator('tbody tr.row').count()).toBe(0);
    await page.locator('input[name="severity"][value="critical"]').uncheck();
    await expect.poll(() => page.locator('tbody tr.row').count()).toBeGreaterThan(0);

    // The rule filter lists the loaded rules.
    await page.getByLabel('Rule', { exact: true }).selectOption(RULE_ID);
    await expect.poll(() => page.evaluate('location.hash')).toContain(`rule=${RULE_ID}`);
  });

  it('shows a new alert live, without reloading the page', async () => {
    await open(`/alerts`);
    await page.evaluate('window.__noReload = true');
    await bulk(server.url, SYSMON_INDEX, [liveEvent(Date.now())]);
    const row = page.locator('tr.row', { hasText: 'e2e-live-01' });
    await row.waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.__noReload === true')).toBe(true);
    expect(await page.locator('#live').innerText()).toBe('Live');
    await shot('alerts-live');
  });

  it('shows the alert: investigation fields first, guide with pivot counts, pivot events', async () => {
    await open(`/alerts`);
    await page.locator(`tr.row[data-id="${treeAlert.id}"] td.c-reason`).click();
    await page.waitForSelector('.alert-head');
    expect(await page.evaluate('location.hash')).toBe(`#/alerts/${encodeURIComponent(treeAlert.id)}`);

    const detail = await api<{
      investigation_fields: Array<{ field: string; value: unknown }>;
      explain: { matched?: string[] } | null;
    }>(server.url, 'GET', `/api/alerts/${encodeURIComponent(treeAlert.id)}`);
    // The first section is the rule's investigation fields, in the rule's order.
    const firstSection = page.locator('.main-col > section').first();
    expect(await firstSection.getAttribute('id')).toBe('investigation-fields');
    const names = await firstSection.locator('th').allInnerTexts();
    expect(names).toEqual(detail.investigation_fields.map((f) => f.field));
    expect(names).toContain('process.command_line');
    expect(await firstSection.innerText()).toContain('wscript %TEMP%\\e2e.vbs');

    // Pivot buttons read "<label> (<count>)" with Kibana's count format once counts arrive.
    const counts = await api<Array<{ index: number; label: string; count: number }>>(
      server.url,
      'GET',
      `/api/alerts/${encodeURIComponent(treeAlert.id)}/pivots`,
    );
    const child = counts.find((c) => c.label.startsWith('Child process starts'));
    expect(child?.count).toBe(1);
    const button = page.locator(`#guide button[data-pivot="${child?.index}"]`);
    await expect
      .poll(() => button.innerText())
      .toBe(`Child process starts from the same cmd.exe instance (${formatCount(1)})`);
    const buttons = await page.locator('#guide button.btn-pivot').allInnerTexts();
    expect(buttons).toHaveLength(5);
    for (const c of counts) expect(buttons).toContain(`${c.label} (${formatCount(c.count)})`);
    await shot('alert');

    await button.click();
    const results = page.locator('.pivot-results');
    await results.locator('.event-row').first().waitFor();
    expect(await results.locator('.event-row').count()).toBe(1);
    expect(await results.innerText()).toContain('wscript C:\\Users\\e2e\\AppData\\Local\\Temp\\e2e.vbs');
    await results.screenshot({ path: join(artifacts, 'alert-pivot.png') });

    // Why it matched: every explain line of the API, e.g. which pattern hit the command line.
    const matched = detail.explain?.matched ?? [];
    expect(matched.length).toBeGreaterThan(0);
    const lines = await page.locator('#explain .explain-lines li').allInnerTexts();
    expect(lines).toEqual(matched);
    expect(lines.join('\n')).toMatch(/process\.command_line matched "\*[^"]+\*" on "cmd\.exe \/c echo/);
  });

  it('links MITRE ATT&CK, draws the process tree and the host timeline, searches the event', async () => {
    await open(`/alerts/${encodeURIComponent(treeAlert.id)}`);
    const hrefs = await page.locator('#mitre a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(
      expect.arrayContaining([
        'https://attack.mitre.org/tactics/TA0002/',
        'https://attack.mitre.org/techniques/T1059/',
        'https://attack.mitre.org/techniques/T1059/003/',
        'https://attack.mitre.org/tactics/TA0005/',
        'https://attack.mitre.org/techniques/T1218/010/',
      ]),
    );

    const tree = page.locator('#process-tree');
    await tree.locator('.proc-tree').waitFor();
    const procs = await tree.locator('.proc-name').allInnerTexts();
    expect(procs).toEqual(['explorer.exe', 'cmd.exe', 'wscript.exe']);
    expect(await tree.locator('.proc.is-alert > .proc-line .proc-name').innerText()).toBe('cmd.exe');
    // The child hangs under the alerting shell, which hangs under explorer.
    expect(
      await tree
        .locator('.proc:has(> .proc-line .proc-name:text-is("cmd.exe")) .proc-name:text-is("wscript.exe")')
        .count(),
    ).toBe(1);
    await tree.screenshot({ path: join(artifacts, 'alert-process-tree.png') });

    const timeline = page.locator('#timeline');
    await timeline.locator('table').waitFor();
    expect(await timeline.locator('tr.tl-row').count()).toBeGreaterThanOrEqual(4);
    expect(await timeline.locator('tr.tl-mark').count()).toBe(1);
    expect(await timeline.innerText()).toContain('wscript C:\\Users\\e2e\\AppData\\Local\\Temp\\e2e.vbs');
    await timeline.screenshot({ path: join(artifacts, 'alert-timeline.png') });

    const event = page.locator('#event');
    await event.getByLabel('Search the event').fill('entity_id');
    await expect.poll(() => event.locator('.jt-hits').innerText()).toMatch(/^\d+ match/);
    const visibleMarks = await event.locator('mark').allInnerTexts();
    expect(visibleMarks.length).toBeGreaterThan(0);
    expect(visibleMarks.every((m) => m.toLowerCase() === 'entity_id')).toBe(true);
  });

  it('acknowledges, closes and reopens an alert, and bulk-acknowledges from the list', async () => {
    await open(`/alerts/${encodeURIComponent(treeAlert.id)}`);
    const status = async () =>
      (await api<{ summary: AlertSummary }>(server.url, 'GET', `/api/alerts/${encodeURIComponent(treeAlert.id)}`))
        .summary.workflow_status;
    await page.locator('button[data-action="acknowledged"]').click();
    await expect.poll(() => page.locator('.title-row .status').innerText()).toBe('acknowledged');
    expect(await status()).toBe('acknowledged');
    await page.locator('button[data-action="closed"]').click();
    await expect.poll(() => page.locator('.title-row .status').innerText()).toBe('closed');
    expect(await status()).toBe('closed');

    // Closed alerts leave the default (open) list.
    await open(`/alerts`);
    await page.locator('tbody tr.row').first().waitFor();
    expect(await page.locator(`tr.row[data-id="${treeAlert.id}"]`).count()).toBe(0);

    await open(`/alerts/${encodeURIComponent(treeAlert.id)}`);
    await page.locator('button[data-action="open"]').click();
    await expect.poll(() => page.locator('.title-row .status').innerText()).toBe('open');
    expect(await status()).toBe('open');

    // Bulk: select two rows with the keyboard and the mouse, acknowledge both.
    await open(`/alerts`);
    const rows = page.locator('tbody tr.row');
    await rows.nth(1).waitFor();
    const ids = [await rows.nth(0).getAttribute('data-id'), await rows.nth(1).getAttribute('data-id')];
    await rows.nth(0).focus();
    await page.keyboard.press('x');
    await rows.nth(1).locator('td.c-sel input').check();
    expect(await page.locator('.sel-count').innerText()).toBe('2 selected');
    await page.locator('button[data-bulk="acknowledged"]').click();
    await expect.poll(() => page.locator('.sel-count').innerText()).not.toBe('2 selected');
    for (const id of ids) {
      const s = await api<{ summary: AlertSummary }>(server.url, 'GET', `/api/alerts/${encodeURIComponent(id ?? '')}`);
      expect(s.summary.workflow_status).toBe('acknowledged');
    }
  });

  it('shows a sequence alert with its building blocks', async () => {
    const shell = sequenceAlert;
    const blocks = await alerts(
      server.url,
      `rule=${SEQUENCE_RULE_ID}&building_blocks=true&size=50&sort=time&order=asc`,
    );
    const blockIds = blocks.items.filter((a) => a.building_block).map((a) => a.id);
    expect(blockIds).toHaveLength(2);
    await open(`/alerts/${encodeURIComponent(shell.id)}`);
    const seq = page.locator('#sequence');
    expect(await seq.locator('h2').innerText()).toBe('Sequence building blocks (2)');
    const links = await seq.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual(blockIds.map((id) => `#/alerts/${encodeURIComponent(id)}`).sort());
    await seq.screenshot({ path: join(artifacts, 'alert-sequence.png') });
    await seq.locator('tbody a').first().click();
    await page.waitForSelector('.alert-head');
    expect(blockIds.map((id) => `#/alerts/${encodeURIComponent(id)}`)).toContain(await page.evaluate('location.hash'));
  });

  it('renders hostile event strings and notes as text and runs no script', async () => {
    // Every status: the bulk step above may have acknowledged it.
    await open(`/alerts?status=&host=${encodeURIComponent(HOSTILE_HOST)}`);
    const row = page.locator(`tr.row[data-id="${hostileAlert.id}"]`);
    await row.waitFor();
    expect(await row.locator('td.c-host').innerText()).toBe(HOSTILE_HOST);
    expect(await row.locator('td.c-user').innerText()).toBe(HOSTILE_USER);
    await shot('alerts-hostile');

    await row.locator('td.c-reason').click();
    await page.waitForSelector('.alert-head');
    const text = await page.locator('#app').innerText();
    expect(text).toContain(HOSTILE_HOST);
    expect(text).toContain(HOSTILE_USER);
    expect(text).toContain(HOSTILE_PARENT);
    expect(text).toContain(HOSTILE_URL);

    await page.getByLabel('Note', { exact: true }).fill(HOSTILE_NOTE);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.note-text', { hasText: HOSTILE_NOTE }).waitFor();
    await page.getByLabel('New tag').fill(HOSTILE_USER);
    await page.getByLabel('New tag').press('Enter');
    await page.locator('.tag', { hasText: HOSTILE_USER }).waitFor();
    // The process tree and the timeline show the hostile parent name as text too.
    await page.locator('#timeline table').waitFor();

    // Nothing became markup: no element the strings describe, no script URL in a link.
    const injected = await page.evaluate(`(() => ({
      imgs: document.querySelectorAll('#app img, #app svg, #app iframe').length,
      scripts: [...document.scripts].map((s) => s.src.replace(location.origin, '')),
      badLinks: [...document.querySelectorAll('a[href]')].filter((a) => !/^(https?:|mailto:|#)/.test(a.getAttribute('href'))).length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    }))()`);
    expect(injected).toEqual({ imgs: 0, scripts: ['/ui/app.js'], badLinks: 0, handlers: 0 });
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
    await shot('alert-hostile');
  });

  it('lists rules with schedule, last run and open alerts; disables, enables and shows a rule', async () => {
    await open(`/rules`);
    const row = page.locator(`tr.row[data-rule="${RULE_ID}"]`);
    await row.waitFor();
    const rules = await api<Array<{ rule_id: string; alerts_open: number; enabled: boolean; mode: string }>>(
      server.url,
      'GET',
      '/api/rules',
    );
    const rule = rules.find((r) => r.rule_id === RULE_ID);
    expect(rule).toBeDefined();
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toContain('Suspicious Windows Command Shell Arguments');
    expect(cells[3]).toBe(rule?.mode);
    expect(cells[6]).toBe(String(rule?.alerts_open));
    await shot('rules');

    const toggle = row.locator('button[role="switch"]');
    expect(await toggle.innerText()).toBe('Enabled');
    await toggle.click();
    await expect.poll(() => row.locator('button[role="switch"]').innerText()).toBe('Disabled');
    expect(
      (await api<Array<{ rule_id: string; enabled: boolean }>>(server.url, 'GET', '/api/rules')).find(
        (r) => r.rule_id === RULE_ID,
      )?.enabled,
    ).toBe(false);
    await row.locator('button[role="switch"]').click();
    await expect.poll(() => row.locator('button[role="switch"]').innerText()).toBe('Enabled');

    await row.locator('td.c-rule a').click();
    await page.waitForSelector('#query');
    expect(await page.locator('#query').innerText()).toContain('process where host.os.type == "windows"');
    const detail = await api<{ note?: string | null }>(server.url, 'GET', `/api/rules/${RULE_ID}`);
    if (typeof detail.note === 'string') {
      expect(await page.locator('#guide .markdown h2').first().innerText()).toBe('Triage and analysis');
      // Pivots need an alert to fill their templates: on the rule page they show, disabled.
      expect(await page.locator('#guide button.btn-pivot:disabled').count()).toBe(5);
    } else {
      // A server without the guide's markdown (`note`, docs/serve-api.md): the UI says so and
      // renders no server-made HTML in its place.
      expect(await page.locator('#guide').innerText()).toContain('This rule has no investigation guide.');
    }
    await shot('rule');
  });

  it('asks for the API key when the server answers 401, then sends it as ApiKey', async () => {
    const key = 'e2e-secret-key';
    const locked = await startServer({ apiKey: key });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const p = await ctx.newPage();
      p.setDefaultTimeout(10_000);
      const auth: string[] = [];
      p.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/api/')) auth.push(r.headers().authorization ?? '');
      });
      await p.goto(`${locked.url}${UI}#/alerts`);
      const dialog = p.locator('dialog[open]');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('API key required');
      await p.screenshot({ path: join(artifacts, 'api-key.png') });
      await dialog.getByLabel('API key').fill(key);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await p.locator('.msg-empty', { hasText: 'No alerts match' }).waitFor();
      await expect.poll(() => p.locator('#live').innerText()).toBe('Live');
      expect(auth).toContain(`ApiKey ${key}`);
      expect(await p.locator('dialog[open]').count()).toBe(0);
    } finally {
      await ctx.close();
      await locked.stop();
    }
  });
});
