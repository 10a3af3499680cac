import { Command, Option } from 'commander';
import { readInputs } from '../../engine/inputs.js';
import { ProblemLog, formatLocation } from '../../engine/problems.js';
import { FORMATS, type SourceFormat } from '../../sources/detect.js';
import { counted } from '../../engine/counted.js';

interface DumpOptions {
  format: SourceFormat | 'auto';
  raw?: boolean;
  xml?: boolean;
  index?: string;
  strictEcs?: boolean;
  withIndex?: boolean;
}

export function register(program: Command): void {
  program
    .command('dump')
    .description('print the records of input files as ECS NDJSON, as eqlite sees them (format detected per file)')
    .argument('<files...>', 'input files or folders; - for stdin')
    .addOption(new Option('--format <format>', 'force the input format').choices(['auto', ...FORMATS]).default('auto'))
    .option('--raw', 'print each record as read, before normalisation (Windows: the winlog document)')
    .option('--xml', 'Windows inputs: print each record as XML text, one per line')
    .option('--with-index', 'wrap each document as {"_index": …, "_source": …}')
    .option('--index <name>', 'index name to assign to records that carry none')
    .option('--strict-ecs', "only what Elastic's integrations produce: no eqlite enrichments")
    .action(async (files: string[], opts: DumpOptions) => {
      const problems = new ProblemLog(3, (p) =>
        process.stderr.write(`eqlite: ${formatLocation(p.loc)}: ${p.message}\n`),
      );
      const out = process.stdout;
      let n = 0;
      for await (const r of readInputs(files, {
        onProblem: problems.add,
        format: opts.format,
        raw: opts.raw,
        xml: opts.xml,
        index: opts.index,
        strictEcs: opts.strictEcs,
      })) {
        n++;
        let line: string;
        if (opts.xml && typeof r.doc.xml === 'string') line = r.doc.xml;
        else line = JSON.stringify(opts.withIndex ? { _index: r.index ?? null, _source: r.doc } : r.doc);
        if (!out.write(line + '\n')) await new Promise((res) => out.once('drain', res));
      }
      process.stderr.write(
        `eqlite: ${counted(n, 'record')}${problems.total ? `, ${counted(problems.total, 'problem')}` : ''}\n`,
      );
      if (n === 0 && problems.total > 0) process.exitCode = 1;
    });
}
