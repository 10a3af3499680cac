/**
 * The ECS field definitions eqlite uses (type, `ignore_above`, multi-fields), as a compact table
 * generated from the `@elastic/ecs` package (`ecs-fields.ts`, by `scripts/gen-ecs-fields.ts`).
 * The package holds every field's documentation too: 1.5 MB of JavaScript that took each thread of
 * a hunt about 45 ms to load, for the few attributes read here.
 */
import { ECS_FIELDS } from './ecs-fields.js';

export interface EcsFieldSpec {
  type: string;
  ignore_above?: number;
  multi_fields?: Array<{ flat_name: string; type: string }>;
}

/** What the package's `EcsFlat` holds of a field, for `encodeEcsFields`. */
export interface EcsFlatField {
  type?: string;
  ignore_above?: number;
  multi_fields?: Array<{ flat_name: string; name: string; type: string }>;
}

/** The common case, written as the bare name. */
const DEFAULT_TYPE = 'keyword';
const DEFAULT_IGNORE_ABOVE = 1024;

/**
 * The table's text: a line per field, in the package's order. A bare name is a keyword with
 * `ignore_above` 1024 and no multi-fields; otherwise `name<TAB>type<TAB>ignore_above<TAB>multi`,
 * where an empty `ignore_above` means none, `multi` is `name=type` pairs joined by commas, and
 * empty columns at the end are left out.
 */
export function encodeEcsFields(flat: Record<string, EcsFlatField>): string {
  const lines: string[] = [];
  for (const [name, f] of Object.entries(flat)) {
    const type = f.type ?? DEFAULT_TYPE;
    const multi = (f.multi_fields ?? []).map((m) => `${m.name}=${m.type}`).join(',');
    if (type === DEFAULT_TYPE && f.ignore_above === DEFAULT_IGNORE_ABOVE && multi === '') lines.push(name);
    else lines.push([name, type, f.ignore_above ?? '', multi].join('\t').replace(/\t+$/, ''));
  }
  return lines.join('\n');
}

let specs: Map<string, EcsFieldSpec> | undefined;

/** Every ECS field by its dotted name, in the package's order. */
export function ecsFieldSpecs(): Map<string, EcsFieldSpec> {
  if (specs) return specs;
  specs = new Map();
  for (const line of ECS_FIELDS.split('\n')) {
    const [name, type, ignoreAbove, multi] = line.split('\t');
    if (type === undefined) {
      specs.set(name, { type: DEFAULT_TYPE, ignore_above: DEFAULT_IGNORE_ABOVE });
      continue;
    }
    const spec: EcsFieldSpec = { type };
    if (ignoreAbove) spec.ignore_above = Number(ignoreAbove);
    if (multi)
      spec.multi_fields = multi.split(',').map((m) => {
        const [sub, t] = m.split('=');
        return { flat_name: `${name}.${sub}`, type: t };
      });
    specs.set(name, spec);
  }
  return specs;
}
