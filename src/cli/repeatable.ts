/**
 * Collects a repeatable option (commander's argument parser). Such options start undefined rather
 * than `[]`: an empty default would show as "(default: [])" in --help.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
