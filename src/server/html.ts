/**
 * The investigation guide as HTML for the UI: the note's markdown rendered by markdown-it with raw
 * HTML disabled (every `<` from the note is escaped, links are restricted to safe schemes), and
 * each `!{investigate…}` plugin replaced by a `<button data-pivot="N">` whose label and title are
 * escaped. The title carries the pivot's query filled from the alert, so event values do reach
 * this HTML — always escaped.
 */
import MarkdownIt from 'markdown-it';
import { findPlugins } from '../rules/index.js';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface ButtonInfo {
  label: string;
  /** Shown as the button's tooltip (escaped). */
  title?: string;
  count?: number;
}

const TOKEN = (n: number) => `EQLITEPIVOT${n}TOKEN`;
const OSQ = (n: number) => `EQLITEOSQUERY${n}TOKEN`;

/** Renders a note; `button(n)` describes investigate plugin number n (its order in the note). */
export function renderGuideHtml(
  note: string,
  button: (n: number, config: Record<string, unknown> | undefined) => ButtonInfo,
): string {
  const occ = findPlugins(note);
  let text = '';
  let last = 0;
  const osquery: string[] = [];
  for (const o of occ) {
    text += note.slice(last, o.start);
    if (o.plugin === 'investigate') text += TOKEN(o.index);
    else {
      osquery[o.index] = typeof o.config?.label === 'string' ? o.config.label : 'osquery';
      text += OSQ(o.index);
    }
    last = o.end;
  }
  text += note.slice(last);
  const configs = new Map(occ.filter((o) => o.plugin === 'investigate').map((o) => [o.index, o.config]));
  let html = md.render(text);
  html = html.replace(/EQLITEPIVOT(\d+)TOKEN/g, (_, n: string) => {
    const i = Number(n);
    const b = button(i, configs.get(i));
    const count = b.count !== undefined ? ` (${b.count})` : '';
    const title = b.title !== undefined ? ` title="${escapeHtml(b.title)}"` : '';
    return `<button type="button" class="pivot" data-pivot="${i}"${title}>${escapeHtml(b.label)}${count}</button>`;
  });
  html = html.replace(
    /EQLITEOSQUERY(\d+)TOKEN/g,
    (_, n: string) => `<span class="osquery">${escapeHtml(osquery[Number(n)] ?? 'osquery')}</span>`,
  );
  return html;
}
