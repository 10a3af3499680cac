import { Command, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, type Severity } from '../../rules/index.js';
import { FORMATS, type SourceFormat } from '../../sources/detect.js';
import { hunt, HUNT_EXIT } from '../../engine/hunt/hunt.js';
import { collect } from '../repeatable.js';

interface HuntCliOptions {
  rules?: string[];
  allowlist?: string[];
  minSeverity?: Severity;
  rule?: string[];
  tag?: string[];
  tactic?: string[];
  format: SourceFormat | 'auto';
  index?: string;
  strictEcs?: boolean;
  prefilter: boolean;
  explain?: boolean;
  output?: string;
  timeline?: string;
  maxSignals?: number;
  threads?: number;
  progress: boolean;
  quiet?: boolean;
  failOnAlert?: boolean;
  table: boolean;
  spaceId: string;
  now?: string;
  maxPending?: number;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function register(program: Command): void {
  program
    .command('hunt')
    .description("run detection rules over collected logs and write alerts like Kibana's")
    .argument('<paths...>', 'files, folders (recursive), globs, .gz; - for stdin')
    .option('--rules <path>', 'rule files/folders/Kibana exports (repeatable; default: built-in rules)', collect)
    .option('--allowlist <file>', 'eqlite allowlist file (repeatable)', collect)
    .addOption(new Option('--min-severity <level>', 'only rules at or above this severity').choices([...SEVERITIES]))
    .option('--rule <id|name>', 'only rules whose id starts with, or name contains, this (repeatable)', collect)
    .option('--tag <tag>', 'only rules with this tag, e.g. "OS: Windows" (repeatable)', collect)
    .option(
      '--tactic <name|id>',
      'only rules mapped to this MITRE tactic, e.g. Execution or TA0002 (repeatable)',
      collect,
    )
    .addOption(
      new Option('--format <format>', 'force the input format (default: detected per file)')
        .choices(['auto', ...FORMATS])
        .default('auto'),
    )
    .option('--index <name>', 'index name for events that carry none (routes rules by their index patterns)')
    .option('--strict-ecs', "only what Elastic's integrations produce: no eqlite enrichments")
    .option(
      '--no-prefilter',
      'parse every line (the prefilter skips ECS NDJSON lines no rule can match; results are identical)',
    )
    .option('--explain', 'add to each alert which parts of the query matched, and on which values')
    .option('-o, --output <file>', 'write Kibana alert documents as NDJSON (- for stdout)')
    .option('--timeline <file>', 'write a CSV timeline of the alerts')
    .option(
      '--no-table',
      'do not list the alerts on stdout (they are listed when neither --output nor --timeline is given)',
    )
    .option('--max-signals <n>', "apply Kibana's per-run cap (max_signals) per rule and run window", positiveInt)
    .option(
      '--threads <n>',
      'reading threads at most, the main one included (default: one per CPU; small inputs are read inline)',
      positiveInt,
    )
    .option('--max-pending <n>', 'sequences: cap on pending partial sequences per rule', positiveInt)
    .option('--space-id <id>', 'Kibana space of the alerts', 'default')
    .option('--now <time>', 'alert creation time (ISO-8601); default: now')
    .option('--no-progress', 'no progress display')
    .option('-q, --quiet', 'no summary (errors still go to stderr)')
    .option('--fail-on-alert', 'exit with code 1 when there is any alert')
    .addHelpText(
      'after',
      `
Exit codes: ${HUNT_EXIT.ok} hunt completed; 1 --fail-on-alert and alerts were found; ${HUNT_EXIT.usage} usage error;
${HUNT_EXIT.noInput} no input could be read; ${HUNT_EXIT.noRules} no runnable rule.`,
    )
    .action(async (paths: string[], o: HuntCliOptions) => {
      const now = o.now ? new Date(o.now) : new Date();
      if (Number.isNaN(now.getTime())) {
        process.stderr.write(`eqlite: --now: not a date: ${o.now}\n`);
        process.exitCode = HUNT_EXIT.usage;
        return;
      }
      process.exitCode = await hunt({
        paths,
        config: {
          rulePaths: o.rules ?? [],
          allowlists: o.allowlist ?? [],
          minSeverity: o.minSeverity,
          ruleFilters: o.rule ?? [],
          tags: o.tag ?? [],
          tactics: o.tactic ?? [],
          format: o.format,
          index: o.index,
          strictEcs: o.strictEcs ?? false,
          prefilter: o.prefilter,
          explain: o.explain ?? false,
          ingested: 'event-time',
        },
        output: o.output,
        timeline: o.timeline,
        maxSignals: o.maxSignals,
        threads: o.threads,
        maxPending: o.maxPending,
        spaceId: o.spaceId,
        now,
        progress: o.progress && !o.quiet,
        summary: !o.quiet,
        failOnAlert: o.failOnAlert ?? false,
        table: o.table,
        stderr: process.stderr,
        stdout: process.stdout,
      });
    });
}
