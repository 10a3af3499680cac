/**
 * The only way the UI makes DOM: elements by createElement, text by text nodes, attributes from
 * an allowlist. No HTML string is ever parsed (eslint forbids innerHTML and friends in this
 * folder), so a value from an event, a rule or a note is always shown as the text it is.
 */
import type { MdNode, MdPlugin } from './lib/markdown.js';
import { safeHref } from './lib/url.js';

export type Child = Node | string | number | null | undefined | false | Child[];

type Listener<K extends keyof HTMLElementEventMap> = (ev: HTMLElementEventMap[K]) => void;

export interface Props {
  class?: string | Array<string | false | null | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: Listener<K> };
  /** Attribute values; `href` must be an in-app `#/…` route or a safe absolute URL. */
  [attr: string]: unknown;
}

// Attributes that load or run something, or style inline (CSP forbids it): never set from here.
const FORBIDDEN = /^(on|style$|srcdoc$|src$|formaction$|action$|xlink:href$)/i;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (key === 'on') {
        for (const [type, fn] of Object.entries(value as Record<string, EventListener>)) el.addEventListener(type, fn);
        continue;
      }
      if (key === 'class') {
        const cls = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value ?? '');
        if (cls) el.className = cls;
        continue;
      }
      if (FORBIDDEN.test(key)) throw new Error(`h(): attribute ${key} is not allowed`);
      if (value === undefined || value === null || value === false) continue;
      if (key === 'href') {
        const href = internalOrSafe(value);
        if (href) el.setAttribute('href', href);
        continue;
      }
      if (key === 'value' && 'value' in el) {
        (el as HTMLInputElement).value = String(value);
        continue;
      }
      if (key === 'checked' && el instanceof HTMLInputElement) {
        el.checked = value === true;
        continue;
      }
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** `#/…` routes of the app, or what safeHref accepts. */
function internalOrSafe(v: unknown): string | null {
  if (typeof v === 'string' && /^#\/[^\s]*$/.test(v)) return v;
  return safeHref(v);
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** An external link that opens in a new tab without giving it a handle on this page. */
export function extLink(href: string | null, ...children: Child[]): HTMLElement {
  if (!href) return h('span', null, ...children);
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, ...children);
}

/** Markdown nodes to DOM; plugin markers are drawn by `plugin`. */
export function renderMarkdown(nodes: MdNode[], plugin: (p: MdPlugin) => Node): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const n of nodes) frag.appendChild(mdNode(n, plugin));
  return frag;
}

function mdNode(n: MdNode, plugin: (p: MdPlugin) => Node): Node {
  if (typeof n === 'string') return document.createTextNode(n);
  if (n.tag === 'plugin') return plugin(n);
  const el = document.createElement(n.tag);
  if (n.tag === 'a') {
    const href = safeHref(n.attrs?.href);
    if (href) {
      el.setAttribute('href', href);
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
  }
  if (n.tag === 'ol' && n.attrs?.start && /^\d+$/.test(n.attrs.start)) el.setAttribute('start', n.attrs.start);
  if ((n.tag === 'th' || n.tag === 'td') && n.attrs?.align) el.className = `align-${n.attrs.align}`;
  for (const c of n.children) el.appendChild(mdNode(c, plugin));
  return el;
}

/** Replaces an element's content. */
export function setContent(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A message line for empty states and errors. */
export function message(kind: 'empty' | 'error' | 'loading', text: string): HTMLElement {
  return h('p', { class: ['msg', `msg-${kind}`], role: kind === 'error' ? 'alert' : undefined }, text);
}
