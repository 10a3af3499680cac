/**
 * Where field types come from, as in ES where they come from the index mapping: ECS field
 * definitions (the `@elastic/ecs` package, as `ecs-table.ts` holds them), Elasticsearch mapping
 * files, and fields inferred from data. A schema also decides what an unknown field means: an
 * error (ES, closed world) or a dynamically typed field (open world, the default for hunting over
 * arbitrary logs).
 */
import type { DataType, FieldDef } from './types.js';
import { dateParser } from './dates.js';
import { ecsFieldSpecs } from './ecs-table.js';

export type UnknownFieldPolicy = 'error' | 'infer';

function esTypeToDataType(esType: string): DataType {
  switch (esType) {
    case 'keyword':
    case 'constant_keyword':
    case 'wildcard':
    case 'binary':
    case '[runtime_random_keyword_type]':
      return 'keyword';
    case 'text':
    case 'match_only_text':
      return 'text';
    case 'long':
    case 'unsigned_long':
      return 'long';
    case 'integer':
    case 'short':
    case 'byte':
      return 'integer';
    case 'double':
    case 'float':
    case 'half_float':
    case 'scaled_float':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'date_nanos':
      return 'date_nanos';
    case 'ip':
      return 'ip';
    case 'version':
      return 'version';
    case 'object':
      return 'object';
    case 'nested':
      return 'nested';
    default:
      return 'unsupported';
  }
}

const EXACT_SUBFIELD_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', '[runtime_random_keyword_type]']);

export class Schema {
  readonly unknownFields: UnknownFieldPolicy;
  private readonly defs: Map<string, FieldDef>;
  private readonly aliases: Map<string, string>;

  constructor(defs: Map<string, FieldDef>, aliases: Map<string, string>, unknownFields: UnknownFieldPolicy) {
    this.defs = defs;
    this.aliases = aliases;
    this.unknownFields = unknownFields;
  }

  static empty(unknownFields: UnknownFieldPolicy = 'infer'): Schema {
    return new Schema(new Map(), new Map(), unknownFields);
  }

  /** The same fields under another unknown-field policy. */
  withPolicy(unknownFields: UnknownFieldPolicy): Schema {
    return new Schema(this.defs, this.aliases, unknownFields);
  }

  /**
   * Layers schemas: fields of `other` are added; where both define a field, the later one wins,
   * except that date formats of the same field are united (one query over several indices).
   */
  merge(other: Schema): Schema {
    const defs = new Map(this.defs);
    for (const [k, v] of other.defs) {
      const prev = defs.get(k);
      if (prev && prev.formats && v.formats && prev.type === v.type) {
        defs.set(k, { ...v, formats: [...new Set([...prev.formats, ...v.formats])] });
      } else defs.set(k, v);
    }
    const aliases = new Map(this.aliases);
    for (const [k, v] of other.aliases) aliases.set(k, v);
    return new Schema(defs, aliases, other.unknownFields);
  }

  /** Resolves a field name, following aliases. Undefined when the schema does not know it. */
  resolve(name: string): FieldDef | undefined {
    const target = this.aliases.get(name);
    if (target !== undefined) {
      const def = this.defs.get(target);
      return def ? { ...def, name: target } : undefined;
    }
    return this.defs.get(name);
  }

  /** True when the name is a known object (a prefix of known fields). */
  isObject(name: string): boolean {
    const def = this.defs.get(name);
    if (def) return def.type === 'object' || def.type === 'nested';
    const prefix = name + '.';
    for (const k of this.defs.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  names(): IterableIterator<string> {
    return this.defs.keys();
  }

  aliasNames(): IterableIterator<string> {
    return this.aliases.keys();
  }

  get size(): number {
    return this.defs.size;
  }

  /** Fields that the ECS definitions know (types, `ignore_above`), from the `@elastic/ecs` package. */
  static ecs(unknownFields: UnknownFieldPolicy = 'infer'): Schema {
    const base = loadEcs();
    return unknownFields === base.unknownFields ? base : base.withPolicy(unknownFields);
  }

  /**
   * Builds a schema from an Elasticsearch mapping (`{properties}`, `{mappings:{properties}}`, or a
   * `GET _mapping` response). Lines starting with `#` are comments, as in ES's test mappings.
   */
  static fromMapping(mapping: unknown, unknownFields: UnknownFieldPolicy = 'error'): Schema {
    const defs = new Map<string, FieldDef>();
    const aliases = new Map<string, string>();
    const root = findProperties(mapping);
    if (root) walkProperties(root, '', undefined, defs, aliases);
    return new Schema(defs, aliases, unknownFields);
  }

  static parseMappingText(text: string, unknownFields: UnknownFieldPolicy = 'error'): Schema {
    const cleaned = text
      .split(/\r?\n/)
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n')
      .replaceAll('[runtime_random_keyword_type]', 'keyword');
    return Schema.fromMapping(JSON.parse(cleaned), unknownFields);
  }

  /**
   * Adds the fields ES's dynamic mapping would create for these documents (fields the schema does
   * not know yet): strings become `text` with a `keyword` sub-field (`ignore_above: 256`), or `date`
   * when they look like dates; integers `long`; decimals `float`; booleans `boolean`.
   */
  inferFrom(docs: Iterable<Record<string, unknown>>): Schema {
    const defs = new Map(this.defs);
    const aliases = new Map(this.aliases);
    const known = (name: string) => defs.has(name) || aliases.has(name);
    const visit = (value: unknown, path: string): void => {
      if (value === null || value === undefined) return;
      if (Array.isArray(value)) {
        for (const v of value) visit(v, path);
        return;
      }
      if (typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, path ? `${path}.${k}` : k);
        return;
      }
      if (known(path)) return;
      let def: FieldDef;
      if (typeof value === 'string') {
        if (dateParser('strict_date_optional_time')(value)) {
          def = { name: path, sourcePath: path, type: 'date', esType: 'date', exact: true };
        } else {
          def = {
            name: path,
            sourcePath: path,
            type: 'text',
            esType: 'text',
            exact: true,
            exactSubfield: 'keyword',
            ignoreAbove: 256,
          };
          defs.set(`${path}.keyword`, {
            name: `${path}.keyword`,
            sourcePath: path,
            type: 'keyword',
            esType: 'keyword',
            exact: true,
            ignoreAbove: 256,
          });
        }
      } else if (typeof value === 'number') {
        def = Number.isInteger(value)
          ? { name: path, sourcePath: path, type: 'long', esType: 'long', exact: true }
          : { name: path, sourcePath: path, type: 'double', esType: 'float', exact: true };
      } else if (typeof value === 'boolean') {
        def = { name: path, sourcePath: path, type: 'boolean', esType: 'boolean', exact: true };
      } else return;
      defs.set(path, def);
    };
    for (const d of docs) visit(d, '');
    return new Schema(defs, aliases, this.unknownFields);
  }
}

function findProperties(m: unknown): Record<string, unknown> | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Record<string, unknown>;
  if (o.properties && typeof o.properties === 'object') return o.properties as Record<string, unknown>;
  if (o.mappings) return findProperties(o.mappings);
  // GET _mapping: { "<index>": { "mappings": {...} } }
  for (const v of Object.values(o)) {
    const p = findProperties(v);
    if (p) return p;
  }
  return undefined;
}

function walkProperties(
  props: Record<string, unknown>,
  prefix: string,
  nestedParent: string | undefined,
  defs: Map<string, FieldDef>,
  aliases: Map<string, string>,
): void {
  for (const [key, raw] of Object.entries(props)) {
    if (!raw || typeof raw !== 'object') continue;
    const spec = raw as Record<string, unknown>;
    const name = prefix ? `${prefix}.${key}` : key;
    const esType = typeof spec.type === 'string' ? spec.type : spec.properties ? 'object' : 'object';
    if (esType === 'alias') {
      if (typeof spec.path === 'string') aliases.set(name, spec.path);
      continue;
    }
    const type = esTypeToDataType(esType);
    const def: FieldDef = { name, sourcePath: name, type, esType, exact: type !== 'text' };
    if (nestedParent) def.nestedParent = nestedParent;
    if (typeof spec.ignore_above === 'number') def.ignoreAbove = spec.ignore_above;
    if ('null_value' in spec) def.nullValue = spec.null_value;
    if (typeof spec.format === 'string') def.formats = [spec.format];
    if (typeof spec.normalizer === 'string') def.normalized = true;
    if (spec.fields && typeof spec.fields === 'object') {
      for (const [sub, subRaw] of Object.entries(spec.fields as Record<string, unknown>)) {
        if (!subRaw || typeof subRaw !== 'object') continue;
        const subSpec = subRaw as Record<string, unknown>;
        const subEsType = typeof subSpec.type === 'string' ? subSpec.type : 'object';
        const subType = esTypeToDataType(subEsType);
        const subDef: FieldDef = {
          name: `${name}.${sub}`,
          sourcePath: name,
          type: subType,
          esType: subEsType,
          exact: subType !== 'text',
        };
        if (typeof subSpec.ignore_above === 'number') subDef.ignoreAbove = subSpec.ignore_above;
        if (typeof subSpec.normalizer === 'string') subDef.normalized = true;
        if (nestedParent) subDef.nestedParent = nestedParent;
        defs.set(subDef.name, subDef);
        if (type === 'text' && !def.exact && EXACT_SUBFIELD_TYPES.has(subEsType) && !subDef.normalized) {
          def.exact = true;
          def.exactSubfield = sub;
          if (subDef.ignoreAbove !== undefined) def.ignoreAbove = subDef.ignoreAbove;
        }
      }
    }
    defs.set(name, def);
    if (spec.properties && typeof spec.properties === 'object') {
      walkProperties(
        spec.properties as Record<string, unknown>,
        name,
        type === 'nested' ? name : nestedParent,
        defs,
        aliases,
      );
    }
  }
}

let ecsCache: Schema | undefined;

function loadEcs(): Schema {
  if (ecsCache) return ecsCache;
  const defs = new Map<string, FieldDef>();
  for (const [name, spec] of ecsFieldSpecs()) {
    const esType = spec.type;
    const type = esTypeToDataType(esType);
    const def: FieldDef = { name, sourcePath: name, type, esType, exact: type !== 'text' };
    if (typeof spec.ignore_above === 'number') def.ignoreAbove = spec.ignore_above;
    defs.set(name, def);
    for (const mf of spec.multi_fields ?? []) {
      const t = esTypeToDataType(mf.type);
      defs.set(mf.flat_name, { name: mf.flat_name, sourcePath: name, type: t, esType: mf.type, exact: t !== 'text' });
    }
  }
  ecsCache = new Schema(defs, new Map(), 'infer');
  return ecsCache;
}
