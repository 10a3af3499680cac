/** Small pieces shared by the pages. */
import { extLink, h } from '../dom.js';
import { severityClass, valueText } from '../lib/format.js';
import type { MitreEntry, MitreRef } from '../lib/types.js';
import { mitreTacticUrl, mitreTechniqueUrl } from '../lib/url.js';

export function severityBadge(sev: string | null | undefined): HTMLElement {
  const s = String(sev ?? 'unknown');
  return h(
    'span',
    { class: ['badge', 'sev', severityClass(s)], title: `Severity: ${s}` },
    s.charAt(0).toUpperCase() + s.slice(1),
  );
}

export function statusBadge(status: string | null | undefined): HTMLElement {
  const s = String(status ?? 'unknown');
  const known = ['open', 'acknowledged', 'closed'].includes(s) ? s : 'unknown';
  return h('span', { class: ['badge', 'status', `status-${known}`] }, s);
}

/** A definition list of label/value pairs; values are text or nodes. */
export function defs(rows: Array<[string, Node | string | number | null | undefined]>): HTMLElement {
  return h(
    'dl',
    { class: 'defs' },
    rows.map(([k, v]) =>
      h('div', { class: 'def' }, h('dt', null, k), h('dd', null, v === null || v === undefined || v === '' ? '—' : v)),
    ),
  );
}

function mitreName(ref: MitreRef): string {
  return `${valueText(ref.name)} (${valueText(ref.id)})`;
}

/**
 * Tactics with their techniques and subtechniques, each linked to attack.mitre.org. Links are
 * built from the ids, not taken from the rule's `reference`, so a rule cannot point them elsewhere.
 */
export function mitreList(entries: MitreEntry[] | null | undefined): HTMLElement {
  if (!entries || entries.length === 0) return h('p', { class: 'msg msg-empty' }, 'No MITRE ATT&CK mapping.');
  return h(
    'ul',
    { class: 'mitre' },
    entries.map((e) =>
      h(
        'li',
        { class: 'mitre-tactic' },
        h('span', { class: 'mitre-kind' }, 'Tactic'),
        ' ',
        extLink(mitreTacticUrl(e.tactic?.id), mitreName(e.tactic ?? { id: '?', name: '?' })),
        (e.techniques ?? []).length
          ? h(
              'ul',
              null,
              (e.techniques ?? []).map((t) =>
                h(
                  'li',
                  { class: 'mitre-technique' },
                  h('span', { class: 'mitre-kind' }, 'Technique'),
                  ' ',
                  extLink(mitreTechniqueUrl(t.id), mitreName(t)),
                  (t.subtechniques ?? []).length
                    ? h(
                        'ul',
                        null,
                        (t.subtechniques ?? []).map((s) =>
                          h(
                            'li',
                            { class: 'mitre-subtechnique' },
                            h('span', { class: 'mitre-kind' }, 'Subtechnique'),
                            ' ',
                            extLink(mitreTechniqueUrl(s.id), mitreName(s)),
                          ),
                        ),
                      )
                    : null,
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

/** Kibana's `threat` array (rule detail) in the alert API's MITRE shape. */
export function threatToMitre(threat: unknown): MitreEntry[] {
  if (!Array.isArray(threat)) return [];
  const out: MitreEntry[] = [];
  for (const t of threat as Array<Record<string, unknown>>) {
    const tactic = t?.tactic as MitreRef | undefined;
    if (!tactic) continue;
    const techniques = Array.isArray(t.technique) ? (t.technique as Array<Record<string, unknown>>) : [];
    out.push({
      tactic,
      techniques: techniques.map((x) => ({
        id: String(x.id ?? ''),
        name: String(x.name ?? ''),
        subtechniques: Array.isArray(x.subtechnique) ? (x.subtechnique as MitreRef[]) : [],
      })),
    });
  }
  return out;
}

/** First value of a dotted field in a document, reading both nested objects and dotted keys. */
export function fieldValue(doc: Record<string, unknown> | null | undefined, field: string): unknown {
  if (!doc) return undefined;
  if (field in doc) return doc[field];
  const parts = field.split('.');
  for (let k = parts.length - 1; k > 0; k--) {
    const head = parts.slice(0, k).join('.');
    const v = doc[head];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const r = fieldValue(v as Record<string, unknown>, parts.slice(k).join('.'));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** One line describing an event for lists: what happened and to what. */
export function eventSummary(doc: Record<string, unknown>): string {
  const pick = (f: string) => {
    const v = fieldValue(doc, f);
    return v === undefined || v === null || v === '' ? '' : valueText(v);
  };
  const what = pick('event.action') || pick('event.category');
  const detail =
    pick('process.command_line') ||
    pick('file.path') ||
    pick('dns.question.name') ||
    (pick('destination.ip') ? `${pick('destination.ip')}:${pick('destination.port')}` : '') ||
    pick('message') ||
    pick('kibana.alert.reason');
  return [what, detail].filter(Boolean).join(' — ') || '(no summary)';
}

/** A small section with a heading, for the alert and rule pages. */
export function section(id: string, title: string, ...body: Array<Node | null>): HTMLElement {
  return h(
    'section',
    { class: 'panel', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...body,
  );
}
