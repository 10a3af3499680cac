/**
 * The rules a server runs: loaded from `--rules` (or the built-in rules), prepared, and given a
 * detection mode and an enabled flag. The user's choices (enable/disable, mode) live in the store
 * and survive restarts and reloads.
 *
 * Mode, unless set for the rule (`--scheduled`/`--continuous` or the store):
 * - `continuous` for event queries and for sequences with `maxspan` (their state is bounded, and a
 *   restart rebuilds it by replaying `maxspan` of stored events);
 * - `scheduled` for sequences without `maxspan` and for samples: their results depend on the
 *   window they run over, which only Kibana's schedule defines.
 * `--mode scheduled` or `--mode continuous` forces one mode where the query allows it (samples
 * are always scheduled).
 */
import {
  loadAllowlist,
  loadBuiltinRules,
  loadRules,
  prepareRules,
  type PreparedRule,
  type RuleProblem,
} from '../../rules/index.js';
import type { RuleState, Store } from '../../store/index.js';

export type DetectionMode = 'scheduled' | 'continuous';
export type ModeChoice = 'auto' | DetectionMode;

export interface ServedRule {
  prepared: PreparedRule;
  ruleId: string;
  mode: DetectionMode;
  enabled: boolean;
}

export interface RuleOptions {
  /** Rule files/folders/exports; empty: the built-in rules. */
  paths: string[];
  allowlists?: string[];
  mode?: ModeChoice;
  /** Per-rule modes from the command line. */
  modes?: Map<string, DetectionMode>;
}

export function autoMode(p: PreparedRule): DetectionMode {
  const q = p.query;
  if (q.kind === 'event') return 'continuous';
  if (q.kind === 'sequence' && q.maxspanNanos !== undefined) return 'continuous';
  return 'scheduled';
}

export function allowedMode(p: PreparedRule, wanted: DetectionMode): DetectionMode {
  return p.query.kind === 'sample' ? 'scheduled' : wanted;
}

export class RuleSet {
  rules: ServedRule[] = [];
  problems: RuleProblem[] = [];
  private byId = new Map<string, ServedRule>();

  constructor(
    private readonly options: RuleOptions,
    private readonly store: Store,
  ) {}

  /** (Re)loads the rule files. Returns the rules now served. */
  load(): ServedRule[] {
    const load = this.options.paths.length ? loadRules(this.options.paths) : loadBuiltinRules();
    const allowlists = (this.options.allowlists ?? []).map((f) => loadAllowlist(f));
    const { rules, problems } = prepareRules(load, { allowlists });
    this.problems = [...problems, ...load.problems];
    const states = this.store.rules.all();
    const seen = new Set<string>();
    this.rules = [];
    for (const p of rules) {
      if (seen.has(p.rule.ruleId)) continue;
      seen.add(p.rule.ruleId);
      this.rules.push(this.serve(p, states.get(p.rule.ruleId)));
    }
    this.byId = new Map(this.rules.map((r) => [r.ruleId, r]));
    return this.rules;
  }

  private serve(p: PreparedRule, state: RuleState | undefined): ServedRule {
    const choice = this.options.mode ?? 'auto';
    const wanted =
      (state?.mode as DetectionMode | null) ??
      this.options.modes?.get(p.rule.ruleId) ??
      (choice === 'auto' ? autoMode(p) : choice);
    return {
      prepared: p,
      ruleId: p.rule.ruleId,
      mode: allowedMode(p, wanted),
      enabled: state?.enabled === null || state?.enabled === undefined ? true : state.enabled === 1,
    };
  }

  get(ruleId: string): ServedRule | undefined {
    return this.byId.get(ruleId);
  }

  enabled(mode?: DetectionMode): ServedRule[] {
    return this.rules.filter((r) => r.enabled && (mode === undefined || r.mode === mode));
  }
}
