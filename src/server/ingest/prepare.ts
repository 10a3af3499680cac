/**
 * The per-document work of ingesting an ECS document that needs no normaliser, as a pure
 * function so that it can run in worker threads (pool.ts): validate the JSON, add
 * `event.ingested`, derive the `_id`, read the columns the store indexes, and decide whether any
 * continuous rule could match the document at all.
 *
 * That last test uses the literals every match must contain (`requiredLiterals`, as `eqlite hunt`
 * prefilters lines): a document without them is stored but not handed to detection. The raw text
 * is searched; literals are searched JSON-escaped, and a document with any `\u` escape is always
 * a candidate (shippers written in Go escape `<`, `>` and `&` that way).
 */
import { hash } from 'node:crypto';
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
      text: string;
      ts: number | null;
      ing: number | null;
      host: string | null;
      candidate: boolean;
    }
  | { ok: false; reason: string };

/**
 * A document's `_id` from its index, bytes and event time: 20 base64url characters (the length of
 * Elasticsearch's ids) of 6 bytes of `@timestamp` milliseconds then 9 bytes of SHA-256. The same
 * document always gets the same id (so a resent batch is stored once); ids of events that arrive
 * in time order are in order too, which keeps the store's id index appending instead of
 * scattering writes (Elasticsearch orders its auto ids by time for the same reason).
 */
export function autoId(index: string, text: string, ts: number | null = null): string {
  const buf = Buffer.allocUnsafe(15);
  const t = ts === null || !Number.isFinite(ts) || ts < 0 ? 0 : Math.min(ts, 2 ** 48 - 1);
  buf.writeUIntBE(Math.floor(t), 0, 6);
  // One-shot hashing: a third cheaper than a Hash object for documents of this size.
  hash('sha256', `${index}\0${text}`, 'buffer').copy(buf, 6, 0, 9);
  return buf.toString('base64url');
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

/** JSON-escaped literals, lower-cased where the comparison folds case. */
export function compileSpec(spec: CandidateSpec): CandidateSpec {
  const esc = (s: string) => JSON.stringify(s).slice(1, -1);
  return {
    always: spec.always,
    rules: spec.rules.map((groups) =>
      groups.map((g) => ({ ci: g.ci, values: g.values.map((v) => (g.ci ? esc(v).toLowerCase() : esc(v))) })),
    ),
  };
}

export function isCandidate(text: string, spec: CandidateSpec): boolean {
  if (spec.always || text.includes('\\u')) return true;
  let lowered: string | undefined;
  for (const groups of spec.rules) {
    let all = true;
    for (const g of groups) {
      const hay = g.ci ? (lowered ??= text.toLowerCase()) : text;
      if (!g.values.some((v) => hay.includes(v))) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/**
 * Prepares one document. `ingestedMember` is `"event.ingested":"…"` (or undefined when the
 * server must not add it); `spec` must come from `compileSpec`.
 */
export function prepare(input: PrepareInput, ingestedMember: string | undefined, spec: CandidateSpec): Prepared {
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
  let text = input.text;
  let ing = nested(doc, 'event', 'ingested');
  const ev = doc.event;
  if (ingestedMember !== undefined && ing === undefined && (ev === undefined || isObject(ev))) {
    text = splice(text, ingestedMember);
    ing = ingestedMember.slice(ingestedMember.indexOf(':') + 2, -1);
  }
  const host =
    str(nested(doc, 'host', 'name')) ?? str(nested(doc, 'host', 'hostname')) ?? str(nested(doc, 'host', 'id'));
  const ts = timeOf(doc['@timestamp']);
  return {
    ok: true,
    id: input.id ?? autoId(input.index, input.text, ts),
    text,
    ts,
    ing: timeOf(ing),
    host,
    candidate: isCandidate(text, spec),
  };
}
