/**
 * The line prefilter never skips a line some condition of a rule holds on: every Windows EQL rule
 * of Elastic's corpus (read in place), each with its own prefilter, over the integrations'
 * expected ECS documents and events built from each rule's own values (exact ones and wildcard
 * patterns, so that many rules match and a need stricter than the query would show).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPrefilter } from '../../../src/engine/hunt/prefilter.js';
import { queryFilters } from '../../../src/engine/rule-index.js';
import { compileCond } from '../../../src/eql/compiler.js';
import { loadRules, prepareRules } from '../../../src/rules/index.js';
import { eventsFromLeaves, expectedDocs, INTEGRATIONS, WINDOWS_RULES } from '../../helpers/corpus.js';

describe.skipIf(!existsSync(WINDOWS_RULES))('line prefilter over the corpus', () => {
  it('keeps every line a Windows corpus rule matches (fixture and synthesised events)', () => {
    const { rules } = prepareRules(loadRules([WINDOWS_RULES]), {});
    expect(rules.length).toBeGreaterThan(300);
    const filters = queryFilters(rules.map((r) => r.query));
    const docs = [...expectedDocs(INTEGRATIONS)];
    for (const f of filters) for (const pick of [0, 1, 2]) docs.push(eventsFromLeaves(f.cond, pick, true));
    const lines = docs.map((d) => Buffer.from(JSON.stringify(d) + '\n'));
    const prefilters = rules.map((r) => buildPrefilter([r.query]));
    let matched = 0;
    const missed: string[] = [];
    for (const f of filters) {
      const pre = prefilters[f.rule];
      if (!pre) continue;
      const test = compileCond(f.cond);
      docs.forEach((doc, i) => {
        if (!test(doc)) return;
        matched++;
        let kept = false;
        pre.scan(lines[i], 0, lines[i].length, () => {
          kept = true;
        });
        if (!kept) missed.push(`${rules[f.rule].rule.name}: ${lines[i].toString().trim()}`);
      });
    }
    expect(missed.slice(0, 5)).toEqual([]);
    // Not vacuous: many rules have a prefilter and hold on many of these events.
    expect(prefilters.filter(Boolean).length).toBeGreaterThan(200);
    expect(matched).toBeGreaterThan(1000);
  });
});
