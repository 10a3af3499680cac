/**
 * Field data types as EQL sees them after resolving an Elasticsearch mapping. Several ES types
 * collapse into one EQL type (keyword/wildcard/constant_keyword are all exact strings).
 */
export type DataType =
  | 'keyword'
  | 'text'
  | 'integer'
  | 'long'
  | 'double'
  | 'boolean'
  | 'date'
  | 'date_nanos'
  | 'ip'
  | 'version'
  | 'object'
  | 'nested'
  | 'unsupported'
  | 'null'
  /** A field neither the schema nor a mapping knows, in "infer" mode: typed per value at run time. */
  | 'dynamic';

export function isNumeric(t: DataType): boolean {
  return t === 'integer' || t === 'long' || t === 'double';
}

export function isIntegral(t: DataType): boolean {
  return t === 'integer' || t === 'long';
}

export function isStringType(t: DataType): boolean {
  return t === 'keyword' || t === 'text';
}

export function isDate(t: DataType): boolean {
  return t === 'date' || t === 'date_nanos';
}

/** How ES names a type in verification messages. */
export function typeLabel(t: DataType): string {
  switch (t) {
    case 'date':
    case 'date_nanos':
      return t === 'date' ? 'date' : 'date_nanos';
    case 'dynamic':
      return 'unmapped';
    default:
      return t;
  }
}

/** A resolved field. */
export interface FieldDef {
  /** The name the query used, after alias resolution (`event.category` → `event_type`). */
  name: string;
  /** Path of the value in the document; differs from `name` for multi-fields (`file_name.keyword`). */
  sourcePath: string;
  type: DataType;
  /** The ES mapping type as written (`wildcard`, `constant_keyword`, `match_only_text`, ...). */
  esType: string;
  /** Values longer than this (UTF-16 units) are not indexed, so they never match. */
  ignoreAbove?: number;
  /** A JSON null is indexed as this value (`null_value`). */
  nullValue?: unknown;
  /** Date formats (`format`, split on `||`; several when indices disagree). */
  formats?: string[];
  /** False for `text` without an exact (keyword) sub-field: EQL cannot compare it. */
  exact: boolean;
  /** Name of the keyword sub-field used for exact matching of a text field. */
  exactSubfield?: string;
  /** The closest `nested` ancestor, which EQL does not support. */
  nestedParent?: string;
  /** A keyword with a normalizer is not usable for exact matching. */
  normalized?: boolean;
}
