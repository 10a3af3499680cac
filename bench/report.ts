/** Shared benchmark output: the machine line and a printed block per benchmark. */
import { cpus } from 'node:os';

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}`;
}

export function report(title: string, command: string, lines: string[]): void {
  process.stdout.write(`\n## ${title}\n\ncommand: ${command}\nmachine: ${machine()}\n\n${lines.join('\n')}\n`);
}
