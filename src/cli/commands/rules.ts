/**
 * `eqlite rules list` and `eqlite rules show ID|NAME`: what a rule set holds — identity,
 * severity and risk, MITRE mapping, index patterns, schedule — and, for one rule, its query, the
 * rendered investigation guide and its pivots as runnable queries.
 */
import type { Command } from 'commander';
import {
  builtinRulesDir,
  describePivot,
  kibanaParams,
  loadRules,
  mitreSummary,
  noteForTerminal,
  type LoadedRule,
  type Rule,
} from '../../rules/index.js';
import { processIo, type Io } from './validate.js';
import { collect } from '../repeatable.js';
import { counted } from '../../engine/counted.js';

export interface RulesOptions {
  rules?: string[];
  json?: boolean;
  all?: boolean;
  kibana?: boolean;
}

function load(options: RulesOptions, io: Io): LoadedRule[] | undefined {
  const paths = options.rules?.length ? options.rules : [builtinRulesDir()];
  const result = loadRules(paths);
  const missing = result.problems.filter((p) => p.code === 'not-found');
  if (missing.length > 0) {
    for (const p of missing) io.err(`eqlite rules: ${p.file}: no such file or folder\n`);
    return undefined;
  }
  return result.rules;
}

function schedule(r: Rule): string {
  const override = r.timestampOverride ? `, by ${r.timestampOverride}` : '';
  return `every ${r.schedule.interval} over ${r.schedule.from}..${r.schedule.to}${override}, max ${r.maxSignals} alerts/run`;
}

function summaryJson(l: LoadedRule): Record<string, unknown> {
  const r = l.rule;
  if (!r) return { file: l.source.file, rule_id: l.ruleId, name: l.name, status: l.status, reason: l.reason };
  const mitre = mitreSummary(r);
  return {
    rule_id: r.ruleId,
    name: r.name,
    status: l.status,
    reason: l.reason,
    type: r.type,
    language: r.language,
    severity: r.severity,
    risk_score: r.riskScore,
    building_block: r.buildingBlockType !== undefined,
    tactics: mitre.tactics,
    techniques: mitre.techniques,
    index: r.index ?? null,
    effective_index: r.effectiveIndex,
    interval: r.schedule.interval,
    from: r.schedule.from,
    to: r.schedule.to,
    max_signals: r.maxSignals,
    timestamp_override: r.timestampOverride ?? null,
    file: r.source.file,
  };
}

export function runList(options: RulesOptions, io: Io = processIo): number {
  const rules = load(options, io);
  if (!rules) return 2;
  const shown = rules.filter((l) => options.all || l.status === 'ready');
  if (options.json) {
    io.out(`${JSON.stringify(shown.map(summaryJson), null, 2)}\n`);
    return 0;
  }
  for (const l of shown) {
    const r = l.rule;
    if (!r) {
      io.out(`${l.ruleId ?? '?'}  [${l.status}] ${l.name ?? l.source.file}: ${l.reason ?? ''}\n`);
      continue;
    }
    const status = l.status === 'ready' ? '' : `  [${l.status}${l.reason ? `: ${l.reason}` : ''}]`;
    const bb = r.buildingBlockType ? '  (building block)' : '';
    io.out(`${r.ruleId}  ${r.severity} ${r.riskScore}  ${r.name}${bb}${status}\n`);
    const mitre = mitreSummary(r);
    if (mitre.tactics.length) io.out(`    MITRE   ${mitre.tactics.join('; ')}\n`);
    if (mitre.techniques.length) io.out(`            ${mitre.techniques.join('; ')}\n`);
    io.out(`    index   ${r.index ? r.index.join(', ') : `(Kibana default) ${r.effectiveIndex.join(', ')}`}\n`);
    io.out(`    runs    ${schedule(r)}\n`);
  }
  const ready = rules.filter((l) => l.status === 'ready').length;
  io.out(
    `\n${counted(ready, 'runnable rule')}${rules.length > ready ? ` of ${rules.length} loaded (--all lists every one)` : ''}\n`,
  );
  return 0;
}

function section(io: Io, title: string, body: string | undefined): void {
  if (body === undefined || body.trim() === '') return;
  // A setup text usually starts with its own `## Setup` heading.
  const text = body.trim().replace(new RegExp(`^#+\\s*${title}\\s*\\n+`, 'i'), '');
  io.out(`\n## ${title}\n\n${text}\n`);
}

export function runShow(idOrName: string, options: RulesOptions, io: Io = processIo): number {
  const rules = load(options, io);
  if (!rules) return 2;
  const want = idOrName.toLowerCase();
  const matches = rules.filter(
    (l) => (l.rule?.ruleId ?? l.ruleId) === idOrName || (l.rule?.name ?? l.name ?? '').toLowerCase() === want,
  );
  const found =
    matches.length > 0
      ? matches
      : rules.filter(
          (l) =>
            (l.rule?.ruleId ?? l.ruleId ?? '').startsWith(idOrName) ||
            (l.rule?.name ?? l.name ?? '').toLowerCase().includes(want),
        );
  if (found.length === 0) {
    io.err(`eqlite rules show: no rule with id or name "${idOrName}"\n`);
    return 2;
  }
  if (found.length > 1) {
    io.err(`eqlite rules show: "${idOrName}" matches ${found.length} rules:\n`);
    for (const l of found.slice(0, 20)) io.err(`  ${l.rule?.ruleId ?? l.ruleId}  ${l.rule?.name ?? l.name}\n`);
    return 2;
  }
  const l = found[0];
  const r = l.rule;
  if (!r) {
    io.err(
      `eqlite rules show: ${l.source.file} could not be loaded (${l.reason ?? l.status}); run eqlite validate on it\n`,
    );
    return 1;
  }
  if (options.json) {
    io.out(
      `${JSON.stringify({ ...summaryJson(l), parameters: kibanaParams(r), transform: r.transform, setup: r.setup }, null, 2)}\n`,
    );
    return 0;
  }
  const mitre = mitreSummary(r);
  io.out(`# ${r.name}\n\n`);
  const facts: Array<[string, string | undefined]> = [
    ['rule_id', r.ruleId],
    ['status', l.status === 'ready' ? 'ready' : `${l.status}${l.reason ? ` (${l.reason})` : ''}`],
    ['type', `${r.type} / ${r.language ?? '-'}${r.buildingBlockType ? ', building block' : ''}`],
    ['severity', `${r.severity}, risk score ${r.riskScore}`],
    ['tactics', mitre.tactics.join('; ') || undefined],
    ['techniques', mitre.techniques.join('; ') || undefined],
    ['index', r.index ? r.index.join(', ') : `(Kibana default) ${r.effectiveIndex.join(', ')}`],
    ['schedule', schedule(r)],
    ['event category field', r.eventCategoryOverride],
    ['ordering field', r.timestampField],
    ['tiebreaker', r.tiebreakerField],
    ['investigation fields', r.investigationFields.join(', ') || undefined],
    ['tags', r.tags.join(', ') || undefined],
    ['author', r.author.join(', ') || undefined],
    ['license', r.license],
    ['file', `${r.source.file}${r.source.line ? `:${r.source.line}` : ''}`],
  ];
  const w = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) if (v !== undefined) io.out(`${k.padEnd(w)}  ${v}\n`);
  section(io, 'Description', r.description);
  section(io, 'Query', r.query);
  section(io, 'False positives', r.falsePositives.map((f) => `- ${f}`).join('\n'));
  section(io, 'References', r.references.map((f) => `- ${f}`).join('\n'));
  if (r.note) section(io, 'Investigation guide', options.kibana ? r.note : noteForTerminal(r.note, r.transform));
  section(io, 'Setup', r.setup);
  if (r.transform.investigate.length) {
    io.out(`\n## Pivots\n\n`);
    r.transform.investigate.forEach((p, i) => {
      io.out(`${i}. ${p.label}${p.description ? ` — ${p.description}` : ''}\n   ${describePivot(p)}\n`);
    });
  }
  if (r.transform.osquery.length) {
    io.out(`\n## Osquery\n\n`);
    r.transform.osquery.forEach((q, i) => io.out(`${i}. ${q.label}\n   ${q.query}\n`));
  }
  const problems = l.problems.filter((p) => p.severity !== 'info');
  if (problems.length) {
    io.out(`\n## Problems\n\n`);
    for (const p of problems) io.out(`- ${p.severity}${p.key ? ` [${p.key}]` : ''}: ${p.message}\n`);
  }
  return 0;
}

export function register(program: Command): void {
  const rules = program.command('rules').description('list rules or show one (no --rules: built-in rules)');
  rules
    .command('list')
    .description('id, name, severity, risk, MITRE, index patterns and schedule of each rule')
    .option('--rules <path>', 'rule files, folders or Kibana exports (repeatable)', collect)
    .option('--all', 'also list rules that do not run (unsupported, deprecated, invalid)')
    .option('--json', 'print JSON')
    .action((opts: RulesOptions) => {
      process.exitCode = runList(opts);
    });
  rules
    .command('show')
    .description('everything about one rule: query, rendered investigation guide, pivots')
    .argument('<rule>', 'rule_id (or its prefix) or name (or part of it)')
    .option('--rules <path>', 'rule files, folders or Kibana exports (repeatable)', collect)
    .option('--kibana', 'print the guide exactly as Kibana receives it (!{investigate{...}} markdown)')
    .option('--json', 'print JSON (Kibana parameters, transform)')
    .action((rule: string, opts: RulesOptions) => {
      process.exitCode = runShow(rule, opts);
    });
}
