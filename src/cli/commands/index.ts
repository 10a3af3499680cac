import type { Command } from 'commander';

/**
 * Every subcommand registers itself here, one line each, so modules stay independent.
 * A command module exports `register(program: Command): void`.
 */
type Register = (program: Command) => void;

const modules: Array<() => Promise<{ register: Register }>> = [
  () => import('./query.js'),
  () => import('./dump.js'),
  () => import('./hunt.js'),
  () => import('./validate.js'),
  () => import('./rules.js'),
  () => import('./serve.js'),
];

export async function registerCommands(program: Command): Promise<void> {
  for (const load of modules) (await load()).register(program);
}
