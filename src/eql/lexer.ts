/**
 * The EQL lexer, following Elasticsearch's grammar (`EqlBase.g4`): case-sensitive lowercase
 * keywords, `"…"` strings with a fixed escape set and `\u{…}`, raw `"""…"""` strings, backquoted
 * identifiers, `name~` tilde identifiers, and `//` / nested `/* *\/` comments.
 */
import { EqlError, LineMap } from './errors.js';

export const KEYWORDS = [
  'and',
  'any',
  'by',
  'false',
  'in',
  'join',
  'like',
  'maxspan',
  'not',
  'null',
  'of',
  'or',
  'regex',
  'sample',
  'sequence',
  'true',
  'until',
  'where',
  'with',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export type TokenType =
  | 'ident' // plain identifier (may start with @)
  | 'qident' // `backquoted` identifier; value is unquoted
  | 'tident' // identifier immediately followed by ~ (endsWith~); value excludes the ~
  | 'keyword' // value is the keyword, including the `in~`, `like~`, `regex~` forms
  | 'string' // value is the decoded string
  | 'integer'
  | 'decimal'
  | 'op' // value is the operator text
  | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

const OPERATORS = [
  '![',
  '==',
  '!=',
  '<=',
  '>=',
  ':',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '.',
  ',',
  '[',
  ']',
  '(',
  ')',
  '|',
  '?',
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isIdentPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function tokenize(text: string, lines: LineMap = new LineMap(text)): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const fail = (detail: string, start: number, end: number): never => {
    throw new EqlError('parse', detail, lines.span(start, Math.max(end, start + 1)), text);
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    // comments
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const open = i;
      let depth = 0;
      while (i < n) {
        if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) fail('unterminated comment: expecting */', open, open + 2);
      continue;
    }
    const start = i;
    // strings
    if (c === 34) {
      if (text.startsWith('"""', i)) {
        const close = text.indexOf('"""', i + 3);
        const nl = text.slice(i + 3, close < 0 ? n : close).search(/[\r\n]/);
        if (close < 0 || nl >= 0) fail('unterminated raw string: expecting """ on the same line', start, start + 3);
        let end = close + 3;
        // ES's lexer lets up to two extra quotes follow the closing """; they belong to the value.
        let extra = 0;
        while (extra < 2 && text.charCodeAt(end) === 34) {
          end++;
          extra++;
        }
        tokens.push({ type: 'string', value: text.slice(i + 3, close) + '"'.repeat(extra), start, end });
        i = end;
        continue;
      }
      i++;
      let value = '';
      let segStart = i;
      for (;;) {
        if (i >= n || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13) {
          fail('unterminated string: expecting a closing " on the same line', start, i);
        }
        const d = text.charCodeAt(i);
        if (d === 34) break;
        if (d === 92) {
          value += text.slice(segStart, i);
          const e = text[i + 1];
          switch (e) {
            case 'b':
              value += '\b';
              break;
            case 't':
              value += '\t';
              break;
            case 'n':
              value += '\n';
              break;
            case 'f':
              value += '\f';
              break;
            case 'r':
              value += '\r';
              break;
            case '"':
              value += '"';
              break;
            case "'":
              value += "'";
              break;
            case '\\':
              value += '\\';
              break;
            case 'u': {
              if (text[i + 2] !== '{') {
                fail('invalid unicode escape: expecting \\u{ followed by 2 to 8 hex digits and }', i, i + 2);
              }
              let j = i + 3;
              while (j < n && isHex(text.charCodeAt(j))) j++;
              if (text[j] !== '}') fail('invalid unicode escape: expecting hex digits and a closing }', i, j + 1);
              const hex = text.slice(i + 3, j);
              if (hex.length < 2 || hex.length > 8) {
                fail(`Unicode sequence should use [2-8] hex digits, [${hex}] has [${hex.length}]`, i, j + 1);
              }
              const cp = parseInt(hex, 16);
              if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                fail(`Invalid unicode character code [${hex}]`, i, j + 1);
              }
              value += String.fromCodePoint(cp);
              i = j + 1;
              segStart = i;
              continue;
            }
            default:
              fail(
                `invalid escape sequence [\\${e ?? ''}]: only \\b \\t \\n \\f \\r \\" \\' \\\\ and \\u{…} are allowed; write a backslash as \\\\`,
                i,
                i + 2,
              );
          }
          i += 2;
          segStart = i;
          continue;
        }
        i++;
      }
      value += text.slice(segStart, i);
      i++;
      tokens.push({ type: 'string', value, start, end: i });
      continue;
    }
    if (c === 39) {
      fail('single quotes are not supported: use double quotes "…" (or """…""" for raw strings)', start, start + 1);
    }
    if (c === 63 && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 39)) {
      fail('?"…" is not a raw string in EQL: use """…""" for raw strings', start, start + 2);
    }
    // backquoted identifier
    if (c === 96) {
      i++;
      let value = '';
      for (;;) {
        if (i >= n) fail('unterminated backquoted identifier: expecting `', start, start + 1);
        if (text.charCodeAt(i) === 96) {
          if (text.charCodeAt(i + 1) === 96) {
            value += '`';
            i += 2;
            continue;
          }
          break;
        }
        value += text[i];
        i++;
      }
      i++;
      tokens.push({ type: 'qident', value, start, end: i });
      continue;
    }
    // numbers: INTEGER or DECIMAL (longest match, as ANTLR does)
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i;
      while (isDigit(text.charCodeAt(j))) j++;
      let decimal = false;
      if (text.charCodeAt(j) === 46) {
        // `1.` is a decimal; `.5` too.
        decimal = true;
        j++;
        while (isDigit(text.charCodeAt(j))) j++;
      }
      const e = text.charCodeAt(j);
      if (e === 69 || e === 101) {
        let k = j + 1;
        if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
        if (isDigit(text.charCodeAt(k))) {
          while (isDigit(text.charCodeAt(k))) k++;
          j = k;
          decimal = true;
        }
      }
      tokens.push({ type: decimal ? 'decimal' : 'integer', value: text.slice(i, j), start, end: j });
      i = j;
      continue;
    }
    // identifiers, keywords, tilde identifiers
    if (isLetter(c) || c === 95 || c === 64) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (text.charCodeAt(j) === 126 && c !== 64 && c !== 95) {
        // `in~`, `like~`, `regex~` are keywords; any other `name~` is a (function) tilde identifier.
        if (word === 'in' || word === 'like' || word === 'regex') {
          tokens.push({ type: 'keyword', value: word + '~', start, end: j + 1 });
        } else {
          tokens.push({ type: 'tident', value: word, start, end: j + 1 });
        }
        i = j + 1;
        continue;
      }
      tokens.push({ type: KEYWORD_SET.has(word) ? 'keyword' : 'ident', value: word, start, end: j });
      i = j;
      continue;
    }
    // operators
    let op: string | undefined;
    for (const o of OPERATORS) {
      if (text.startsWith(o, i)) {
        op = o;
        break;
      }
    }
    if (op === undefined) {
      if (c === 33 && text.charCodeAt(i + 1) === 58) {
        fail('there is no !: operator in EQL: write not field : "value"', start, start + 2);
      }
      fail(`unexpected character '${String.fromCodePoint(text.codePointAt(i) ?? c)}'`, start, start + 1);
    }
    tokens.push({ type: 'op', value: op as string, start, end: i + (op as string).length });
    i += (op as string).length;
  }
  tokens.push({ type: 'eof', value: '', start: n, end: n });
  return tokens;
}
