import { compileQuery, Schema } from '../../src/eql/index.js';

type Doc = Record<string, unknown>;

/** A schema built from an ES-style properties object (closed world, as ES). */
export function mapping(properties: Record<string, unknown>): Schema {
  return Schema.fromMapping({ properties }, 'error');
}

export function matcher(query: string, schema?: Schema): (doc: Doc) => boolean {
  const q = compileQuery(query, { schema });
  if (!q.filter) throw new Error('not an event query');
  return q.filter;
}

/** Which of the named documents a query keeps. */
export function which(query: string, docs: Record<string, Doc>, schema?: Schema): string[] {
  const f = matcher(query, schema);
  return Object.entries(docs)
    .filter(([, d]) => f(d))
    .map(([k]) => k);
}
