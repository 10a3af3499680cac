/**
 * Turns user-given paths into files (folders walked, globs expanded, documentation files skipped)
 * and into a stream of source records: each file's format detected and its reader used.
 * Unreadable inputs are reported, never fatal.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readSource, UnknownFormatError, type ReadOptions, type ReadRecord } from '../sources/read.js';
import type { ProblemSink } from '../sources/types.js';
import { STDIN } from '../sources/input.js';

export type InputOptions = ReadOptions;

const SKIP = /(^|[\\/])(README[^\\/]*|LICENSE[^\\/]*|NOTICE[^\\/]*|[^\\/]*\.md)$/i;

/** Files named by the user: folders walked recursively (sorted), globs expanded, `-` kept. */
export async function expandInputs(paths: string[], onProblem: ProblemSink): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  /** Files met, read or already read (a folder whose files all came earlier is not empty). */
  let found = 0;
  const visit = async (p: string, explicit: boolean): Promise<void> => {
    if (p === STDIN) {
      out.push(p);
      return;
    }
    let st;
    try {
      st = await fsp.stat(p);
    } catch (err) {
      // Loaded only for a path that is not a file: the glob library is 30 ms of every start-up.
      const fg = explicit ? (await import('fast-glob')).default : undefined;
      if (fg && fg.isDynamicPattern(p)) {
        const matches = (await fg(p, { dot: false, onlyFiles: true })).sort();
        if (matches.length === 0)
          onProblem({ loc: { file: p }, kind: 'input-unreadable', message: 'no file matches this pattern' });
        for (const m of matches) await visit(m, false);
        return;
      }
      onProblem({ loc: { file: p }, kind: 'input-unreadable', message: (err as Error).message });
      return;
    }
    // A folder or file met again (a symbolic link to a parent folder, the same file named twice)
    // is read once: a link loop would otherwise be walked until the system refuses.
    const id = `${st.dev}:${st.ino}`;
    if (!st.isDirectory()) found++;
    if (seen.has(id)) return;
    seen.add(id);
    if (st.isDirectory()) {
      const before = found;
      for (const e of (await fsp.readdir(p)).sort()) {
        if (e.startsWith('.')) continue;
        const child = join(p, e);
        if (SKIP.test(child)) continue;
        await visit(child, false);
      }
      // A folder the user named that holds nothing to read is worth saying, not a silent empty hunt.
      if (explicit && found === before)
        onProblem({ loc: { file: p }, kind: 'input-empty', message: 'no input files in this folder' });
    } else out.push(p);
  };
  for (const p of paths) await visit(p, true);
  return out;
}

/** Every record of every input, in input order; an unreadable or unknown input is reported and skipped. */
export async function* readInputs(paths: string[], opts: InputOptions): AsyncGenerator<ReadRecord> {
  for (const file of await expandInputs(paths, opts.onProblem)) {
    try {
      yield* readSource(file, opts);
    } catch (err) {
      const kind = err instanceof UnknownFormatError ? 'unknown-format' : 'input-unreadable';
      opts.onProblem({ loc: { file }, kind, message: (err as Error).message });
    }
  }
}
