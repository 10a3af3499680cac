/** `--follow FILE` and stdin: appended lines are ingested, rotation and truncation are followed, a restart resumes where it stopped. */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { processEvent, tempDir, testServer } from './helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const line = (n: number, matching = false) => `${JSON.stringify(processEvent(n, { matching, host: 'follow-host' }))}\n`;

describe('following files and stdin', () => {
  it('tails a growing file across rotation and truncation, and resumes after a restart without duplicates', async () => {
    const t = tempDir();
    const data = tempDir();
    cleanup.push(() => t.remove());
    cleanup.push(() => data.remove());
    const file = join(t.dir, 'events.ndjson');
    writeFileSync(file, line(1, true) + line(2));
    let s = await testServer({ dataDir: data.dir, follow: [file] });
    await until(() => s.store.eventCount() === 2);
    // A partial line waits for its end.
    const third = line(3);
    appendFileSync(file, third.slice(0, 20));
    await new Promise((r) => setTimeout(r, 400));
    expect(s.store.eventCount()).toBe(2);
    appendFileSync(file, third.slice(20));
    await until(() => s.store.eventCount() === 3);
    await s.close();
    // Lines written while the server was down are read once it is back; old ones are not re-read.
    appendFileSync(file, line(4));
    s = await testServer({ dataDir: data.dir, follow: [file] });
    cleanup.push(() => s.close());
    await until(() => s.store.eventCount() === 4);
    // Rotation: the old file gets a last line, then a new file takes the name.
    appendFileSync(file, line(5));
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(6, true));
    await until(() => s.store.eventCount() === 6);
    // Copy-truncate: the file shrinks; reading starts again from its beginning.
    writeFileSync(file, line(7));
    await until(() => s.store.eventCount() === 7);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.store.eventCount()).toBe(7);
    expect(s.store.alerts.count()).toBe(2);
    const idx = s.store.db.prepare('SELECT DISTINCT name FROM indices').all() as Array<{ name: string }>;
    // The documents name their data stream, which routes them like Elasticsearch would.
    expect(idx.map((r) => r.name)).toEqual(['logs-windows.sysmon_operational-default']);
  });

  it('reads NDJSON from stdin', async () => {
    const stdin = new PassThrough();
    const s = await testServer({ stdin });
    cleanup.push(() => s.close());
    stdin.write(line(1, true) + line(2));
    stdin.end(line(3).trimEnd());
    await until(() => s.store.eventCount() === 3);
    expect(s.store.alerts.count()).toBe(1);
  });
});
