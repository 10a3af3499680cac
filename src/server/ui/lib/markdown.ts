/**
 * A small, safe markdown renderer for investigation guides. It produces a tree of plain data
 * (allowed tags, text strings, plugin markers) that the DOM layer turns into elements with
 * createElement/textContent only, so nothing in a guide is ever parsed as HTML: raw HTML shows
 * as text, links keep only http(s)/mailto targets, images become links.
 *
 * Covers what rule notes use (CommonMark's everyday subset plus GFM tables, strikethrough and
 * autolinks): ATX and setext headings, paragraphs, nested bullet and ordered lists (tight and
 * loose), fenced code, block quotes, thematic breaks, code spans, emphasis, links, hard breaks.
 * Kibana's `!{investigate{…}}` (and its older name `!{insight{…}}`) and `!{osquery{…}}` markers
 * become plugin nodes, read with the brace counting of Kibana's markdown tokenizer.
 */
import { safeHref } from './url.js';

export type MdTag =
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'p'
  | 'ul'
  | 'ol'
  | 'li'
  | 'pre'
  | 'code'
  | 'blockquote'
  | 'hr'
  | 'br'
  | 'strong'
  | 'em'
  | 'del'
  | 'a'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tr'
  | 'th'
  | 'td';

export interface MdElement {
  tag: MdTag;
  /** Only `href` (already checked by safeHref), `start` (ol) and `align` (th, td). */
  attrs?: { href?: string; start?: string; align?: 'left' | 'center' | 'right' };
  children: MdNode[];
}

export interface MdPlugin {
  tag: 'plugin';
  plugin: 'investigate' | 'osquery';
  /** Position among the markers of the same plugin in the guide, from 0. */
  occurrence: number;
  label: string;
  description: string;
  config: Record<string, unknown> | null;
  /** Set when the configuration is not a JSON object (Kibana shows an error there). */
  error?: string;
}

export type MdNode = string | MdElement | MdPlugin;

// Private-use characters stand in for plugin markers while the text is parsed.
const OPEN = '\uE000';
const CLOSE = '\uE001';

const PREFIXES: Array<[string, MdPlugin['plugin']]> = [
  ['!{investigate', 'investigate'],
  ['!{insight', 'investigate'],
  ['!{osquery', 'osquery'],
];

interface Extracted {
  text: string;
  plugins: MdPlugin[];
  sources: string[];
}

/** Replaces plugin markers with placeholders, counting braces the way Kibana's tokenizer does. */
function extractPlugins(input: string): Extracted {
  const src = input.replace(/[\uE000\uE001]/g, '\uFFFD');
  const plugins: MdPlugin[] = [];
  const sources: string[] = [];
  const counts = { investigate: 0, osquery: 0 };
  let out = '';
  let i = 0;
  while (i < src.length) {
    const at = src.indexOf('!{', i);
    if (at < 0) break;
    const hit = PREFIXES.find(([p]) => src.startsWith(p, at));
    if (!hit || src[at + hit[0].length] !== '{') {
      out += src.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    const [prefix, plugin] = hit;
    let depth = 0;
    let j = at + prefix.length;
    for (; j < src.length; j++) {
      const c = src[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === -1) break;
      }
    }
    const end = Math.min(j + 1, src.length);
    const configText = src.slice(at + prefix.length, j);
    const node: MdPlugin = {
      tag: 'plugin',
      plugin,
      occurrence: counts[plugin]++,
      label: '',
      description: '',
      config: null,
    };
    try {
      const parsed: unknown = JSON.parse(configText);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        node.config = parsed as Record<string, unknown>;
      else node.error = 'the configuration is not a JSON object';
    } catch (e) {
      node.error = `invalid configuration: ${(e as Error).message}`;
    }
    const label = node.config?.label;
    const description = node.config?.description;
    node.label = typeof label === 'string' && label ? label : plugin === 'osquery' ? 'Osquery' : 'Investigate';
    node.description = typeof description === 'string' ? description : '';
    out += src.slice(i, at) + OPEN + plugins.length + CLOSE;
    plugins.push(node);
    sources.push(src.slice(at, end));
    i = end;
  }
  return { text: out + src.slice(i), plugins, sources };
}

/** Parses markdown into a tree of safe nodes. */
export function parseMarkdown(markdown: string): MdNode[] {
  const ex = extractPlugins(markdown.replace(/\r\n?/g, '\n').replace(/\t/g, '    '));
  return new BlockParser(ex).blocks(ex.text.split('\n'));
}

/** The plugin nodes of a tree, in document order. */
export function pluginsOf(nodes: MdNode[]): MdPlugin[] {
  const out: MdPlugin[] = [];
  const walk = (ns: MdNode[]) => {
    for (const n of ns) {
      if (typeof n === 'string') continue;
      if (n.tag === 'plugin') out.push(n);
      else walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const ATX = /^ {0,3}(#{1,6})(?:[ ]+|$)(.*)$/;
const HR = /^ {0,3}([-*_])(?:[ ]*\1){2,}[ ]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)(.*)$/;
const TABLE_DELIM = /^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const SETEXT = /^ {0,3}(=+|-+)\s*$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (s[i] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += s[i];
  }
  cells.push(cur.trim());
  return cells;
}

class BlockParser {
  constructor(private readonly ex: Extracted) {}

  /** Puts marker source text back, for code where markers are not plugins. */
  private restore(text: string): string {
    return text.replace(/\uE000(\d+)\uE001/g, (_, n: string) => this.ex.sources[Number(n)] ?? '');
  }

  /** Does this line start a block that interrupts a paragraph? */
  private interrupts(line: string): boolean {
    if (FENCE.test(line) || ATX.test(line) || HR.test(line) || QUOTE.test(line)) return true;
    const m = LIST.exec(line);
    // An ordered list interrupts a paragraph only when it starts at 1, and no empty item does.
    return !!m && m[4].trim() !== '' && (/^[-*+]$/.test(m[2]) || /^1[.)]$/.test(m[2]));
  }

  blocks(lines: string[]): MdNode[] {
    const out: MdNode[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (isBlank(line)) {
        i++;
        continue;
      }
      const fence = FENCE.exec(line);
      if (fence) {
        const [, indent, marker] = fence;
        const body: string[] = [];
        i++;
        while (i < lines.length) {
          const l = lines[i];
          const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(l);
          if (close && close[1][0] === marker[0] && close[1].length >= marker.length) {
            i++;
            break;
          }
          // Remove up to the fence's indentation from each content line.
          body.push(l.slice(Math.min(indentOf(l), indent.length)));
          i++;
        }
        const code: MdElement = { tag: 'code', children: [this.restore(body.join('\n'))] };
        out.push({ tag: 'pre', children: [code] });
        continue;
      }
      const atx = ATX.exec(line);
      if (atx) {
        const text = atx[2].replace(/(?:^|\s+)#+\s*$/, '').trim();
        out.push({ tag: `h${atx[1].length}` as MdTag, children: this.inline(text) });
        i++;
        continue;
      }
      if (HR.test(line)) {
        out.push({ tag: 'hr', children: [] });
        i++;
        continue;
      }
      if (QUOTE.test(line)) {
        const inner: string[] = [];
        while (i < lines.length && !isBlank(lines[i])) {
          const l = lines[i];
          if (QUOTE.test(l)) inner.push(l.replace(QUOTE, ''));
          else if (inner.length && !this.interrupts(l))
            inner.push(l); // lazy continuation
          else break;
          i++;
        }
        out.push({ tag: 'blockquote', children: this.blocks(inner) });
        continue;
      }
      if (LIST.test(line)) {
        i = this.list(lines, i, out);
        continue;
      }
      if (line.includes('|') && i + 1 < lines.length && TABLE_DELIM.test(lines[i + 1])) {
        const head = splitRow(line);
        const delims = splitRow(lines[i + 1]);
        if (head.length === delims.length) {
          i = this.table(lines, i, head, delims, out);
          continue;
        }
      }
      // Paragraph (or setext heading).
      const para: string[] = [line];
      i++;
      let heading: MdTag | null = null;
      while (i < lines.length && !isBlank(lines[i])) {
        const setext = SETEXT.exec(lines[i]);
        if (setext) {
          heading = setext[1][0] === '=' ? 'h1' : 'h2';
          i++;
          break;
        }
        if (this.interrupts(lines[i])) break;
        para.push(lines[i]);
        i++;
      }
      const text = para.map((l) => l.trimStart()).join('\n');
      out.push({ tag: heading ?? 'p', children: this.inline(heading ? text.trim() : text.replace(/\s+$/, '')) });
    }
    return out;
  }

  private list(lines: string[], start: number, out: MdNode[]): number {
    const first = LIST.exec(lines[start]) as RegExpExecArray;
    const ordered = /\d/.test(first[2]);
    const delim = first[2].slice(-1);
    const items: MdElement[] = [];
    let loose = false;
    let i = start;
    while (i < lines.length) {
      const m = LIST.exec(lines[i]);
      if (!m || /\d/.test(m[2]) !== ordered || m[2].slice(-1) !== delim) break;
      const [, indent, marker, spaces, rest] = m;
      // Content starts after the marker and its spaces (one space when there are five or more).
      const pad = spaces.length >= 5 || rest === '' ? 1 : spaces.length;
      const contentIndent = indent.length + marker.length + pad;
      const itemLines = [spaces.length >= 5 ? ' '.repeat(spaces.length - 1) + rest : rest];
      i++;
      let sawBlank = false;
      while (i < lines.length) {
        const l = lines[i];
        if (isBlank(l)) {
          itemLines.push('');
          sawBlank = true;
          i++;
          continue;
        }
        if (indentOf(l) >= contentIndent) {
          itemLines.push(l.slice(contentIndent));
          i++;
          continue;
        }
        const prev = itemLines[itemLines.length - 1];
        // Lazy continuation of the item's last paragraph.
        if (!sawBlank && prev !== '' && !this.interrupts(l) && !LIST.test(l)) {
          itemLines.push(l.trimStart());
          i++;
          continue;
        }
        break;
      }
      // Blank lines at the end of an item belong between items: they make the list loose only
      // when another item follows.
      let trailing = 0;
      while (itemLines.length && itemLines[itemLines.length - 1] === '') {
        itemLines.pop();
        trailing++;
      }
      if (this.blankBetweenChildren(itemLines)) loose = true;
      items.push({ tag: 'li', children: this.blocks(itemLines) });
      const next = i < lines.length ? LIST.exec(lines[i]) : null;
      if (trailing > 0 && next && /\d/.test(next[2]) === ordered && next[2].slice(-1) === delim) loose = true;
    }
    if (!loose) {
      // Tight lists show their paragraphs without <p>.
      for (const li of items)
        li.children = li.children.flatMap((c) => (typeof c !== 'string' && c.tag === 'p' ? c.children : [c]));
    }
    const el: MdElement = { tag: ordered ? 'ol' : 'ul', children: items };
    const n = ordered ? Number(first[2].slice(0, -1)) : 1;
    if (ordered && n !== 1) el.attrs = { start: String(n) };
    out.push(el);
    return i;
  }

  /**
   * A blank line followed by more of the item's own text makes the list loose. (Approximation:
   * blank lines between the items of a nested list, or inside fenced code, do not count.)
   */
  private blankBetweenChildren(itemLines: string[]): boolean {
    let fenced = false;
    for (let k = 0; k < itemLines.length - 1; k++) {
      if (FENCE.test(itemLines[k]) || /^ {0,3}(`{3,}|~{3,})\s*$/.test(itemLines[k])) fenced = !fenced;
      if (fenced || itemLines[k] !== '') continue;
      const next = itemLines.slice(k + 1).find((l) => l !== '');
      if (next !== undefined && indentOf(next) === 0 && !LIST.test(next)) return true;
    }
    return false;
  }

  private table(lines: string[], start: number, head: string[], delims: string[], out: MdNode[]): number {
    const align = delims.map((d) => {
      const l = d.startsWith(':');
      const r = d.endsWith(':');
      return l && r ? 'center' : r ? 'right' : l ? 'left' : undefined;
    });
    const cell = (tag: 'th' | 'td', text: string, k: number): MdElement => {
      const el: MdElement = { tag, children: this.inline(text) };
      const a = align[k];
      if (a) el.attrs = { align: a };
      return el;
    };
    const thead: MdElement = {
      tag: 'thead',
      children: [{ tag: 'tr', children: head.map((h, k) => cell('th', h, k)) }],
    };
    const rows: MdElement[] = [];
    let i = start + 2;
    while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|') && !this.interrupts(lines[i])) {
      const cells = splitRow(lines[i]);
      rows.push({ tag: 'tr', children: head.map((_, k) => cell('td', cells[k] ?? '', k)) });
      i++;
    }
    const children: MdNode[] = [thead];
    if (rows.length) children.push({ tag: 'tbody', children: rows });
    out.push({ tag: 'table', children });
    return i;
  }

  inline(text: string): MdNode[] {
    return new InlineParser(text, this.ex, (t) => this.restore(t)).parse();
  }
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const BARE_URL = /^https?:\/\/[^\s<]*[^\s<?!.,:;*_~)'"\]]/;

class InlineParser {
  private out: MdNode[] = [];
  private buf = '';
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly ex: Extracted,
    private readonly restore: (t: string) => string,
  ) {}

  private flush(): void {
    if (this.buf) this.out.push(this.buf);
    this.buf = '';
  }

  private push(node: MdNode): void {
    this.flush();
    this.out.push(node);
  }

  parse(): MdNode[] {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '\\') {
        const n = s[this.i + 1];
        if (n === '\n') {
          this.push({ tag: 'br', children: [] });
          this.i += 2;
        } else if (n !== undefined && PUNCT.test(n)) {
          this.buf += n;
          this.i += 2;
        } else {
          this.buf += c;
          this.i++;
        }
        continue;
      }
      if (c === '\n') {
        // Two or more spaces before a line end are a hard break.
        if (/ {2,}$/.test(this.buf)) {
          this.buf = this.buf.replace(/ +$/, '');
          this.push({ tag: 'br', children: [] });
        } else {
          this.buf = this.buf.replace(/ +$/, '');
          this.buf += '\n';
        }
        this.i++;
        continue;
      }
      if (c === '`' && this.codeSpan()) continue;
      if (c === OPEN && this.plugin()) continue;
      if (c === '!' && s[this.i + 1] === '[') {
        this.i++;
        if (this.link(true)) continue;
        this.buf += '!';
        continue;
      }
      if (c === '[' && this.link(false)) continue;
      if (c === '<' && this.autolink()) continue;
      if ((c === 'h' || c === 'H') && this.bareUrl()) continue;
      if ((c === '*' || c === '_' || c === '~') && this.emphasis(c)) continue;
      this.buf += c;
      this.i++;
    }
    this.flush();
    return this.out;
  }

  private codeSpan(): boolean {
    const s = this.s;
    let n = 0;
    while (s[this.i + n] === '`') n++;
    const fence = '`'.repeat(n);
    let j = this.i + n;
    for (;;) {
      const k = s.indexOf(fence, j);
      if (k < 0) {
        // No closing run: the backticks are text.
        this.buf += fence;
        this.i += n;
        return true;
      }
      let m = 0;
      while (s[k + m] === '`') m++;
      if (m === n) {
        let code = s.slice(this.i + n, k).replace(/\n/g, ' ');
        if (code.length > 1 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '')
          code = code.slice(1, -1);
        this.push({ tag: 'code', children: [this.restore(code)] });
        this.i = k + n;
        return true;
      }
      j = k + m;
    }
  }

  private plugin(): boolean {
    const m = /^\uE000(\d+)\uE001/.exec(this.s.slice(this.i, this.i + 16));
    if (!m) return false;
    const p = this.ex.plugins[Number(m[1])];
    if (!p) return false;
    this.push(p);
    this.i += m[0].length;
    return true;
  }

  /** `[text](dest "title")`; images (`![alt](src)`) become links to their source. */
  private link(image: boolean): boolean {
    const s = this.s;
    const open = this.i;
    let depth = 0;
    let j = open;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '`') {
        let n = 0;
        while (s[j + n] === '`') n++;
        const close = s.indexOf('`'.repeat(n), j + n);
        if (close > 0) j = close + n - 1;
        continue;
      }
      if (c === '[') depth++;
      else if (c === ']') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (j >= s.length || s[j + 1] !== '(') return false;
    const label = s.slice(open + 1, j);
    let k = j + 2;
    while (s[k] === ' ' || s[k] === '\n') k++;
    let dest = '';
    if (s[k] === '<') {
      const close = s.indexOf('>', k);
      if (close < 0 || s.slice(k, close).includes('\n')) return false;
      dest = s.slice(k + 1, close);
      k = close + 1;
    } else {
      let parens = 0;
      const startDest = k;
      for (; k < s.length; k++) {
        const c = s[k];
        if (c === '\\' && k + 1 < s.length) {
          k++;
          continue;
        }
        if (c === '(') parens++;
        else if (c === ')') {
          if (parens === 0) break;
          parens--;
        } else if (c === ' ' || c === '\n') break;
      }
      dest = s.slice(startDest, k).replace(/\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g, '$1');
    }
    while (s[k] === ' ' || s[k] === '\n') k++;
    // An optional title, which the UI does not show.
    if (s[k] === '"' || s[k] === "'" || s[k] === '(') {
      const close = s.indexOf(s[k] === '(' ? ')' : s[k], k + 1);
      if (close < 0) return false;
      k = close + 1;
      while (s[k] === ' ' || s[k] === '\n') k++;
    }
    if (s[k] !== ')') return false;
    const href = safeHref(this.restore(dest));
    const children = image ? [label] : new InlineParser(label, this.ex, this.restore).parse();
    if (href) this.push({ tag: 'a', attrs: { href }, children });
    else {
      // An unsafe or relative target: keep the text, drop the link.
      this.flush();
      this.out.push(...children);
    }
    this.i = k + 1;
    return true;
  }

  private autolink(): boolean {
    const rest = this.s.slice(this.i);
    const m = /^<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/.exec(rest);
    const email =
      /^<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/.exec(
        rest,
      );
    const hit = m ?? email;
    if (!hit) return false;
    const text = hit[1];
    const href = safeHref(m ? text : `mailto:${text}`);
    if (href) this.push({ tag: 'a', attrs: { href }, children: [text] });
    else this.buf += hit[0];
    this.i += hit[0].length;
    return true;
  }

  private bareUrl(): boolean {
    // GFM autolinks start at a word boundary.
    if (this.buf.length && !/[\s(*_~]/.test(this.buf[this.buf.length - 1])) return false;
    const m = BARE_URL.exec(this.s.slice(this.i));
    if (!m) return false;
    const href = safeHref(this.restore(m[0]));
    if (!href) return false;
    this.push({ tag: 'a', attrs: { href }, children: [this.restore(m[0])] });
    this.i += m[0].length;
    return true;
  }

  /** `*em*`, `_em_`, `**strong**`, `__strong__`, `~~del~~`. */
  private emphasis(c: string): boolean {
    const s = this.s;
    let n = 0;
    while (s[this.i + n] === c) n++;
    if (c === '~' && n !== 2) return false;
    const before = this.i > 0 ? s[this.i - 1] : ' ';
    const after = s[this.i + n] ?? ' ';
    // Opening runs are left-flanking; `_` also never opens inside a word (snake_case).
    if (/\s/.test(after)) return false;
    if (c === '_' && /[\p{L}\p{N}]/u.test(before)) return false;
    const width = c === '~' ? 2 : n >= 2 ? 2 : 1;
    const delim = c.repeat(width);
    const start = this.i + width;
    for (let j = start + 1; j <= s.length - width; j++) {
      const ch = s[j];
      if (ch === '\\') {
        j++;
        continue;
      }
      if (ch === '`') {
        let m = 0;
        while (s[j + m] === '`') m++;
        const close = s.indexOf('`'.repeat(m), j + m);
        if (close > 0) j = close + m - 1;
        continue;
      }
      if (!s.startsWith(delim, j)) continue;
      // A closing run of exactly this width (single `*` must not be half of `**`).
      let runStart = j;
      while (runStart > start && s[runStart - 1] === c) runStart--;
      let runEnd = j;
      while (s[runEnd] === c) runEnd++;
      if (width === 1 && runEnd - runStart !== 1) {
        j = runEnd - 1;
        continue;
      }
      if (/\s/.test(s[j - 1])) continue;
      const next = s[j + width] ?? ' ';
      if (c === '_' && /[\p{L}\p{N}]/u.test(next)) continue;
      const inner = s.slice(start, j);
      if (!inner) return false;
      const tag: MdTag = c === '~' ? 'del' : width === 2 ? 'strong' : 'em';
      this.push({ tag, children: new InlineParser(inner, this.ex, this.restore).parse() });
      this.i = j + width;
      return true;
    }
    return false;
  }
}
