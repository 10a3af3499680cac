import type { Command } from 'commander';

/**
 * Every subcommand registers itself here, one line each, so modules stay independent.
 * A command module exports `register(program: Command): void`.
 */
type Register = (program: Command) => void;

const modules: Record<string, () => Promise<{ register: Register }>> = {
  query: () => import('./query.js'),
  dump: () => import('./dump.js'),
  hunt: () => import('./hunt.js'),
  validate: () => import('./validate.js'),
  rules: () => import('./rules.js'),
  serve: () => import('./serve.js'),
};

/**
 * Registers the subcommand named by `argv` alone when there is one: loading every command's
 * modules (the server's HTTP stack, markdown, SQLite) cost `hunt` about 0.4 s of start-up.
 * Anything else (help, version, a typo) registers them all, so help and errors list every command.
 */
export async function registerCommands(program: Command, argv: readonly string[] = []): Promise<void> {
  const named = argv.find((a) => !a.startsWith('-'));
  const only = named !== undefined && Object.hasOwn(modules, named) ? [modules[named]] : Object.values(modules);
  for (const load of only) (await load()).register(program);
}
