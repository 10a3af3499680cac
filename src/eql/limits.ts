/**
 * `size`, `result_position` and the `head`/`tail` pipes, applied as ES plans them (SEMANTICS §12):
 * with no pipe, keep the first or last `size` results by `result_position`; with pipes, an
 * implicit `size` limit in the direction of the first pipe, then each pipe in turn.
 */
import type { Pipe } from './ast.js';

export type ResultPosition = 'head' | 'tail';

export interface LimitOptions {
  /** Maximum results; undefined means no limit (eqlite's default outside the ES-compatible API). */
  size?: number;
  /** Which end to keep when there is no pipe; ES's default is `tail`. */
  resultPosition?: ResultPosition;
}

/** Applies the limits to results already in ascending order. */
export function applyLimits<T>(results: T[], pipes: readonly Pipe[], opts: LimitOptions): T[] {
  let out = results;
  const cut = (dir: ResultPosition, n: number) => {
    if (n >= out.length) return;
    out = dir === 'head' ? out.slice(0, n) : out.slice(out.length - n);
  };
  if (pipes.length === 0) {
    if (opts.size !== undefined) cut(opts.resultPosition ?? 'tail', opts.size);
    return out;
  }
  if (opts.size !== undefined) cut(pipes[0].name, opts.size);
  for (const p of pipes) cut(p.name, p.count);
  return out;
}

/**
 * The largest number of results any limit can keep, and from which end, so that a streaming caller
 * can bound its buffer: `{ keep: 'all' }` when nothing limits the output.
 */
export function bufferBound(
  pipes: readonly Pipe[],
  opts: LimitOptions,
): { keep: 'all' } | { keep: ResultPosition; n: number } {
  if (pipes.length === 0) {
    return opts.size === undefined ? { keep: 'all' } : { keep: opts.resultPosition ?? 'tail', n: opts.size };
  }
  const first = pipes[0];
  const n = Math.min(first.count, opts.size ?? Infinity);
  return { keep: first.name, n };
}
