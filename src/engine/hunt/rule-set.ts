/**
 * The rules a hunt runs: loaded (built-in when none are given), filtered by severity, id/name, tag
 * and MITRE tactic, and prepared (compiled query, index routing, exceptions and allowlists). The
 * same config always yields the same rules in the same order, so workers and the main thread agree
 * on rule numbers.
 */
import {
  SEVERITIES,
  builtinRulesDir,
  loadAllowlist,
  loadRules,
  prepareRules,
  type PreparedRule,
  type Rule,
  type RuleProblem,
} from '../../rules/index.js';
import type { HuntConfig } from './config.js';

export interface HuntRules {
  rules: PreparedRule[];
  problems: RuleProblem[];
  /** Rules read but not run: unsupported language/type, deprecated, failed, or filtered out. */
  skipped: { unsupported: number; failed: number; deprecated: number; filtered: number };
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** The rule files and folders a hunt loads: those given, else eqlite's built-in rules. */
export function huntRulePaths(config: HuntConfig): string[] {
  return config.rulePaths.length ? config.rulePaths : [builtinRulesDir()];
}

export function loadHuntRules(config: HuntConfig): HuntRules {
  const paths = huntRulePaths(config);
  const minRank = config.minSeverity ? SEVERITIES.indexOf(config.minSeverity) : 0;
  const filters = config.ruleFilters.map(lower);
  const tags = config.tags.map(lower);
  const tactics = config.tactics.map(lower);
  const wanted = (r: Rule) =>
    SEVERITIES.indexOf(r.severity) >= minRank &&
    (filters.length === 0 || filters.some((f) => lower(r.ruleId).startsWith(f) || lower(r.name).includes(f))) &&
    (tags.length === 0 || r.tags.some((t) => tags.includes(lower(t)))) &&
    (tactics.length === 0 ||
      r.threat.some((t) => tactics.includes(lower(t.tactic.name)) || tactics.includes(lower(t.tactic.id))));
  // The filters are decided on each rule's model, before its query is compiled: a hunt with
  // `--rule` over the whole corpus compiles only the rules it runs.
  const load = loadRules(paths, { compile: wanted });
  const allowlists = config.allowlists.map((f) => loadAllowlist(f));
  const { rules, problems } = prepareRules(load, { allowlists });
  const skipped = { unsupported: 0, failed: 0, deprecated: 0, filtered: 0 };
  for (const l of load.rules) {
    if (l.status === 'unsupported') skipped.unsupported++;
    else if (l.status === 'failed') skipped.failed++;
    else if (l.status === 'deprecated') skipped.deprecated++;
    else if (l.status === 'ready' && l.query === undefined) skipped.filtered++;
  }
  problems.push(...load.problems);
  return { rules, problems, skipped };
}
