import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCommands } from './commands/index.js';

/**
 * Builds the `eqlite` command line; every subcommand lives in its own module under ./commands.
 * `argv`: the arguments after `eqlite` (only the subcommand they name is loaded; none: all).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('eqlite')
    .description("Elastic Security's EQL detection rules, run anywhere")
    .version(pkg.version)
    .showHelpAfterError()
    // Usage errors (unknown option, bad choice, missing argument) exit 2, as documented; help exits 0.
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  await registerCommands(program, argv);
  return program;
}
