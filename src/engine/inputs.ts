/**
 * Turns user-given paths into a stream of source records: expands folders and globs, detects each
 * file's format, and dispatches to the right reader. Unreadable inputs are reported, never fatal.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readSource, UnknownFormatError, type ReadOptions, type ReadRecord } from '../sources/read.js';
import type { ProblemSink } from '../sources/types.js';
import { STDIN } from '../sources/input.js';

export type InputOptions = ReadOptions;

/** Expands folders recursively (sorted, so runs are deterministic); keeps `-` for stdin. */
export async function expandPaths(paths: string[], onProblem: ProblemSink): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string): Promise<void> => {
    if (p === STDIN) {
      out.push(p);
      return;
    }
    let st;
    try {
      st = await fsp.stat(p);
    } catch (err) {
      onProblem({ loc: { file: p }, kind: 'input-unreadable', message: (err as Error).message });
      return;
    }
    if (st.isDirectory()) {
      const entries = (await fsp.readdir(p)).sort();
      for (const e of entries) {
        if (e.startsWith('.')) continue;
        await visit(join(p, e));
      }
    } else out.push(p);
  };
  for (const p of paths) await visit(p);
  return out;
}

/** Every record of every input, in input order; an unreadable or unknown input is reported and skipped. */
export async function* readInputs(paths: string[], opts: InputOptions): AsyncGenerator<ReadRecord> {
  for (const file of await expandPaths(paths, opts.onProblem)) {
    try {
      yield* readSource(file, opts);
    } catch (err) {
      const kind = err instanceof UnknownFormatError ? 'unknown-format' : 'input-unreadable';
      opts.onProblem({ loc: { file }, kind, message: (err as Error).message });
    }
  }
}
