/**
 * A growable UTF-8 byte buffer for writing event XML straight from BinXml, without building the
 * element tree or intermediate strings. Escaping matches `toXml` in ../windows/xml-tree.ts exactly
 * (the tests compare the two byte for byte).
 */

/** Buffer's native UTF-8 writer; declared here because @types/node does not list it. */
interface NativeWrite {
  utf8Write(s: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
}

const AMP = [0x26, 0x61, 0x6d, 0x70, 0x3b]; // &amp;
const LT = [0x26, 0x6c, 0x74, 0x3b]; // &lt;
const GT = [0x26, 0x67, 0x74, 0x3b]; // &gt;
const QUOT = [0x26, 0x71, 0x75, 0x6f, 0x74, 0x3b]; // &quot;
const HEX = '0123456789abcdef';

/**
 * Escape classes of ASCII characters: 1 needs escaping in text and attributes (`&`, `<`, `>`,
 * control characters but tab, LF and CR), 2 only in attributes (`"`), 0 never.
 */
const ESCAPE_CLASS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) if (c !== 9 && c !== 10 && c !== 13) ESCAPE_CLASS[c] = 1;
ESCAPE_CLASS[0x26] = ESCAPE_CLASS[0x3c] = ESCAPE_CLASS[0x3e] = 1;
ESCAPE_CLASS[0x22] = 2;

/** Whether an ASCII character needs escaping (`attr`: inside an attribute value). */
function special(c: number, attr: boolean): boolean {
  const k = ESCAPE_CLASS[c];
  return k === 1 || (k === 2 && attr);
}

export class XmlOut {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Drop everything written (keeps the allocation). */
  reset(): void {
    this.pos = 0;
  }

  /** Text written since `start`, as a string. */
  slice(start: number, end = this.pos): string {
    return (this.buf as unknown as NativeWrite).utf8Slice(start, end);
  }

  /** Pre-encoded markup. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.pos + n > this.buf.length) this.ensure(n);
    const buf = this.buf;
    const p = this.pos;
    if (n > 24) buf.set(b, p);
    else for (let i = 0; i < n; i++) buf[p + i] = b[i];
    this.pos = p + n;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Markup that is already escaped (any string, written as UTF-8). */
  raw(s: string): void {
    this.ensure(s.length * 3);
    this.pos += (this.buf as unknown as NativeWrite).utf8Write(s, this.pos);
  }

  /** An ASCII string that needs no escaping (numbers, GUIDs, SIDs, hex, times). */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  private escape(c: number): void {
    const seq = c === 0x26 ? AMP : c === 0x3c ? LT : c === 0x3e ? GT : c === 0x22 ? QUOT : undefined;
    if (seq !== undefined) {
      for (const x of seq) this.buf[this.pos++] = x;
      return;
    }
    // &#xN; for control characters
    this.buf[this.pos++] = 0x26;
    this.buf[this.pos++] = 0x23;
    this.buf[this.pos++] = 0x78;
    if (c >= 16) this.buf[this.pos++] = HEX.charCodeAt(c >> 4);
    this.buf[this.pos++] = HEX.charCodeAt(c & 15);
    this.buf[this.pos++] = 0x3b;
  }

  /** A JS string, escaped, as UTF-8. Unpaired surrogates become U+FFFD (as Buffer encoding does). */
  text(s: string, attr: boolean): void {
    const n = s.length;
    let plain = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || special(c, attr)) {
        plain = false;
        break;
      }
    }
    if (plain) {
      this.ascii(s);
      return;
    }
    this.ensure(n * 6);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (special(c, attr)) this.escape(c);
        else this.buf[this.pos++] = c;
      } else {
        // Non-ASCII run: let the native encoder handle it (surrogates included).
        let j = i + 1;
        while (j < n && s.charCodeAt(j) >= 0x80) j++;
        this.pos += (this.buf as unknown as NativeWrite).utf8Write(s.slice(i, j), this.pos);
        i = j - 1;
      }
    }
  }

  /**
   * UTF-16LE text straight from the source buffer, escaped, as UTF-8; trailing NULs dropped like
   * the tree's rendering of string values.
   */
  utf16(src: Uint8Array, start: number, end: number, attr: boolean): void {
    while (end - start >= 2 && src[end - 1] === 0 && src[end - 2] === 0) end -= 2;
    this.ensure(((end - start) >> 1) * 6);
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i + 1 < end; i += 2) {
      const c = src[i] | (src[i + 1] << 8);
      if (c < 0x80) {
        if (special(c, attr)) {
          this.pos = p;
          this.escape(c);
          p = this.pos;
        } else buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const lo = i + 3 < end ? src[i + 2] | (src[i + 3] << 8) : 0;
        if (c <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i += 2;
        } else {
          buf[p++] = 0xef; // U+FFFD for an unpaired surrogate
          buf[p++] = 0xbf;
          buf[p++] = 0xbd;
        }
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }
}

/** The markup of one element or attribute name, UTF-8 encoded. */
export interface NameMarkup {
  /** `<name` */
  open: Uint8Array;
  /** `</name>` */
  close: Uint8Array;
  /** ` name="` */
  attr: Uint8Array;
}

const names = new Map<string, NameMarkup>();

/** Markup for a name, cached across chunks (names repeat in every chunk). */
export function nameMarkup(name: string): NameMarkup {
  let m = names.get(name);
  if (m === undefined) {
    m = {
      open: Buffer.from('<' + name, 'utf8'),
      close: Buffer.from('</' + name + '>', 'utf8'),
      attr: Buffer.from(' ' + name + '="', 'utf8'),
    };
    if (names.size < 100_000) names.set(name, m);
  }
  return m;
}
