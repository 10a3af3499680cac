/**
 * The rule index and single-event evaluation with every Windows EQL rule of the corpus (issue 7's
 * all-rules target, without reading or parsing): per event on one core, the time `RuleIndex`
 * takes to name the candidate rules, and that plus evaluating them, over generated ECS process
 * events already parsed. `--unique` gives every event its own command line and last argument and
 * one of 1,000 executables, so the index's memory of recent values helps little. `--compare DIR`
 * times another build's `dist` (e.g. a `git worktree` of an older commit, built) in the same
 * process, the two alternating, so a noisy machine affects both alike.
 *
 *   npx tsx bench/rule-index.ts [--events 30000] [--unique] [--compare /tmp/old/dist]
 */
import { generateProcessEvents } from './gen-ecs.js';
import { report } from './report.js';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const EVENTS = Number(arg('--events') ?? 30_000);
const UNIQUE = argv.includes('--unique');
const ROUNDS = 8;
const RULES = new URL('../../shared/rules/elastic/rules/windows', import.meta.url).pathname;
const dists = [new URL('../dist', import.meta.url).pathname, ...(arg('--compare') ? [arg('--compare') as string] : [])];

type Doc = Record<string, unknown>;
interface Query {
  filter?: (d: Doc) => boolean;
  matchesAny?: (d: Doc) => boolean;
}
interface Setup {
  dist: string;
  rules: Array<{ query: Query }>;
  candidates: (d: Doc, out: number[]) => number[];
  cache: (d: Doc) => void;
  release: () => void;
  index: number;
  both: number;
  matches: number;
}

const docs = generateProcessEvents({ count: EVENTS, seed: 7, hosts: 500 });
if (UNIQUE)
  docs.forEach((d, i) => {
    const p = d.process as Record<string, unknown> | undefined;
    if (!p) return;
    p.command_line = `${String(p.command_line)} /id:${i.toString(36)}`;
    if (Array.isArray(p.args)) p.args.push(`/id:${i}`);
    p.executable = `${String(p.executable)}${i % 1000}`;
  });

async function setup(dist: string): Promise<Setup> {
  // Built JavaScript, loaded by path: two builds can sit side by side in one process.
  const { loadHuntRules } = (await import(
    `${dist}/engine/hunt/rule-set.js`
  )) as typeof import('../src/engine/hunt/rule-set.js');
  const { RuleIndex, queryFilters } = (await import(
    `${dist}/engine/rule-index.js`
  )) as typeof import('../src/engine/rule-index.js');
  const eql = (await import(`${dist}/eql/index.js`)) as typeof import('../src/eql/index.js');
  const { DEFAULT_HUNT_CONFIG } = (await import(
    `${dist}/engine/hunt/config.js`
  )) as typeof import('../src/engine/hunt/config.js');
  const { rules } = loadHuntRules({ ...DEFAULT_HUNT_CONFIG, rulePaths: [RULES] });
  const index = new RuleIndex(queryFilters(rules.map((r) => r.query)), rules.length);
  return {
    dist,
    rules: rules as unknown as Setup['rules'],
    candidates: (d, out) => index.candidates(d, out),
    cache: eql.cacheDocument,
    release: eql.releaseDocument,
    index: Infinity,
    both: Infinity,
    matches: 0,
  };
}

const setups: Setup[] = [];
for (const d of dists) setups.push(await setup(d));
const out: number[] = [];
let candidates = 0;
for (let round = 0; round < ROUNDS; round++)
  for (const s of setups) {
    let t = performance.now();
    let n = 0;
    for (const d of docs) {
      s.cache(d);
      n += s.candidates(d, out).length;
      s.release();
    }
    s.index = Math.min(s.index, performance.now() - t);
    if (s === setups[0]) candidates = n;
    t = performance.now();
    let matches = 0;
    for (const d of docs) {
      s.cache(d);
      for (const i of s.candidates(d, out)) {
        const q = s.rules[i].query;
        if (q.filter ? q.filter(d) : q.matchesAny?.(d)) matches++;
      }
      s.release();
    }
    s.both = Math.min(s.both, performance.now() - t);
    s.matches = matches;
  }

const us = (ms: number) => ((ms * 1000) / docs.length).toFixed(2);
const lines = [
  `${setups[0].rules.length} rules, ${docs.length.toLocaleString('en-US')} events, ${(candidates / docs.length).toFixed(1)} candidate rules per event${UNIQUE ? ', unique command lines' : ''}`,
];
for (const s of setups)
  lines.push(
    `${s.dist}: index ${us(s.index)} µs/event, index + evaluation ${us(s.both)} µs/event ` +
      `(${Math.round((docs.length / s.both) * 1000).toLocaleString('en-US')} events/s, ${s.matches.toLocaleString('en-US')} filter and stage matches)`,
  );
if (setups.length > 1 && setups[0].matches !== setups[1].matches) lines.push('the two builds disagree on the matches');
report('Rule index (all Windows EQL rules, one core)', `npx tsx bench/rule-index.ts ${argv.join(' ')}`.trim(), lines);
