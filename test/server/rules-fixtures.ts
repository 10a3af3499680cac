/** Rule files for the server tests: the founding rule with a changed schedule, and a small sequence rule. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const FOUNDING_RULE_FILE = join(ROOT, 'builtin-rules/execution_windows_cmd_shell_susp_args.toml');

/** The founding rule with other schedule settings (TOML lines put under `[rule]`). */
export function foundingRuleWith(
  dir: string,
  settings: Record<string, string | number>,
  name = 'founding.toml',
): string {
  let text = readFileSync(FOUNDING_RULE_FILE, 'utf8');
  for (const key of Object.keys(settings)) text = text.replace(new RegExp(`^${key} = .*$`, 'm'), '');
  const lines = Object.entries(settings)
    .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join('\n');
  text = text.replace('[rule]\n', `[rule]\n${lines}\n`);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export const SEQUENCE_RULE_ID = '0c6d1e5a-1111-4b7e-9c1a-5e1f7c2d9a01';

export function sequenceRule(dir: string, extra = ''): string {
  const file = join(dir, 'sequence.toml');
  writeFileSync(
    file,
    `[metadata]
creation_date = "2024/01/01"
maturity = "production"
updated_date = "2024/01/01"

[rule]
author = ["eqlite tests"]
description = "a.exe then b.exe on one host within a minute"
index = ["logs-*"]
language = "eql"
license = "Apache-2.0"
name = "Test sequence a then b"
risk_score = 47
rule_id = "${SEQUENCE_RULE_ID}"
severity = "medium"
type = "eql"
${extra}
query = '''
sequence by host.id with maxspan=1m
  [process where process.name == "a.exe"]
  [process where process.name == "b.exe"]
'''
`,
  );
  return file;
}
