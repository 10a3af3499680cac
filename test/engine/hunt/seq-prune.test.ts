/**
 * The ordered stage's join-key pruning (src/engine/hunt/seq-prune.ts) changes no alert: the same
 * hunt with and without it, over generated events in two files given out of time order, with
 * sequence rules of every shape (several keys, no keys, `until`, a missing-event stage, `runs`,
 * multi-valued keys) and a sample rule, gives the same alert documents, while most events are
 * not replayed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyPresence, keyHash, prefixEnd, pruneEvent } from '../../../src/engine/hunt/seq-prune.js';
import type { RuleVerdict } from '../../../src/engine/hunt/messages.js';
import { seededRandom } from '../../helpers/rng.js';
import { quietHunt } from '../../helpers/hunt.js';

const QUERIES = [
  `sequence by host.id, process.entity_id with maxspan=1m
  [process where event.type == "start"]
  [network where destination.port == 443]`,
  `sequence by host.id with maxspan=30s
  [process where process.name == "cmd.exe"]
  [file where file.extension == "exe"]
until [process where event.type == "end"]`,
  `sequence by process.entity_id with maxspan=1m
  [process where process.name == "a.exe"]
  ![file where file.extension == "txt"]
  [network where true]`,
  `sequence with maxspan=5s
  [process where process.name == "a.exe"]
  [process where process.name == "b.exe"]`,
  `sample by host.id
  [process where process.name == "x.exe"]
  [network where destination.port == 80]`,
  `sequence by user.name with maxspan=2m
  [process where event.type == "start"]
  [file where file.extension == "txt"]`,
  `sequence by process.entity_id
  [process where event.type == "start"] with runs=2
  [network where true]`,
];

function ruleToml(i: number, query: string): string {
  return `[metadata]
creation_date = "2026/01/01"
maturity = "production"
updated_date = "2026/01/01"

[rule]
author = ["eqlite tests"]
description = "pruning test rule ${i}"
from = "now-9m"
language = "eql"
license = "Apache-2.0"
name = "Pruning ${i}"
risk_score = 21
rule_id = "0b6c8a59-0000-4000-8000-00000000010${i}"
severity = "low"
type = "eql"
query = '''
${query}
'''
`;
}

function events(n: number, seed: number): Array<Record<string, unknown>> {
  const r = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const out: Array<Record<string, unknown>> = [];
  let t = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 2000);
    const host = { id: `h${Math.floor(r() * 4)}` };
    const kind = r();
    // Most process starts have entity ids no network event carries: those are what pruning drops.
    const entity = r() < 0.2 ? `e${Math.floor(r() * 20)}` : `p${i}`;
    const user =
      r() < 0.1
        ? { name: [pick(['ann', 'bob']), `u${Math.floor(r() * 2000)}`] }
        : { name: `u${Math.floor(r() * 2000)}` };
    const base = { '@timestamp': new Date(t).toISOString(), host, user };
    if (kind < 0.6) {
      out.push({
        ...base,
        event: { category: ['process'], type: [r() < 0.85 ? 'start' : 'end'] },
        process: {
          entity_id: entity,
          name: pick(['cmd.exe', 'a.exe', 'b.exe', 'x.exe', ...Array<string>(6).fill('svchost.exe')]),
        },
      });
    } else if (kind < 0.8) {
      out.push({
        ...base,
        event: { category: ['network'], type: ['connection'] },
        process: { entity_id: `e${Math.floor(r() * 20)}` },
        destination: { port: pick([443, 80, 53]) },
      });
    } else {
      out.push({
        ...base,
        event: { category: ['file'], type: ['creation'] },
        // Few share a process's key, so some keys never see the missing-event stage.
        process: { entity_id: r() < 0.05 ? `e${Math.floor(r() * 20)}` : `f${i}` },
        file: { extension: pick(['exe', 'txt', 'dll']) },
      });
    }
  }
  return out;
}

const uuids = (alerts: Array<Record<string, unknown>>) => alerts.map((a) => String(a['kibana.alert.uuid']));

function hunt(paths: string[], rulesDir: string, pruneSequences: boolean, seqMemory?: number, stderr?: PassThrough) {
  return quietHunt(
    paths,
    { rulePaths: [rulesDir] },
    { pruneSequences, ...(seqMemory ? { seqMemory } : {}), ...(stderr ? { stderr, summary: true } : {}) },
  );
}

describe('join-key pruning of the ordered stage', () => {
  it('gives the same alerts as replaying every event, and replays far fewer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqlite-prune-'));
    const rules = join(dir, 'rules');
    const data = join(dir, 'data');
    mkdirSync(rules);
    mkdirSync(data);
    QUERIES.forEach((q, i) => writeFileSync(join(rules, `r${i}.toml`), ruleToml(i, q)));
    const evs = events(6000, 7);
    // Later events in the first file: the ordered stage must sort across files.
    writeFileSync(
      join(data, 'a.ndjson'),
      evs
        .slice(3000)
        .map((e) => JSON.stringify(e) + '\n')
        .join(''),
    );
    writeFileSync(
      join(data, 'b.ndjson'),
      evs
        .slice(0, 3000)
        .map((e) => JSON.stringify(e) + '\n')
        .join(''),
    );

    const full = await hunt([data], rules, false);
    const err = new PassThrough();
    let summary = '';
    err.on('data', (c: Buffer) => (summary += c.toString()));
    const pruned = await hunt([data], rules, true, undefined, err);
    const strip = (a: Record<string, unknown>) => {
      const o = { ...a };
      for (const k of ['kibana.alert.rule.execution.uuid']) delete o[k];
      return JSON.stringify(o);
    };
    expect(uuids(pruned.alerts)).toEqual(uuids(full.alerts));
    expect(pruned.alerts.map(strip)).toEqual(full.alerts.map(strip));
    // Every rule shape found something, so the comparison covers them all.
    const byRule = new Map<string, number>();
    for (const a of full.alerts) {
      const id = String(a['kibana.alert.rule.rule_id']);
      byRule.set(id, (byRule.get(id) ?? 0) + 1);
    }
    expect(byRule.size).toBe(QUERIES.length);
    expect(full.stats?.seqReplayed).toBe(full.stats?.seqEvents);
    expect(pruned.stats?.seqEvents).toBe(full.stats?.seqEvents);
    expect(pruned.stats!.seqReplayed).toBeLessThan(pruned.stats!.seqEvents * 0.85);
    // The summary says how many were replayed.
    const n = (x: number) => x.toLocaleString('en-US');
    expect(summary).toContain(
      `${n(pruned.stats!.seqEvents)} events ordered for sequence/sample rules, of which ${n(pruned.stats!.seqReplayed)} replayed`,
    );

    // The same through spilled runs (the prefix travels through run files).
    const spilled = await hunt([data], rules, true, 500);
    expect(spilled.stats!.spilledRuns).toBeGreaterThan(0);
    expect(spilled.alerts.map(strip)).toEqual(full.alerts.map(strip));

    // Each rule alone: no other rule keeps its events alive.
    for (let i = 0; i < QUERIES.length; i++) {
      const one = join(dir, `rule-${i}`);
      mkdirSync(one);
      writeFileSync(join(one, 'r.toml'), ruleToml(i, QUERIES[i]));
      const a = await hunt([data], one, false);
      const b = await hunt([data], one, true);
      expect(a.alerts.length, QUERIES[i]).toBeGreaterThan(0);
      // Ids first: a difference then reads as a short list, not as whole documents.
      expect(uuids(b.alerts), QUERIES[i]).toEqual(uuids(a.alerts));
      expect(b.alerts.map(strip), QUERIES[i]).toEqual(a.alerts.map(strip));
    }
  }, 120_000);
});

describe('pruneEvent and KeyPresence', () => {
  const tuple = (id: string) => ({ id, values: [id] });
  const verdict = (stages: Array<string | null>, until: string | null = null): RuleVerdict => ({
    stages: stages.map((s) => (s === null ? null : [tuple(s)])),
    until: until === null ? null : [tuple(until)],
    ms: 0,
    ns: 0,
  });

  it('keeps an event only when every stage of its rule saw its key', () => {
    const prunable = [2, 0];
    const triples: number[] = [];
    const first = pruneEvent([0], [verdict(['k1', null])], prunable, triples);
    const lonely = pruneEvent([0], [verdict(['k2', null])], prunable, triples);
    pruneEvent([0], [verdict([null, 'k1'])], prunable, triples);
    const presence = new KeyPresence(prunable);
    presence.add(triples);
    expect(presence.keep(first, prefixEnd(first))).toBe(true);
    expect(presence.keep(lonely, prefixEnd(lonely))).toBe(false);
    // The same verdicts on the bytes of a spilled run.
    const bytes = (l: string) => Buffer.from(`${l}[0]`, 'latin1');
    expect(presence.keepBytes(bytes(first), 0, first.length - 1)).toBe(true);
    expect(presence.keepBytes(bytes(lonely), 0, lonely.length - 1)).toBe(false);
    expect(first).toBe(`0.${keyHash('k1')}|`);
  });

  it('never prunes events of rules it cannot reason about, nor until events', () => {
    const prunable = [2, 0];
    const triples: number[] = [];
    // A sample or missing-event rule (not prunable) beside a prunable one: no prefix.
    expect(pruneEvent([0, 1], [verdict(['k', null]), null], prunable, triples)).toBe('');
    expect(pruneEvent([0], [verdict(['k', null], 'k')], prunable, triples)).toBe('');
    // Their keys still count as seen.
    expect(triples.length).toBe(6);
    const presence = new KeyPresence(prunable);
    expect(presence.keep('[1,2]', prefixEnd('[1,2]'))).toBe(true);
  });
});
