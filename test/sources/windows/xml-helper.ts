/**
 * Test-only: a minimal XML → XmlElement parser (elements, attributes, text, the five entities and
 * numeric references), so tests can state records as the XML Windows prints. The real readers live
 * in src/sources/evtx and src/sources/windows/xml-*.ts.
 */
import type { XmlElement, XmlNode } from '../../../src/sources/windows/xml-tree.js';

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENT[e] ?? m;
  });
}

const local = (n: string): string => (n.includes(':') ? n.slice(n.indexOf(':') + 1) : n);

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml.startsWith('<?', i) || xml.startsWith('<!--', i)) {
      i = xml.indexOf(xml.startsWith('<?', i) ? '?>' : '-->', i) + (xml.startsWith('<?', i) ? 2 : 3);
      continue;
    }
    if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      const tag = xml.slice(i + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        stack.pop();
        continue;
      }
      const selfClose = tag.endsWith('/');
      const body = selfClose ? tag.slice(0, -1) : tag;
      const name = /^[^\s/]+/.exec(body)![0];
      const attrs: Record<string, string> = {};
      for (const m of body.slice(name.length).matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        const an = m[1]!;
        if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
        attrs[local(an)] = unescape(m[3] ?? m[4] ?? '');
      }
      const el: XmlElement = { name: local(name), attrs, children: [] };
      if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
      else root ??= el;
      if (!selfClose) stack.push(el);
      continue;
    }
    const next = xml.indexOf('<', i);
    const text = xml.slice(i, next < 0 ? xml.length : next);
    i = next < 0 ? xml.length : next;
    if (stack.length > 0 && text.trim() !== '') stack[stack.length - 1]!.children.push(unescape(text) as XmlNode);
  }
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** Splits evtxexport output (records separated by `<Event xmlns=`) into record XML strings. */
export function splitEvtxExport(text: string): string[] {
  return text
    .split(/(?=<Event xmlns=)/)
    .filter((s) => s.startsWith('<Event'))
    .map((s) => s.trim());
}
