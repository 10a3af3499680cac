/**
 * Where each key of a TOML document sits, so validation errors can name a line and column.
 * smol-toml returns plain values without positions, so this is a small second scanner over the
 * text: it understands tables, arrays of tables, dotted and quoted keys, every string form,
 * arrays and inline tables (whose keys and elements it also locates), and comments. It assumes
 * the document already parsed; on text it does not understand it stops and returns what it has.
 */

export interface KeyLocation {
  /** 1-based line and column of the key (of the header for tables). */
  line: number;
  column: number;
  /** 1-based position of the first character of the value (for tables: the header). */
  valueLine: number;
  valueColumn: number;
  /** How the value is written, which decides how positions inside a string map back. */
  valueKind: 'literal-multiline' | 'basic-multiline' | 'literal' | 'basic' | 'other' | 'table';
}

/** Paths are dotted; array elements are numbers (`rule.threat.0.tactic.id`). */
export type KeyMap = Map<string, KeyLocation>;

class Scanner {
  pos = 0;
  line = 1;
  col = 1;
  constructor(readonly text: string) {}

  peek(n = 0): string {
    return this.text[this.pos + n] ?? '';
  }
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  eof(): boolean {
    return this.pos >= this.text.length;
  }
  next(): string {
    const c = this.text[this.pos++] ?? '';
    if (c === '\n') {
      this.line++;
      this.col = 1;
    } else if (c === '\r' && this.peek() !== '\n') {
      this.line++;
      this.col = 1;
    } else if (c !== '\r') this.col++;
    return c;
  }
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.next();
  }
  /** Spaces and tabs only. */
  blanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.next();
  }
  /** Whitespace, newlines and comments (inside arrays). */
  gaps(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.next();
      else if (c === '#') this.toEol();
      else return;
    }
  }
  toEol(): void {
    while (!this.eof() && this.peek() !== '\n' && this.peek() !== '\r') this.next();
  }
}

class StopScan extends Error {}

function readKeySegment(s: Scanner): string {
  const c = s.peek();
  if (c === '"' || c === "'") return readString(s).value;
  let out = '';
  while (/[A-Za-z0-9_-]/.test(s.peek())) out += s.next();
  if (!out) throw new StopScan();
  return out;
}

function readDottedKey(s: Scanner): string[] {
  const parts = [readKeySegment(s)];
  for (;;) {
    s.blanks();
    if (s.peek() !== '.') return parts;
    s.next();
    s.blanks();
    parts.push(readKeySegment(s));
  }
}

interface StringRead {
  value: string;
  kind: KeyLocation['valueKind'];
}

function readString(s: Scanner): StringRead {
  if (s.startsWith("'''")) {
    s.skip(3);
    const end = s.text.indexOf("'''", s.pos);
    if (end < 0) throw new StopScan();
    let stop = end + 3;
    // Up to two quotes may close a multi-line string directly after its content.
    while (s.text[stop] === "'" && stop - end < 5) stop++;
    const value = s.text.slice(s.pos, stop - 3);
    s.skip(stop - s.pos);
    return { value, kind: 'literal-multiline' };
  }
  if (s.startsWith('"""')) {
    s.skip(3);
    let value = '';
    for (;;) {
      if (s.eof()) throw new StopScan();
      if (s.peek() === '\\') {
        value += s.next() + s.next();
        continue;
      }
      if (s.startsWith('"""')) {
        let n = 3;
        while (s.peek(n) === '"' && n < 5) n++;
        value += '"'.repeat(n - 3);
        s.skip(n);
        return { value, kind: 'basic-multiline' };
      }
      value += s.next();
    }
  }
  const q = s.next();
  let value = '';
  for (;;) {
    if (s.eof() || s.peek() === '\n') throw new StopScan();
    const c = s.next();
    if (c === q) return { value, kind: q === "'" ? 'literal' : 'basic' };
    if (c === '\\' && q === '"') value += c + s.next();
    else value += c;
  }
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

/** Skips one value, recording the keys and elements found inside arrays and inline tables. */
function readValue(s: Scanner, path: string, map: KeyMap): KeyLocation['valueKind'] {
  const c = s.peek();
  if (c === '"' || c === "'") return readString(s).kind;
  if (c === '[') {
    s.next();
    let i = 0;
    for (;;) {
      s.gaps();
      if (s.peek() === ']') {
        s.next();
        return 'other';
      }
      const p = join(path, i);
      const loc: KeyLocation = {
        line: s.line,
        column: s.col,
        valueLine: s.line,
        valueColumn: s.col,
        valueKind: 'other',
      };
      map.set(p, loc);
      loc.valueKind = readValue(s, p, map);
      i++;
      s.gaps();
      if (s.peek() === ',') s.next();
      else if (s.peek() !== ']') throw new StopScan();
    }
  }
  if (c === '{') {
    s.next();
    for (;;) {
      s.blanks();
      if (s.peek() === '}') {
        s.next();
        return 'other';
      }
      readKeyValue(s, path, map);
      s.blanks();
      if (s.peek() === ',') s.next();
      else if (s.peek() !== '}') throw new StopScan();
    }
  }
  // A bare scalar: number, boolean, date; it ends at a delimiter.
  while (!s.eof() && !/[,\]}\n\r#]/.test(s.peek())) s.next();
  return 'other';
}

function readKeyValue(s: Scanner, table: string, map: KeyMap): void {
  const line = s.line;
  const column = s.col;
  const key = readDottedKey(s);
  s.blanks();
  if (s.peek() !== '=') throw new StopScan();
  s.next();
  s.blanks();
  const valueLine = s.line;
  const valueColumn = s.col;
  const path = key.reduce(join, table);
  const loc: KeyLocation = { line, column, valueLine, valueColumn, valueKind: 'other' };
  map.set(path, loc);
  loc.valueKind = readValue(s, path, map);
}

/** Locates every key of a TOML document. */
export function locateKeys(text: string): KeyMap {
  const map: KeyMap = new Map();
  const s = new Scanner(text);
  const arrayCounts = new Map<string, number>();
  // Resolves a header's key path through the arrays of tables opened so far.
  const resolve = (parts: string[]): string => {
    let path = '';
    for (const p of parts) {
      path = join(path, p);
      const n = arrayCounts.get(path);
      if (n !== undefined) path = join(path, n);
    }
    return path;
  };
  let table = '';
  try {
    for (;;) {
      s.gaps();
      if (s.eof()) break;
      const line = s.line;
      const column = s.col;
      if (s.peek() === '[') {
        const isArray = s.peek(1) === '[';
        s.skip(isArray ? 2 : 1);
        s.blanks();
        const parts = readDottedKey(s);
        s.blanks();
        s.skip(isArray ? 2 : 1);
        if (isArray) {
          const parent = resolve(parts.slice(0, -1));
          const key = join(parent, parts[parts.length - 1]);
          const n = (arrayCounts.get(key) ?? -1) + 1;
          arrayCounts.set(key, n);
          if (!map.has(key)) map.set(key, { line, column, valueLine: line, valueColumn: column, valueKind: 'table' });
          table = join(key, n);
        } else table = resolve(parts);
        map.set(table, { line, column, valueLine: line, valueColumn: column, valueKind: 'table' });
        continue;
      }
      readKeyValue(s, table, map);
    }
  } catch (e) {
    if (!(e instanceof StopScan)) throw e;
  }
  return map;
}

/** The location of a path, or of its closest located ancestor. */
export function locate(map: KeyMap, path: readonly (string | number)[]): KeyLocation | undefined {
  for (let n = path.length; n > 0; n--) {
    const loc = map.get(path.slice(0, n).join('.'));
    if (loc) return loc;
  }
  return undefined;
}
