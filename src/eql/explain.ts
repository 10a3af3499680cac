/**
 * Why a document matched: walks the compiled condition and says which branches were true and
 * the values that made them so, e.g.
 *   process.command_line : (…) matched "*echo*wscript*" on "cmd /c echo x | wscript y"
 * Negations report the inner condition as false ("not: process.args : "%TEMP%\…" was false").
 * Slower than matching; meant for the few documents that did match.
 */
import { compileCond, fieldValues, type Cond } from './compiler.js';
import type { Scalar } from './values.js';
import { formatNanos } from './dates.js';

const MAX_VALUE = 160;

function show(v: Scalar): string {
  const s = typeof v === 'bigint' ? formatNanos(v) : String(v);
  return JSON.stringify(s.length > MAX_VALUE ? s.slice(0, MAX_VALUE - 1) + '…' : s);
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? t.slice(0, 199) + '…' : t;
}

function valuesOf(c: Extract<Cond, { k: 'leaf' | 'exists' }>, doc: Record<string, unknown>): Scalar[] {
  return fieldValues(c.k === 'leaf' ? c.leaf.def : c.def, doc);
}

const predicates = new WeakMap<Cond, (doc: Record<string, unknown>) => boolean>();
function holds(c: Cond, doc: Record<string, unknown>): boolean {
  let f = predicates.get(c);
  if (!f) {
    f = compileCond(c);
    predicates.set(c, f);
  }
  return f(doc);
}

function leafTrue(c: Extract<Cond, { k: 'leaf' }>, doc: Record<string, unknown>): string {
  const { leaf } = c;
  const field = leaf.def.name;
  const vals = valuesOf(c, doc).filter((v) => leaf.test(v));
  const alts = leaf.alternatives?.();
  if (alts) {
    for (const v of vals) {
      const hit = alts.find((a) => a.test(v));
      if (hit) return `${field} matched ${JSON.stringify(hit.label)} on ${show(v)}`;
    }
  }
  const text = oneLine(leaf.text);
  return vals.length ? `${text} (${field} = ${vals.slice(0, 3).map(show).join(', ')})` : text;
}

function leafFalse(c: Extract<Cond, { k: 'leaf' | 'exists' }>, doc: Record<string, unknown>): string {
  const vals = valuesOf(c, doc);
  const field = c.k === 'leaf' ? c.leaf.def.name : c.def.name;
  const text = oneLine(c.k === 'leaf' ? c.leaf.text : c.text);
  return `${text} was false (${field} ${vals.length ? '= ' + vals.slice(0, 3).map(show).join(', ') : 'is missing'})`;
}

/** Lines explaining why `c` is true for `doc` (empty when it is not). */
export function explainTrue(c: Cond, doc: Record<string, unknown>): string[] {
  switch (c.k) {
    case 'const':
      return [];
    case 'leaf':
      return holds(c, doc) ? [leafTrue(c, doc)] : [];
    case 'exists': {
      const v = valuesOf(c, doc);
      return v.length ? [`${c.def.name} exists (= ${v.slice(0, 3).map(show).join(', ')})`] : [];
    }
    case 'script':
      return holds(c, doc) ? [oneLine(c.text)] : [];
    case 'and':
      return c.items.flatMap((x) => explainTrue(x, doc));
    case 'or':
      return c.items.filter((x) => holds(x, doc)).flatMap((x) => explainTrue(x, doc));
    case 'not':
      return holds(c.c, doc) ? [] : explainFalse(c.c, doc).map((l) => `not: ${l}`);
  }
}

/** Lines explaining why `c` is false for `doc`. */
export function explainFalse(c: Cond, doc: Record<string, unknown>): string[] {
  switch (c.k) {
    case 'const':
      return ['false'];
    case 'leaf':
    case 'exists':
      return holds(c, doc) ? [] : [leafFalse(c, doc)];
    case 'script':
      return holds(c, doc) ? [] : [`${oneLine(c.text)} was false`];
    case 'and': {
      const failing = c.items.find((x) => !holds(x, doc));
      return failing ? explainFalse(failing, doc) : [];
    }
    case 'or':
      return c.items.length <= 3
        ? c.items.flatMap((x) => explainFalse(x, doc))
        : [`none of ${c.items.length} alternatives held`];
    case 'not':
      return holds(c.c, doc) ? explainTrue(c.c, doc).map((l) => `not: ${l}`) : [];
  }
}

/** Explain output for an alert: the positive reasons, and how many exclusions were checked and passed. */
export function explainMatch(c: Cond, doc: Record<string, unknown>): { matched: string[]; exclusionsPassed: number } {
  const lines = explainTrue(c, doc);
  const matched = lines.filter((l) => !l.startsWith('not: '));
  return { matched, exclusionsPassed: lines.length - matched.length };
}
