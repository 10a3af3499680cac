/**
 * BinXml decoding for one chunk: names, template definitions and template instances.
 *
 * Each template definition is compiled once per chunk into a small tree (`TElem`/`TSub`/text) and
 * every record that uses it only walks that tree with its own substitution values. Offsets inside
 * BinXml are relative to the chunk, so one decoder serves exactly one chunk.
 */
import { escapeXmlAttr, toXml, type XmlElement, type XmlNode } from '../windows/xml-tree.js';
import { guid, renderArray, renderScalar, u16, u32, utf16 } from './values.js';
import { nameMarkup, type XmlOut } from './xml-out.js';

// Value types used on hot paths, as plain constants (cheaper than property reads on VT).
const T_NULL = 0x00;
const T_STRING = 0x01;
const T_ANSI = 0x02;
const T_BINXML = 0x21;
const T_ARRAY = 0x80;

/** A structural error in the binary data; `offset` is absolute in the buffer being decoded. */
export class EvtxFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'EvtxFormatError';
  }
}

/** A substitution slot in a template: value `index` of the instance, normal or optional. */
export interface TSub {
  kind: 2;
  index: number;
  optional: boolean;
}

export interface TAttr {
  name: string;
  /** Literal text and substitutions, concatenated. */
  parts: (string | TSub)[];
  /** ` name="` as UTF-8, for the XML writer. */
  open: Uint8Array;
}

export interface TElem {
  kind: 1;
  name: string;
  attrs: TAttr[];
  children: TChild[];
  /** The single substitution that is the whole content, if so (arrays repeat the element then). */
  soleSub: TSub | null;
  /** `<name` and `</name>` as UTF-8, for the XML writer. */
  open: Uint8Array;
  close: Uint8Array;
  /** When every attribute is literal text: `<name a="…" b="…"` as UTF-8, else null. */
  openAll: Uint8Array | null;
}

/** A template instance met in a record body or a BinXml value (its values live in the chunk). */
export interface TInst {
  kind: 3;
  template: Template;
  descPos: number;
  count: number;
  dataPos: number;
}

export type TChild = string | TElem | TSub | TInst;

export interface Template {
  /** Chunk-relative offset of the definition. */
  offset: number;
  guid: string;
  nodes: TChild[];
}

/** Substitution values of one template instance: descriptors and the start of each value. */
interface Values {
  descPos: number;
  count: number;
  /** Absolute start of each value; `starts[count]` is the end of the last one. */
  starts: number[];
}

const NO_VALUES: Values = { descPos: 0, count: 0, starts: [0] };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Nesting limit for BinXml values inside BinXml values (real logs nest two or three deep). */
const MAX_DEPTH = 32;

function pushText(out: XmlNode[], s: string): void {
  if (s === '') return;
  const last = out.length - 1;
  if (last >= 0 && typeof out[last] === 'string') out[last] = (out[last] as string) + s;
  else out.push(s);
}

function localName(name: string): string {
  const c = name.indexOf(':');
  return c < 0 ? name : name.slice(c + 1);
}

export class ChunkDecoder {
  /** Decoded names by chunk-relative offset (the chunk's string table, filled as names are met). */
  private readonly names = new Map<number, string>();
  /** Compiled templates by chunk-relative offset (the chunk's template table), or why they failed. */
  private readonly templates = new Map<number, Template | EvtxFormatError>();
  private pos = 0;
  /** Absolute end of the structure being parsed (record body, value or template definition). */
  private limit = 0;
  private inTemplate = false;
  private depth = 0;

  constructor(
    private readonly b: Buffer,
    /** Absolute offset of the chunk in `b`. */
    private readonly base: number,
    /** Absolute end of the chunk data available in `b`. */
    private readonly end: number,
  ) {}

  /**
   * Decode the BinXml of one record (`start`..`stop`, absolute) to its root element.
   * Throws EvtxFormatError on structural damage.
   */
  decodeRecord(start: number, stop: number): XmlElement {
    const b = this.b;
    this.depth = 0;
    this.limit = stop;
    this.inTemplate = false;
    // Fast path: fragment header followed by a template instance, which is nearly every record.
    if (b[start] === 0x0f && b[start + 4] === 0x0c) {
      this.pos = start + 4;
      const inst = this.instance();
      const out: XmlNode[] = [];
      this.instantiateInst(inst, out);
      for (const n of out) if (typeof n !== 'string') return n;
      throw new EvtxFormatError('record has no root element', start);
    }
    this.pos = start;
    const nodes = this.fragment(stop);
    const out: XmlNode[] = [];
    this.instantiate(nodes, NO_VALUES, out);
    for (const n of out) if (typeof n !== 'string') return n;
    throw new EvtxFormatError('record has no root element', start);
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing (tokens → compiled nodes)

  private fail(message: string, at = this.pos): never {
    throw new EvtxFormatError(message, at);
  }

  /** Read the name at chunk-relative `rel`; `here` is the absolute position after the offset field. */
  private name(rel: number, here: number): string {
    const b = this.b;
    const abs = this.base + rel;
    if (abs + 8 > this.end || rel < 0) this.fail(`name offset 0x${rel.toString(16)} outside the chunk`, here - 4);
    const n = u16(b, abs + 6);
    const stop = abs + 8 + 2 * n;
    if (stop + 2 > this.end) this.fail(`name at chunk offset 0x${rel.toString(16)} runs past the chunk`, here - 4);
    let s = this.names.get(rel);
    if (s === undefined) {
      s = utf16(b, abs + 8, stop);
      this.names.set(rel, s);
    }
    // A name stored inline (its offset points just past the offset field) is skipped over.
    this.pos = abs === here ? stop + 2 : here;
    return s;
  }

  /** Whether `rel` can be an element name offset read at a field ending at absolute `here`. */
  private plausibleName(rel: number, here: number): boolean {
    const hereRel = here - this.base;
    return rel === hereRel || (rel >= 0x80 && rel < hereRel);
  }

  /** Top-level items until the end-of-fragment token or `stop`. */
  private fragment(stop: number): TChild[] {
    const b = this.b;
    const nodes: TChild[] = [];
    while (this.pos < stop) {
      const t = b[this.pos];
      switch (t) {
        case 0x00:
          this.pos++;
          return nodes;
        case 0x0f:
          this.pos += 4;
          break;
        case 0x01:
        case 0x41:
          nodes.push(this.element());
          break;
        case 0x0c:
          if (this.inTemplate) this.fail('template instance inside a template definition');
          nodes.push(this.instance());
          break;
        case 0x0a:
        case 0x0b:
          this.pi();
          break;
        default:
          this.fail(`unexpected BinXml token 0x${t.toString(16)} at top level`);
      }
    }
    return nodes;
  }

  private element(): TElem {
    const b = this.b;
    const p = this.pos;
    const tok = b[p];
    if (p + 11 > this.limit) this.fail('element header runs past its data');
    let here = p + 11;
    let rel = u32(b, p + 7);
    if (!this.plausibleName(rel, here)) {
      // The 2-byte dependency identifier is absent in some BinXml substitution values.
      const rel2 = u32(b, p + 5);
      if (!this.plausibleName(rel2, p + 9)) this.fail(`bad element name offset 0x${rel.toString(16)}`);
      rel = rel2;
      here = p + 9;
    }
    const name = localName(this.name(rel, here));
    const attrs: TAttr[] = [];
    if (tok & 0x40) {
      this.pos += 4; // attribute list size: the attributes are parsed token by token instead
      while ((b[this.pos] & 0xbf) === 0x06) attrs.push(this.attribute());
    }
    const el: TElem = {
      kind: 1,
      name,
      attrs,
      children: [],
      soleSub: null,
      open: nameMarkup(name).open,
      close: nameMarkup(name).close,
      openAll: attrs.length === 0 ? nameMarkup(name).open : null,
    };
    if (attrs.length !== 0 && attrs.every((a) => a.parts.every((x) => typeof x === 'string'))) {
      let tag = '<' + name;
      for (const a of attrs) tag += ' ' + a.name + '="' + escapeXmlAttr((a.parts as string[]).join('')) + '"';
      el.openAll = Buffer.from(tag, 'utf8');
    }
    const t = b[this.pos];
    if (t === 0x03) {
      this.pos++;
      return el;
    }
    if (t !== 0x02) this.fail(`expected end of start tag of <${name}>, got token 0x${t.toString(16)}`);
    this.pos++;
    this.content(el.children, name);
    if (el.children.length === 1) {
      const c = el.children[0];
      if (typeof c !== 'string' && c.kind === 2) el.soleSub = c;
    }
    return el;
  }

  private attribute(): TAttr {
    const p = this.pos;
    if (p + 5 > this.limit) this.fail('attribute runs past its data');
    const name = this.name(u32(this.b, p + 1), p + 5);
    const parts: (string | TSub)[] = [];
    this.valueParts(parts);
    return { name, parts, open: nameMarkup(name).attr };
  }

  /** Text-like tokens of an attribute value; stops at the first other token. */
  private valueParts(parts: (string | TSub)[]): void {
    const b = this.b;
    for (;;) {
      const t = b[this.pos];
      let text: string;
      switch (t) {
        case 0x05:
        case 0x45:
          text = this.valueText();
          break;
        case 0x07:
        case 0x47:
          text = this.cdata();
          break;
        case 0x08:
        case 0x48:
          text = this.charRef();
          break;
        case 0x09:
        case 0x49:
          text = this.entityRef();
          break;
        case 0x0d:
        case 0x0e:
          parts.push(this.substitution());
          continue;
        default:
          return;
      }
      const last = parts.length - 1;
      if (last >= 0 && typeof parts[last] === 'string') parts[last] = (parts[last] as string) + text;
      else if (text !== '') parts.push(text);
    }
  }

  /** Element content up to and including the end element token. */
  private content(children: TChild[], name: string): void {
    const b = this.b;
    for (;;) {
      if (this.pos >= this.limit) this.fail(`content of <${name}> runs past its data`);
      const t = b[this.pos];
      let text: string;
      switch (t) {
        case 0x04:
          this.pos++;
          return;
        case 0x01:
        case 0x41:
          children.push(this.element());
          continue;
        case 0x05:
        case 0x45:
          text = this.valueText();
          break;
        case 0x07:
        case 0x47:
          text = this.cdata();
          break;
        case 0x08:
        case 0x48:
          text = this.charRef();
          break;
        case 0x09:
        case 0x49:
          text = this.entityRef();
          break;
        case 0x0d:
        case 0x0e:
          children.push(this.substitution());
          continue;
        case 0x0c:
          if (this.inTemplate) this.fail('template instance inside a template definition');
          children.push(this.instance());
          continue;
        case 0x0a:
        case 0x0b:
          this.pi();
          continue;
        case 0x0f:
          this.pos += 4;
          continue;
        default:
          this.fail(`unexpected BinXml token 0x${t.toString(16)} in <${name}>`);
      }
      if (text === '') continue;
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === 'string') children[last] = (children[last] as string) + text;
      else children.push(text);
    }
  }

  private valueText(): string {
    const b = this.b;
    const p = this.pos;
    const type = b[p + 1];
    if (type !== T_STRING) this.fail(`value text of type 0x${type.toString(16)} (only strings are defined)`);
    const n = u16(b, p + 2);
    const stop = p + 4 + 2 * n;
    if (stop > this.limit) this.fail('value text runs past its data');
    this.pos = stop;
    return utf16(b, p + 4, stop);
  }

  private cdata(): string {
    const b = this.b;
    const p = this.pos;
    const n = u16(b, p + 1);
    const stop = p + 3 + 2 * n;
    if (stop > this.limit) this.fail('CDATA section runs past its data');
    this.pos = stop;
    return utf16(b, p + 3, stop);
  }

  private charRef(): string {
    const p = this.pos;
    this.pos = p + 3;
    return String.fromCharCode(u16(this.b, p + 1));
  }

  private entityRef(): string {
    const p = this.pos;
    const name = this.name(u32(this.b, p + 1), p + 5);
    return ENTITIES[name] ?? `&${name};`;
  }

  /** Processing instructions have no place in the event tree: skip them. */
  private pi(): void {
    const b = this.b;
    const p = this.pos;
    if (b[p] === 0x0a) this.name(u32(b, p + 1), p + 5);
    else this.pos = p + 3 + 2 * u16(b, p + 1);
  }

  private substitution(): TSub {
    const p = this.pos;
    if (!this.inTemplate) this.fail('substitution outside a template definition');
    this.pos = p + 4;
    return { kind: 2, index: u16(this.b, p + 1), optional: this.b[p] === 0x0e };
  }

  /** A template instance: definition (inline or by offset) followed by its value descriptors. */
  private instance(): TInst {
    const b = this.b;
    const p = this.pos;
    if (p + 10 > this.limit) this.fail('template instance header runs past its data');
    const defRel = u32(b, p + 6);
    let q = p + 10;
    const template = this.template(defRel, p);
    if (defRel === q - this.base) q += 24 + u32(b, q + 20); // the definition is stored inline
    if (q + 4 > this.limit) this.fail('template instance values run past their data', q);
    const count = u32(b, q);
    const descPos = q + 4;
    const dataPos = descPos + 4 * count;
    if (dataPos > this.limit) this.fail(`template instance declares ${count} values, more than fit`, q);
    let size = 0;
    for (let d = descPos; d < dataPos; d += 4) size += u16(b, d);
    if (dataPos + size > this.limit) this.fail('template instance values run past their data', q);
    this.pos = dataPos + size;
    return { kind: 3, template, descPos, count, dataPos };
  }

  /** The compiled template at chunk-relative `rel`, compiling it on first use. */
  private template(rel: number, at: number): Template {
    const cached = this.templates.get(rel);
    if (cached !== undefined) {
      if (cached instanceof EvtxFormatError) throw cached;
      return cached;
    }
    const b = this.b;
    const abs = this.base + rel;
    if (abs + 24 > this.end || rel < 0x80) this.fail(`template offset 0x${rel.toString(16)} outside the chunk`, at);
    const stop = abs + 24 + u32(b, abs + 20);
    const saved = { pos: this.pos, limit: this.limit, inTemplate: this.inTemplate };
    let t: Template;
    try {
      if (stop > this.end) this.fail(`template at chunk offset 0x${rel.toString(16)} runs past the chunk`, at);
      this.pos = abs + 24;
      this.limit = stop;
      this.inTemplate = true;
      t = { offset: rel, guid: guid(b, abs + 4), nodes: this.fragment(stop) };
    } catch (e) {
      if (e instanceof EvtxFormatError) this.templates.set(rel, e);
      throw e;
    } finally {
      this.pos = saved.pos;
      this.limit = saved.limit;
      this.inTemplate = saved.inTemplate;
    }
    this.templates.set(rel, t);
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // Instantiation (compiled nodes + values → XmlElement tree)

  private instantiateInst(inst: TInst, out: XmlNode[]): void {
    const b = this.b;
    const starts: number[] = new Array<number>(inst.count + 1);
    let s = inst.dataPos;
    for (let i = 0; i < inst.count; i++) {
      starts[i] = s;
      s += u16(b, inst.descPos + 4 * i);
    }
    starts[inst.count] = s;
    this.instantiate(inst.template.nodes, { descPos: inst.descPos, count: inst.count, starts }, out);
  }

  private instantiate(nodes: TChild[], v: Values, out: XmlNode[]): void {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (typeof n === 'string') pushText(out, n);
      else if (n.kind === 1) this.instElem(n, v, out);
      else if (n.kind === 2) this.instSub(n, v, out);
      else this.instantiateInst(n, out);
    }
  }

  private valueType(v: Values, index: number): number {
    return index < v.count ? this.b[v.descPos + 4 * index + 2] : T_NULL;
  }

  private instElem(t: TElem, v: Values, out: XmlNode[]): void {
    const s = t.soleSub;
    if (s !== null) {
      const type = this.valueType(v, s.index);
      // An element whose whole content is an optional substitution with no value is left out.
      if (type === T_NULL && s.optional) return;
      if (type & T_ARRAY) {
        // An array fills one copy of the element per item (MS-EVEN6 "Array Types").
        const items = renderArray(this.b, type, v.starts[s.index], v.starts[s.index + 1]);
        if (items.length === 0) items.push('');
        for (const item of items) {
          out.push({ name: t.name, attrs: this.instAttrs(t.attrs, v), children: item === '' ? [] : [item] });
        }
        return;
      }
    }
    const children: XmlNode[] = [];
    const el: XmlElement = { name: t.name, attrs: this.instAttrs(t.attrs, v), children };
    if (t.children.length !== 0) this.instantiate(t.children, v, children);
    out.push(el);
  }

  private instAttrs(attrs: TAttr[], v: Values): Record<string, string> {
    const a: Record<string, string> = {};
    for (let i = 0; i < attrs.length; i++) {
      const at = attrs[i];
      const parts = at.parts;
      if (parts.length === 1) {
        const p0 = parts[0];
        if (typeof p0 === 'string') a[at.name] = p0;
        else if (!(p0.optional && this.valueType(v, p0.index) === T_NULL)) a[at.name] = this.subText(p0, v);
        continue;
      }
      let s = '';
      for (const p of parts) s += typeof p === 'string' ? p : this.subText(p, v);
      a[at.name] = s;
    }
    return a;
  }

  /** A substitution value as text (attribute values; arrays joined with commas). */
  private subText(sub: TSub, v: Values): string {
    const i = sub.index;
    if (i >= v.count) return '';
    const type = this.b[v.descPos + 4 * i + 2];
    const start = v.starts[i];
    const stop = v.starts[i + 1];
    if (type & T_ARRAY) return renderArray(this.b, type, start, stop).join(',');
    if (type === T_BINXML) {
      const tmp: XmlNode[] = [];
      this.binXmlValue(start, stop, tmp);
      let s = '';
      for (const n of tmp) if (typeof n === 'string') s += n;
      return s;
    }
    return renderScalar(this.b, type, start, stop);
  }

  private instSub(sub: TSub, v: Values, out: XmlNode[]): void {
    const i = sub.index;
    if (i >= v.count) return;
    const type = this.b[v.descPos + 4 * i + 2];
    if (type === T_NULL) return;
    const start = v.starts[i];
    const stop = v.starts[i + 1];
    if (type === T_BINXML) this.binXmlValue(start, stop, out);
    else if (type & T_ARRAY) pushText(out, renderArray(this.b, type, start, stop).join(','));
    else pushText(out, renderScalar(this.b, type, start, stop));
  }

  /** A BinXml (0x21) substitution value: a fragment, template instance or element of its own. */
  private binXmlValue(start: number, stop: number, out: XmlNode[]): void {
    if (stop <= start) return;
    if (++this.depth > MAX_DEPTH) this.fail('BinXml values nested too deep', start);
    const saved = { pos: this.pos, limit: this.limit, inTemplate: this.inTemplate };
    try {
      this.pos = start;
      this.limit = stop;
      this.inTemplate = false;
      const nodes = this.fragment(stop);
      this.instantiate(nodes, NO_VALUES, out);
    } finally {
      this.pos = saved.pos;
      this.limit = saved.limit;
      this.inTemplate = saved.inTemplate;
      this.depth--;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Direct XML (compiled nodes + values → UTF-8 bytes), the same rendering as toXml(tree)

  /** Decode the BinXml of one record straight to XML text in `out`. Throws EvtxFormatError. */
  decodeRecordXml(start: number, stop: number, out: XmlOut): void {
    const b = this.b;
    this.depth = 0;
    this.limit = stop;
    this.inTemplate = false;
    if (b[start] === 0x0f && b[start + 4] === 0x0c) {
      this.pos = start + 4;
      const inst = this.instance();
      const nodes = inst.template.nodes;
      if (nodes.length === 1 && typeof nodes[0] !== 'string' && nodes[0].kind === 1) {
        this.xmlInst(inst, out);
        return;
      }
    }
    // Anything but a template with a single root element: print the tree, which keeps only the
    // first root element, so both renderings always agree.
    out.raw(toXml(this.decodeRecord(start, stop)));
  }

  private xmlInst(inst: TInst, out: XmlOut): void {
    const b = this.b;
    const starts: number[] = new Array<number>(inst.count + 1);
    let s = inst.dataPos;
    for (let i = 0; i < inst.count; i++) {
      starts[i] = s;
      s += u16(b, inst.descPos + 4 * i);
    }
    starts[inst.count] = s;
    this.xmlNodes(inst.template.nodes, { descPos: inst.descPos, count: inst.count, starts }, out);
  }

  private xmlNodes(nodes: TChild[], v: Values, out: XmlOut): void {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (typeof n === 'string') out.text(n, false);
      else if (n.kind === 1) this.xmlElem(n, v, out);
      else if (n.kind === 2) this.xmlSub(n, v, out);
      else this.xmlInst(n, out);
    }
  }

  private xmlElem(t: TElem, v: Values, out: XmlOut): void {
    const s = t.soleSub;
    if (s !== null) {
      const type = this.valueType(v, s.index);
      if (type === T_NULL && s.optional) return;
      if (type & T_ARRAY) {
        const items = renderArray(this.b, type, v.starts[s.index], v.starts[s.index + 1]);
        if (items.length === 0) items.push('');
        for (const item of items) {
          this.xmlStartTag(t, v, out);
          if (item === '') {
            out.byte(0x2f);
            out.byte(0x3e);
          } else {
            out.byte(0x3e);
            out.text(item, false);
            out.bytes(t.close);
          }
        }
        return;
      }
    }
    this.xmlStartTag(t, v, out);
    out.byte(0x3e);
    const mark = out.pos;
    if (s !== null) this.xmlSub(s, v, out);
    else if (t.children.length !== 0) this.xmlNodes(t.children, v, out);
    if (out.pos === mark) {
      // No content: `<X/>`, like toXml.
      out.pos = mark - 1;
      out.byte(0x2f);
      out.byte(0x3e);
    } else out.bytes(t.close);
  }

  /** `<name` and the attributes, without the closing `>`. */
  private xmlStartTag(t: TElem, v: Values, out: XmlOut): void {
    if (t.openAll !== null) out.bytes(t.openAll);
    else {
      out.bytes(t.open);
      this.xmlAttrs(t.attrs, v, out);
    }
  }

  private xmlAttrs(attrs: TAttr[], v: Values, out: XmlOut): void {
    for (let i = 0; i < attrs.length; i++) {
      const at = attrs[i];
      const parts = at.parts;
      if (parts.length === 1) {
        const p0 = parts[0];
        if (typeof p0 !== 'string' && p0.optional && this.valueType(v, p0.index) === T_NULL) continue;
      }
      out.bytes(at.open);
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j];
        if (typeof p === 'string') out.text(p, true);
        else this.xmlSubText(p, v, out, true);
      }
      out.byte(0x22);
    }
  }

  /** A substitution value as escaped text (attributes, or element content that is not BinXml). */
  private xmlSubText(sub: TSub, v: Values, out: XmlOut, attr: boolean): void {
    const i = sub.index;
    if (i >= v.count) return;
    const type = this.b[v.descPos + 4 * i + 2];
    if (type === T_STRING) out.utf16(this.b, v.starts[i], v.starts[i + 1], attr);
    else if (type === T_ANSI || type & T_ARRAY || type === T_BINXML) out.text(this.subText(sub, v), attr);
    // Every other type renders to ASCII with nothing to escape.
    else if (type !== T_NULL) out.ascii(renderScalar(this.b, type, v.starts[i], v.starts[i + 1]));
  }

  private xmlSub(sub: TSub, v: Values, out: XmlOut): void {
    const i = sub.index;
    if (i >= v.count) return;
    if (this.b[v.descPos + 4 * i + 2] === T_BINXML) this.xmlBinXmlValue(v.starts[i], v.starts[i + 1], out);
    else this.xmlSubText(sub, v, out, false);
  }

  private xmlBinXmlValue(start: number, stop: number, out: XmlOut): void {
    if (stop <= start) return;
    if (++this.depth > MAX_DEPTH) this.fail('BinXml values nested too deep', start);
    const saved = { pos: this.pos, limit: this.limit, inTemplate: this.inTemplate };
    try {
      this.pos = start;
      this.limit = stop;
      this.inTemplate = false;
      this.xmlNodes(this.fragment(stop), NO_VALUES, out);
    } finally {
      this.pos = saved.pos;
      this.limit = saved.limit;
      this.inTemplate = saved.inTemplate;
      this.depth--;
    }
  }
}
