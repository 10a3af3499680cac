/** Runs step tables through the reference engine, the generated engine and the interpreted mode. */
import { compileMapping, type Step } from '../../../src/sources/mapping/index.js';
import { canon } from '../windows/canon.js';
import { compileMapping as compileReference, type Step as RefStep } from '../windows/reference/mapping/index.js';

type Doc = Record<string, unknown>;

/** `matches` patterns of the random tables; a global one keeps `lastIndex`, so runs reset it. */
export const PATTERNS = [/^C:/i, /x/, /\\/g, /^\d+$/];

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Runs a table on a copy of `doc` with one engine: the document, problems and any exception, as text. */
export function runWith(apply: (d: Doc, report: (k: string, m: string) => void) => unknown, doc: Doc): string {
  const d = clone(doc);
  for (const re of PATTERNS) re.lastIndex = 0;
  const problems: string[] = [];
  let thrown = '';
  try {
    apply(d, (k, m) => problems.push(`${k}: ${m}`));
  } catch (e) {
    thrown = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return `${canon(d)}\n${problems.join('\n')}\n${thrown}`;
}

/**
 * Runs `steps` over copies of each document with the reference engine, the generated engine
 * (with `deferDeletes` when given) and the interpreted mode; returns the disagreements.
 */
export function compare(steps: Step[], docs: Doc[], name = 't', deferDeletes?: string[]): string[] {
  // The reference engine's run has no remove/put: test scripts that use them fall back to delete/assign.
  const r = compileReference({ name, steps: steps as unknown as RefStep[] });
  const gen = compileMapping({ name, steps, deferDeletes });
  const interp = compileMapping({ name, steps }, { mode: 'interpreted' });
  const bad: string[] = [];
  for (const doc of docs) {
    const want = runWith((d, rep) => r.apply(d, rep), doc);
    const got = runWith((d, rep) => gen.apply(d, rep), doc);
    const got2 = runWith((d, rep) => interp.apply(d, rep), doc);
    if (got !== want || got2 !== want)
      bad.push(`doc ${canon(doc)}\nwant ${want}\ngot  ${got}${got2 !== want ? `\ninterpreted ${got2}` : ''}`);
  }
  return bad;
}
