/**
 * eqlite's allowlist: quick tuning without editing rules or building Kibana exception lists.
 * A TOML (or JSON) file of entries, each naming a rule (rule_id or exact name, or `*` for all),
 * field conditions, a comment saying why, and an optional expiry:
 *
 *   [[allow]]
 *   rule = "d9ffc3d6-9de9-4b29-9395-5757d0695ecf"
 *   comment = "Build agent rebuilds scripts with cmd.exe (CHG-1234)"
 *   expires = "2026-09-30"                 # through that day, UTC; then ignored with a warning
 *   os = ["windows"]                       # optional, like Kibana's os_types
 *   [allow.where]
 *   "host.name" = "build-01"                          # is (exact, case-sensitive)
 *   "user.name" = ["svc-build", "svc-ci"]             # is one of
 *   "process.parent.executable" = { matches = 'C:\BuildAgent\*' }   # wildcard * and ?; backslash is literal
 *   "process.args" = { not = "--debug" }              # is not (also true when the field is missing)
 *   "file.hash.sha256" = { exists = true }            # exists / { exists = false }: does not exist
 *   "process.command_line" = { matches = "*npm install*", ignore_case = true }
 *
 * Conditions of an entry are ANDed; an event matching any entry for a rule is excluded from that
 * rule exactly as a Kibana exception item would exclude it (see exceptions.ts).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';
import type { ExceptionEntry, ExceptionItem } from './exceptions.js';
import type { Rule, RuleProblem } from './model.js';
import { locate, locateKeys } from './toml-locate.js';
import { validateWith } from './validate.js';

export interface AllowEntry {
  /** Rule ids or names this entry applies to; `*` for every rule. */
  rules: string[];
  comment: string;
  /** Epoch milliseconds after which the entry no longer applies. */
  expiresAt?: number;
  expires?: string;
  item: ExceptionItem;
  line?: number;
}

export interface Allowlist {
  file: string;
  entries: AllowEntry[];
  problems: RuleProblem[];
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const condition = z.union([
  scalar,
  z.array(scalar).min(1),
  z.strictObject({
    is: scalar.optional(),
    any: z.array(scalar).min(1).optional(),
    matches: z.string().optional(),
    not: z.union([scalar, z.array(scalar).min(1)]).optional(),
    not_matches: z.string().optional(),
    exists: z.boolean().optional(),
    ignore_case: z.boolean().optional(),
  }),
]);

const entrySchema = z.strictObject({
  rule: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  comment: z.string().min(1, 'say why the exception exists'),
  expires: z.string().optional(),
  os: z.array(z.enum(['windows', 'linux', 'macos'])).optional(),
  where: z.record(z.string().min(1), condition),
});

const fileSchema = z.strictObject({ allow: z.array(entrySchema) });

type Condition = z.infer<typeof condition>;

function toEntries(field: string, c: Condition): ExceptionEntry[] | string {
  const s = (v: string | number | boolean) => String(v);
  if (!Array.isArray(c) && typeof c !== 'object') return [{ type: 'match', field, operator: 'included', value: s(c) }];
  if (Array.isArray(c)) return [{ type: 'match_any', field, operator: 'included', value: c.map(s) }];
  const ops = (['is', 'any', 'matches', 'not', 'not_matches', 'exists'] as const).filter((k) => c[k] !== undefined);
  if (ops.length !== 1) return `give exactly one of is, any, matches, not, not_matches, exists (got ${ops.length})`;
  const ignoreCase = c.ignore_case === true ? true : undefined;
  switch (ops[0]) {
    case 'is':
      return [{ type: 'match', field, operator: 'included', value: s(c.is ?? ''), ignoreCase }];
    case 'any':
      return [{ type: 'match_any', field, operator: 'included', value: (c.any ?? []).map(s), ignoreCase }];
    case 'matches':
      return [{ type: 'wildcard', field, operator: 'included', value: literalBackslashes(c.matches), ignoreCase }];
    case 'not_matches':
      return [{ type: 'wildcard', field, operator: 'excluded', value: literalBackslashes(c.not_matches), ignoreCase }];
    case 'exists':
      return [{ type: 'exists', field, operator: c.exists ? 'included' : 'excluded' }];
    case 'not': {
      const v = c.not as string | number | boolean | Array<string | number | boolean>;
      return Array.isArray(v)
        ? [{ type: 'match_any', field, operator: 'excluded', value: v.map(s), ignoreCase }]
        : [{ type: 'match', field, operator: 'excluded', value: s(v), ignoreCase }];
    }
  }
}

/**
 * Allowlist patterns read backslashes literally (Windows paths as written, like EQL's `:`); Kibana's
 * wildcard entries are Lucene patterns where `\` escapes, so backslashes are doubled here.
 */
function literalBackslashes(pattern: string | undefined): string {
  return (pattern ?? '').replaceAll('\\', '\\\\');
}

function parseExpiry(text: string): number | undefined {
  // A date alone covers that whole day (UTC).
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const t = Date.parse(`${text}T00:00:00Z`);
    return Number.isFinite(t) ? t + 86_400_000 - 1 : undefined;
  }
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

/** Parses allowlist text (TOML, or JSON when `format` says so or the text starts with `{`). */
export function parseAllowlist(text: string, file: string, format?: 'toml' | 'json'): Allowlist {
  const problems: RuleProblem[] = [];
  const isJson = format === 'json' || (format === undefined && /^\s*\{/.test(text));
  let doc: unknown;
  let lineOf: (path: (string | number)[]) => number | undefined = () => undefined;
  try {
    if (isJson) doc = JSON.parse(text);
    else {
      doc = parseToml(text);
      const keys = locateKeys(text);
      lineOf = (path) => locate(keys, path)?.line;
    }
  } catch (e) {
    const line = e instanceof TomlError ? e.line : undefined;
    problems.push({
      file,
      line,
      severity: 'error',
      code: 'allowlist-syntax',
      message: (e as Error).message.split('\n')[0],
    });
    return { file, entries: [], problems };
  }
  const v = validateWith(fileSchema, doc, []);
  for (const p of v.problems) {
    problems.push({
      file,
      line: lineOf(p.path),
      key: p.path.join('.'),
      severity: p.severity,
      code: p.code,
      message: p.message,
    });
  }
  if (!v.value) return { file, entries: [], problems };
  const entries: AllowEntry[] = [];
  v.value.allow.forEach((e, i) => {
    const line = lineOf(['allow', i]);
    const entries_: ExceptionEntry[] = [];
    let bad = false;
    for (const [field, c] of Object.entries(e.where)) {
      const r = toEntries(field, c);
      if (typeof r === 'string') {
        problems.push({
          file,
          line: lineOf(['allow', i, 'where', field]),
          key: `allow.${i}.where.${field}`,
          severity: 'error',
          code: 'invalid-value',
          message: r,
        });
        bad = true;
      } else entries_.push(...r);
    }
    if (entries_.length === 0 && !bad) {
      problems.push({
        file,
        line,
        key: `allow.${i}.where`,
        severity: 'error',
        code: 'missing-field',
        message: 'an entry needs at least one condition',
      });
      bad = true;
    }
    let expiresAt: number | undefined;
    if (e.expires !== undefined) {
      expiresAt = parseExpiry(e.expires);
      if (expiresAt === undefined) {
        problems.push({
          file,
          line: lineOf(['allow', i, 'expires']),
          key: `allow.${i}.expires`,
          severity: 'error',
          code: 'invalid-value',
          message: `"${e.expires}" is not a date (2026-09-30 or an ISO date-time)`,
        });
        bad = true;
      }
    }
    if (bad) return;
    entries.push({
      rules: Array.isArray(e.rule) ? e.rule : [e.rule],
      comment: e.comment,
      expires: e.expires,
      expiresAt,
      line,
      item: {
        itemId: `allowlist:${i}`,
        listId: 'eqlite-allowlist',
        namespaceType: 'single',
        name: e.comment,
        comment: e.comment,
        osTypes: e.os ?? [],
        entries: entries_,
        tags: [],
        source: { file, format: isJson ? 'json' : 'toml', line },
      },
    });
  });
  return { file, entries, problems };
}

export function loadAllowlist(path: string): Allowlist {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return {
      file: path,
      entries: [],
      problems: [{ file: path, severity: 'error', code: 'unreadable', message: (e as Error).message }],
    };
  }
  return parseAllowlist(text, path, extname(path).toLowerCase() === '.json' ? 'json' : 'toml');
}

/** The allowlist entries for a rule that are in force at `now`, and those that have expired. */
export function allowEntriesFor(
  allowlist: Allowlist,
  rule: Pick<Rule, 'ruleId' | 'name'>,
  now: number = Date.now(),
): { active: AllowEntry[]; expired: AllowEntry[] } {
  const active: AllowEntry[] = [];
  const expired: AllowEntry[] = [];
  for (const e of allowlist.entries) {
    if (!e.rules.some((r) => r === '*' || r === rule.ruleId || r === rule.name)) continue;
    if (e.expiresAt !== undefined && e.expiresAt < now) expired.push(e);
    else active.push(e);
  }
  return { active, expired };
}
