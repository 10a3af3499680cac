/**
 * EQL engine benchmark (issue 2): parse-free events/s of the founding rule's compiled query, side by
 * side with a hand-written JavaScript predicate for the same logic, plus ten other corpus queries,
 * and the compile time of every active EQL rule of the corpus.
 *
 *   npx tsx bench/eql.ts [--events N]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { compileQuery } from '../dist/eql/index.js';
import { generateProcessEvents } from './gen-ecs.js';
import { machine, report } from './report.js';

const SHARED = new URL('../../shared/', import.meta.url).pathname;
const argN = process.argv.indexOf('--events');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 1_000_000;

type Doc = Record<string, unknown>;
type Rule = {
  rule: { query: string; language?: string; type?: string; name: string; event_category_override?: string };
};

function loadRule(rel: string): Rule {
  return parseToml(readFileSync(join(SHARED, rel), 'utf8')) as unknown as Rule;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.toml')) out.push(p);
  }
  return out;
}

/** The founding rule written by hand in JavaScript, the baseline the compiled query must match. */
function handWritten(): (e: Doc) => boolean {
  const has = (v: unknown, s: string) => v === s || (Array.isArray(v) && v.includes(s));
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');
  const anyArg = (args: unknown, test: (a: string) => boolean) =>
    Array.isArray(args) && args.some((a) => typeof a === 'string' && test(a.toLowerCase()));
  const CL = [
    '"*).Run(*"',
    'getobject',
    ' curl',
    'echo',
    'zone.identifier',
    'activexobject',
    'unescape(',
    'findstr',
    'davwwwroot',
    ' explorer',
    '%cd%',
    'attrib',
    '/?cmd<',
    '/autoit3executescript',
    '&cls&cls&cls&cls&cls&',
    '&#',
    ' &&s^et',
    '& chrw(',
    '&explorer /root',
    'start __ & __\\',
    '=wscri& set ',
    '!computername!',
    'pip install',
    'invoke-webreques',
    '-command (invoke-webrequest',
    'copy /b ',
    '.tochararray',
  ];
  void CL;
  return (e) => {
    const ev = e.event as { category?: unknown; type?: unknown } | undefined;
    if (!ev || !has(ev.category, 'process') || !has(ev.type, 'start')) return false;
    const host = e.host as { os?: { type?: unknown } } | undefined;
    if (host?.os?.type !== 'windows') return false;
    const p = e.process as
      | { name?: unknown; command_line?: unknown; args?: unknown; parent?: { name?: unknown; executable?: unknown } }
      | undefined;
    if (!p || lower(p.name) !== 'cmd.exe') return false;
    const cl = lower(p.command_line);
    const pn = lower(p.parent?.name);
    const hit =
      cl.includes(').run(') ||
      cl.includes('getobject') ||
      /^.* curl.*regsvr32.*$/s.test(cl) ||
      /^.*echo.*wscript.*$/s.test(cl) ||
      /^.*echo.*zone\.identifier.*$/s.test(cl) ||
      cl.includes('activexobject') ||
      /^.*dir \/s \/b .*echo.*$/s.test(cl) ||
      cl.includes('unescape(') ||
      /^.*findstr.*tvndrgaaaa.*$/s.test(cl) ||
      /^.*findstr.*passw.*$/s.test(cl) ||
      /^.*start.*\\\\.*\\davwwwroot\\.*$/s.test(cl) ||
      /^.* explorer.*%cd%.*$/s.test(cl) ||
      /^.*%cd%\\.*\.js.*$/s.test(cl) ||
      /^.*attrib.*%cd%.*$/s.test(cl) ||
      /^.*\/.cmd<.*$/su.test(cl) ||
      /^.*\/autoit3executescript.*\.\..*$/s.test(cl) ||
      cl.includes('&cls&cls&cls&cls&cls&') ||
      /^.*&#.*;&#.*;&#.*;&#.*;.*$/s.test(cl) ||
      cl.includes(' &&s^et') ||
      cl.includes('& chrw(') ||
      cl.includes('&explorer /root') ||
      cl.includes('start __ & __\\') ||
      /^.*findstr \/v \/l .*forfiles.*$/s.test(cl) ||
      cl.includes('=wscri& set ') ||
      /^.*http.*!computername!.*$/s.test(cl) ||
      /^.*start .*\.pdf .* start \/min cmd\.exe \/c .*\\\\.*$/s.test(cl) ||
      /^.*pip install.*system\.net\.webclient.*$/s.test(cl) ||
      /^.*invoke-webreques.*start-process.*$/s.test(cl) ||
      cl.includes('-command (invoke-webrequest') ||
      /^.*copy \/b .*\\\\.* ping .*-n.*$/s.test(cl) ||
      /^.*echo.*\.tochararray.*$/s.test(cl) ||
      (anyArg(p.args, (a) => a === 'echo') && (pn === 'wscript.exe' || pn === 'mshta.exe')) ||
      anyArg(p.args, (a) => /^1>.:\\.*\.(vbs|js)$/su.test(a)) ||
      (anyArg(p.args, (a) => a === 'explorer.exe') &&
        anyArg(p.args, (a) => a === 'type') &&
        anyArg(p.args, (a) => a === '>') &&
        anyArg(p.args, (a) => a === 'start')) ||
      (pn === 'explorer.exe' &&
        (cl.includes('&&s^et ') ||
          /^.*&& set .*&& set .*&& set .*&& set .*&& set .*&& call.*$/s.test(cl) ||
          /^.*\\u00..\\u00..\\u00..\\u00..\\u00..\\u00..\\u00..\\u00...*$/s.test(cl))) ||
      (pn === 'explorer.exe' &&
        anyArg(p.args, (a) => a === 'copy') &&
        anyArg(p.args, (a) => a === '&&') &&
        anyArg(p.args, (a) => /^\\\\.*@.*\\.*$/s.test(a)));
    if (!hit) return false;
    // Exclusions (the parent-executable list is long; the common cases are tested first).
    const pe = lower(p.parent?.executable);
    if (anyArg(p.args, (a) => a.startsWith('%temp%\\spiceworks\\')) && pn === 'wmiprvse.exe') return false;
    if (
      /^.:\\(perl64\\bin\\perl\.exe|program files\\nodejs\\node\.exe|program files\\microsoft vs code\\code\.exe)$/.test(
        pe,
      )
    )
      return false;
    return true;
  };
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function rate(pred: (d: Doc) => boolean, docs: Doc[], rounds = 3): { perSec: number; hits: number } {
  let hits = 0;
  for (const d of docs.slice(0, 50_000)) pred(d); // warm up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let h = 0;
    const s = time(() => {
      for (let i = 0; i < docs.length; i++) if (pred(docs[i])) h++;
    });
    hits = h;
    best = Math.min(best, s);
  }
  return { perSec: docs.length / best, hits };
}

const OTHER = [
  'rules/windows/credential_access_dollar_account_relay.toml',
  'rules/windows/persistence_evasion_registry_ifeo_injection.toml',
  'rules/windows/defense_evasion_right_to_left_override.toml',
  'rules_building_block/defense_evasion_dll_hijack.toml',
  'rules_building_block/persistence_iam_instance_request_to_iam_service.toml',
  'rules/macos/lateral_movement_credential_access_kerberos_bifrostconsole.toml',
  'rules/linux/command_and_control_potential_tunneling_command_line.toml',
  'rules/linux/defense_evasion_hidden_file_dir_tmp.toml',
  'rules/windows/command_and_control_headless_browser.toml',
  'rules/windows/defense_evasion_masquerading_renamed_autoit.toml',
];

export async function main(): Promise<void> {
  const docs = generateProcessEvents({ count: N });
  const lines: string[] = [];
  const seed = loadRule('seed/execution_windows_cmd_shell_susp_args.toml');
  const compiled = compileQuery(seed.rule.query).filter!;
  const hand = handWritten();
  // Interleave runs so neither side profits from a warmer machine.
  const a1 = rate(compiled, docs);
  const b1 = rate(hand, docs);
  const a2 = rate(compiled, docs);
  const b2 = rate(hand, docs);
  const compiledRate = Math.max(a1.perSec, a2.perSec);
  const handRate = Math.max(b1.perSec, b2.perSec);
  lines.push(`events: ${N.toLocaleString('en-US')} generated ECS process events (in memory, parse-free), one core`);
  lines.push(`founding rule, compiled EQL : ${(compiledRate / 1e6).toFixed(2)} M events/s (${a1.hits} alerts)`);
  lines.push(`founding rule, hand-written : ${(handRate / 1e6).toFixed(2)} M events/s (${b1.hits} alerts)`);
  lines.push(`ratio compiled / hand-written: ${(compiledRate / handRate).toFixed(2)}`);
  for (const rel of OTHER) {
    let rule: Rule;
    try {
      rule = loadRule(`rules/elastic/${rel}`);
    } catch {
      lines.push(`${rel}: not found`);
      continue;
    }
    const q = compileQuery(rule.rule.query, { eventCategoryField: rule.rule.event_category_override });
    const pred = q.filter ?? q.matchesAny;
    const r = rate(pred, docs, 2);
    lines.push(`${rule.rule.name.slice(0, 60).padEnd(60)} ${(r.perSec / 1e6).toFixed(2)} M events/s`);
  }
  // Compile time of every active EQL query of the corpus.
  const files = walk(join(SHARED, 'rules/elastic/rules')).filter((f) => !f.includes('_deprecated'));
  const queries: Rule[] = [];
  for (const f of files) {
    const r = parseToml(readFileSync(f, 'utf8')) as unknown as Rule;
    if (r.rule?.language === 'eql') queries.push(r);
  }
  let ok = 0;
  const failures: string[] = [];
  const secs = time(() => {
    for (const r of queries) {
      try {
        compileQuery(r.rule.query, { eventCategoryField: r.rule.event_category_override });
        ok++;
      } catch (e) {
        failures.push(`${r.rule.name}: ${(e as Error).message}`);
      }
    }
  });
  lines.push(
    `compiled ${ok}/${queries.length} active corpus EQL queries in ${(secs * 1000).toFixed(0)} ms (${((secs * 1e6) / queries.length).toFixed(0)} µs each)`,
  );
  for (const f of failures) lines.push(`  compile failure: ${f}`);
  report('EQL engine', 'npx tsx bench/eql.ts', lines);
  void machine;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
