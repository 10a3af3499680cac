/**
 * `1,204`: a count with thousands separators, as `toLocaleString('en-US')` writes it. Whole numbers
 * are grouped here: the first `toLocaleString` of a process loads ICU's number formats, about
 * 20 ms of every command's start-up for a comma.
 */
export function formatCount(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString('en-US');
  const digits = String(Math.abs(x));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return x < 0 || Object.is(x, -0) ? `-${out}` : out;
}

/** `1 file`, `2 files`, `1,204 records`: a count and the word in the number it needs. */
export function counted(x: number, one: string, many = `${one}s`): string {
  return `${formatCount(x)} ${x === 1 ? one : many}`;
}
