/**
 * eqlite's EQL engine: parse, check and compile Elasticsearch EQL with ES's semantics.
 * It knows nothing of files or rules: callers hand it documents (plain JSON objects).
 *
 *   const q = compileQuery('process where process.name : "cmd.exe"');
 *   q.filter!(doc) // true / false
 */
export { compileQuery, defaultSchema, requiredLiterals } from './query.js';
export type { CompileOptions, CompiledQuery, CompiledStage, KeySpec, LiteralGroup, LiteralNeed } from './query.js';
export { parse } from './parser.js';
export type * from './ast.js';
export { EqlError, type EqlErrorKind, type SourcePos, type SourceSpan } from './errors.js';
export { Schema, type UnknownFieldPolicy } from './schema.js';
export type { DataType, FieldDef } from './types.js';
export { compareOrdinals, spanNanos, type Ordinal } from './ordinal.js';
export { fieldValues } from './compiler.js';
export type { Cond } from './compiler.js';
export { explainMatch, explainTrue, explainFalse } from './explain.js';
export { cidrContains, ipKey, parseCidr, formatIpKey } from './ip.js';
export type { Scalar } from './values.js';
export { cacheDocument, releaseDocument } from './values.js';
