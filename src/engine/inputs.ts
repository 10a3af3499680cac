/**
 * Turns user-given paths into a stream of source records: expands folders and globs, detects each
 * file's format, and dispatches to the right reader. Unreadable inputs are reported, never fatal.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readJson } from '../sources/json/reader.js';
import type { ProblemSink, SourceRecord } from '../sources/types.js';
import { STDIN } from '../sources/input.js';

export interface InputOptions {
  onProblem: ProblemSink;
  /** Index to assign to records that carry none. */
  index?: string;
}

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

export async function* readInputs(paths: string[], opts: InputOptions): AsyncGenerator<SourceRecord> {
  for (const file of await expandPaths(paths, opts.onProblem)) {
    try {
      yield* readJson(file, { onProblem: opts.onProblem, index: opts.index });
    } catch (err) {
      opts.onProblem({ loc: { file }, kind: 'input-unreadable', message: (err as Error).message });
    }
  }
}
