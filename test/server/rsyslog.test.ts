/**
 * A real shipper: rsyslog's omelasticsearch (Debian `rsyslog-elasticsearch`, installed by
 * .ci/run) tails a file with imfile and sends its lines to `eqlite serve` in bulk mode. The test
 * runs its own rsyslogd (`-n -f <config>`, private pid file and work directory, no system
 * inputs); it is skipped, saying why, only when rsyslogd is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FOUNDING_RULE_ID, SYSMON_INDEX, processEvent, tempDir, testServer } from './helpers.js';

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
const MODULE = [
  '/usr/lib/x86_64-linux-gnu/rsyslog/omelasticsearch.so',
  '/usr/lib/aarch64-linux-gnu/rsyslog/omelasticsearch.so',
  '/usr/lib/rsyslog/omelasticsearch.so',
].some((p) => existsSync(p));
const why = !RSYSLOGD
  ? 'rsyslogd is not installed (apt-get install rsyslog rsyslog-elasticsearch; .ci/run does it)'
  : !MODULE
    ? 'omelasticsearch is not installed (apt-get install rsyslog-elasticsearch)'
    : '';
if (why) process.stderr.write(`rsyslog test skipped: ${why}\n`);

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rsyslog omelasticsearch → eqlite serve', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it.skipIf(why !== '')(
    `ships a tailed file in bulk mode; good lines stored and alerted on, a bad line refused alone${why ? ` (skipped: ${why})` : ''}`,
    async () => {
      const t = tempDir('eqlite-rsyslog-');
      cleanup.push(() => t.remove());
      const server = await testServer({ accessLog: true });
      cleanup.push(() => server.close());
      const input = join(t.dir, 'in.log');
      const errors = join(t.dir, 'es-errors.json');
      writeFileSync(input, '');
      const conf = join(t.dir, 'rsyslog.conf');
      writeFileSync(
        conf,
        `global(workDirectory="${t.dir}" maxMessageSize="64k")
module(load="imfile" PollingInterval="1")
module(load="omelasticsearch")
template(name="doc" type="string" string="%msg%")
input(type="imfile" File="${input}" Tag="ecs" freshStartTail="off")
action(type="omelasticsearch" server="127.0.0.1" serverport="${server.port}" template="doc"
       searchIndex="${SYSMON_INDEX}" bulkmode="on" errorFile="${errors}"
       action.resumeRetryCount="-1" action.resumeInterval="1")
`,
      );
      const rsyslogd: ChildProcess = spawn(RSYSLOGD as string, ['-n', '-f', conf, '-i', join(t.dir, 'rsyslogd.pid')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      rsyslogd.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      rsyslogd.stderr?.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<void>((r) => rsyslogd.once('exit', () => r()));
      cleanup.push(async () => {
        if (rsyslogd.exitCode === null) rsyslogd.kill('SIGTERM');
        await exited;
      });

      const lines: string[] = [];
      for (let i = 0; i < 20; i++)
        lines.push(JSON.stringify(processEvent(i, { matching: i % 5 === 0, host: 'rsyslog-host' })));
      lines.splice(7, 0, '{"this is": not json');
      appendFileSync(input, `${lines.join('\n')}\n`);

      await until(() => server.store.eventCount() >= 20, 30_000, `20 events (rsyslogd said: ${out})`);
      expect(server.store.eventCount()).toBe(20);
      expect(server.logs.some((l) => /^POST \/_bulk 200 /.test(l))).toBe(true);
      const alerts = server.store.alerts.list({ rule: FOUNDING_RULE_ID, host: 'rsyslog-host' });
      expect(alerts.total).toBe(4);
      // rsyslog records the refused item, with our per-item error, in its error file.
      await until(
        () => existsSync(errors) && readFileSync(errors, 'utf8').includes('mapper_parsing_exception'),
        15_000,
        'the error file',
      );
    },
  );
});
