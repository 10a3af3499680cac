/**
 * Errors raised while parsing, checking or running EQL. Every error that concerns the query text
 * carries a position so a person can find the offending text at once.
 */

/** A position in the query text. `line` and `column` are 1-based, `offset` is 0-based (UTF-16 units). */
export interface SourcePos {
  offset: number;
  line: number;
  column: number;
}

/** A span of query text. */
export interface SourceSpan {
  start: SourcePos;
  end: SourcePos;
}

/**
 * `parse`: the text is not EQL (lexing, grammar, or a construct ES rejects while parsing).
 * `verification`: the text is EQL but ES would refuse it before reading data (unknown field,
 * type mismatch, unknown function, ...). `runtime`: ES would fail the search while evaluating
 * (e.g. `number("abc")`, integer overflow).
 */
export type EqlErrorKind = 'parse' | 'verification' | 'runtime';

export class EqlError extends Error {
  readonly kind: EqlErrorKind;
  readonly span: SourceSpan | undefined;
  /** The bare message, without position prefix or snippet. */
  readonly detail: string;
  /** The query text the span refers to, kept so `format()` can draw a caret line. */
  readonly source: string | undefined;

  constructor(kind: EqlErrorKind, detail: string, span?: SourceSpan, source?: string) {
    super(span ? `line ${span.start.line}:${span.start.column}: ${detail}` : detail);
    this.name = 'EqlError';
    this.kind = kind;
    this.detail = detail;
    this.span = span;
    this.source = source;
  }

  /** Message, then the offending line of the query with a caret under the span. */
  format(): string {
    if (!this.span || this.source === undefined) return this.message;
    const lines = this.source.split(/\r\n|\r|\n/);
    const lineText = lines[this.span.start.line - 1] ?? '';
    const width =
      this.span.end.line === this.span.start.line
        ? Math.max(1, this.span.end.column - this.span.start.column)
        : Math.max(1, lineText.length - this.span.start.column + 1);
    const pad = ' '.repeat(this.span.start.column - 1);
    return `${this.message}\n  ${lineText}\n  ${pad}${'^'.repeat(width)}`;
  }

  /** The same error with its positions shifted, for queries embedded in a larger file (rule TOML). */
  relocate(lineOffset: number, firstLineColumnOffset: number, fileSource?: string): EqlError {
    if (!this.span) return this;
    const move = (p: SourcePos): SourcePos => ({
      offset: p.offset,
      line: p.line + lineOffset,
      column: p.line === 1 ? p.column + firstLineColumnOffset : p.column,
    });
    const err = new EqlError(
      this.kind,
      this.detail,
      { start: move(this.span.start), end: move(this.span.end) },
      fileSource,
    );
    return err;
  }
}

/** Computes line/column for offsets in one text; built once per query. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  pos(offset: number): SourcePos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  span(start: number, end: number): SourceSpan {
    return { start: this.pos(start), end: this.pos(end) };
  }
}
