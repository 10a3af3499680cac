/** "Did you mean" suggestions, scored like Lucene's LevenshteinDistance (1 - distance / longer length). */

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function similarity(a: string, b: string): number {
  const max = Math.max(a.length, b.length);
  return max === 0 ? 1 : 1 - levenshtein(a, b) / max;
}

/** Candidates at least half similar to `name`, best first (ties keep input order). */
export function findSimilar(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const scored: Array<[string, number]> = [];
  for (const c of candidates) {
    const s = similarity(name, c);
    if (s >= 0.5) scored.push([c, s]);
  }
  scored.sort((x, y) => y[1] - x[1]);
  return scored.slice(0, limit).map(([c]) => c);
}

/** ES's phrasing: "did you mean [x]?" or "did you mean any of [x, y]?". */
export function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  if (suggestions.length === 1) return `, did you mean [${suggestions[0]}]?`;
  return `, did you mean any of [${suggestions.join(', ')}]?`;
}
