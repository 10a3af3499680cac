import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bindPivot,
  describeBoundPivot,
  describePivot,
  loadBuiltinRules,
  resolveDateMath,
  runPivot,
  runPivotAsync,
  type InvestigateEntry,
} from '../../src/rules/index.js';

const FIX = join(import.meta.dirname, 'fixtures', 'events');
const events = readFileSync(join(FIX, 'win-fin-07.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const alert = JSON.parse(readFileSync(join(FIX, 'alert-cmd.json'), 'utf8')) as Record<string, unknown>;

const rule = loadBuiltinRules().rules[0].rule;
if (!rule) throw new Error('no built-in rule');
const pivots = rule.transform.investigate;
const byLabel = (label: string): InvestigateEntry => {
  const p = pivots.find((x) => x.label === label);
  if (!p) throw new Error(label);
  return p;
};

/** Indices (line numbers - 1) of the fixture events a pivot finds for the alert. */
function found(entry: InvestigateEntry, a: Record<string, unknown> = alert): number[] {
  const bound = bindPivot(entry, a);
  const r = runPivot(bound, events);
  expect(r.count).toBe(r.matches.length);
  return r.matches.map((m) => events.indexOf(m));
}

describe("the founding rule's pivots, run over events", () => {
  it('has five pivots, all runnable for a complete alert', () => {
    expect(pivots.map((p) => p.label)).toEqual([
      'Alerts associated with the host',
      'Alerts associated with the user',
      'Child process starts from the same cmd.exe instance',
      'Network activity for the alerting cmd.exe instance',
      'File activity for the alerting cmd.exe instance',
    ]);
    for (const p of pivots) expect(bindPivot(p, alert).runnable).toBe(true);
  });

  it('alerts on the host within now-48h/h (rounded down to the hour)', () => {
    expect(found(byLabel('Alerts associated with the host'))).toEqual([9]);
  });

  it('alerts for the user on any host, from the rounded window start', () => {
    // Event 10 is at 10:20 two days earlier (inside 10:00); event 11 is one millisecond before 10:00.
    expect(found(byLabel('Alerts associated with the user'))).toEqual([10]);
  });

  it('children of the same cmd.exe by entity id or by pid, on the same host, within the hour', () => {
    // 1: entity and pid; 2: pid written as a string; 3: other host; 4: two hours earlier.
    expect(found(byLabel('Child process starts from the same cmd.exe instance'))).toEqual([1, 2]);
  });

  it('network and file activity of the instance', () => {
    expect(found(byLabel('Network activity for the alerting cmd.exe instance'))).toEqual([5, 6]);
    expect(found(byLabel('File activity for the alerting cmd.exe instance'))).toEqual([7]);
  });

  it('binds templates and the window from the alert', () => {
    const bound = bindPivot(byLabel('Child process starts from the same cmd.exe instance'), alert);
    expect(bound.window).toEqual({
      from: Date.parse('2025-03-14T09:32:05.120Z'),
      to: Date.parse('2025-03-14T10:32:05.120Z'),
      relativeFrom: 'now-1h',
      relativeTo: 'now',
    });
    expect(bound.groups[1].conditions.map((c) => c.value)).toEqual([
      'process',
      '8f3c2a1e-5b7d-4c9e-a1f2-3d4e5f607182',
      '4812',
    ]);
    expect(describeBoundPivot(bound)).toContain('process.parent.pid: "4812"');
    expect(describePivot(byLabel('Alerts associated with the host'))).toBe(
      'event.kind: "signal" AND host.id: "{{host.id}}"  @ alert time now-48h/h .. now',
    );
  });

  it('says which groups cannot run when the alert lacks a value', () => {
    const noEntity = { ...alert, process: { pid: 4812, name: 'cmd.exe' } };
    const bound = bindPivot(byLabel('Child process starts from the same cmd.exe instance'), noEntity);
    expect(bound.runnable).toBe(true);
    expect(bound.groups.map((g) => g.runnable)).toEqual([false, true]);
    expect(bound.notes[0]).toMatch(/group 1 cannot run: the alert has no value for \{\{process\.entity_id\}\}/);
    expect(found(byLabel('Child process starts from the same cmd.exe instance'), noEntity)).toEqual([1, 2]);

    const noHost = { ...alert, host: undefined };
    const none = bindPivot(byLabel('Alerts associated with the host'), noHost);
    expect(none.runnable).toBe(false);
    expect(runPivot(none, events).count).toBe(0);
  });

  it('can anchor the window on another instant (the event time)', () => {
    const entry = byLabel('File activity for the alerting cmd.exe instance');
    const early = bindPivot(entry, alert, { now: Date.parse('2025-03-14T10:31:58.004Z') });
    // The file event at 10:31:58.350 is after that instant, so it falls outside.
    expect(runPivot(early, events).count).toBe(0);
  });

  it('runs over async streams too', async () => {
    async function* stream() {
      for (const e of events) yield e;
    }
    const r = await runPivotAsync(
      bindPivot(byLabel('Network activity for the alerting cmd.exe instance'), alert),
      stream(),
    );
    expect(r.count).toBe(2);
  });
});

describe('other provider types', () => {
  const entry = (providers: InvestigateEntry['providers']): InvestigateEntry => ({ label: 'x', providers });

  it('exists, excluded, phrases and range', () => {
    const ids = (e: InvestigateEntry) => runPivot(bindPivot(e, alert), events).matches.map((m) => events.indexOf(m));
    expect(ids(entry([[{ field: 'dns.question.name', excluded: false, queryType: 'exists', value: '' }]]))).toEqual([
      6,
    ]);
    expect(
      ids(
        entry([
          [
            { field: 'event.category', excluded: false, queryType: 'phrase', value: 'file' },
            { field: 'process.name', excluded: true, queryType: 'phrase', value: 'cmd.exe' },
          ],
        ]),
      ),
    ).toEqual([8]);
    expect(
      ids(
        entry([
          [
            {
              field: 'process.pid',
              excluded: false,
              queryType: 'phrases',
              value: '["5020","5100"]',
              valueType: 'number',
            },
          ],
        ]),
      ),
    ).toEqual([1, 2]);
    expect(
      ids(entry([[{ field: 'destination.port', excluded: false, queryType: 'range', value: '{"gte":400,"lt":500}' }]])),
    ).toEqual([5]);
    expect(ids(entry([[{ field: 'source.ip', excluded: false, queryType: 'phrase', value: '10.20.0.0/16' }]]))).toEqual(
      [5],
    );
  });
});

describe('date math', () => {
  const now = Date.parse('2025-03-14T10:32:05.120Z');
  it('resolves offsets and rounding as Kibana does', () => {
    expect(resolveDateMath('now', now)).toBe(now);
    expect(resolveDateMath('now-48h/h', now)).toBe(Date.parse('2025-03-12T10:00:00.000Z'));
    expect(resolveDateMath('now/d', now, true)).toBe(Date.parse('2025-03-14T23:59:59.999Z'));
    expect(resolveDateMath('now-7d/d', now)).toBe(Date.parse('2025-03-07T00:00:00.000Z'));
    expect(resolveDateMath('now-1M', now)).toBe(Date.parse('2025-02-14T10:32:05.120Z'));
    expect(resolveDateMath('now/w', now)).toBe(Date.parse('2025-03-10T00:00:00.000Z'));
    expect(resolveDateMath('2025-01-31||+1M', now)).toBe(Date.parse('2025-02-28T00:00:00.000Z'));
    expect(resolveDateMath('now-', now)).toBeUndefined();
    expect(resolveDateMath('yesterday', now)).toBeUndefined();
  });
});
