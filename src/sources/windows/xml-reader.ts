/**
 * Reader for Windows events as XML text: `wevtutil qe /f:xml` (a stream of `<Event>` elements with
 * no root), `Get-WinEvent … | % ToXml()` (one event per line), a single `<Event>` document, or an
 * `<Events>` root (Event Viewer's "Save as XML"). Every `<Event>` that is not inside another one is
 * returned as the XmlElement tree the EVTX reader also produces; anything around it is skipped.
 *
 * A malformed event is reported with its line number and skipped; reading resumes at the next
 * `<Event`. Input may be UTF-8 (with or without BOM) or UTF-16 with a BOM (Windows PowerShell's
 * `Out-File` default).
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ProblemSink } from '../types.js';
import { withoutBom } from '../input.js';
import { localName, parseElement, parseStartTag, XmlSyntaxError } from './xml-parse.js';
import type { XmlElement } from './xml-tree.js';

export interface WinXmlEvent {
  event: XmlElement;
  /** 1-based line of the event's `<Event` tag. */
  line: number;
}

export interface WinXmlReadOptions {
  /** Name used in problem locations. Default `<string>`. */
  file?: string;
  onProblem?: ProblemSink;
}

/** An unfinished event longer than this is treated as broken rather than waited for. */
const MAX_EVENT_CHARS = 16 << 20;

type Encoding = 'utf8' | 'utf16le' | 'utf16be';

/** Encoding and BOM length from the first bytes. */
function detectEncoding(head: Uint8Array): { enc: Encoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { enc: 'utf8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { enc: 'utf16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { enc: 'utf16be', bom: 2 };
  // UTF-16 without BOM: "<" followed by a zero byte.
  if (head[0] === 0x3c && head[1] === 0x00) return { enc: 'utf16le', bom: 0 };
  if (head[0] === 0x00 && head[1] === 0x3c) return { enc: 'utf16be', bom: 0 };
  return { enc: 'utf8', bom: 0 };
}

function swap16(b: Buffer): Buffer {
  const c = Buffer.from(b.subarray(0, b.length & ~1));
  return c.swap16();
}

/** Decode a whole XML file's bytes to text (BOM and UTF-16 aware). */
export function decodeXmlBytes(b: Buffer): string {
  const { enc, bom } = detectEncoding(b);
  const body = b.subarray(bom);
  if (enc === 'utf16be') return swap16(body).toString('utf16le');
  return body.toString(enc);
}

function isNameEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 62 || c === 47 || Number.isNaN(c);
}

/** Whether `s[i]` starts a start tag of a (possibly prefixed) element called `Event`. */
function isEventStart(s: string, i: number): boolean {
  let p = i + 1;
  while (!isNameEnd(s.charCodeAt(p))) p++;
  return localName(s.slice(i + 1, p)) === 'Event';
}

/** Index of the next `<Event` start tag at or after `from`, or -1. */
function nextEventStart(s: string, from: number): number {
  for (let i = s.indexOf('<', from); i >= 0; i = s.indexOf('<', i + 1)) {
    const c = s.charCodeAt(i + 1);
    if (c !== 47 && c !== 33 && c !== 63 && isEventStart(s, i)) return i;
  }
  return -1;
}

/**
 * Incremental scanner: feed text, take events. Keeps only the unconsumed tail of the input, so a
 * large file is never held whole.
 */
export class WinXmlScanner {
  private buf = '';
  private pos = 0;
  /** Line number at `lineIdx` in `buf`. */
  private lineAt = 1;
  private lineIdx = 0;
  private readonly file: string;
  private readonly onProblem: ProblemSink;

  constructor(opts: WinXmlReadOptions = {}) {
    this.file = opts.file ?? '<string>';
    this.onProblem = opts.onProblem ?? (() => {});
  }

  feed(text: string): void {
    if (this.pos > 1 << 20) {
      // Drop consumed text, carrying the line count over.
      this.lineOf(this.pos);
      this.buf = this.buf.slice(this.pos);
      this.lineIdx -= this.pos;
      this.pos = 0;
    }
    this.buf += text;
  }

  private lineOf(idx: number): number {
    if (idx < this.lineIdx) {
      // Rare (re-reading after an error): recount from the last safe point.
      let line = this.lineAt;
      for (let i = this.lineIdx - 1; i >= idx; i--) if (this.buf.charCodeAt(i) === 10) line--;
      return line;
    }
    let line = this.lineAt;
    const s = this.buf;
    for (let i = s.indexOf('\n', this.lineIdx); i >= 0 && i < idx; i = s.indexOf('\n', i + 1)) line++;
    this.lineAt = line;
    this.lineIdx = idx;
    return line;
  }

  private problem(idx: number, kind: string, message: string): void {
    this.onProblem({ loc: { file: this.file, line: this.lineOf(idx) }, kind, message });
  }

  /**
   * The next event, or `undefined` when the buffered text holds no complete event. With `final`
   * the input is complete, and an unfinished event is reported instead of waited for.
   */
  next(final: boolean): WinXmlEvent | undefined {
    const s = this.buf;
    for (;;) {
      const start = nextEventStart(s, this.pos);
      if (start < 0) {
        // Keep a possible partial "<Event" at the end for the next feed.
        const lt = s.lastIndexOf('<');
        this.pos = !final && lt >= this.pos ? lt : s.length;
        return undefined;
      }
      let parsed: { el: XmlElement; end: number };
      try {
        parsed = parseElement(s, start);
      } catch (e) {
        if (!(e instanceof XmlSyntaxError)) throw e;
        if (e.atEnd && !final && s.length - start < MAX_EVENT_CHARS) {
          this.pos = start;
          return undefined;
        }
        const line = this.lineOf(start);
        const at = this.lineOf(e.index);
        this.problem(
          start,
          e.atEnd ? 'winxml-truncated' : 'winxml-syntax',
          `event at line ${line}: ${e.message} (line ${at})`,
        );
        this.pos = start + 1;
        continue;
      }
      this.pos = parsed.end;
      return { event: parsed.el, line: this.lineOf(start) };
    }
  }
}

/** Every event in an XML text held in memory. */
export function* readWindowsXml(text: string, opts: WinXmlReadOptions = {}): Generator<WinXmlEvent> {
  const sc = new WinXmlScanner(opts);
  sc.feed(withoutBom(text));
  for (let e = sc.next(true); e !== undefined; e = sc.next(true)) yield e;
}

/** Stream the events of an XML file, reading 1 MiB at a time. */
export async function* readWindowsXmlFile(path: string, opts: WinXmlReadOptions = {}): AsyncGenerator<WinXmlEvent> {
  const fh = await open(path, 'r');
  try {
    const sc = new WinXmlScanner({ file: path, ...opts });
    const chunk = Buffer.alloc(1 << 20);
    let decoder: StringDecoder | undefined;
    let enc: Encoding = 'utf8';
    let odd: Buffer | undefined; // a dangling byte of UTF-16BE between reads
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      let bytes: Buffer = chunk.subarray(0, bytesRead);
      if (decoder === undefined) {
        const d = detectEncoding(bytes);
        enc = d.enc;
        decoder = new StringDecoder(enc === 'utf8' ? 'utf8' : 'utf16le');
        bytes = bytes.subarray(d.bom);
      }
      if (enc === 'utf16be') {
        const joined = odd ? Buffer.concat([odd, bytes]) : bytes;
        odd = joined.length & 1 ? Buffer.from(joined.subarray(joined.length - 1)) : undefined;
        bytes = swap16(joined);
      }
      const final = bytesRead === 0;
      sc.feed(final ? decoder.end() : decoder.write(bytes));
      for (let e = sc.next(final); e !== undefined; e = sc.next(final)) yield e;
      if (final) return;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Whether the start of a file looks like Windows event XML: after an optional BOM, XML declaration,
 * comments and whitespace, the first element is `<Event` or `<Events`.
 */
export function sniffWindowsXml(head: Uint8Array | string): boolean {
  const s =
    typeof head === 'string' ? head : decodeXmlBytes(Buffer.from(head.buffer, head.byteOffset, head.byteLength));
  let p = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (p < s.length && /\s/.test(s[p])) p++;
    if (s.startsWith('<?', p)) {
      const e = s.indexOf('?>', p);
      if (e < 0) return false;
      p = e + 2;
    } else if (s.startsWith('<!--', p)) {
      const e = s.indexOf('-->', p);
      if (e < 0) return false;
      p = e + 3;
    } else if (s[p] === '<') {
      try {
        const name = localName(parseStartTag(s, p).qname);
        return name === 'Event' || name === 'Events';
      } catch (e) {
        if (!(e instanceof XmlSyntaxError) || !e.atEnd) return false;
        // The head ends inside the first start tag: judge by its name.
        const m = /^<([^\s/>]+)[\s/>]/.exec(s.slice(p));
        return m !== null && (localName(m[1]) === 'Event' || localName(m[1]) === 'Events');
      }
    } else return false;
  }
}
