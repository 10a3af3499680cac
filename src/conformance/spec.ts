/**
 * Loads Elasticsearch's EQL spec suite exactly as ES's QA harness wires it (`suites.json`):
 * datasets in file order (input order is the implicit tiebreaker), load-time timestamp transforms,
 * index mappings (plus ES dynamic mapping for fields they do not list), and the TOML query specs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { Schema } from '../eql/schema.js';

export interface SuiteDef {
  name: string;
  es_test_class: string;
  index: string;
  specs: string[];
  data: string[];
  mapping: string | string[];
  load_transform: 'filetime_to_epoch_millis' | 'filetime_digits_as_epoch_nanos' | null;
  tiebreaker_field: string | null;
  id_field: string;
  missing_event_id?: number;
}

export interface SpecQuery {
  name: string;
  query: string;
  /** A flat list, or several acceptable flat lists. */
  expected: number[] | number[][];
  joinKeys: string[] | undefined;
  size: number | undefined;
  maxSamplesPerKey: number | undefined;
  file: string;
}

export interface LoadedSuite {
  def: SuiteDef;
  docs: Record<string, unknown>[];
  schema: Schema;
  queries: SpecQuery[];
}

/** Strips `//` line comments outside strings (ES's JSON parser tolerates them in .data files). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += c;
  }
  return out;
}

const FILETIME_EPOCH_MS = 11644473600000n;

/** Parses a dataset, keeping the exact digits of `timestamp` (FILETIME values exceed 2^53). */
function loadData(path: string, transform: SuiteDef['load_transform']): Record<string, unknown>[] {
  const raw = stripJsonComments(readFileSync(path, 'utf8'));
  const exact: string[] = [];
  const marked = raw.replace(/"timestamp"(\s*):(\s*)(\d+)/g, (_m, a: string, b: string, digits: string) => {
    exact.push(digits);
    return `"timestamp"${a}:${b}"__ft${exact.length - 1}"`;
  });
  const docs = JSON.parse(marked) as Record<string, unknown>[];
  for (const doc of docs) {
    const t = doc.timestamp;
    if (typeof t !== 'string' || !t.startsWith('__ft')) continue;
    const digits = exact[Number(t.slice(4))];
    const ft = BigInt(digits);
    if (transform === 'filetime_to_epoch_millis') {
      doc.timestamp = Number(ft);
      doc['@timestamp'] = Number(ft / 10000n - FILETIME_EPOCH_MS);
    } else if (transform === 'filetime_digits_as_epoch_nanos') {
      const whole = digits.slice(0, digits.length - 6);
      const frac = digits.slice(digits.length - 6);
      doc['@timestamp'] = frac === '000000' ? whole : `${whole}.${frac}`;
      doc.timestamp = Number(ft / 1000000n);
    } else {
      doc.timestamp = Number(ft);
    }
  }
  return docs;
}

/** TOML 1.0 has no null; ES's JToml accepts `null` in `join_keys` arrays and compares it as "null". */
function nullsToStrings(text: string): string {
  return text.replace(/^(\s*join_keys\s*=.*)$/gm, (line) => line.replace(/(?<!")\bnull\b(?!")/g, '"null"'));
}

function loadSpecs(dir: string, file: string): SpecQuery[] {
  const doc = parseToml(nullsToStrings(readFileSync(join(dir, file), 'utf8'))) as {
    queries?: Array<Record<string, unknown>>;
  };
  return (doc.queries ?? []).map((q) => {
    const expected = q.expected_event_ids as number[] | number[][];
    const jk = q.join_keys as unknown[] | undefined;
    return {
      name: String(q.name).trim(),
      query: String(q.query).trim(),
      expected,
      joinKeys: jk && jk.length ? jk.map((v) => String(v)) : undefined,
      size: typeof q.size === 'number' ? q.size : undefined,
      maxSamplesPerKey: typeof q.max_samples_per_key === 'number' ? q.max_samples_per_key : undefined,
      file,
    };
  });
}

export function loadSuites(dir: string): LoadedSuite[] {
  const wiring = JSON.parse(readFileSync(join(dir, 'suites.json'), 'utf8')) as { suites: SuiteDef[] };
  return wiring.suites.map((def) => {
    const docs = def.data.flatMap((d) => loadData(join(dir, d), def.load_transform));
    const mappings = Array.isArray(def.mapping) ? def.mapping : [def.mapping];
    let schema = Schema.empty('error');
    for (const m of mappings)
      schema = schema.merge(Schema.parseMappingText(readFileSync(join(dir, m), 'utf8'), 'error'));
    // Fields no mapping lists are mapped dynamically by ES when the data is indexed.
    schema = schema.inferFrom(docs);
    const queries = def.specs.flatMap((s) => loadSpecs(dir, s));
    return { def, docs, schema, queries };
  });
}
