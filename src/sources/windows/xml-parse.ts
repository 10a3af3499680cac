/**
 * A small, fast XML element parser for Windows event XML (no DTDs, no namespaces beyond dropping
 * prefixes). It parses one element at a time out of a string into the XmlElement tree, decoding
 * entity and character references. Line endings are kept as they are (no CR/LF normalisation) so
 * values equal what the EVTX reader produces from the same record.
 */
import type { XmlElement } from './xml-tree.js';

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    /** Index in the parsed string where the problem was found. */
    readonly index: number,
    /** True when the input ended before the element did (more data may complete it). */
    readonly atEnd = false,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decode entity and character references in `s`. Unknown or malformed references are kept
 * literally (Windows never writes them; forwarders sometimes double-escape, which then survives).
 */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) break;
    const ref = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (ref.charCodeAt(0) === 35 /* # */) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const digits =
        ref[1] === 'x' || ref[1] === 'X' ? /^[0-9a-fA-F]+$/.test(ref.slice(2)) : /^[0-9]+$/.test(ref.slice(1));
      if (digits && code <= 0x10ffff) rep = String.fromCodePoint(code);
    } else rep = PREDEFINED[ref];
    if (rep !== undefined) {
      out += s.slice(from, amp) + rep;
      from = semi + 1;
      amp = s.indexOf('&', from);
    } else amp = s.indexOf('&', amp + 1);
  }
  return out + s.slice(from);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function isWhitespaceOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}

/** Characters that end a tag or attribute name. */
function endsName(c: number): boolean {
  return isSpace(c) || c === 62 /* > */ || c === 47 /* / */ || c === 61 /* = */ || Number.isNaN(c);
}

export function localName(qname: string): string {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
}

/**
 * Drop whitespace-only text between child elements (indentation of pretty-printed XML); text of
 * elements without child elements is kept exactly, so `<Data> </Data>` keeps its space.
 */
function trimIgnorableWhitespace(el: XmlElement): void {
  const ch = el.children;
  let hasElement = false;
  for (const c of ch) if (typeof c !== 'string') hasElement = true;
  if (!hasElement) return;
  let w = 0;
  for (let r = 0; r < ch.length; r++) {
    const c = ch[r];
    if (typeof c === 'string' && isWhitespaceOnly(c)) continue;
    ch[w++] = c;
  }
  ch.length = w;
}

interface Open {
  el: XmlElement;
  qname: string;
  /** Text gathered since the last child, appended to `el.children` when the next node starts. */
  text: string;
}

function flushText(o: Open): void {
  if (o.text === '') return;
  const ch = o.el.children;
  const last = ch.length - 1;
  if (last >= 0 && typeof ch[last] === 'string') ch[last] = (ch[last] as string) + o.text;
  else ch.push(o.text);
  o.text = '';
}

/**
 * Parse the start tag at `s[i]` (which is `<`). Returns the element, its qualified name, whether
 * it was self-closing and the index after `>`.
 */
export function parseStartTag(
  s: string,
  i: number,
): { el: XmlElement; qname: string; selfClosing: boolean; end: number } {
  let p = i + 1;
  while (!endsName(s.charCodeAt(p))) p++;
  if (p === i + 1) throw new XmlSyntaxError('expected an element name after "<"', i, p >= s.length);
  const qname = s.slice(i + 1, p);
  const attrs: Record<string, string> = {};
  for (;;) {
    while (isSpace(s.charCodeAt(p))) p++;
    const c = s.charCodeAt(p);
    if (c === 62 /* > */)
      return { el: { name: localName(qname), attrs, children: [] }, qname, selfClosing: false, end: p + 1 };
    if (c === 47 /* / */) {
      if (s.charCodeAt(p + 1) === 62) {
        return { el: { name: localName(qname), attrs, children: [] }, qname, selfClosing: true, end: p + 2 };
      }
      throw new XmlSyntaxError(`expected "/>" in <${qname}>`, p, p + 1 >= s.length);
    }
    if (Number.isNaN(c)) throw new XmlSyntaxError(`start tag <${qname}> is not closed`, p, true);
    const nameStart = p;
    while (!endsName(s.charCodeAt(p))) p++;
    if (p === nameStart) throw new XmlSyntaxError(`unexpected "${s[p]}" in <${qname}>`, p);
    const attrName = s.slice(nameStart, p);
    while (isSpace(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) !== 61 /* = */) {
      throw new XmlSyntaxError(`attribute ${attrName} of <${qname}> has no value`, p, p >= s.length);
    }
    p++;
    while (isSpace(s.charCodeAt(p))) p++;
    const q = s.charCodeAt(p);
    if (q !== 34 && q !== 39) {
      throw new XmlSyntaxError(`attribute ${attrName} of <${qname}> is not quoted`, p, p >= s.length);
    }
    const close = s.indexOf(q === 34 ? '"' : "'", p + 1);
    if (close < 0) throw new XmlSyntaxError(`attribute ${attrName} of <${qname}> is not closed`, p, true);
    const raw = s.slice(p + 1, close);
    if (raw.indexOf('<') >= 0) throw new XmlSyntaxError(`"<" in the value of attribute ${attrName}`, p + 1);
    attrs[attrName] = decodeEntities(raw);
    p = close + 1;
  }
}

/**
 * Parse the element starting at `s[i]` (`<`) through its end tag. Returns the element and the
 * index just after it. Throws XmlSyntaxError (with `atEnd` set if `s` ended first).
 */
export function parseElement(s: string, i: number): { el: XmlElement; end: number } {
  const first = parseStartTag(s, i);
  if (first.selfClosing) return { el: first.el, end: first.end };
  const stack: Open[] = [{ el: first.el, qname: first.qname, text: '' }];
  let p = first.end;
  const n = s.length;
  for (;;) {
    const top = stack[stack.length - 1];
    const lt = s.indexOf('<', p);
    if (lt < 0) throw new XmlSyntaxError(`<${top.qname}> is not closed`, n, true);
    if (lt > p) top.text += decodeEntities(s.slice(p, lt));
    const c = s.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      let e = lt + 2;
      while (!endsName(s.charCodeAt(e))) e++;
      const qname = s.slice(lt + 2, e);
      while (isSpace(s.charCodeAt(e))) e++;
      if (e >= n) throw new XmlSyntaxError(`end tag of <${top.qname}> is not closed`, lt, true);
      if (s.charCodeAt(e) !== 62) throw new XmlSyntaxError(`malformed end tag </${qname}>`, lt);
      if (qname !== top.qname) {
        throw new XmlSyntaxError(`end tag </${qname}> does not match <${top.qname}>`, lt);
      }
      flushText(top);
      trimIgnorableWhitespace(top.el);
      stack.pop();
      p = e + 1;
      if (stack.length === 0) return { el: top.el, end: p };
      stack[stack.length - 1].el.children.push(top.el);
    } else if (c === 33 /* ! */) {
      if (s.startsWith('<!--', lt)) {
        const e = s.indexOf('-->', lt + 4);
        if (e < 0) throw new XmlSyntaxError('comment is not closed', lt, true);
        p = e + 3;
      } else if (s.startsWith('<![CDATA[', lt)) {
        const e = s.indexOf(']]>', lt + 9);
        if (e < 0) throw new XmlSyntaxError('CDATA section is not closed', lt, true);
        top.text += s.slice(lt + 9, e);
        p = e + 3;
      } else if (lt + 9 > n) {
        throw new XmlSyntaxError('markup is cut off', lt, true);
      } else throw new XmlSyntaxError('unexpected "<!" markup inside an element', lt);
    } else if (c === 63 /* ? */) {
      const e = s.indexOf('?>', lt + 2);
      if (e < 0) throw new XmlSyntaxError('processing instruction is not closed', lt, true);
      p = e + 2;
    } else {
      if (lt + 1 >= n) throw new XmlSyntaxError(`<${top.qname}> is not closed`, lt, true);
      const t = parseStartTag(s, lt);
      flushText(top);
      if (t.selfClosing) top.el.children.push(t.el);
      else stack.push({ el: t.el, qname: t.qname, text: '' });
      p = t.end;
    }
  }
}
