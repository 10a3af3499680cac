/** A collapsible, searchable JSON tree (the whole event on the alert page, events of pivots). */
import { h } from '../dom.js';
import { entries, leafText, pathKey, searchTree } from '../lib/json.js';

interface Entry {
  li: HTMLLIElement;
  details?: HTMLDetailsElement;
  key: HTMLElement;
  keyText: string;
  value?: HTMLElement;
  valueText: string;
  /** Long strings show their start until expanded (by the user or by a search hit inside). */
  more?: HTMLButtonElement;
  expanded: boolean;
  depthOpen: boolean;
}

/** Text with every case-insensitive occurrence of `term` in <mark>, as nodes (never HTML). */
export function highlight(text: string, term: string): Node[] {
  const t = term.trim().toLowerCase();
  if (!t) return [document.createTextNode(text)];
  const out: Node[] = [];
  const lower = text.toLowerCase();
  let i = 0;
  for (;;) {
    const k = lower.indexOf(t, i);
    if (k < 0) break;
    if (k > i) out.push(document.createTextNode(text.slice(i, k)));
    out.push(h('mark', null, text.slice(k, k + t.length)));
    i = k + t.length;
  }
  if (i < text.length) out.push(document.createTextNode(text.slice(i)));
  return out;
}

function typeClass(v: unknown): string {
  if (v === null) return 'jt-null';
  if (typeof v === 'string') return 'jt-string';
  if (typeof v === 'number') return 'jt-number';
  if (typeof v === 'boolean') return 'jt-bool';
  return 'jt-other';
}

/** Strings longer than this show their first part until expanded. */
const LONG = 600;

function showValue(e: Entry, term: string): void {
  if (!e.value) return;
  const text = e.expanded ? e.valueText : `${e.valueText.slice(0, 240)}…`;
  e.value.replaceChildren(...highlight(text, term));
  if (e.more) e.more.textContent = e.expanded ? 'less' : `all ${e.valueText.length} characters`;
}

export interface JsonTreeOptions {
  /** Levels open at first (default 2). */
  openDepth?: number;
  /** Show the search box (default true). */
  search?: boolean;
  label?: string;
  /** Top-level keys to start closed whatever the depth (e.g. Kibana's long `kibana.*` blocks). */
  closed?: (key: string) => boolean;
}

export function jsonTree(doc: unknown, opts: JsonTreeOptions = {}): HTMLElement {
  const openDepth = opts.openDepth ?? 2;
  const index = new Map<string, Entry>();

  const node = (key: string | number, v: unknown, segs: (string | number)[], depth: number): HTMLLIElement => {
    const path = pathKey(segs);
    const keyText = typeof key === 'number' ? `[${key}]` : key;
    const keyEl = h('span', { class: 'jt-key' }, keyText);
    if (v && typeof v === 'object') {
      const startOpen = depth < openDepth && !(depth === 0 && opts.closed?.(String(key)));
      const kids = entries(v);
      const ul = h('ul', { role: 'group' });
      for (const [k, c] of kids) ul.appendChild(node(k, c, [...segs, k], depth + 1));
      const meta = Array.isArray(v) ? `[${kids.length}]` : `{${kids.length}}`;
      const details = h(
        'details',
        { open: startOpen },
        h('summary', null, keyEl, ' ', h('span', { class: 'jt-meta' }, meta)),
        ul,
      );
      const li = h('li', { role: 'treeitem' }, details);
      index.set(path, { li, details, key: keyEl, keyText, valueText: '', depthOpen: startOpen, expanded: true });
      return li;
    }
    const valueText = leafText(v);
    const value = h('span', { class: ['jt-val', typeClass(v)] });
    const li = h('li', { role: 'treeitem' }, keyEl, h('span', { class: 'jt-colon' }, ': '), value);
    const entry: Entry = {
      li,
      key: keyEl,
      keyText,
      value,
      valueText,
      depthOpen: true,
      expanded: valueText.length <= LONG,
    };
    if (!entry.expanded) {
      entry.more = h('button', { type: 'button', class: 'btn btn-small jt-more' });
      entry.more.addEventListener('click', () => {
        entry.expanded = !entry.expanded;
        showValue(entry, currentTerm);
      });
      li.appendChild(entry.more);
    }
    showValue(entry, '');
    index.set(path, entry);
    return li;
  };

  const root = h('ul', { class: 'jt-root', role: 'tree', 'aria-label': opts.label ?? 'JSON document' });
  if (doc && typeof doc === 'object') for (const [k, c] of entries(doc)) root.appendChild(node(k, c, [k], 0));
  else root.appendChild(h('li', null, h('span', { class: ['jt-val', typeClass(doc)] }, leafText(doc))));

  const hits = h('span', { class: 'jt-hits', 'aria-live': 'polite' });
  const setAll = (open: boolean) => {
    for (const e of index.values()) if (e.details) e.details.open = open;
  };
  let currentTerm = '';
  const apply = (term: string) => {
    currentTerm = term;
    const { shown, hits: n } = searchTree(doc, term);
    const active = term.trim() !== '';
    for (const [path, e] of index) {
      e.li.hidden = active && !shown.has(path);
      if (e.details) e.details.open = active ? shown.has(path) : e.depthOpen;
      e.key.replaceChildren(...highlight(e.keyText, active ? term : ''));
      if (e.more && active && e.valueText.toLowerCase().includes(term.trim().toLowerCase())) e.expanded = true;
      showValue(e, active ? term : '');
    }
    hits.textContent = active ? `${n} match${n === 1 ? '' : 'es'}` : '';
  };

  const wrap = h('div', { class: 'jsontree' });
  if (opts.search !== false) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const input = h('input', {
      type: 'search',
      class: 'jt-search',
      placeholder: 'Search fields and values',
      'aria-label': 'Search the event',
      on: {
        input: () => {
          clearTimeout(timer);
          timer = setTimeout(() => apply(input.value), 120);
        },
      },
    });
    wrap.appendChild(
      h(
        'div',
        { class: 'jt-tools' },
        input,
        h('button', { type: 'button', class: 'btn btn-small', on: { click: () => setAll(true) } }, 'Expand all'),
        h('button', { type: 'button', class: 'btn btn-small', on: { click: () => setAll(false) } }, 'Collapse all'),
        hits,
      ),
    );
  }
  wrap.appendChild(root);
  return wrap;
}
