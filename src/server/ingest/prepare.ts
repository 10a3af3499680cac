/**
 * The per-document work of ingesting an ECS document that needs no normaliser, as a pure
 * function so that it can run in worker threads (pool.ts): validate the JSON, add
 * `event.ingested`, derive the `_id`, read the columns the store indexes, and decide whether any
 * continuous rule could match the document at all.
 *
 * That last test uses the literals every match must contain (`requiredLiterals`, as `eqlite hunt`
 * prefilters lines): a document without them is stored but not handed to detection. The raw text
 * is searched; literals are searched JSON-escaped, and a document with any `\u` escape or an
 * escaped `/` is always a candidate (shippers written in Go escape `<`, `>` and `&` the first way,
 * PHP escapes every `/` the second).
 */
import { hash } from 'node:crypto';
import { foldText } from '../../eql/fold.js';
import { fastIsoToMs } from '../../eql/ordinal.js';
import { isEcsDocument } from '../../sources/edr/detect.js';
import { looksIngested } from '../../sources/windows/normalise.js';

export interface LiteralNeed {
  values: string[];
  ci: boolean;
}

/** For each rule, groups that must all be present (each: one of its values); empty list: no rule can be skipped. */
export interface CandidateSpec {
  always: boolean;
  rules: LiteralNeed[][];
}

export interface PrepareInput {
  text: string;
  index: string;
  id?: string;
  /** The route its index chose (normalise.ts): raw vendor records are left to the main thread. */
  route?: string;
}

export type Prepared =
  | { ok: true; normalise: true }
  | {
      ok: true;
      normalise?: false;
      id: string;
      /** `ingestedMember` must be spliced into the text (`splice`): the document had no `event.ingested`. */
      spliced: boolean;
      ts: number | null;
      ing: number | null;
      host: string | null;
      candidate: boolean;
    }
  | { ok: false; reason: string };

/** One group of a compiled spec: true when the text holds one of its values. */
interface GroupTest {
  ci: boolean;
  test: (hay: string) => boolean;
}

export interface CompiledSpec {
  always: boolean;
  rules: GroupTest[][];
}

/**
 * A document's `_id` from its index, bytes and event time: 20 base64url characters (the length of
 * Elasticsearch's ids) of 6 bytes of `@timestamp` milliseconds then 9 bytes of SHA-256. The same
 * document always gets the same id (so a resent batch is stored once); ids of events close in
 * time share their leading characters, so the store's id index is written in a small recent region
 * instead of scattered (Elasticsearch leads its auto ids with time for the same reason). Not a strict
 * order: base64url's alphabet is not in ASCII order.
 */
export function autoId(index: string, text: string, ts: number | null = null): string {
  const t = ts === null || !Number.isFinite(ts) || ts < 0 ? 0 : Math.floor(Math.min(ts, 2 ** 48 - 1));
  // 6 and 9 bytes are whole base64 groups: the id is the time's 8 characters then the digest's
  // first 12, so the digest is asked for as text directly (one-shot, no Buffer: 3.7 → 1.5 µs).
  return timeChars(t) + hash('sha256', `${index}\0${text}`, 'base64url').slice(0, 12);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Base64url of a 48-bit integer written big-endian in 6 bytes. */
function timeChars(t: number): string {
  const hi = Math.floor(t / 2 ** 24);
  const lo = t % 2 ** 24;
  return (
    B64URL[(hi >>> 18) & 63] +
    B64URL[(hi >>> 12) & 63] +
    B64URL[(hi >>> 6) & 63] +
    B64URL[hi & 63] +
    B64URL[(lo >>> 18) & 63] +
    B64URL[(lo >>> 12) & 63] +
    B64URL[(lo >>> 6) & 63] +
    B64URL[lo & 63]
  );
}

/** Inserts `member` as the first member of the JSON object `text`. */
export function splice(text: string, member: string): string {
  const open = text.indexOf('{');
  let i = open + 1;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return text[i] === '}' ? `{${member}}` : `{${member},${text.slice(open + 1)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function timeOf(v: unknown): number | null {
  v = first(v);
  if (typeof v === 'string') {
    const t = fastIsoToMs(v);
    if (t) return t.ms;
    const d = Date.parse(v);
    return Number.isNaN(d) ? null : d;
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function nested(doc: Record<string, unknown>, a: string, b: string): unknown {
  const o = doc[a];
  if (isObject(o) && o[b] !== undefined) return o[b];
  return doc[`${a}.${b}`];
}

function str(v: unknown): string | null {
  v = first(v);
  return typeof v === 'string' && v !== '' ? v : null;
}

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * JSON-escaped literals, case-folded as the rules fold where the comparison folds case
 * (`foldText`: code point by code point, so `İ` meets `i`, which `toLowerCase` makes two code
 * points). A group of a few values is searched with `includes`, a larger one with one alternation
 * (a single pass over the text: a third of the cost of forty `includes` on the founding rule's
 * command-line group). Groups that need no folded copy of the text are tried first.
 */
export function compileSpec(spec: CandidateSpec): CompiledSpec {
  const esc = (s: string) => JSON.stringify(s).slice(1, -1);
  const group = (g: LiteralNeed): GroupTest => {
    const values = g.values.map((v) => (g.ci ? foldText(esc(v)) : esc(v)));
    if (values.length <= 2) return { ci: g.ci, test: (hay) => values.some((v) => hay.includes(v)) };
    const re = new RegExp(values.map((v) => v.replace(REGEXP_SPECIAL, '\\$&')).join('|'));
    return { ci: g.ci, test: (hay) => re.test(hay) };
  };
  return {
    always: spec.always,
    rules: spec.rules.map((groups) =>
      groups
        .map(group)
        .map((g, i) => ({ g, key: (g.ci ? 1000 : 0) + groups[i].values.length }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.g),
    ),
  };
}

export function isCandidate(text: string, spec: CompiledSpec): boolean {
  // Escapes hide the literals' bytes: Go writes `<`, `>`, `&` as `\u003c`…, PHP writes `/` as `\/`.
  if (spec.always || text.includes('\\u') || text.includes('\\/')) return true;
  let lowered: string | undefined;
  for (const groups of spec.rules) {
    let all = true;
    for (const g of groups) {
      if (!g.test(g.ci ? (lowered ??= foldText(text)) : text)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

let lastMember: string | undefined;
let lastSpec: CompiledSpec | undefined;
let lastMatters = false;

/**
 * Whether some literal occurs inside the spliced `event.ingested` member. Almost never: then the
 * received text alone decides (a literal cannot span the member's quotes, which literals would
 * hold escaped), and the spliced copy is not made.
 */
function memberMatters(member: string | undefined, spec: CompiledSpec): boolean {
  if (member === undefined) return false;
  if (member !== lastMember || spec !== lastSpec) {
    lastMember = member;
    lastSpec = spec;
    const lowered = foldText(member);
    lastMatters = spec.rules.some((groups) => groups.some((g) => g.test(g.ci ? lowered : member)));
  }
  return lastMatters;
}

/**
 * Prepares one document. `ingestedMember` is `"event.ingested":"…"` (or undefined when the
 * server must not add it); `spec` must come from `compileSpec`.
 */
export function prepare(input: PrepareInput, ingestedMember: string | undefined, spec: CompiledSpec): Prepared {
  let doc: unknown;
  try {
    doc = JSON.parse(input.text);
  } catch (err) {
    return { ok: false, reason: `failed to parse: ${(err as Error).message}` };
  }
  if (!isObject(doc)) return { ok: false, reason: 'failed to parse: the document is not a JSON object' };
  // A raw record for a normaliser: the main thread does it all (Normaliser.normalise's tests).
  if (
    input.route === 'winlog'
      ? isObject(doc.winlog) && !looksIngested(doc)
      : input.route !== undefined && input.route !== 'ecs' && !isEcsDocument(doc)
  ) {
    return { ok: true, normalise: true };
  }
  let ing = nested(doc, 'event', 'ingested');
  const ev = doc.event;
  let spliced = false;
  if (ingestedMember !== undefined && ing === undefined && (ev === undefined || isObject(ev))) {
    spliced = true;
    ing = ingestedMember.slice(ingestedMember.indexOf(':') + 2, -1);
  }
  const host =
    str(nested(doc, 'host', 'name')) ?? str(nested(doc, 'host', 'hostname')) ?? str(nested(doc, 'host', 'id'));
  const ts = timeOf(doc['@timestamp']);
  return {
    ok: true,
    id: input.id ?? autoId(input.index, input.text, ts),
    spliced,
    ts,
    ing: timeOf(ing),
    host,
    candidate: isCandidate(
      spliced && memberMatters(ingestedMember, spec) ? splice(input.text, ingestedMember as string) : input.text,
      spec,
    ),
  };
}

/** Per document: `FLAG_OK`, else an error (`reasons`); `FLAG_NORMALISE`: the main thread does it all. */
export const FLAG_OK = 1;
export const FLAG_NORMALISE = 2;
export const FLAG_SPLICED = 4;
export const FLAG_CANDIDATE = 8;

/** Prepared documents in columns (`NaN` for a null time). */
export interface PreparedColumns {
  flags: Uint8Array;
  ids: string[];
  ts: Float64Array;
  ing: Float64Array;
  hosts: Array<string | null>;
  reasons: Array<string | undefined>;
}

/** A batch to prepare, in columns: texts, and per text the position of its index, route and `_id`. */
export interface PrepareColumnsInput {
  texts: string[];
  indices: string[];
  routes: Array<string | undefined>;
  indexOf: Uint16Array;
  /** Explicit `_id`s (sparse; undefined: derive one). */
  ids: Array<string | undefined>;
  ingestedMember: string | undefined;
}

export function prepareColumns(m: PrepareColumnsInput, spec: CompiledSpec): PreparedColumns {
  const n = m.texts.length;
  const out: PreparedColumns = {
    flags: new Uint8Array(n),
    ids: new Array<string>(n).fill(''),
    ts: new Float64Array(n),
    ing: new Float64Array(n),
    hosts: new Array<string | null>(n).fill(null),
    reasons: new Array<string | undefined>(n),
  };
  for (let i = 0; i < n; i++) {
    const k = m.indexOf[i];
    const p = prepare(
      { text: m.texts[i], index: m.indices[k], id: m.ids[i], route: m.routes[k] },
      m.ingestedMember,
      spec,
    );
    if (!p.ok) {
      out.reasons[i] = p.reason;
      continue;
    }
    if (p.normalise) {
      out.flags[i] = FLAG_OK | FLAG_NORMALISE;
      continue;
    }
    out.flags[i] = FLAG_OK | (p.spliced ? FLAG_SPLICED : 0) | (p.candidate ? FLAG_CANDIDATE : 0);
    out.ids[i] = p.id;
    out.ts[i] = p.ts ?? NaN;
    out.ing[i] = p.ing ?? NaN;
    out.hosts[i] = p.host;
  }
  return out;
}
