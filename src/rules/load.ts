/**
 * Loading rules from what users have: single TOML files, folders of them (a checkout of
 * elastic/detection-rules, read recursively), Kibana export NDJSON (rules, exception lists and
 * their items, as `Export rules` writes them), and Fleet package JSON. Exception TOML files of
 * detection-rules load into the exception store. One bad file or rule never stops the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../eql/index.js';
import { withoutBom } from '../sources/input.js';
import {
  ExceptionStore,
  isExceptionContainerObject,
  isExceptionItemObject,
  parseExceptionContainer,
  parseExceptionItem,
} from './exceptions.js';
import type { RuleProblem, SourceRef } from './model.js';
import {
  parseTomlDocument,
  ruleFromApiObject,
  ruleFromToml,
  type LoadedRule,
  type ParseOptions,
} from './parse-rule.js';

export type { LoadedRule, RuleStatus } from './parse-rule.js';

export interface LoadOptions {
  /** EQL field types for compiling queries; default ECS with unknown fields inferred. */
  schema?: Schema;
  /** Compile EQL queries (default true; see `ParseOptions.compile`). */
  compile?: ParseOptions['compile'];
}

export interface LoadResult {
  rules: LoadedRule[];
  exceptions: ExceptionStore;
  /** Problems of files as a whole (unreadable, not a rule, bad export lines). */
  problems: RuleProblem[];
  /** Files read, by what they held. */
  files: { rules: number; exports: number; exceptionFiles: number; skipped: number };
}

/** The folder of eqlite's built-in rules: `builtin-rules/` at the package root (from `src/` and `dist/` alike). */
export function builtinRulesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'builtin-rules');
}

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Rule-bearing files under a folder, sorted so results are stable. */
function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.(toml|ndjson)$/i.test(e.name)) out.push(p);
  }
}

/**
 * How many bytes of rule files the paths hold (folders walked as `loadRules` walks them): what
 * loading and compiling them costs grows with it, known without parsing anything.
 */
export function ruleSourceBytes(paths: readonly string[]): number {
  let total = 0;
  for (const p of paths) {
    try {
      const st = statSync(p);
      if (!st.isDirectory()) {
        total += st.size;
        continue;
      }
    } catch {
      continue;
    }
    const files: string[] = [];
    walk(p, files);
    for (const f of files) {
      try {
        total += statSync(f).size;
      } catch {
        // Unreadable now: loadRules reports it.
      }
    }
  }
  return total;
}

function newResult(): LoadResult {
  return {
    rules: [],
    exceptions: new ExceptionStore(),
    problems: [],
    files: { rules: 0, exports: 0, exceptionFiles: 0, skipped: 0 },
  };
}

/**
 * Loads every rule under the given paths (files or folders). Paths that do not exist are
 * reported as problems with code `not-found`.
 */
export function loadRules(paths: readonly string[], options: LoadOptions = {}): LoadResult {
  const result = newResult();
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      result.problems.push({ file: p, severity: 'error', code: 'not-found', message: 'no such file or folder' });
      continue;
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      walk(p, files);
      for (const f of files) loadFileInto(f, result, options);
    } else loadFileInto(p, result, options);
  }
  flagDuplicates(result);
  return result;
}

/** eqlite's built-in rules. */
export function loadBuiltinRules(options: LoadOptions = {}): LoadResult {
  return loadRules([builtinRulesDir()], options);
}

function loadFileInto(path: string, result: LoadResult, options: LoadOptions): void {
  const file = path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    result.problems.push({ file, severity: 'error', code: 'unreadable', message: (e as Error).message });
    return;
  }
  text = withoutBom(text);
  const ext = extname(path).toLowerCase();
  if (ext === '.toml') loadTomlText(text, file, result, options);
  else if (ext === '.ndjson' || ext === '.jsonl') loadNdjsonText(text, file, result, options);
  else if (ext === '.json') loadJsonText(text, file, result, options);
  else {
    // A file named explicitly with another extension: sniff the content.
    if (/^\s*[[{]/.test(text) && !/^\s*\[[A-Za-z_"']/.test(text)) loadNdjsonText(text, file, result, options);
    else loadTomlText(text, file, result, options);
  }
}

/** Loads one TOML document: a rule, a detection-rules exception file, or something else (skipped). */
export function loadTomlText(text: string, file: string, result: LoadResult, options: ParseOptions = {}): void {
  const source: SourceRef = { file, format: 'toml' };
  const { doc, problem } = parseTomlDocument(text, source);
  if (!doc) {
    // Still a rule for the summary: what it claims to be, if that can be seen.
    result.files.rules++;
    result.rules.push({
      source,
      status: 'failed',
      reason: 'TOML syntax error',
      type: /^\s*type\s*=\s*"([^"]+)"/m.exec(text)?.[1],
      language: /^\s*language\s*=\s*"([^"]+)"/m.exec(text)?.[1],
      ruleId: /^\s*rule_id\s*=\s*"([^"]+)"/m.exec(text)?.[1],
      name: /^\s*name\s*=\s*"([^"]+)"/m.exec(text)?.[1],
      problems: problem ? [problem] : [],
    });
    return;
  }
  if (doc.rule !== undefined && typeof doc.rule === 'object') {
    result.files.rules++;
    result.rules.push(ruleFromToml(doc, text, source, options));
    return;
  }
  if (Array.isArray(doc.exceptions)) {
    result.files.exceptionFiles++;
    loadExceptionToml(doc, source, result);
    return;
  }
  result.files.skipped++;
}

function loadExceptionToml(doc: Record<string, unknown>, source: SourceRef, result: LoadResult): void {
  const meta = (doc.metadata ?? {}) as Record<string, unknown>;
  const ruleIds = Array.isArray(meta.rule_ids) ? meta.rule_ids.filter((x): x is string => typeof x === 'string') : [];
  (doc.exceptions as unknown[]).forEach((ex, i) => {
    const e = (ex ?? {}) as Record<string, unknown>;
    const c = parseExceptionContainer(e.container, source);
    if (!c.container) {
      result.problems.push({
        file: source.file,
        severity: 'error',
        code: 'exception-list',
        key: `exceptions.${i}.container`,
        message: c.problem ?? 'invalid exception container',
      });
      return;
    }
    result.exceptions.addContainer(c.container, ruleIds);
    const items = Array.isArray(e.items) ? e.items : [];
    items.forEach((raw, j) => {
      // Items in the TOML form inherit their container's list id and namespace.
      const obj = { list_id: c.container?.listId, namespace_type: c.container?.namespaceType, ...(raw as object) };
      const r = parseExceptionItem(obj, source);
      if (r.item) result.exceptions.addItem(r.item);
      else {
        result.problems.push({
          file: source.file,
          severity: 'error',
          code: 'exception-item',
          key: `exceptions.${i}.items.${j}`,
          message: r.problem ?? 'invalid exception item',
        });
      }
    });
  });
}

function loadObject(obj: unknown, source: SourceRef, result: LoadResult, options: ParseOptions): void {
  const problem = (severity: RuleProblem['severity'], code: string, message: string) =>
    result.problems.push({ file: source.file, line: source.line, severity, code, message });
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    problem('warning', 'export-line', 'not a JSON object (ignored)');
    return;
  }
  let o = obj as Record<string, unknown>;
  // Fleet package saved objects wrap the rule.
  if (o.type === 'security-rule' && o.attributes && typeof o.attributes === 'object') {
    o = o.attributes as Record<string, unknown>;
  }
  if ('exported_count' in o || 'exported_rules_count' in o || 'exported_exception_list_count' in o) {
    const missing = [...asArray(o.missing_rules), ...asArray(o.missing_exception_lists)];
    if (missing.length > 0) {
      problem('warning', 'export-summary', `the export reports ${missing.length} missing rules or exception lists`);
    }
    return;
  }
  if (isExceptionItemObject(o)) {
    const r = parseExceptionItem(o, source);
    if (r.item) result.exceptions.addItem(r.item);
    else problem('error', 'exception-item', r.problem ?? 'invalid exception item');
    return;
  }
  if (isExceptionContainerObject(o)) {
    const r = parseExceptionContainer(o, source);
    if (r.container) result.exceptions.addContainer(r.container);
    else problem('error', 'exception-list', r.problem ?? 'invalid exception list');
    return;
  }
  if (typeof o.rule_id === 'string' || (typeof o.type === 'string' && typeof o.name === 'string' && 'severity' in o)) {
    result.rules.push(ruleFromApiObject(o, source, options));
    return;
  }
  if (o.type === 'action' || 'actionTypeId' in o || (typeof o.type === 'string' && 'attributes' in o)) return;
  problem('warning', 'export-line', 'neither a rule nor an exception list or item (ignored)');
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Loads a Kibana export: one JSON object per line. */
export function loadNdjsonText(text: string, file: string, result: LoadResult, options: ParseOptions = {}): void {
  // An NDJSON file with no rule or exception object at all (a file of events) is not an export.
  const before = { rules: result.rules.length, problems: result.problems.length, items: result.exceptions.itemCount };
  const beforeLists = result.exceptions.size;
  loadNdjsonLines(text, file, result, options);
  const found =
    result.rules.length > before.rules ||
    result.exceptions.itemCount > before.items ||
    result.exceptions.size > beforeLists;
  if (found) {
    result.files.exports++;
    return;
  }
  result.problems.splice(before.problems);
  result.files.skipped++;
  if (text.trim() !== '') {
    result.problems.push({
      file,
      severity: 'info',
      code: 'not-an-export',
      message: 'no rule or exception list in this file; skipped',
    });
  }
}

function loadNdjsonLines(text: string, file: string, result: LoadResult, options: ParseOptions): void {
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const source: SourceRef = { file, format: 'ndjson', line: i + 1 };
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      result.problems.push({
        file,
        line: i + 1,
        severity: 'error',
        code: 'json-syntax',
        message: `invalid JSON: ${(e as Error).message}`,
      });
      return;
    }
    loadObject(obj, source, result, options);
  });
}

/** Loads a JSON file holding one rule object (or saved object), or an array of them. */
export function loadJsonText(text: string, file: string, result: LoadResult, options: ParseOptions = {}): void {
  result.files.exports++;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    result.problems.push({
      file,
      severity: 'error',
      code: 'json-syntax',
      message: `invalid JSON: ${(e as Error).message}`,
    });
    return;
  }
  const list = Array.isArray(obj) ? obj : [obj];
  list.forEach((o) => loadObject(o, { file, format: 'json' }, result, options));
}

/** Kibana refuses a second rule with the same rule_id; so does eqlite (the first one wins). */
function flagDuplicates(result: LoadResult): void {
  const seen = new Map<string, LoadedRule>();
  for (const r of result.rules) {
    const id = r.rule?.ruleId ?? r.ruleId;
    if (!id || r.status === 'deprecated') continue;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, r);
      continue;
    }
    r.status = 'failed';
    r.reason = 'duplicate rule_id';
    r.query = undefined;
    r.problems.push({
      file: r.source.file,
      line: r.source.line,
      severity: 'error',
      code: 'duplicate',
      key: 'rule.rule_id',
      ruleId: id,
      ruleName: r.name,
      message: `rule_id ${id} is already defined by ${first.source.file}${first.source.line ? `:${first.source.line}` : ''}`,
    });
  }
}

export { newResult as emptyLoadResult };
