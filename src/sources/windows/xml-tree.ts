/**
 * The pivot between Windows event readers and the Windows normalisers.
 *
 * The EVTX reader (BinXml) and the Windows XML reader (`wevtutil qe /f:xml`, `ToXml()`) both produce
 * the `<Event>` element as this small tree, with every value already rendered to the text Windows
 * itself would print (GUIDs upper case in braces, HexInt as `0x…`, SIDs as `S-1-…`, FILETIME and
 * SYSTEMTIME as ISO-8601 UTC with 7 fractional digits). The normalisers read only this tree, so a
 * record means the same thing whichever container it came in.
 */
export interface XmlElement {
  /** Local element name (`Event`, `System`, `Data`, ...); namespace prefixes are dropped. */
  name: string;
  /** Attributes in document order, values unescaped. */
  attrs: Record<string, string>;
  /** Child elements and text, in document order; text is unescaped. */
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** The first child element called `name`, if any. */
export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** Concatenated text content of an element (direct and nested text). */
export function textContent(node: XmlNode): string {
  if (typeof node === 'string') return node;
  let out = '';
  for (const c of node.children) out += textContent(c);
  return out;
}

// Control characters are exactly what these must find.
// eslint-disable-next-line no-control-regex
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex
const ATTR_SPECIAL = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeWith(s: string, re: RegExp): string {
  if (!re.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    const e = ESCAPES[c];
    if (e !== undefined && (c !== '"' || re === ATTR_SPECIAL)) out += e;
    // Control characters cannot appear literally in XML; a character reference keeps them.
    else if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) out += '&#x' + code.toString(16) + ';';
    else out += c;
  }
  return out;
}

/** Escape element text (`&`, `<`, `>`, control characters). */
export function escapeXmlText(s: string): string {
  return escapeWith(s, TEXT_SPECIAL);
}

/** Escape an attribute value (as element text, plus `"`). */
export function escapeXmlAttr(s: string): string {
  return escapeWith(s, ATTR_SPECIAL);
}

/**
 * The element as compact XML text, the way Windows prints an event (`wevtutil qe /f:xml`):
 * no indentation, empty elements as `<X/>`.
 */
export function toXml(el: XmlElement): string {
  let s = '<' + el.name;
  const attrs = el.attrs;
  for (const k in attrs) s += ' ' + k + '="' + escapeXmlAttr(attrs[k]) + '"';
  const children = el.children;
  if (children.length === 0) return s + '/>';
  s += '>';
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    s += typeof c === 'string' ? escapeXmlText(c) : toXml(c);
  }
  return s + '</' + el.name + '>';
}
