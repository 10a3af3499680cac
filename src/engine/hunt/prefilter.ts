/**
 * Skipping lines that cannot match. Every EQL query knows literals a matching event must contain
 * (`CompiledQuery.requiredLiterals`: for each group, one of its strings). For ECS NDJSON, whose
 * lines carry field values verbatim, a line needs parsing only if, for some rule, it contains a
 * string of each of that rule's groups. A chunk of lines is first searched for each rule's most
 * selective group with one regular expression; only the lines around a hit are looked at further.
 *
 * The result never changes: a line is skipped only when no rule could match it (the tests prove it
 * against `--no-prefilter`). The literals avoid `"` and `\`, and know the escaped forms of `/ < > &`
 * (PHP, Go); case-insensitive groups use Unicode case folding (`/iu`), so the Kelvin sign meets `k`
 * as the rules' folding has it. Limits, documented in the README: other ASCII letters written as
 * JSON `\uXXXX` escapes, and U+0130 'İ' (which Java folds to `i`, Unicode folding does not), are not
 * recognised by the byte scan; malformed lines that are skipped are not reported.
 */
import type { LiteralGroup } from '../../eql/index.js';

/** Words so common in ECS documents that they select nothing. */
const COMMON = new Set([
  'process',
  'windows',
  'linux',
  'macos',
  'start',
  'end',
  'file',
  'network',
  'registry',
  'library',
  'authentication',
  'iam',
  'info',
  'change',
  'creation',
  'deletion',
  'event',
  'true',
  'false',
  'success',
  'failure',
  'logs',
  'default',
]);

function selectivity(g: LiteralGroup): number {
  const min = Math.min(...g.values.map((v) => v.length));
  const common = g.values.some((v) => COMMON.has(v.toLowerCase()));
  // Fewer alternatives and longer strings select more; common words hardly at all.
  return (common ? 0 : 1000) + min * 10 - g.values.length;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

interface RuleNeed {
  /** Cheapest first: single strings, then alternations (one regular expression each). */
  groups: Array<{ ci: boolean; has: (hay: string) => boolean }>;
}

function containsAny(values: string[], ci: boolean): (hay: string) => boolean {
  if (values.length === 1 && !ci) {
    const v = values[0];
    return (hay) => hay.includes(v);
  }
  // One pass of an alternation beats a scan of the line per string (rules list up to ~50).
  const re = new RegExp(
    [...values]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegex)
      .join('|'),
    // Unicode case folding, as the anchor search (see the limits above).
    ci ? 'iu' : 'u',
  );
  return (hay) => re.test(hay);
}

export interface LinePrefilter {
  /** Calls `onLine(start, end)` for each line of `text[from, to)` that might match (end excludes the newline). */
  scan(text: string, from: number, to: number, onLine: (start: number, end: number) => void): void;
  /** Literals used to find candidate lines, for logs and tests. */
  anchors: string[];
}

/**
 * Builds the prefilter for a set of queries, or undefined when some query has no literal
 * requirement (then every line may match and nothing can be skipped).
 */
export function buildPrefilter(queries: Array<{ requiredLiterals: LiteralGroup[] }>): LinePrefilter | undefined {
  if (queries.length === 0) return undefined;
  const needs: RuleNeed[] = [];
  const anchors = new Set<string>();
  for (const q of queries) {
    const groups = q.requiredLiterals.filter((g) => g.values.length > 0);
    if (groups.length === 0) return undefined;
    const best = groups.reduce((a, b) => (selectivity(b) > selectivity(a) ? b : a));
    for (const v of best.values) anchors.add(v.toLowerCase());
    needs.push({
      groups: [...groups]
        .sort((a, b) => a.values.length - b.values.length)
        .map((g) => ({ ci: g.ci, has: containsAny(g.values, g.ci) })),
    });
  }
  // Case-insensitive search for every anchor (a superset of the case-sensitive ones).
  const anchorRe = new RegExp(
    [...anchors]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegex)
      .join('|'),
    'giu',
  );

  const lineNeeded = (line: string): boolean => {
    for (const need of needs) {
      let all = true;
      for (const g of need.groups) {
        if (!g.has(line)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  };

  return {
    anchors: [...anchors],
    scan(text, from, to, onLine) {
      anchorRe.lastIndex = from;
      let lastLineEnd = from - 1;
      for (;;) {
        const m = anchorRe.exec(text);
        if (!m || m.index >= to) break;
        const lineStart = text.lastIndexOf('\n', m.index) + 1;
        let lineEnd = text.indexOf('\n', m.index);
        if (lineEnd < 0 || lineEnd > to) lineEnd = to;
        if (lineStart > lastLineEnd) {
          let end = lineEnd;
          if (end > lineStart && text.charCodeAt(end - 1) === 13) end--;
          if (lineNeeded(text.slice(lineStart, end))) onLine(Math.max(lineStart, from), end);
        }
        lastLineEnd = lineEnd;
        anchorRe.lastIndex = lineEnd + 1;
      }
    },
  };
}
