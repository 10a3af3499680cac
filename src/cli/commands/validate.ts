/**
 * `eqlite validate [PATHS...]`: load rule files, folders and Kibana exports, check them, compile
 * every EQL query, and report each problem with file:line:col, then a summary by rule type and
 * language. Exit 0 when every supported rule is valid, 1 when one is not, 2 on usage errors.
 */
import type { Command } from 'commander';
import {
  builtinRulesDir,
  formatProblem,
  loadAllowlist,
  loadRules,
  prepareRules,
  type Allowlist,
  type LoadedRule,
  type RuleProblem,
} from '../../rules/index.js';
import { counted } from '../../engine/counted.js';
import { collect } from '../repeatable.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

let pipeGuard = false;

/** `eqlite rules show X | head` closes the pipe early: stop quietly instead of crashing on EPIPE. */
function guardPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export const processIo: Io = {
  out: (t) => {
    guardPipe();
    process.stdout.write(t);
  },
  err: (t) => process.stderr.write(t),
};

export interface ValidateOptions {
  rules?: string[];
  allowlist?: string[];
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

/** Unknown types (a file that did not parse) count as supported: the failure must not hide. */
function supported(r: LoadedRule): boolean {
  const type = r.rule?.type ?? r.type;
  return type === undefined || type === 'eql';
}

function printProblem(p: RuleProblem, io: Io): void {
  const who = p.ruleName ? `  (${p.ruleName})` : '';
  io.out(`${formatProblem(p)}${who}\n`);
  if (p.excerpt) io.out(`${p.excerpt.replace(/^/gm, '    ')}\n`);
}

interface Row {
  total: number;
  ok: number;
  failed: number;
  unsupported: number;
  deprecated: number;
}

export function runValidate(paths: string[], options: ValidateOptions, io: Io = processIo): number {
  const started = Date.now();
  const all = [...paths, ...(options.rules ?? [])];
  const usingBuiltin = all.length === 0;
  const load = loadRules(usingBuiltin ? [builtinRulesDir()] : all);
  const notFound = load.problems.filter((p) => p.code === 'not-found');
  if (notFound.length > 0) {
    for (const p of notFound) io.err(`eqlite validate: ${p.file}: no such file or folder\n`);
    return 2;
  }
  const allowlists: Allowlist[] = (options.allowlist ?? []).map(loadAllowlist);
  const prepared = prepareRules(load, { allowlists });

  const shown = (p: RuleProblem) => p.severity === 'error' || p.severity === 'warning' || options.verbose === true;
  const problems = [
    ...load.problems,
    ...load.rules.flatMap((r) => r.problems),
    ...allowlists.flatMap((a) => a.problems),
    ...prepared.problems,
  ];

  const rows = new Map<string, Row>();
  for (const r of load.rules) {
    const key = `${r.rule?.type ?? r.type ?? '?'}/${r.rule?.language ?? r.language ?? '?'}`;
    const row = rows.get(key) ?? { total: 0, ok: 0, failed: 0, unsupported: 0, deprecated: 0 };
    row.total++;
    if (r.status === 'ready') row.ok++;
    else if (r.status === 'deprecated') row.deprecated++;
    else if (r.status === 'unsupported' || !supported(r)) row.unsupported++;
    else row.failed++;
    rows.set(key, row);
  }
  const failedRules = load.rules.filter((r) => r.status === 'failed' && supported(r));
  const fileErrors = [...load.problems, ...allowlists.flatMap((a) => a.problems)].filter((p) => p.severity === 'error');
  const exitCode = failedRules.length > 0 || fileErrors.length > 0 ? 1 : 0;

  if (options.json) {
    io.out(
      `${JSON.stringify(
        {
          ok: exitCode === 0,
          rules: load.rules.map((r) => ({
            file: r.source.file,
            line: r.source.line,
            rule_id: r.rule?.ruleId ?? r.ruleId,
            name: r.rule?.name ?? r.name,
            type: r.rule?.type ?? r.type,
            language: r.rule?.language ?? r.language,
            status: r.status === 'failed' && !supported(r) ? 'unsupported' : r.status,
            reason: r.reason,
          })),
          problems: problems.filter(shown),
          summary: Object.fromEntries(rows),
          exceptions: { lists: load.exceptions.size, items: load.exceptions.itemCount },
        },
        null,
        2,
      )}\n`,
    );
    return exitCode;
  }

  if (!options.quiet) for (const p of problems) if (shown(p)) printProblem(p, io);

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const n = load.rules.length;
  io.out(`\n${n} ${usingBuiltin ? 'built-in ' : ''}rule${n === 1 ? '' : 's'} checked in ${seconds}s\n`);
  const header = ['type/language', 'rules', 'valid', 'failed', 'not supported yet', 'deprecated'];
  const table = [...rows.entries()]
    .sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : 1))
    .map(([k, r]) => [k, r.total, r.ok, r.failed, r.unsupported, r.deprecated].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}\n`;
  io.out(line(header));
  for (const row of table) io.out(line(row));
  if (load.exceptions.size > 0) {
    io.out(`  exception lists: ${load.exceptions.size}, items: ${load.exceptions.itemCount}\n`);
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  io.out(`${errors} errors, ${warnings} warnings`);
  io.out(
    exitCode === 0
      ? ' — every supported rule is valid\n'
      : ` — ${counted(failedRules.length, 'supported rule')} failed${fileErrors.length ? `, ${counted(fileErrors.length, 'file error')}` : ''}\n`,
  );
  return exitCode;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check rule files, folders and Kibana exports; compile every EQL query (no paths: built-in rules)')
    .argument('[paths...]', 'rule TOML files, folders (searched recursively), Kibana export .ndjson files')
    .option('--rules <path>', 'more rule files or folders (repeatable)', collect)
    .option('--allowlist <file>', 'also check an eqlite allowlist file (repeatable)', collect)
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'also print notes (info-level findings)')
    .option('-q, --quiet', 'print only the summary')
    .action((paths: string[], opts: ValidateOptions) => {
      process.exitCode = runValidate(paths, opts);
    });
}
