/**
 * Which events a rule sees: Elasticsearch searches only the indices its `index` patterns resolve
 * to, so a rule written for Sysmon data never sees an Elastic Defend event even when the query
 * would match it. This reproduces ES's resolution of a multi-target expression
 * (IndexNameExpressionResolver) for one concrete index:
 *
 * - expressions apply in order: a pattern adds the resources it matches, `-pattern` removes them;
 *   a `-` prefix means exclusion only after some earlier expression had a wildcard (otherwise it
 *   is a literal name, which no index can have);
 * - `*` is the only wildcard; matching is case-sensitive;
 * - wildcards do not match hidden names (starting with `.`) unless the pattern starts with `.`;
 * - data streams: a backing index `.ds-<stream>-<yyyy.MM.dd>-<generation>` (or a failure-store
 *   `.fs-` index) belongs to `<stream>`, so `logs-*` reaches it through the stream's name;
 * - remote-cluster expressions (`cluster:index`) only match indices carrying that cluster prefix;
 * - `::data` selectors are ignored, `::failures` reaches only failure-store indices.
 */
import type { EventDoc } from '../sources/types.js';

const BACKING_INDEX = /^\.(ds|fs)-(.+?)-(?:\d{4}\.\d{2}\.\d{2}-)?\d{6}$/;

interface Candidate {
  name: string;
  hidden: boolean;
  failureStore: boolean;
}

function candidates(index: string): Candidate[] {
  const out: Candidate[] = [{ name: index, hidden: index.startsWith('.'), failureStore: index.startsWith('.fs-') }];
  const m = BACKING_INDEX.exec(index);
  if (m) out.push({ name: m[2], hidden: m[2].startsWith('.'), failureStore: m[1] === 'fs' });
  return out;
}

function splitRemote(name: string): [string | undefined, string] {
  const i = name.indexOf(':');
  // `::` is a selector, not a cluster separator.
  if (i < 0 || name.startsWith('::', i)) return [undefined, name];
  return [name.slice(0, i), name.slice(i + 1)];
}

function simpleMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const parts = pattern.split('*');
  if (!text.startsWith(parts[0])) return false;
  let pos = parts[0].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = text.indexOf(parts[i], pos);
    if (at < 0) return false;
    pos = at + parts[i].length;
  }
  const last = parts[parts.length - 1];
  return text.length - last.length >= pos && text.endsWith(last);
}

interface Expression {
  exclude: boolean;
  cluster: string | undefined;
  pattern: string;
  wildcard: boolean;
  selector: 'data' | 'failures';
}

function parseExpressions(patterns: readonly string[]): Expression[] {
  const out: Expression[] = [];
  let wildcardSeen = false;
  for (const raw of patterns) {
    for (const part of raw.split(',')) {
      const text = part.trim();
      if (!text) continue;
      const exclude = wildcardSeen && text.startsWith('-');
      let body = exclude ? text.slice(1) : text;
      let selector: Expression['selector'] = 'data';
      if (body.endsWith('::failures')) {
        selector = 'failures';
        body = body.slice(0, -'::failures'.length);
      } else if (body.endsWith('::data')) body = body.slice(0, -'::data'.length);
      const [cluster, pattern] = splitRemote(body);
      const wildcard = pattern.includes('*') || pattern === '_all';
      wildcardSeen ||= wildcard;
      out.push({ exclude, cluster, pattern: pattern === '_all' ? '*' : pattern, wildcard, selector });
    }
  }
  return out;
}

function expressionMatches(e: Expression, cluster: string | undefined, c: Candidate): boolean {
  if (e.cluster !== undefined) {
    if (cluster === undefined || !simpleMatch(e.cluster, cluster)) return false;
  } else if (cluster !== undefined) return false;
  if (e.selector === 'failures' && !c.failureStore) return false;
  if (e.wildcard) {
    if (c.hidden && !e.pattern.startsWith('.')) return false;
    return simpleMatch(e.pattern, c.name);
  }
  return e.pattern === c.name;
}

/** Decides, for a rule's index patterns, whether an index is searched. Results are cached per index name. */
export interface IndexMatcher {
  readonly patterns: readonly string[];
  matches(index: string): boolean;
}

export function compileIndexPatterns(patterns: readonly string[]): IndexMatcher {
  const exprs = parseExpressions(patterns);
  const cache = new Map<string, boolean>();
  const decide = (index: string): boolean => {
    const [cluster, local] = splitRemote(index);
    for (const c of candidates(local)) {
      let inSet = false;
      for (const e of exprs) {
        if (!expressionMatches(e, cluster, c)) continue;
        inSet = !e.exclude;
      }
      if (inSet) return true;
    }
    return false;
  };
  return {
    patterns,
    matches(index: string): boolean {
      let r = cache.get(index);
      if (r === undefined) {
        r = decide(index);
        if (cache.size < 10_000) cache.set(index, r);
      }
      return r;
    },
  };
}

/**
 * The index an event lives in: `_index` (search hits, exports), else the data stream named by
 * `data_stream.type`-`data_stream.dataset`-`data_stream.namespace`, else what the source reader
 * assigned. `override` (the user's `--index` for an input) wins over all of them.
 * Undefined means unknown: such an event is seen by every rule.
 */
export function eventIndex(doc: EventDoc, assigned?: string, override?: string): string | undefined {
  if (override) return override;
  const direct = doc._index;
  if (typeof direct === 'string' && direct) return direct;
  const ds = dataStreamOf(doc);
  if (ds) return ds;
  return assigned || undefined;
}

function str(v: unknown): string | undefined {
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v ? v : undefined;
}

function dataStreamOf(doc: EventDoc): string | undefined {
  const nested = doc.data_stream;
  const get = (k: string): string | undefined =>
    str(doc[`data_stream.${k}`]) ??
    (nested && typeof nested === 'object' ? str((nested as Record<string, unknown>)[k]) : undefined);
  const type = get('type');
  const dataset = get('dataset');
  const namespace = get('namespace');
  return type && dataset && namespace ? `${type}-${dataset}-${namespace}` : undefined;
}

/** True when a rule with these index patterns sees an event in `index` (unknown index: always). */
export function ruleSeesIndex(matcher: IndexMatcher, index: string | undefined): boolean {
  return index === undefined || matcher.matches(index);
}
