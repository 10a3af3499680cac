/**
 * Skipping lines that cannot match. Every EQL query knows literals a matching event must contain
 * (`CompiledQuery.requiredLiterals`: for each group, one of its strings). For ECS NDJSON, whose
 * lines carry field values verbatim, a line needs parsing only if, for some rule, it contains a
 * string of each of that rule's groups, and then its finer need (`CompiledQuery.literalNeed`:
 * every part of a wildcard pattern, each branch of a disjunction whole). The scan works on the
 * bytes as read, never decoding them: a search finds each rule's most selective group (the
 * anchors) in the block, and only the lines around a hit are read in full, once, by an automaton
 * holding every string of every rule. With WebAssembly SIMD (`simd-search.ts`) the anchors, the
 * `\u` escapes and the newlines are found 16 bytes at a step and the automaton runs as two
 * interleaved chains; without it, JavaScript does the same work byte by byte.
 *
 * The result never changes: a line is skipped only when no rule could match it (the tests prove it
 * against `--no-prefilter`). The literals are printable ASCII without `"` and `\`, and carry the
 * escaped forms of `/ < > &` that PHP and Go write. What else could make a line hold a value the
 * bytes do not show is kept for parsing, never skipped:
 * - a JSON `\uXXXX` escape of a printable ASCII character (other than the `< > &` forms above);
 * - the two characters the rules' case folding maps into ASCII (`eql/fold.ts`): U+212A KELVIN SIGN
 *   (folds to `k`) and U+0130 'İ' (folds to `i`), raw or escaped, when a case-insensitive literal
 *   holds that letter.
 * Malformed lines that are skipped are not reported (they are counted as records).
 */
import type { LiteralGroup, LiteralNeed } from '../../eql/index.js';
import { AnchorSearch, LiteralAutomaton } from './byte-search.js';
import { SimdSearch, type Needle } from './simd-search.js';

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

export interface LinePrefilter {
  /**
   * Calls `onLine(start, end, newlines)`, in order, for each line of `buf[from, to)` that might
   * match (`end` excludes the newline and a carriage return before it; `newlines`: how many
   * newlines `buf[from, start)` holds, for line numbers). `from` must start a line. Returns how
   * many newlines `buf[from, to)` holds.
   */
  scan(buf: Buffer, from: number, to: number, onLine: (start: number, end: number, newlines: number) => void): number;
  /**
   * A buffer to read blocks into, which `scan` then reads where they are (no copy into the vector
   * search's memory); undefined without WebAssembly SIMD. A buffer whose length has become 0 was
   * let go (a longer block grew that memory): ask again.
   */
  readBuffer(size: number): Buffer | undefined;
  /** Literals used to find candidate lines, for logs and tests. */
  anchors: string[];
  /** Whether rules' finer needs are still judged (dropped when they turn few lines away), for tests. */
  readonly judgesNeeds: boolean;
}

const KELVIN = Buffer.from('\u212a', 'utf8');
const DOTTED_I = Buffer.from('\u0130', 'utf8');
const ESCAPE_U = Buffer.from('\\u', 'latin1');
/** Lines with needs judged after which needs that turn away under a tenth of them are dropped. */
const NEED_TRIAL = 2000;
/** Anchors the vector search takes: each is one pass over the block, so a few. */
const SIMD_ANCHORS = 8;
/** `\uXXXX` escapes the literals already list in escaped form (`<`, `>`, `&`). */
const LISTED_ESCAPES = new Set([0x3c, 0x3e, 0x26]);

function hexDigit(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  const l = b | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

class Prefilter implements LinePrefilter {
  readonly anchors: string[];
  /** Finds a position inside the next line holding an anchor, or -1. */
  private readonly findAnchor: (buf: Buffer, from: number, to: number) => number;
  private readonly ci: LiteralAutomaton | undefined;
  private readonly cs: LiteralAutomaton | undefined;
  /** For each group (tag): the rules needing it. */
  private readonly needsOf: Int32Array[];
  /** For each rule: how many distinct groups it needs. */
  private readonly needSize: Int32Array;
  /** For each rule: how many of its groups are case-insensitive (found by the first automaton). */
  private readonly needCiSize: Int32Array;
  private readonly needCount: Int32Array;
  private readonly needStamp: Int32Array;
  private readonly seenStamp: Int32Array;
  private stamp = 0;
  /**
   * For each rule: its literal need, finer than its groups (every part of a wildcard pattern, each
   * branch of a disjunction apart), judged on a line once the groups are all there.
   */
  private readonly needs: Array<(() => boolean) | undefined>;
  /** The rules whose groups a line holds, whose needs are judged when it has been read. */
  private readonly candidates: number[] = [];
  /** Whether needs are judged; the lines where they were, and those they turned away. */
  private useNeeds = true;
  get judgesNeeds(): boolean {
    return this.useNeeds;
  }
  private needLines = 0;
  private needRejects = 0;
  /** Case-insensitive literals with `k` / `i`: the raw characters folding to them matter. */
  private readonly kelvin: boolean;
  private readonly dottedI: boolean;
  /** The vector search, when this runtime has WebAssembly SIMD; it holds the block being scanned. */
  private readonly simd: SimdSearch | undefined;
  /** Each vector-searched anchor's next occurrence in the block being scanned. */
  private anchorNext: Int32Array | undefined;
  /** `\\u` for the vector search. */
  private readonly escapeNeedle: Needle | undefined;

  /** `useSimd`: WebAssembly SIMD where the runtime has it (false: the JavaScript searches only). */
  constructor(rules: LiteralGroup[][], needs: Array<LiteralNeed | undefined>, useSimd: boolean) {
    // Groups shared by rules (the same `cmd.exe`) are one tag, and so are the needs' strings.
    const tagOf = new Map<string, number>();
    const groups: LiteralGroup[] = [];
    const tag = (g: LiteralGroup): number => {
      const values = g.ci ? g.values.map((v) => v.toLowerCase()) : g.values;
      const key = `${g.ci ? 'i' : 's'}\u0000${[...new Set(values)].sort().join('\u0000')}`;
      let t = tagOf.get(key);
      if (t === undefined) {
        t = groups.length;
        tagOf.set(key, t);
        groups.push({ values, ci: g.ci });
      }
      return t;
    };
    const ruleTags: number[][] = rules.map((gs) => [...new Set(gs.map(tag))]);
    // A need is judged on the tags seen on the line (stamped with the line's stamp).
    const judge = (n: LiteralNeed): (() => boolean) => {
      if (n.k === 'text') {
        const t = tag(n);
        return () => this.seenStamp[t] === this.stamp;
      }
      const items = n.items.map(judge);
      return n.k === 'all' ? () => items.every((f) => f()) : () => items.some((f) => f());
    };
    // A need that is only a conjunction of the rule's own groups says nothing more: left out, so
    // the rule ends the line's scan as soon as its groups are there.
    const adds = (n: LiteralNeed, r: number): boolean =>
      n.k === 'text' ? !ruleTags[r].includes(tag(n)) : n.k === 'any' || n.items.some((m) => adds(m, r));
    this.needs = needs.map((n, r) => (n && adds(n, r) ? judge(n) : undefined));
    const anchors = new Set<string>();
    for (const gs of rules) {
      const best = gs.reduce((a, b) => (selectivity(b) > selectivity(a) ? b : a));
      for (const v of best.values) anchors.add(v.toLowerCase());
    }
    this.anchors = [...anchors];
    // Case-insensitive search for every anchor: a superset of the case-sensitive ones. The vector
    // search (each anchor's next occurrence kept, the nearest taken) or, without WebAssembly SIMD,
    // the skip loop wins for a few long anchors; many or short ones leave the skip loop nothing to
    // skip and cost the vector search a pass each, so an automaton reads every byte once instead.
    this.simd = useSimd ? SimdSearch.create() : undefined;
    const simd = this.simd;
    this.escapeNeedle = simd?.needle('\\u', false);
    const shortest = Math.min(...this.anchors.map((a) => a.length));
    if (simd && this.anchors.length <= SIMD_ANCHORS && shortest >= 2) {
      const needles = this.anchors.map((a) => simd.needle(a, true));
      // Each anchor's first occurrence at or after the last search (-2: not searched in this block).
      const next = (this.anchorNext = new Int32Array(needles.length));
      this.findAnchor = (_buf, from, to) => {
        let best = -1;
        for (let k = 0; k < needles.length; k++) {
          let at = next[k];
          if (at === -2 || (at >= 0 && at < from)) next[k] = at = simd.find(needles[k], from, to);
          if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
      };
    } else if (this.anchors.length <= 8 && shortest >= 4) {
      const skip = new AnchorSearch(this.anchors);
      this.findAnchor = (buf, from, to) => skip.find(buf, from, to);
    } else {
      const auto = new LiteralAutomaton(
        this.anchors.map((text) => ({ text, tag: 0 })),
        true,
      );
      this.findAnchor = (buf, from, to) => auto.findEnd(buf, from, to);
    }
    const patterns = (ci: boolean) =>
      groups.flatMap((g, tag) => (g.ci === ci ? g.values.map((text) => ({ text, tag })) : []));
    const ciPatterns = patterns(true);
    const csPatterns = patterns(false);
    this.ci = ciPatterns.length ? new LiteralAutomaton(ciPatterns, true) : undefined;
    this.cs = csPatterns.length ? new LiteralAutomaton(csPatterns, false) : undefined;
    if (simd) {
      this.ci?.useSimd(simd);
      this.cs?.useSimd(simd);
    }
    const needsOf: number[][] = groups.map(() => []);
    ruleTags.forEach((tags, r) => tags.forEach((t) => needsOf[t].push(r)));
    this.needsOf = needsOf.map((n) => Int32Array.from(n));
    this.needSize = Int32Array.from(ruleTags.map((t) => t.length));
    this.needCiSize = Int32Array.from(ruleTags.map((t) => t.filter((g) => groups[g].ci).length));
    this.needCount = new Int32Array(rules.length);
    this.needStamp = new Int32Array(rules.length);
    this.seenStamp = new Int32Array(groups.length);
    const ciText = ciPatterns.map((p) => p.text).join('');
    this.kelvin = ciText.includes('k');
    this.dottedI = ciText.includes('i');
  }

  /**
   * Marks a tag found on the current line; true once some rule has all its groups and its finer
   * need holds (a rule whose need does not hold yet is judged again when the line has been read).
   */
  private readonly onTag = (tag: number): boolean => {
    const stamp = this.stamp;
    if (this.seenStamp[tag] === stamp) return false;
    this.seenStamp[tag] = stamp;
    const rules = this.needsOf[tag];
    for (let k = 0; k < rules.length; k++) {
      const r = rules[k];
      if (this.needStamp[r] !== stamp) {
        this.needStamp[r] = stamp;
        this.needCount[r] = 0;
      }
      if (++this.needCount[r] === this.needSize[r]) {
        // Judged now (what the line held so far may do), and again at its end if not yet.
        const need = this.needs[r];
        if (need === undefined || !this.useNeeds || need()) return true;
        this.candidates.push(r);
      }
    }
    return false;
  };

  private lineNeeded(buf: Buffer, s: number, e: number): boolean {
    // A new stamp per line instead of clearing the marks; before the counter would overflow, the
    // marks are cleared and it starts again.
    if (++this.stamp === 0x7fffffff) {
      this.stamp = 1;
      this.seenStamp.fill(0);
      this.needStamp.fill(0);
    }
    this.candidates.length = 0;
    const kept = this.scanLine(buf, s, e);
    if (this.candidates.length > 0 && this.useNeeds) {
      // Needs are worth judging where they turn lines away; where some rule keeps nearly every
      // line anyway (hundreds of rules), judging tens of them a line only costs.
      this.needLines++;
      if (!kept) this.needRejects++;
      if (this.needLines === NEED_TRIAL && this.needRejects < NEED_TRIAL / 10) this.useNeeds = false;
    }
    return kept;
  }

  private scanLine(buf: Buffer, s: number, e: number): boolean {
    const { ci, cs, simd } = this;
    if (ci && (simd ? ci.scanLoaded(s, e, this.onTag) : ci.scan(buf, s, e, this.onTag))) return true;
    // The second pass only helps a rule whose case-insensitive groups were all found.
    if (cs && this.csCanHelp() && (simd ? cs.scanLoaded(s, e, this.onTag) : cs.scan(buf, s, e, this.onTag)))
      return true;
    for (const r of this.candidates) if ((this.needs[r] as () => boolean)()) return true;
    return false;
  }

  private csCanHelp(): boolean {
    for (let r = 0; r < this.needSize.length; r++) {
      const found = this.needStamp[r] === this.stamp ? this.needCount[r] : 0;
      if (found === this.needCiSize[r]) return true;
    }
    return false;
  }

  readBuffer(size: number): Buffer | undefined {
    return this.simd?.blockBuffer(size);
  }

  /** Starts of the lines in `buf[from, to)` that hold something the byte scan cannot judge, in order. */
  private hazardLines(buf: Buffer, from: number, to: number): number[] {
    const starts: number[] = [];
    const add = (pos: number) => starts.push(Math.max(from, buf.lastIndexOf(10, pos) + 1));
    // The raw characters start with bytes rare in logs, which the native search skips to (`buf`
    // ends at `to`); backslashes are common in Windows paths and stop it often, where the vector
    // search does not slow down.
    const raw = (needle: Buffer) => {
      for (let i = buf.indexOf(needle, from); i >= 0; i = buf.indexOf(needle, i + 1)) add(i);
    };
    if (this.kelvin) raw(KELVIN);
    if (this.dottedI) raw(DOTTED_I);
    const { simd, escapeNeedle } = this;
    const nextEscape = (at: number) =>
      simd && escapeNeedle ? simd.find(escapeNeedle, at, to) : buf.indexOf(ESCAPE_U, at);
    for (let i = nextEscape(from); i >= 0 && i + 5 < to; i = nextEscape(i + 1)) {
      // `\\u` is an escaped backslash and a `u`: the escape is real after an even run of backslashes.
      let j = i - 1;
      while (j >= from && buf[j] === 92) j--;
      if ((i - 1 - j) % 2 === 1) continue;
      const d = [hexDigit(buf[i + 2]), hexDigit(buf[i + 3]), hexDigit(buf[i + 4]), hexDigit(buf[i + 5])];
      if (d.some((x) => x < 0)) continue;
      const code = (d[0] << 12) | (d[1] << 8) | (d[2] << 4) | d[3];
      if (
        (code >= 0x20 && code <= 0x7e && !LISTED_ESCAPES.has(code)) ||
        (code === 0x212a && this.kelvin) ||
        (code === 0x130 && this.dottedI)
      )
        add(i);
    }
    if (starts.length < 2) return starts;
    starts.sort((a, b) => a - b);
    return starts.filter((s, k) => k === 0 || s !== starts[k - 1]);
  }

  scan(
    whole: Buffer,
    from: number,
    to: number,
    onLine: (start: number, end: number, newlines: number) => void,
  ): number {
    // Native searches run to the end of their buffer: a view ending at `to` bounds them.
    const buf = to < whole.length ? whole.subarray(0, to) : whole;
    const simd = this.simd;
    if (simd) {
      simd.load(buf, from, to);
      this.anchorNext?.fill(-2);
    }
    // Newlines before the last line reported, counted up to `counted`.
    let newlines = 0;
    let counted = from;
    const countTo = (at: number): number => {
      if (simd) newlines += simd.count(10, counted, at);
      else for (let i = buf.indexOf(10, counted); i >= 0 && i < at; i = buf.indexOf(10, i + 1)) newlines++;
      counted = at;
      return newlines;
    };
    const emit = (s: number, end: number) => onLine(s, end, countTo(s));
    const hazards = this.hazardLines(buf, from, to);
    let h = 0;
    /** The newline ending the line that holds `at` (or `to`). */
    const newlineAfter = (at: number) => {
      const e = buf.indexOf(10, at);
      return e < 0 || e > to ? to : e;
    };
    /** A line's end without its newline and a carriage return before it. */
    const contentEnd = (s: number, e: number) => (e > s && buf[e - 1] === 13 ? e - 1 : e);
    const emitHazard = (s: number) => emit(s, contentEnd(s, newlineAfter(s)));
    let p = from;
    while (p < to) {
      const a = this.findAnchor(buf, p, to);
      if (a < 0) break;
      const s = Math.max(p, buf.lastIndexOf(10, a) + 1);
      while (h < hazards.length && hazards[h] < s) emitHazard(hazards[h++]);
      const e = newlineAfter(a);
      const end = contentEnd(s, e);
      if (h < hazards.length && hazards[h] === s) {
        h++;
        emit(s, end);
      } else if (this.lineNeeded(buf, s, end)) emit(s, end);
      p = e + 1;
    }
    while (h < hazards.length) emitHazard(hazards[h++]);
    return countTo(to);
  }
}

/**
 * Builds the prefilter for a set of queries, or undefined when some query has no literal
 * requirement (then every line may match and nothing can be skipped).
 */
export function buildPrefilter(
  queries: Array<{ requiredLiterals: LiteralGroup[]; literalNeed?: LiteralNeed }>,
  options: { simd?: boolean } = {},
): LinePrefilter | undefined {
  if (queries.length === 0) return undefined;
  const rules: LiteralGroup[][] = [];
  for (const q of queries) {
    const groups = q.requiredLiterals.filter((g) => g.values.length > 0);
    if (groups.length === 0) return undefined;
    rules.push(groups);
  }
  return new Prefilter(
    rules,
    queries.map((q) => q.literalNeed),
    options.simd !== false,
  );
}
