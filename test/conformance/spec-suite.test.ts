import { describe, expect, it } from 'vitest';
import { runSuites, summarize } from '../../src/conformance/runner.js';
import { defaultSpecDir, sequenceExecutor } from '../../src/conformance/wiring.js';
import { executeSequenceViaVerdicts } from '../../src/conformance/execute.js';
import { expectedNames, loadSeriesSpec, runSeriesCase } from '../../src/conformance/series-spec.js';
import { join } from 'node:path';

const results = runSuites(defaultSpecDir(), sequenceExecutor);

describe("Elasticsearch's EQL spec suite", () => {
  it('has no failing query in any suite', () => {
    const failures = results
      .filter((r) => r.verdict === 'fail')
      .map((r) => `${r.suite}/${r.file} ${r.name}: ${r.detail}`);
    expect(failures).toEqual([]);
  });

  it('runs every query except those Elasticsearch does not run either', () => {
    const skipped = results.filter((r) => r.verdict === 'skip').map((r) => `${r.suite}/${r.name}`);
    // README §8/§9: the failing-shards suite models a broken runtime field; the nanos variant of
    // sequencesOnDifferentEventTypes7 was changed upstream after this file version (gap G2).
    expect(skipped.sort()).toEqual(
      [
        'endgame-nanos/sequencesOnDifferentEventTypes7',
        ...results.filter((r) => r.suite === 'failing-shards').map((r) => `failing-shards/${r.name}`),
      ].sort(),
    );
    const { total } = summarize(results);
    expect(total.pass).toBeGreaterThanOrEqual(433);
  });

  it('covers event, sequence and sample queries', () => {
    const kinds = new Set(results.filter((r) => r.verdict === 'pass').map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['event', 'sample', 'sequence']);
  });
});

describe('the hunt path: stage verdicts computed first, round-tripped through JSON', () => {
  it('gives every sequence and sample query the same answer as pushing documents', () => {
    const viaVerdicts = runSuites(defaultSpecDir(), executeSequenceViaVerdicts);
    const verdictOf = (rs: typeof results) => rs.map((r) => `${r.suite}/${r.file} ${r.name}: ${r.verdict}`);
    expect(verdictOf(viaVerdicts)).toEqual(verdictOf(results));
    expect(viaVerdicts.filter((r) => r.kind === 'sequence' && r.verdict === 'pass').length).toBeGreaterThan(140);
  });
});

describe('sequences.series-spec (ES unit vectors for the sequence state machine)', () => {
  const cases = loadSeriesSpec(join(defaultSpecDir(), 'unit-test-resources', 'sequences.series-spec'));
  it('has 25 cases', () => expect(cases).toHaveLength(25));
  for (const c of cases) {
    it(c.name, () => expect(runSeriesCase(c)).toEqual(expectedNames(c)));
  }
});
