/**
 * ES's unit-test vector for the sequence state machine (`sequences.series-spec`): each case lists
 * the events of every stage (`key|NameTs`, the number is the timestamp) and the sequences expected.
 * eqlite runs each case through its incremental `SequenceMatcher` with one stage per line.
 */
import { readFileSync } from 'node:fs';
import { compileQuery } from '../eql/index.js';
import { Schema } from '../eql/schema.js';
import { SequenceMatcher } from '../eql/sequence.js';
import { compareOrdinals } from '../eql/ordinal.js';

export interface SeriesCase {
  name: string;
  stages: string[][];
  expected: string[][];
}

export function parseSeriesSpec(text: string): SeriesCase[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\/\/.*$/, '').trimEnd());
  const cases: SeriesCase[] = [];
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && lines[i].trim() === '') i++;
  };
  for (;;) {
    skipBlank();
    if (i >= lines.length) break;
    const name = lines[i++].trim();
    const stages: string[][] = [];
    const expected: string[][] = [];
    while (i < lines.length && lines[i].trim() !== ';') {
      if (lines[i].trim() !== '') stages.push(lines[i].trim().split(/\s+/));
      i++;
    }
    i++;
    while (i < lines.length && lines[i].trim() !== ';') {
      if (lines[i].trim() !== '') expected.push(lines[i].trim().split(/\s+/));
      i++;
    }
    i++;
    cases.push({ name, stages, expected });
  }
  return cases;
}

interface Token {
  key: string;
  name: string;
  ts: number;
}

function parseToken(t: string, defaultKey: string): Token {
  const bar = t.indexOf('|');
  const key = bar >= 0 ? t.slice(0, bar) : defaultKey;
  const body = bar >= 0 ? t.slice(bar + 1) : t;
  const m = /^([A-Za-z]+)(\d+)$/.exec(body);
  if (!m) throw new Error(`bad series-spec token ${t}`);
  return { key, name: body, ts: Number(m[2]) };
}

/** Runs one case; returns the sequences found, each as its event names in stage order. */
export function runSeriesCase(c: SeriesCase): string[][] {
  const n = c.stages.length;
  const schema = Schema.fromMapping({
    properties: {
      '@timestamp': { type: 'long' },
      stage: { type: 'keyword' },
      key: { type: 'keyword' },
      name: { type: 'keyword' },
    },
  });
  const stagesText = Array.from({ length: n }, (_, s) => `[s${s} where true]`).join(' ');
  const q = compileQuery(`sequence by key ${stagesText}`, {
    schema,
    eventCategoryField: 'stage',
    timestampField: '@timestamp',
  });
  const events: Array<{ doc: Record<string, unknown>; ts: number }> = [];
  c.stages.forEach((line, s) => {
    for (const tok of line) {
      const t = parseToken(tok, '_');
      events.push({ doc: { '@timestamp': t.ts, stage: `s${s}`, key: t.key, name: t.name }, ts: t.ts });
    }
  });
  events.sort((a, b) => a.ts - b.ts);
  const matcher = new SequenceMatcher<string>(q);
  const found = [];
  let seq = 0;
  for (const e of events) {
    found.push(...matcher.push(e.doc, e.doc.name as string, { ms: e.ts, ns: 0, tb: undefined, seq: seq++ }));
  }
  found.push(...matcher.flush());
  found.sort((a, b) => compareOrdinals(a.last, b.last));
  return found.map((m) => m.events.map((e) => (e ? e.payload : '?')));
}

export function expectedNames(c: SeriesCase): string[][] {
  return c.expected.map((line) => line.map((t) => parseToken(t, '_').name));
}

export function loadSeriesSpec(path: string): SeriesCase[] {
  return parseSeriesSpec(readFileSync(path, 'utf8'));
}
