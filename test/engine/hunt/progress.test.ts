/** The progress bar on a terminal and the plain lines elsewhere, as a user reads them. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressReporter } from '../../../src/engine/hunt/progress.js';

function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (c: Buffer) => (out += c.toString()));
  Object.assign(s, {
    isTTY,
    columns: 160,
    rows: 40,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  });
  return { stream: s as unknown as NodeJS.WriteStream, text: () => out };
}

describe('hunt progress', () => {
  it('a terminal bar shows sizes in units, events/s, matches and an ETA while reading', () => {
    const t = terminal(true);
    const p = progressReporter(t.stream, true);
    p.update({ bytesDone: 5_000_000, bytesTotal: 20_000_000, records: 12_345, hits: 1_234, phase: 'reading' });
    p.update({ bytesDone: 20_000_000, bytesTotal: 20_000_000, records: 50_000, hits: 2_000, phase: 'done' });
    p.stop();
    const text = t.text();
    expect(text).toMatch(/5\.0 MB of 20 MB \| [\d,]+ events\/s \| 1,234 matches \| reading \| ETA \d+s/);
    expect(text).toMatch(/20 MB of 20 MB \| [\d,]+ events\/s \| 2,000 matches \| done/);
    // (cli-progress draws at most 5 times a second: one reporter per state drawn.)
    const one = terminal(true);
    const q = progressReporter(one.stream, true);
    q.update({ bytesDone: 1_000, bytesTotal: 20_000_000, records: 1, hits: 1, phase: 'reading' });
    q.stop();
    expect(one.text()).toMatch(/\| 1 match \| reading/);
    // Not the raw byte count cli-progress puts in its own `{total}`, nor its own ETA once done.
    expect(text).not.toContain('20000000');
    expect(text).not.toMatch(/done \| ETA/);
  });

  it('plain lines elsewhere, in units, with counts', () => {
    const t = terminal(false);
    const p = progressReporter(t.stream, true);
    p.update({ bytesDone: 5_000_000, bytesTotal: 20_000_000, records: 12_345, hits: 1, phase: 'reading' });
    p.stop();
    expect(t.text()).toBe('eqlite: reading: 5.0 MB of 20 MB (25%), 12,345 records, 1 match\n');
  });
});
