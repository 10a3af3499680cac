/**
 * Generic steps the EDR pipelines need and the mapping engine does not have, built from its
 * `script` step (no engine change): Elasticsearch's `dot_expander`, a table of renames run as one
 * step, the argv variant that skips empty arguments before counting, and the `file.path` →
 * name/directory/extension script. (The recursive "drop empty values" scripts use the engine's
 * `prune`.) Each returns a `Step`,
 * so the source tables stay declarative.
 */
import { ARGV_SPLITTERS, compilePath, isObject, type FieldPath, type MappingRun, type Step } from '../mapping/index.js';

type Obj = Record<string, unknown>;

/**
 * Elasticsearch `dot_expander` with `field: '*'`: every key of the object at `field` that contains
 * dots becomes a nested path, merged into objects already there (the pipeline's `override: false`).
 */
export function expandDotsStep(field: FieldPath): Step {
  const at = compilePath(field);
  return {
    op: 'script',
    name: 'dot_expander',
    run: (r) => {
      const o = at.get(r);
      if (isObject(o)) expandDots(o);
    },
  };
}

export function expandDots(o: Obj): void {
  for (const key of Object.keys(o)) {
    if (key.indexOf('.') < 0) continue;
    const v = o[key];
    delete o[key];
    const segs = key.split('.');
    let cur: Obj = o;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i]!;
      const next = cur[s];
      if (isObject(next)) cur = next;
      else {
        const n: Obj = {};
        // A scalar where an object must go: Elasticsearch keeps both by turning the leaf into a list;
        // S1 never sends that shape, so the object simply wins.
        cur[s] = n;
        cur = n;
      }
    }
    const last = segs[segs.length - 1]!;
    const prev = cur[last];
    if (isObject(prev) && isObject(v)) Object.assign(prev, v);
    else cur[last] = v;
  }
}

/**
 * A table of `rename` processors out of one object (`json.properties.X` → `m365_defender.event.y`),
 * run as one step: only the keys the record has are visited (a table of 120 renames would
 * otherwise cost 120 lookups per event for the handful of columns a row carries). Semantics per
 * entry are the engine's `rename`: absent or null values are skipped, an existing target is never
 * overwritten. Entries must have distinct targets, so their order does not matter.
 */
export function renameTableStep(
  name: string,
  from: FieldPath,
  table: ReadonlyArray<readonly [string, FieldPath]>,
): Step {
  const src = compilePath(from);
  const targets = new Map(table.map(([k, to]) => [k, compilePath(to)] as const));
  return {
    op: 'script',
    name,
    run: (r) => {
      const o = src.get(r);
      if (!isObject(o)) return;
      for (const k of Object.keys(o)) {
        const to = targets.get(k);
        if (to === undefined) continue;
        const v = o[k];
        if (v === undefined || v === null || to.get(r) !== undefined) continue;
        to.set(r, v);
        delete o[k];
      }
    },
  };
}

/**
 * Go-style argv (splitter A) that leaves out empty arguments before counting, as the newest
 * CrowdStrike script does ("Empty strings will be removed later so don't bother adding them").
 */
export function argvSkipEmptyStep(from: FieldPath, args: FieldPath, count: FieldPath): Step {
  const src = compilePath(from);
  const dst = compilePath(args);
  const cnt = compilePath(count);
  const split = ARGV_SPLITTERS.go;
  return {
    op: 'script',
    name: 'split_command_line',
    run: (r) => {
      const v = src.get(r);
      if (typeof v !== 'string' || v === '') return;
      const list = split(v).filter((a) => a !== '');
      dst.set(r, list);
      cnt.set(r, list.length);
    },
  };
}

/**
 * The `parse_file_path` script shared by the CrowdStrike and SentinelOne pipelines: from a path,
 * `name` and `directory` (after the last `\`, else `/`), `extension` only when `file.type` is
 * `file`, and `drive_letter` for `X:` paths. `trimTrailing` strips one trailing separator first
 * (CrowdStrike does, SentinelOne does not).
 */
export function filePathPartsStep(from: FieldPath, opts: { trimTrailing: boolean }): Step {
  const src = compilePath(from);
  const file = compilePath('file');
  return {
    op: 'script',
    name: 'parse_file_path',
    run: (r) => {
      const v = src.get(r);
      if (typeof v !== 'string' || v.length <= 1) return;
      let path = v;
      if (opts.trimTrailing) {
        if (path.endsWith('/')) path = path.slice(0, -1);
        if (path.endsWith('\\')) path = path.slice(0, -1);
      }
      let f = file.get(r);
      if (!isObject(f)) {
        f = {};
        file.set(r, f);
      }
      const fo = f as Obj;
      let idx = path.lastIndexOf('\\');
      if (idx === -1) idx = path.lastIndexOf('/');
      if (idx > -1) {
        const name = path.slice(idx + 1);
        fo.name = name;
        fo.directory = path.slice(0, idx);
        const ext = name.lastIndexOf('.');
        if (ext > -1 && fo.type === 'file') fo.extension = name.slice(ext + 1);
      }
      if (path.indexOf(':') === 1) fo.drive_letter = path.slice(0, 1).toUpperCase();
    },
  };
}

/** Reads a dotted path inside a script (compiled once by the caller). */
export function reader(path: FieldPath): (r: MappingRun) => unknown {
  const a = compilePath(path);
  return (r) => a.get(r);
}

/** True when the event's `event.category` list contains `cat` (the pipelines' `_temp.isX` flags). */
export function categoryHas(cat: string): (r: MappingRun) => boolean {
  const a = compilePath('event.category');
  return (r) => {
    const v = a.get(r);
    return Array.isArray(v) ? v.includes(cat) : v === cat;
  };
}
