/**
 * Golden tests: Elastic's own pipeline-test fixtures (raw vendor record in, expected ECS out),
 * read in place from ../shared/fixtures/integrations. Every field a rule can read (the EQL corpus's
 * fields for the source's index patterns, plus the founding rule's investigation fields) must be
 * equal; so must every other field of the document, except the deliberate differences listed
 * below with their reasons. Each listed difference must actually occur, so the lists stay honest.
 *
 * Fixture revisions (SOURCES.md): crowdstrike/fdr expected at 18509faf (newer than any stored
 * default.yml; matches the newest generated pipeline except `message`), m365_defender expected at
 * 021d77a8 (same revision as the pipeline transcribed), sentinel_one_cloud_funnel expected at
 * 6beb1464 (the src/tgt swap revision; pipeline-process.yml 127f8141 transcribed).
 */
import { describe, expect, it } from 'vitest';
import {
  createCrowdStrikeNormaliser,
  createDefenderNormaliser,
  createSentinelOneNormaliser,
  type EdrNormaliseOptions,
  type EdrRecordNormaliser,
} from '../../../src/sources/edr/index.js';
import type { BadRecord } from '../../../src/sources/types.js';
import { differingPaths, expectedDoc, fixtureText, getPath, ruleFields } from './helpers.js';

interface Difference {
  /** Dotted paths (or a prefix ending in `.`) that differ from the expected document. */
  paths: readonly string[];
  reason: string;
}

/** Fields Elastic Agent, the data stream and Fleet add around every integration pipeline. */
const AGENT_FIELDS: Difference = {
  paths: [
    'data_stream.type',
    'data_stream.dataset',
    'data_stream.namespace',
    'event.dataset',
    'event.module',
    'event.ingested',
  ],
  reason:
    'added outside the integration pipeline (Elastic Agent data_stream.*, the data stream constant keywords ' +
    'event.dataset/event.module, Fleet final-pipeline event.ingested); pipeline-test expected files never contain them',
};

interface Case {
  name: string;
  input: string;
  expected: string;
  /** The source's index patterns in the rules. */
  pattern: RegExp;
  create: (opts: EdrNormaliseOptions) => EdrRecordNormaliser;
  /** Tags of the fixture's test-common-config.yml. */
  tags: string[];
  /** With strictEcs: what differs from Elastic's output, and why. */
  strict: Difference[];
  /** Without strictEcs, in addition: the enrichments visible on this record. */
  enriched: Difference[];
}

const CASES: Case[] = [
  {
    name: 'CrowdStrike FDR ProcessRollup2',
    input: 'crowdstrike/fdr/extract-test-windows.log',
    expected: 'crowdstrike/fdr/extract-test-windows.log-expected.json',
    pattern: /crowdstrike/,
    create: createCrowdStrikeNormaliser,
    tags: ['preserve_original_event'],
    strict: [
      AGENT_FIELDS,
      {
        paths: ['observer.geo.'],
        reason: 'GeoIP lookup of observer.ip needs the MaxMind databases of an Elasticsearch node; not done offline',
      },
    ],
    enriched: [],
  },
  {
    name: 'Defender XDR DeviceProcessEvents',
    input: 'm365_defender/event/extract-test-device.log',
    expected: 'm365_defender/event/extract-test-device.log-expected.json',
    pattern: /m365_defender/,
    create: createDefenderNormaliser,
    tags: ['preserve_original_event', 'preserve_duplicate_custom_fields'],
    strict: [AGENT_FIELDS],
    enriched: [
      {
        paths: ['host.os.type'],
        reason:
          'enrichment: FolderPath is a Windows path, so the platform is proven (Elastic sets it from DeviceInfo rows only)',
      },
    ],
  },
  {
    name: 'SentinelOne Cloud Funnel PROCESSCREATION',
    input: 'sentinel_one_cloud_funnel/event/test-process.log',
    expected: 'sentinel_one_cloud_funnel/event/test-process.log-expected.json',
    pattern: /sentinel_one_cloud_funnel/,
    create: createSentinelOneNormaliser,
    tags: ['preserve_original_event', 'preserve_duplicate_custom_fields'],
    strict: [
      AGENT_FIELDS,
      {
        paths: ['sentinel_one_cloud_funnel.event.'],
        reason:
          'vendor namespace built generically (keys snake_cased, values as sent: epoch-millisecond numbers, numeric ' +
          "pids, the time-of-day `timestamp` without the current year) instead of Elastic's hand-written rename table; " +
          'no rule reads it',
      },
    ],
    enriched: [],
  },
];

const matches = (path: string, d: Difference): boolean =>
  d.paths.some((p) => (p.endsWith('.') ? path.startsWith(p) : path === p));

function run(c: Case, strictEcs: boolean): { doc: Record<string, unknown>; index: string; problems: BadRecord[] } {
  const problems: BadRecord[] = [];
  const line = fixtureText(c.input).trim();
  const n = c.create({ tags: c.tags, strictEcs, sink: (p) => problems.push(p) });
  const out = n.normalise({
    value: JSON.parse(line) as Record<string, unknown>,
    text: line,
    loc: { file: c.input, line: 1 },
  });
  expect(out).toBeDefined();
  return { doc: out!.doc, index: out!.index, problems };
}

describe.each(CASES)('golden: $name', (c) => {
  const expected = expectedDoc(c.expected);
  const fields = ruleFields(c.pattern);

  it('the corpus gives a substantial rule-readable field list', () => {
    expect(fields.length).toBeGreaterThan(50);
    for (const f of ['host.os.type', 'event.type', 'process.name', 'process.command_line', 'process.args'])
      expect(fields).toContain(f);
  });

  for (const strictEcs of [true, false]) {
    describe(strictEcs ? 'strictEcs' : 'with enrichments', () => {
      const diffs = strictEcs ? c.strict : [...c.strict, ...c.enriched];
      const { doc, problems } = run(c, strictEcs);

      it('reports no problem', () => {
        expect(problems).toEqual([]);
      });

      it('equals the expected document on every rule-readable field', () => {
        const wrong = fields.filter(
          (f) =>
            !diffs.some((d) => matches(f, d)) &&
            JSON.stringify(getPath(doc, f)) !== JSON.stringify(getPath(expected, f)),
        );
        expect(wrong).toEqual([]);
      });

      it('differs from the expected document only where listed', () => {
        const differing = differingPaths(doc, expected);
        expect(differing.filter((p) => !diffs.some((d) => matches(p, d)))).toEqual([]);
        // Every listed difference occurs (a stale entry is an error too).
        for (const d of diffs)
          expect(
            differing.some((p) => matches(p, d)),
            d.reason,
          ).toBe(true);
      });
    });
  }
});

describe('golden: values the rules depend on', () => {
  it('CrowdStrike keeps the NT-style executable, the vendor parent id and no parent executable', () => {
    const { doc, index } = run(CASES[0]!, true);
    expect(index).toBe('logs-crowdstrike.fdr-default');
    expect(getPath(doc, 'process.name')).toBe('d5a15842.exe');
    expect(getPath(doc, 'process.parent.entity_id')).toBe('3000051703140');
    expect(getPath(doc, 'process.parent.executable')).toBeUndefined();
    expect(getPath(doc, 'data_stream.dataset')).toBe('crowdstrike.fdr');
    expect(getPath(doc, 'event.ingested')).toBe('2025-04-01T11:59:59Z');
  });

  it('Defender lower-cases the host name and splits arguments on single spaces, quotes kept', () => {
    const { doc } = run(CASES[1]!, true);
    expect(getPath(doc, 'host.name')).toBe('janeslaptop1.corporatedomain');
    expect((getPath(doc, 'process.args') as string[])[0]).toBe('"msedgewebview2.exe"');
    expect(getPath(doc, 'host.os.type')).toBeUndefined();
    expect(getPath(doc, '@timestamp')).toBe('2023-07-19T14:02:19.488Z');
  });

  it('SentinelOne puts tgt.process in process.* and src.process in process.parent.*', () => {
    const { doc } = run(CASES[2]!, true);
    expect(getPath(doc, 'process.name')).toBe('nr-winpkg.exe');
    expect(getPath(doc, 'process.parent.name')).toBe('newrelic-infra.exe');
    expect(getPath(doc, 'process.parent.args')).toEqual([
      'C:\\ProgramFiles(x86)\\Microsoft\\important_stuff\\stuff.EXE\\',
    ]);
    expect(getPath(doc, 'event.action')).toEqual(['start']);
    expect(getPath(doc, 'host.name')).toBeUndefined();
  });
});
