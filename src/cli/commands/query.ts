import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { compileQuery, EqlError, Schema, type CompiledQuery } from '../../eql/index.js';
import { ProblemLog, formatLocation } from '../../engine/problems.js';
import { readInputs } from '../../engine/inputs.js';
import { runEventQuery } from '../../engine/run-query.js';
import { runSequenceQuery } from '../../engine/run-sequence.js';
import { displayValue, renderTable } from '../table.js';
import { FORMATS, type SourceFormat } from '../../sources/detect.js';
import { counted } from '../../engine/counted.js';
import { collect } from '../repeatable.js';

interface QueryOptions {
  timestampField: string;
  tiebreakerField?: string;
  eventCategoryField: string;
  size?: number;
  resultPosition: 'head' | 'tail';
  mapping?: string[];
  strictFields?: boolean;
  format: 'ndjson' | 'table';
  index?: string;
  maxPending?: number;
  maxSamplesPerKey: number;
  inputFormat: SourceFormat | 'auto';
  strictEcs?: boolean;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export function buildSchema(mappings: string[], strict: boolean): Schema {
  let schema = Schema.ecs(strict ? 'error' : 'infer');
  for (const m of mappings) {
    try {
      schema = schema.merge(Schema.parseMappingText(readFileSync(m, 'utf8'), strict ? 'error' : 'infer'));
    } catch (e) {
      throw new Error(`--mapping ${m}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return strict ? schema.withPolicy('error') : schema.withPolicy('infer');
}

export function register(program: Command): void {
  program
    .command('query')
    .description('run an EQL query over event files (NDJSON, JSON arrays, Elasticsearch exports, .gz, or - for stdin)')
    .argument('<eql>', 'the EQL query')
    .argument('[files...]', 'input files or folders; - or nothing reads stdin')
    .option('--timestamp-field <field>', 'field that orders events', '@timestamp')
    .option('--tiebreaker-field <field>', 'secondary sort field for equal timestamps')
    .option('--event-category-field <field>', 'field holding the event category', 'event.category')
    .option('--size <n>', 'return at most n results (default: no limit)', positiveInt)
    .addOption(
      new Option('--result-position <pos>', 'with --size and no pipe, keep the first or last results')
        .choices(['head', 'tail'])
        .default('tail'),
    )
    .option('--mapping <file>', 'an Elasticsearch mapping (JSON) for field types; repeatable', collect)
    .option('--strict-fields', 'unknown fields are errors, as in Elasticsearch (default: typed from their values)')
    .option('--index <name>', 'index name to assign to events that carry none')
    .option('--max-pending <n>', 'sequences: cap on pending partial sequences per query', positiveInt)
    .option('--max-samples-per-key <n>', 'samples: samples per join key', positiveInt, 1)
    .addOption(new Option('--format <format>', 'output format').choices(['ndjson', 'table']).default('ndjson'))
    .addOption(
      new Option('--input-format <format>', 'input format (default: detected per file)')
        .choices(['auto', ...FORMATS])
        .default('auto'),
    )
    .option('--strict-ecs', "only what Elastic's integrations produce: no eqlite enrichments")
    .action(async (eql: string, files: string[], opts: QueryOptions) => {
      let q: CompiledQuery;
      try {
        q = compileQuery(eql, {
          schema: buildSchema(opts.mapping ?? [], opts.strictFields ?? false),
          timestampField: opts.timestampField,
          tiebreakerField: opts.tiebreakerField,
          eventCategoryField: opts.eventCategoryField,
        });
      } catch (err) {
        if (err instanceof EqlError) {
          process.stderr.write(`eqlite: invalid query: ${err.format()}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
      const problems = new ProblemLog(3, (p) =>
        process.stderr.write(`eqlite: ${formatLocation(p.loc)}: ${p.message}\n`),
      );
      const inputs = readInputs(files.length ? files : ['-'], {
        onProblem: problems.add,
        index: opts.index,
        format: opts.inputFormat,
        strictEcs: opts.strictEcs,
      });
      const limits = { size: opts.size, resultPosition: opts.resultPosition };
      const out = process.stdout;
      if (q.kind === 'event') {
        const hits = await runEventQuery(q, inputs, limits);
        if (opts.format === 'table') {
          const cols = [
            '@timestamp',
            'event.category',
            'host.name',
            ...q.fields.filter((f) => f !== 'event.category' && f !== 'host.name').slice(0, 4),
          ];
          out.write(
            renderTable(
              cols,
              hits.map((h) => cols.map((c) => displayValue(h.record.doc, c))),
            ),
          );
        } else {
          for (const h of hits) out.write(JSON.stringify(h.record.doc) + '\n');
        }
      } else {
        const results = await runSequenceQuery(q, inputs, {
          ...limits,
          maxSamplesPerKey: opts.maxSamplesPerKey,
          maxPending: opts.maxPending,
          onWarning: (m) => process.stderr.write(`eqlite: ${m}\n`),
        });
        if (opts.format === 'table') {
          const rows = results.flatMap((r, i) =>
            r.events.map((e, j) => [
              String(i + 1),
              String(j + 1),
              JSON.stringify(r.join_keys),
              e ? displayValue(e, '@timestamp') : '(missing)',
              e ? displayValue(e, 'event.category') : '',
              e ? displayValue(e, 'process.name') : '',
            ]),
          );
          out.write(renderTable(['#', 'stage', 'join_keys', '@timestamp', 'event.category', 'process.name'], rows));
        } else {
          for (const r of results) out.write(JSON.stringify(r) + '\n');
        }
      }
      if (problems.total > 0) {
        process.stderr.write(`eqlite: ${counted(problems.total, 'bad record')} skipped\n`);
      }
    });
}
