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
