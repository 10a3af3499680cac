/**
 * The generated form of the mapping engine against the frozen interpreted engine
 * (../windows/reference/mapping, the engine as it was before code generation): random step
 * tables over random documents, and the EDR pipelines over their fixture records (and mutations
 * of them), must leave identical documents (keys in the same order, values and types) and report
 * identical problems. The interpreted mode of the current engine is held to the same standard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROWDSTRIKE_STEPS } from '../../../src/sources/edr/crowdstrike-fdr/pipeline.js';
import { M365_DEVICE_STEPS, m365Steps } from '../../../src/sources/edr/m365-defender/pipeline.js';
import {
  type Cond,
  type FieldPath,
  type Json,
  type MappingRun,
  type Step,
} from '../../../src/sources/mapping/index.js';
import { ARGV_SPLITTERS } from '../../../src/sources/mapping/argv.js';
import { ARGV_SPLITTERS as REF_SPLITTERS } from '../windows/reference/mapping/argv.js';
import { clone, compare, PATTERNS } from './engines.js';
import { seededRandom as prng } from '../../helpers/rng.js';

type Doc = Record<string, unknown>;

class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
}

const STRINGS = [
  '',
  '-',
  ' ',
  'x',
  'X',
  'true',
  'FALSE',
  '12',
  '-7',
  '+5',
  '0x1f',
  '#ff',
  '010',
  '1.5',
  '9223372036854775808',
  '10.0.0.1',
  '::ffff:10.1.2.3',
  'CORP\\bob',
  'CORP\\',
  '\\bob',
  'a\\b\\c',
  'C:\\Windows\\System32\\cmd.exe',
  '"C:\\a b\\c.exe" /x "y z"',
  'a  b\tc',
  'SHA1=AB12,MD5=00,IMPHASH=CD',
  'SHA256=0000',
  'Unknown',
  'a=,b',
  '2024-01-02 03:04:05.678',
  '2024-02-30 03:04:05.678',
  '2024-01-02T03:04:05.6789Z',
  '2024-01-02T03:04:05+02:00',
  '1700000000',
  '1700000000123',
  '{"j":1}',
  '{bad',
  'a,b,,',
  'k1',
  'k2',
  '4624',
  '%%1833',
  'LOCAL',
];
const SCALARS: unknown[] = [...STRINGS, 0, -0, 1, 2.5, 4624, NaN, true, false, null];
const KEYS = ['a', 'b', 'c', 'k1', 'k2', 'x.y', '__proto__', '1', 'constructor'];

function randomValue(g: Gen, depth: number): unknown {
  const r = g.rnd();
  if (depth > 0 && r < 0.2) return randomObject(g, depth - 1);
  if (depth > 0 && r < 0.28) return Array.from({ length: g.int(4) }, () => randomValue(g, depth - 1));
  if (r < 0.31) return undefined;
  return g.pick(SCALARS);
}

function randomObject(g: Gen, depth: number): Doc {
  const o: Doc = {};
  const n = g.int(5);
  for (let i = 0; i < n; i++) {
    const k = g.pick(KEYS);
    if (k === '__proto__') continue; // an own __proto__ key needs defineProperty; JSON-made docs rarely have one
    o[k] = randomValue(g, depth);
  }
  return o;
}

function randomDoc(g: Gen): Doc {
  const doc: Doc = randomObject(g, 2);
  const e: Doc = {};
  for (const k of ['k1', 'k2', 'a', 'b', 'c'])
    if (g.chance(0.7)) e[k] = g.chance(0.8) ? g.pick(STRINGS) : randomValue(g, 1);
  doc.e = e;
  if (g.chance(0.8)) doc.k = g.pick(['1', '2', '3', '4624', 1, null, 'zz', NaN, -0, true]);
  if (g.chance(0.1)) doc.e = g.chance(0.5) ? { k1: undefined } : {};
  if (g.chance(0.3)) doc.arr = [g.pick(STRINGS), g.pick(STRINGS)];
  return doc;
}

const PATHS: FieldPath[] = [
  'a',
  'b',
  'a.b',
  'a.b.c',
  'a.b.c.d',
  'e',
  'e.k1',
  'e.k2',
  'e.a',
  'e.b',
  'e.c',
  'e.zz',
  'arr',
  'x.y',
  'k1',
  '$v',
  '$v.w',
  '$w.x.y.z',
  ['x.y'],
  ['e', 'k1'],
  'constructor',
  'e.constructor',
  '1',
  'e.1',
];

function randomCond(g: Gen, depth: number, dispatchKey?: string): Cond {
  const p = (): FieldPath => (dispatchKey !== undefined && g.chance(0.4) ? dispatchKey : g.pick(PATHS));
  switch (g.int(depth > 0 ? 12 : 9)) {
    case 0:
      return { exists: p() };
    case 1:
      return { missing: p() };
    case 2:
      return { present: p(), except: g.chance(0.5) ? ['-', 'x'] : undefined };
    case 3:
      return { eq: p(), value: g.pick(SCALARS) as string };
    case 4:
      return { ne: p(), value: g.pick(SCALARS) as string };
    case 5:
      return { in: p(), values: Array.from({ length: 1 + g.int(10) }, () => g.pick(SCALARS) as string) };
    case 6:
      return { matches: p(), pattern: g.pick(PATTERNS) };
    case 7:
      return g.chance(0.5)
        ? { test: (r: MappingRun) => typeof r.doc.a === 'string' }
        : {
            // A condition with an effect: folding must not skip its evaluation.
            test: (r: MappingRun) => {
              r.doc.tests = ((r.doc.tests as number | undefined) ?? 0) + 1;
              return r.doc.b !== undefined;
            },
          };
    case 8:
      return { in: p(), values: ['1', '2', '4624', 1, NaN] };
    case 9:
      return { all: [randomCond(g, depth - 1, dispatchKey), randomCond(g, depth - 1, dispatchKey)] };
    case 10:
      return { any: [randomCond(g, depth - 1, dispatchKey), randomCond(g, depth - 1, dispatchKey)] };
    default:
      return { not: randomCond(g, depth - 1, dispatchKey) };
  }
}

const SCRIPTS: Array<(r: MappingRun) => void> = [
  (r) => {
    // Reads and writes by name, deletes, enumerates: all must see the same document.
    const e = r.doc.e as Doc | undefined;
    if (e !== null && typeof e === 'object') {
      r.doc.keys = Object.keys(e).join(',');
      if ('k1' in e) delete e.k1;
      e.added = 'x';
    }
  },
  (r) => {
    r.vars.seen = ((r.vars.seen as number | undefined) ?? 0) + 1;
    r.doc.seen = r.vars.seen;
  },
  (r) => {
    if (r.doc.b === 'x') throw new Error('script failure');
    r.report('custom', 'reported');
  },
  (r) => {
    const a = r.doc.a;
    r.doc.a = { wrapped: a === undefined ? null : a };
  },
];

/** `run.remove` / `run.put`, or what they amount to under the reference engine (whose runs have neither). */
const remove = (r: MappingRun, o: Doc, k: string): void => {
  if (typeof r.remove === 'function') r.remove(o, k);
  else delete o[k];
};
const put = (r: MappingRun, o: Doc, k: string, v: unknown): void => {
  if (typeof r.put === 'function') r.put(o, k, v);
  else o[k] = v;
};

/** Scripts keeping the `deferSafe` contract: reads by name, deletes and writes through the run. */
const SAFE_SCRIPTS: Array<(r: MappingRun) => void> = [
  (r) => {
    const e = r.doc.e as Doc | undefined;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return;
    if (e.k1 !== undefined) remove(r, e, 'k1');
    put(r, e, 'k2', typeof e.a === 'string' ? e.a : 'p');
    if (e.b === undefined) put(r, e, 'b', 'back');
  },
  (r) => {
    const a = r.doc.a as Doc | undefined;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return;
    const b = a.b as Doc | undefined;
    if (b !== null && typeof b === 'object' && !Array.isArray(b)) {
      remove(r, b, 'c');
      put(r, b, 'k1', b.k2 ?? 'z');
    }
    remove(r, a, 'k1');
  },
];

function randomStep(g: Gen, depth: number, dispatchKey?: string): Step {
  const p = (): FieldPath => g.pick(PATHS);
  const skip = (): { skip?: string[] } => (g.chance(0.3) ? { skip: ['-', 'x'] } : {});
  let s: Step;
  switch (g.int(depth > 0 ? 27 : 24)) {
    case 0:
      s = {
        op: 'set',
        field: p(),
        value: g.pick<Json>([g.pick(STRINGS), 5, null, ['x', { y: 1 }], { z: [1, 2] }, { '1': 'a', b: 'c' }]),
        override: g.chance(0.3) ? false : undefined,
      };
      break;
    case 1:
      s = {
        op: 'copy',
        field: p(),
        from: p(),
        override: g.chance(0.3) ? false : undefined,
        ignoreEmpty: g.chance(0.2) ? false : undefined,
        ...skip(),
      };
      break;
    case 2:
    case 3:
      s = { op: 'rename', field: p(), from: p(), ignoreEmpty: g.chance(0.2) ? false : undefined, ...skip() };
      break;
    case 4:
      s = {
        op: 'convert',
        field: p(),
        from: g.chance(0.7) ? p() : undefined,
        type: g.pick(['long', 'decode', 'double', 'boolean', 'ip', 'string'] as const),
        removeSource: g.chance(0.3),
        onError: g.chance(0.3) ? 'ignore' : undefined,
        ...skip(),
      };
      break;
    case 5:
      s = {
        op: 'date',
        field: p(),
        from: p(),
        formats: g.pick([
          ['ISO8601'],
          ['yyyy-MM-dd HH:mm:ss.SSS'],
          ['UNIX', 'UNIX_MS'],
          ['yyyy-MM-dd HH:mm:ss.SSS', 'ISO8601'],
        ]),
        precision: g.chance(0.3) ? 'seconds' : undefined,
        timezoneOffsetMinutes: g.chance(0.2) ? 60 : undefined,
      };
      break;
    case 6:
      s = {
        op: 'lookup',
        key: g.chance(0.5) && dispatchKey !== undefined ? dispatchKey : p(),
        into: g.pick(['ev', 'a', 'e.z']),
        table: { '1': { category: ['process'], action: 'one' }, '4624': { type: ['start'], 'x.y': 1 }, x: { n: null } },
      };
      break;
    case 7:
      s = {
        op: 'map',
        field: p(),
        from: p(),
        table: { x: 'ex', '12': { obj: [1] }, '-': null, true: 'T' },
        keyCase: g.pick([undefined, 'lower', 'upper'] as const),
        default: g.chance(0.3) ? 'dflt' : undefined,
      };
      break;
    case 8:
      s = {
        op: 'flags',
        field: p(),
        from: p(),
        table: [
          [0x1, 'one'],
          [0x10, 'sixteen'],
          [0x80000000, 'high'],
        ],
        ...skip(),
      };
      break;
    case 9:
      s = {
        op: 'basename',
        field: p(),
        from: p(),
        separators: g.pick([undefined, '\\/', '.']),
        whenNoSeparator: g.pick([undefined, 'whole'] as const),
        keepExisting: g.chance(0.3) ? false : undefined,
      };
      break;
    case 10:
      s = { op: 'domainUser', from: p(), domain: p(), name: p(), separator: g.pick([undefined, '\\', '=', 'ab']) };
      break;
    case 11:
      s = {
        op: 'hashList',
        from: p(),
        field: p(),
        related: g.chance(0.5) ? p() : undefined,
        pairSeparator: g.pick([undefined, ',', '']),
      };
      break;
    case 12:
      s = {
        op: 'clean',
        field: p(),
        values: g.pick([[null, '', '-'], ['', '-', 'x'], []]),
        removeIfEmpty: g.chance(0.5),
        dropUndefined: g.chance(0.2) ? false : undefined,
      };
      break;
    case 13:
      s = {
        op: 'prune',
        field: g.chance(0.5) ? p() : undefined,
        values: g.pick([[null], ['-', null], undefined]),
        blankStrings: g.chance(0.5),
        emptyContainers: g.chance(0.5),
        inArrays: g.chance(0.2) ? false : undefined,
      };
      break;
    case 14:
      s = {
        op: 'argv',
        from: p(),
        args: p(),
        count: g.chance(0.5) ? p() : undefined,
        algorithm: g.pick(['go', 'quote-whitespace', 'single-space'] as const),
        ignoreEmpty: g.chance(0.3) ? false : undefined,
      };
      break;
    case 15:
      s = {
        op: 'append',
        field: p(),
        from: g.chance(0.7) ? p() : undefined,
        value: g.chance(0.5) ? g.pick(['v', ['l1', 'l2'], { o: 1 }]) : undefined,
        unique: g.chance(0.3) ? false : undefined,
        ...skip(),
      };
      // Appending a list to itself with duplicates allowed never ends (in both engines).
      if (s.unique === false && s.from !== undefined && [s.from].flat().join('.') === [s.field].flat().join('.'))
        s.unique = true;
      break;
    case 16:
      s = { op: 'remove', fields: Array.from({ length: 1 + g.int(4) }, p) };
      break;
    case 17:
      s = {
        op: 'split',
        field: p(),
        from: g.chance(0.5) ? p() : undefined,
        separator: g.pick([',', /\s+/, /(?<!\\),/]),
        preserveTrailing: g.chance(0.3),
      };
      break;
    case 18:
      s = {
        op: 'json',
        field: p(),
        from: g.chance(0.5) ? p() : undefined,
        onError: g.chance(0.3) ? 'ignore' : undefined,
      };
      break;
    case 19:
      s = {
        op: g.pick(['lowercase', 'uppercase', 'trim'] as const),
        field: p(),
        from: g.chance(0.5) ? p() : undefined,
      };
      break;
    case 20:
      s = {
        op: 'gsub',
        field: p(),
        from: g.chance(0.5) ? p() : undefined,
        pattern: g.pick([/\\/, /^(\w)(\w*)$/, /x/gi]),
        replacement: g.pick(['/', '$2$1', '']),
      };
      break;
    case 21:
      s = { op: 'concat', field: p(), parts: [{ field: p() }, '\\', { field: p() }] };
      break;
    case 22:
      s = g.chance(0.5)
        ? { op: 'script', name: 's', run: g.pick(SCRIPTS) }
        : { op: 'script', name: 'safe', run: g.pick(SAFE_SCRIPTS), deferSafe: true };
      break;
    case 23:
      s = {
        op: 'switch',
        on: p(),
        cases: { x: [randomStep(g, 0)], '1': [randomStep(g, 0), randomStep(g, 0)] },
        default: g.chance(0.5) ? [randomStep(g, 0)] : undefined,
      };
      break;
    case 24:
    case 25:
      s = {
        op: 'when',
        cond: randomCond(g, 2, dispatchKey),
        then: randomSteps(g, 3, depth - 1, dispatchKey),
        else: g.chance(0.5) ? randomSteps(g, 2, depth - 1, dispatchKey) : undefined,
      };
      break;
    default:
      if (dispatchKey !== undefined) s = randomStep(g, depth - 1, dispatchKey);
      else s = { op: 'dispatch', on: 'k', steps: randomSteps(g, 8, depth - 1, 'k') };
  }
  if (g.chance(0.3)) s.if = randomCond(g, 2, dispatchKey);
  if (dispatchKey !== undefined && touches(s, dispatchKey)) return { op: 'set', field: 'b', value: 'instead' };
  return s;
}

/** Whether a step could change the dispatch key (a dispatch's steps must not). */
function touches(s: Step, key: string): boolean {
  if (s.op === 'script' || s.op === 'prune' || s.op === 'switch' || s.op === 'when' || s.op === 'dispatch') return true;
  const text = JSON.stringify(s);
  return text.includes(`"${key}"`) && s.op !== 'lookup';
}

function randomSteps(g: Gen, max: number, depth: number, dispatchKey?: string): Step[] {
  return Array.from({ length: 1 + g.int(max) }, () => randomStep(g, depth, dispatchKey));
}

/** `deferDeletes` settings each table runs with (none; one object; nested objects). */
const DEFERRED: Array<string[] | undefined> = [undefined, ['e'], ['a', 'a.b', 'e']];

describe('generated mapping engine = reference interpreter', () => {
  it('random tables over random documents', () => {
    const g = new Gen(prng(20240607));
    const bad: string[] = [];
    for (let t = 0; t < 400 && bad.length === 0; t++) {
      const steps = randomSteps(g, 12, 2);
      const docs = Array.from({ length: 25 }, () => randomDoc(g));
      for (const defer of DEFERRED)
        for (const b of compare(steps, docs, 't', defer))
          bad.push(`table ${t} (${defer}): ${JSON.stringify(steps)}\n${b}`);
    }
    expect(bad.slice(0, 2)).toEqual([]);
  });

  it('one or two steps at a time, over many documents (every operation and option densely)', () => {
    const g = new Gen(prng(31337));
    const bad: string[] = [];
    for (let t = 0; t < 2000 && bad.length === 0; t++) {
      const steps = randomSteps(g, 2, 1);
      const docs = Array.from({ length: 20 }, () => randomDoc(g));
      for (const defer of DEFERRED)
        for (const b of compare(steps, docs, 't', defer))
          bad.push(`table ${t} (${defer}): ${JSON.stringify(steps)}\n${b}`);
    }
    expect(bad.slice(0, 2)).toEqual([]);
  });

  it('dispatch tables: per-key specialisation, folded conditions and lookups', () => {
    const g = new Gen(prng(7));
    const bad: string[] = [];
    for (let t = 0; t < 500 && bad.length === 0; t++) {
      const steps: Step[] = [
        ...randomSteps(g, 3, 1),
        { op: 'dispatch', on: 'k', steps: randomSteps(g, 12, 2, 'k') },
        ...randomSteps(g, 2, 1),
      ];
      const docs = Array.from({ length: 40 }, () => randomDoc(g));
      for (const defer of DEFERRED)
        for (const b of compare(steps, docs, 't', defer))
          bad.push(`table ${t} (${defer}): ${JSON.stringify(steps)}\n${b}`);
    }
    expect(bad.slice(0, 2)).toEqual([]);
  });

  it('EDR pipelines over their fixture records and mutations of them', () => {
    const fx = join(__dirname, '../../../../shared/fixtures/integrations');
    const lines = (f: string): Doc[] =>
      readFileSync(join(fx, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Doc);
    const g = new Gen(prng(99));
    const mutate = (d: Doc): Doc => {
      const c = clone(d);
      const walk = (o: Doc): void => {
        for (const k of Object.keys(o)) {
          const v = o[k];
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v as Doc);
          else if (g.chance(0.15)) o[k] = g.pick(SCALARS);
          else if (g.chance(0.05)) delete o[k];
        }
      };
      walk(c);
      return c;
    };
    const cs = lines('crowdstrike/fdr/extract-test-windows.log').map((d) => ({ crowdstrike: d }));
    const m365 = lines('m365_defender/event/extract-test-device.log').map((d) => ({ json: d }));
    const bad = [
      ...compare(CROWDSTRIKE_STEPS, [...cs, ...Array.from({ length: 200 }, () => mutate(g.pick(cs)))], 'crowdstrike'),
      ...compare(
        m365Steps(M365_DEVICE_STEPS),
        [...m365, ...Array.from({ length: 200 }, () => mutate(g.pick(m365)))],
        'm365',
      ),
    ];
    expect(bad.slice(0, 2)).toEqual([]);
  });
});

describe('command-line splitters = reference', () => {
  it('agree on random command lines made of the characters that matter', () => {
    const g = new Gen(prng(4242));
    const alphabet = ['a', 'b', ' ', ' ', '\t', '"', '"', '\\', '\\', 'x y', '\u3000', '\u00a0', '\n'];
    for (let t = 0; t < 20_000; t++) {
      const cmd = Array.from({ length: g.int(16) }, () => g.pick(alphabet)).join('');
      for (const alg of ['go', 'quote-whitespace', 'single-space'] as const)
        expect([alg, cmd, ARGV_SPLITTERS[alg](cmd)]).toEqual([alg, cmd, REF_SPLITTERS[alg](cmd)]);
    }
  });
});
