/**
 * The investigation guide: the rule's `note` markdown with its `$investigate_N` / `$osquery_N`
 * placeholders rendered as Kibana's markdown plugins, exactly as elastic/detection-rules renders
 * them at export (rule.py: each `[transform]` entry becomes `!{plugin` + compact JSON with sorted
 * keys + `}`, and the note is substituted like Python's `string.Template.safe_substitute`).
 * Also the reverse: reading `!{investigate{...}}` back out of a rendered note (Kibana exports),
 * with the brace counting of Kibana's markdown tokenizer.
 */
import type { InvestigateEntry, OsqueryEntry, RuleTransform } from './model.js';

export type GuidePlugin = 'investigate' | 'osquery';

/** JSON as Python's `json.dumps(obj, sort_keys=True, separators=(',', ':'))` writes it (ASCII only). */
export function pythonCompactJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) =>
      c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonCompactJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${pythonCompactJson(k)}:${pythonCompactJson(obj[k])}`).join(',')}}`;
}

/** The entry as detection-rules serialises it: TOML key names, absent values left out. */
function entryObject(plugin: GuidePlugin, entry: InvestigateEntry | OsqueryEntry): Record<string, unknown> {
  if (plugin === 'osquery') {
    const e = entry as OsqueryEntry;
    return { label: e.label, query: e.query, ecs_mapping: e.ecsMapping };
  }
  const e = entry as InvestigateEntry;
  return {
    label: e.label,
    description: e.description,
    providers: e.providers.map((group) =>
      group.map((p) => ({
        excluded: p.excluded,
        field: p.field,
        queryType: p.queryType,
        value: p.value,
        valueType: p.valueType,
      })),
    ),
    relativeFrom: e.relativeFrom,
    relativeTo: e.relativeTo,
  };
}

/** `!{investigate{...}}` / `!{osquery{...}}` for one transform entry. */
export function renderPluginEntry(plugin: GuidePlugin, entry: InvestigateEntry | OsqueryEntry): string {
  return `!{${plugin}${pythonCompactJson(entryObject(plugin, entry))}}`;
}

// Python's string.Template pattern: `$$`, `$name`, `${name}` (ASCII identifiers, case-insensitive).
const TEMPLATE = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\})/gi;

/** The placeholders (`investigate_0`, `osquery_2`, ...) a note uses, in order of first use. */
export function notePlaceholders(note: string): string[] {
  const out: string[] = [];
  for (const m of note.matchAll(TEMPLATE)) {
    const name = m[2] ?? m[3];
    if (name && /^(investigate|osquery)_\d+$/.test(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Renders a note as Kibana receives it. Without a transform the note is left untouched (the
 * repository only templates notes of rules that have one).
 */
export function renderNote(note: string, transform: RuleTransform | undefined): string {
  if (!transform || (transform.investigate.length === 0 && transform.osquery.length === 0)) return note;
  const mapping = new Map<string, string>();
  transform.investigate.forEach((e, i) => mapping.set(`investigate_${i}`, renderPluginEntry('investigate', e)));
  transform.osquery.forEach((e, i) => mapping.set(`osquery_${i}`, renderPluginEntry('osquery', e)));
  return note.replace(
    TEMPLATE,
    (whole, dollar: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (dollar) return '$';
      const value = mapping.get((named ?? braced) as string);
      return value ?? whole;
    },
  );
}

export interface PluginOccurrence {
  plugin: GuidePlugin;
  /** Position among the occurrences of the same plugin (N of `$investigate_N`). */
  index: number;
  start: number;
  end: number;
  config?: Record<string, unknown>;
  /** Set when the configuration is not valid JSON (Kibana shows a markdown error there). */
  error?: string;
}

const PREFIXES: Array<[string, GuidePlugin]> = [
  ['!{investigate', 'investigate'],
  // The plugin's earlier name; Kibana still parses it.
  ['!{insight', 'investigate'],
  ['!{osquery', 'osquery'],
];

/** Finds every `!{investigate{...}}` / `!{osquery{...}}` in a rendered note, as Kibana's tokenizer reads them. */
export function findPlugins(note: string): PluginOccurrence[] {
  const out: PluginOccurrence[] = [];
  const counts = { investigate: 0, osquery: 0 };
  let i = 0;
  while (i < note.length) {
    const at = note.indexOf('!{', i);
    if (at < 0) break;
    const hit = PREFIXES.find(([p]) => note.startsWith(p, at));
    if (!hit || note[at + hit[0].length] !== '{') {
      i = at + 2;
      continue;
    }
    const [prefix, plugin] = hit;
    // Count braces (Kibana does not read JSON strings) until the one closing `!{`.
    let depth = 0;
    let j = at + prefix.length;
    for (; j < note.length; j++) {
      const c = note[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === -1) break;
      }
    }
    const configText = note.slice(at + prefix.length, j);
    const occ: PluginOccurrence = { plugin, index: counts[plugin]++, start: at, end: Math.min(j + 1, note.length) };
    try {
      const parsed: unknown = JSON.parse(configText);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        occ.config = parsed as Record<string, unknown>;
      else occ.error = 'the configuration is not a JSON object';
    } catch (e) {
      occ.error = `invalid configuration: ${(e as Error).message}`;
    }
    out.push(occ);
    i = occ.end;
  }
  return out;
}

/**
 * The note for a terminal: each plugin replaced by a short marker naming its pivot. With the
 * rule's transform, markers carry the entry's number (N of `$investigate_N`); otherwise the
 * order of appearance.
 */
export function noteForTerminal(note: string, transform?: RuleTransform): string {
  const rendered = {
    investigate: transform?.investigate.map((e) => renderPluginEntry('investigate', e)) ?? [],
    osquery: transform?.osquery.map((e) => renderPluginEntry('osquery', e)) ?? [],
  };
  let out = '';
  let last = 0;
  for (const occ of findPlugins(note)) {
    out += note.slice(last, occ.start);
    const label = typeof occ.config?.label === 'string' ? occ.config.label : '?';
    const known = rendered[occ.plugin].indexOf(note.slice(occ.start, occ.end));
    const n = known >= 0 ? known : occ.index;
    out += occ.plugin === 'investigate' ? `[pivot ${n}: ${label}]` : `[osquery ${n}: ${label}]`;
    last = occ.end;
  }
  return out + note.slice(last);
}

/**
 * Kibana's export moves a `## Setup` section of the note into `setup` when the rule has none.
 * detection-rules renders that section through a markdown parser; this keeps its markdown text
 * (up to the next heading of level 2 or deeper), which reads the same.
 */
export function splitSetup(note: string): { note: string; setup?: string } {
  const lines = note.split('\n');
  const start = lines.findIndex((l) => /^##\s+.*Setup/.test(l) && !/^###/.test(l));
  if (start < 0) return { note };
  let end = lines.length;
  for (let k = start + 1; k < lines.length; k++) {
    if (/^#{2,}\s/.test(lines[k])) {
      end = k;
      break;
    }
  }
  const setup = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  const rest = [...lines.slice(0, start), ...lines.slice(end)].join('\n').trim();
  return { note: rest, setup: setup || undefined };
}
