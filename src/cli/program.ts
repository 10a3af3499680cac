import { Command } from 'commander';
import { readFileSync } from 'node:fs';

/** Every subcommand lives in its own module under ./commands and registers itself here. */
export function buildProgram(): Command {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('eqlite')
    .description("Elastic Security's EQL detection rules, run anywhere")
    .version(pkg.version)
    .showHelpAfterError();
  return program;
}
