/** `1 file`, `2 files`, `1,204 records`: a count and the word in the number it needs. */
export function counted(x: number, one: string, many = `${one}s`): string {
  return `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;
}
