/**
 * The alert page: investigation fields first, then the guide with its pivots, why the query
 * matched, the process tree, the host's timeline, sequence building blocks and the whole event;
 * beside them the workflow (status, assignee, tags), MITRE ATT&CK and notes.
 */
import {
  defs,
  eventSummary,
  fieldValue,
  mitreList,
  section,
  severityBadge,
  statusBadge,
} from '../components/common.js';
import { jsonTree } from '../components/json-tree.js';
import type { Ctx, Page } from '../context.js';
import { h, message, renderMarkdown, setContent } from '../dom.js';
import { formatCount, formatTime, valueText } from '../lib/format.js';
import { parseMarkdown, pluginsOf, type MdPlugin } from '../lib/markdown.js';
import { matchPivots } from '../lib/pivots.js';
import { alertHash, alertsHash, defaultFilters, ruleHash } from '../lib/route.js';
import type { AlertDetail, AlertSummary, PivotCount, ProcessNode, TimelineItem, WorkflowStatus } from '../lib/types.js';

const STATUS_ACTIONS: Array<{ status: WorkflowStatus; label: string }> = [
  { status: 'acknowledged', label: 'Acknowledge' },
  { status: 'closed', label: 'Close' },
  { status: 'open', label: 'Reopen' },
];

export const alertPage: Page<{ id: string }> = async (root, ctx, route) => {
  setContent(root, message('loading', 'Loading alert…'));
  let detail: AlertDetail;
  try {
    detail = await ctx.api.alert(route.id);
  } catch (err) {
    setContent(root, h('nav', { class: 'crumbs' }, h('a', { href: '#/alerts' }, 'Alerts')));
    const where = h('div');
    root.appendChild(where);
    ctx.fail(err, where);
    return;
  }
  const id = route.id;
  let summary = detail.summary;

  // ---- header ----
  const statusSlot = h('span', null, statusBadge(summary.workflow_status));
  const actionButtons = STATUS_ACTIONS.map((a) =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn',
        'data-action': a.status,
        on: { click: () => void patch({ workflow_status: a.status }) },
      },
      a.label,
    ),
  );
  const syncActions = () => {
    for (const b of actionButtons) b.disabled = b.dataset.action === summary.workflow_status;
    statusSlot.replaceChildren(statusBadge(summary.workflow_status));
  };
  const ruleName = summary.rule_name || detail.rule?.name || summary.rule_id;
  const header = h(
    'header',
    { class: 'alert-head' },
    h(
      'nav',
      { class: 'crumbs' },
      h('a', { href: alertsHash(defaultFilters()) }, 'Alerts'),
      ' / ',
      h('span', null, ruleName),
    ),
    h('div', { class: 'title-row' }, severityBadge(summary.severity), h('h1', null, ruleName), statusSlot),
    h('p', { class: 'reason' }, summary.reason),
    h('div', { class: 'actions' }, actionButtons),
    defs([
      ['Event time (UTC)', formatTime(summary.original_time)],
      ['Alert time (UTC)', formatTime(summary.time)],
      ['Host', summary.host],
      ['User', summary.user],
      ['Risk score', summary.risk_score],
      ['Rule', h('a', { href: ruleHash(summary.rule_id) }, ruleName)],
      ['Alert id', h('code', null, id)],
    ]),
  );

  // ---- investigation fields (first) ----
  const fields = detail.investigation_fields ?? [];
  const invFields = section(
    'investigation-fields',
    'Investigation fields',
    fields.length
      ? h(
          'table',
          { class: 'grid kv' },
          h(
            'tbody',
            null,
            fields.map((f) => h('tr', null, h('th', { scope: 'row' }, f.field), h('td', null, valueText(f.value)))),
          ),
        )
      : message('empty', 'The rule names no investigation fields.'),
  );

  // ---- guide and pivots ----
  const pivotPanel = h('div', { class: 'pivot-results', hidden: true, 'aria-live': 'polite' });
  const pivotButtons = new Map<number, HTMLButtonElement[]>();
  const guideBody = h('div', { class: 'markdown guide' });
  const markdown = detail.guide?.markdown ?? '';
  if (markdown.trim()) {
    const tree = parseMarkdown(markdown);
    const match = matchPivots(pluginsOf(tree), detail.pivots ?? []);
    guideBody.appendChild(
      renderMarkdown(tree, (p) => {
        const n = match.get(p.occurrence);
        return pluginButton(
          p,
          n,
          detail,
          pivotButtons,
          (index, label) => void openPivot(ctx, id, index, label, pivotPanel),
        );
      }),
    );
  } else guideBody.appendChild(message('empty', 'This rule has no investigation guide.'));
  const guide = section('guide', 'Investigation guide', guideBody, pivotPanel);
  if (detail.guide?.setup?.trim()) {
    const setup = h('details', { class: 'setup' }, h('summary', null, 'Setup'), h('div', { class: 'markdown' }));
    (setup.lastChild as HTMLElement).appendChild(renderMarkdown(parseMarkdown(detail.guide.setup), () => h('span')));
    guide.appendChild(setup);
  }

  // ---- explain ----
  const explain = section('explain', 'Why it matched', explainView(detail.explain));

  // ---- process tree, timeline (loaded after the page shows) ----
  const treeBody = h('div', null, message('loading', 'Loading process tree…'));
  const processTree = section('process-tree', 'Process tree', treeBody);
  const timelineBody = h('div', null, message('loading', 'Loading timeline…'));
  const timeline = section('timeline', 'Host timeline (±15 minutes)', timelineBody);

  // ---- sequence ----
  const seq = detail.sequence;
  const sequence = seq
    ? section(
        'sequence',
        `Sequence building blocks (${seq.blocks.length})`,
        h(
          'table',
          { class: 'grid' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['#', 'Time (UTC)', 'Host', 'User', 'Reason', 'Status'].map((c) => h('th', null, c)),
            ),
          ),
          h(
            'tbody',
            null,
            seq.blocks.map((b, i) =>
              h(
                'tr',
                { class: b.id === id ? 'is-current' : undefined },
                h('td', null, String(i + 1)),
                h('td', null, h('a', { href: alertHash(b.id) }, formatTime(b.original_time || b.time))),
                h('td', null, b.host ?? '—'),
                h('td', null, b.user ?? '—'),
                h('td', { class: 'c-reason' }, b.reason),
                h('td', null, statusBadge(b.workflow_status)),
              ),
            ),
          ),
        ),
      )
    : null;

  // ---- the event ----
  const event = section(
    'event',
    'Event (alert document)',
    jsonTree(eventFirst(detail.alert), {
      label: 'Alert document',
      openDepth: 2,
      // The rule's parameters and Kibana's bookkeeping are long; the event's own fields come first.
      closed: (k) => k.startsWith('kibana.'),
    }),
  );

  // ---- side: workflow, MITRE, notes ----
  const assignee = h('input', {
    type: 'text',
    value: summary.assignee ?? '',
    'aria-label': 'Assignee',
    placeholder: 'Unassigned',
  });
  const assigneeForm = h(
    'form',
    {
      class: 'inline-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          void patch({ assignee: assignee.value.trim() || null });
        },
      },
    },
    assignee,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Assign'),
  );
  const tagList = h('ul', { class: 'tags' });
  const renderTags = () =>
    tagList.replaceChildren(
      ...(summary.tags ?? []).map((t) =>
        h(
          'li',
          { class: 'tag' },
          t,
          h(
            'button',
            {
              type: 'button',
              class: 'tag-remove',
              'aria-label': `Remove tag ${t}`,
              on: { click: () => void patch({ tags: (summary.tags ?? []).filter((x) => x !== t) }) },
            },
            '×',
          ),
        ),
      ),
    );
  const tagInput = h('input', { type: 'text', 'aria-label': 'New tag', placeholder: 'Add a tag' });
  const tagForm = h(
    'form',
    {
      class: 'inline-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          const t = tagInput.value.trim();
          if (!t || (summary.tags ?? []).includes(t)) return;
          tagInput.value = '';
          void patch({ tags: [...(summary.tags ?? []), t] });
        },
      },
    },
    tagInput,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Add'),
  );
  const notesList = h('ol', { class: 'notes' });
  const addNoteEl = (n: { text: string; created_at: string }) =>
    notesList.appendChild(
      h(
        'li',
        { class: 'note' },
        h('div', { class: 'note-time' }, formatTime(n.created_at)),
        h('div', { class: 'note-text' }, n.text),
      ),
    );
  for (const n of detail.notes ?? []) addNoteEl(n);
  const noteText = h('textarea', { rows: 3, 'aria-label': 'Note', placeholder: 'Add a note' });
  const noteForm = h(
    'form',
    {
      class: 'note-form',
      on: {
        submit: (e) => {
          e.preventDefault();
          const text = noteText.value.trim();
          if (!text) return;
          ctx.api
            .addNote(id, text)
            .then((n) => {
              addNoteEl(n);
              noteText.value = '';
            })
            .catch((err) => ctx.fail(err));
        },
      },
    },
    noteText,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Add note'),
  );
  const side = h(
    'aside',
    { class: 'side-col' },
    section(
      'workflow',
      'Workflow',
      h('label', { class: 'field' }, 'Assignee', assigneeForm),
      h('div', { class: 'field' }, h('span', null, 'Tags'), tagList, tagForm),
    ),
    section('mitre', 'MITRE ATT&CK', mitreList(detail.mitre)),
    section('notes', 'Notes', notesList, noteForm),
  );

  const patch = async (p: { workflow_status?: WorkflowStatus; tags?: string[]; assignee?: string | null }) => {
    try {
      const updated: AlertSummary = await ctx.api.patchAlert(id, p);
      summary = { ...summary, ...updated };
      syncActions();
      renderTags();
      assignee.value = summary.assignee ?? '';
      if (p.workflow_status) ctx.toast(`Alert ${p.workflow_status === 'open' ? 'reopened' : p.workflow_status}`);
    } catch (err) {
      ctx.fail(err);
    }
  };

  syncActions();
  renderTags();
  const nav = h(
    'nav',
    { class: 'toc', 'aria-label': 'Sections' },
    [
      ['investigation-fields', 'Fields'],
      ['guide', 'Guide'],
      ['explain', 'Explain'],
      ['process-tree', 'Process tree'],
      ['timeline', 'Timeline'],
      ...(seq ? [['sequence', 'Sequence']] : []),
      ['event', 'Event'],
    ].map(([to, label]) =>
      h(
        'button',
        {
          type: 'button',
          class: 'toc-link',
          on: { click: () => document.getElementById(to)?.scrollIntoView({ block: 'start' }) },
        },
        label,
      ),
    ),
  );
  setContent(
    root,
    header,
    nav,
    h(
      'div',
      { class: 'detail-grid' },
      h('div', { class: 'main-col' }, invFields, guide, explain, processTree, timeline, sequence, event),
      side,
    ),
  );

  // Counts, tree and timeline arrive independently; each failure stays in its own section.
  ctx.api
    .pivots(id)
    .then((counts) => applyCounts(counts, pivotButtons))
    .catch((err) => {
      for (const list of pivotButtons.values()) for (const b of list) b.querySelector('.count')?.replaceChildren('?');
      ctx.fail(err, h('div'));
    });
  ctx.api
    .processTree(id)
    .then((t) => setContent(treeBody, t?.root ? processTreeView(t.root) : message('empty', 'No process information.')))
    .catch((err) => ctx.fail(err, treeBody));
  ctx.api
    .timeline(id)
    .then((t) => setContent(timelineBody, timelineView(t.items ?? [], summary.original_time)))
    .catch((err) => ctx.fail(err, timelineBody));

  // Another analyst (or a bulk action) may change this alert meanwhile.
  return ctx.onLive((m) => {
    const a = m.data as Partial<AlertSummary> | null;
    if (m.event !== 'alert-updated' || !a || a.id !== id) return;
    summary = { ...summary, ...a };
    syncActions();
    renderTags();
  });
};

/** The alert document with the event's own fields before Kibana's `kibana.*` fields. */
function eventFirst(doc: Record<string, unknown>): Record<string, unknown> {
  if (!doc || typeof doc !== 'object') return doc;
  const keys = Object.keys(doc);
  const order = [...keys.filter((k) => !k.startsWith('kibana.')), ...keys.filter((k) => k.startsWith('kibana.'))];
  return Object.fromEntries(order.map((k) => [k, doc[k]]));
}

/** A guide marker as Kibana draws it: a button `label (count)`; osquery is not available offline. */
function pluginButton(
  p: MdPlugin,
  index: number | undefined,
  detail: AlertDetail,
  buttons: Map<number, HTMLButtonElement[]>,
  open: (index: number, label: string) => void,
): Node {
  if (p.error) return h('span', { class: 'plugin-error', title: p.error }, `[${p.plugin}: ${p.error}]`);
  if (p.plugin === 'osquery')
    return h(
      'button',
      { type: 'button', class: 'btn btn-pivot', disabled: true, title: 'Osquery is not available in eqlite' },
      p.label,
    );
  const info = index === undefined ? undefined : detail.pivots.find((x) => x.index === index);
  const count = h('span', { class: 'count' }, '…');
  const b = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-pivot',
      'data-pivot': index,
      title: info?.problem ?? info?.query ?? p.description ?? undefined,
      disabled: index === undefined,
    },
    h('span', { class: 'pivot-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'pivot-label' }, `${p.label} (`, count, ')'),
  );
  if (index !== undefined) {
    b.addEventListener('click', () => open(index, p.label));
    const list = buttons.get(index) ?? [];
    list.push(b);
    buttons.set(index, list);
  } else count.textContent = '—';
  return b;
}

function applyCounts(counts: PivotCount[], buttons: Map<number, HTMLButtonElement[]>): void {
  for (const c of counts ?? []) {
    for (const b of buttons.get(c.index) ?? []) {
      b.querySelector('.count')?.replaceChildren(formatCount(Number(c.count) || 0));
      b.dataset.count = String(c.count);
      if (c.query) b.title = c.query;
    }
  }
}

async function openPivot(ctx: Ctx, id: string, index: number, label: string, panel: HTMLElement): Promise<void> {
  panel.hidden = false;
  const close = h(
    'button',
    { type: 'button', class: 'btn btn-small', on: { click: () => (panel.hidden = true) } },
    'Close',
  );
  setContent(
    panel,
    h('div', { class: 'pivot-head' }, h('h3', null, label), close),
    message('loading', 'Loading events…'),
  );
  panel.scrollIntoView({ block: 'nearest' });
  try {
    const res = await ctx.api.pivotEvents(id, index, 100);
    const items = res.items ?? [];
    setContent(
      panel,
      h(
        'div',
        { class: 'pivot-head' },
        h('h3', null, label),
        h('span', { class: 'muted' }, `${items.length} of ${res.total} event${res.total === 1 ? '' : 's'}`),
        close,
      ),
      items.length
        ? eventsTable(items.map((e) => ({ id: e.id, time: e.time, doc: e.doc, index: e.index })))
        : message('empty', 'No matching events.'),
    );
  } catch (err) {
    ctx.fail(err, panel);
  }
}

/** Events as rows that expand into their JSON. */
function eventsTable(
  items: Array<{ id: string; time: string; doc: Record<string, unknown>; index?: string }>,
): HTMLElement {
  return h(
    'div',
    { class: 'events' },
    items.map((e) =>
      h(
        'details',
        { class: 'event-row' },
        h(
          'summary',
          null,
          h('span', { class: 'ev-time' }, formatTime(e.time)),
          h('span', { class: 'ev-host' }, valueText(fieldValue(e.doc, 'host.name'))),
          h('span', { class: 'ev-summary' }, eventSummary(e.doc ?? {})),
        ),
        jsonTree(e.doc, { openDepth: 1, search: false, label: 'Event' }),
      ),
    ),
  );
}

function explainView(explain: unknown): Node {
  if (explain === null || explain === undefined) return message('empty', 'No explanation was recorded for this alert.');
  const x = explain as { matched?: unknown; exclusions_passed?: unknown; stage?: unknown };
  if (!Array.isArray(x.matched)) return jsonTree(explain, { search: false, label: 'Explanation' });
  return h(
    'div',
    { class: 'explain' },
    x.stage !== undefined ? h('p', null, `Sequence stage ${valueText(x.stage)}`) : null,
    h(
      'ul',
      { class: 'explain-lines' },
      x.matched.map((l) => h('li', null, h('code', null, valueText(l)))),
    ),
    x.exclusions_passed !== undefined
      ? h('p', { class: 'muted' }, `Exclusions passed: ${valueText(x.exclusions_passed)}`)
      : null,
  );
}

function processTreeView(root: ProcessNode): HTMLElement {
  const node = (n: ProcessNode): HTMLElement =>
    h(
      'li',
      { class: ['proc', n.is_alert && 'is-alert'], 'data-entity-id': n.entity_id ?? undefined },
      h(
        'div',
        { class: 'proc-line' },
        h('span', { class: 'proc-name' }, n.name ?? n.executable ?? '(unknown)'),
        n.pid !== null && n.pid !== undefined ? h('span', { class: 'proc-pid' }, `pid ${n.pid}`) : null,
        n.is_alert ? h('span', { class: 'badge badge-alert' }, 'alert') : null,
        n.time ? h('span', { class: 'proc-time' }, formatTime(n.time)) : null,
      ),
      n.command_line ? h('code', { class: 'proc-cmd' }, n.command_line) : null,
      n.children?.length ? h('ul', null, n.children.map(node)) : null,
    );
  return h('ul', { class: 'proc-tree', role: 'tree' }, node(root));
}

function timelineView(items: TimelineItem[], alertTime: string): HTMLElement {
  if (!items.length) return message('empty', 'No events on this host around the alert.');
  const at = Date.parse(alertTime);
  const rows: HTMLElement[] = [];
  let marked = Number.isNaN(at);
  const mark = () => h('tr', { class: 'tl-mark' }, h('td', { colspan: 4 }, `▶ alert at ${formatTime(alertTime)}`));
  for (const it of items) {
    if (!marked && Date.parse(it.time) > at) {
      rows.push(mark());
      marked = true;
    }
    const detailRow = h(
      'tr',
      { class: 'tl-doc', hidden: true },
      h('td', { colspan: 4 }, jsonTree(it.doc, { openDepth: 1, search: false, label: 'Event' })),
    );
    const toggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false' }, '+');
    toggle.addEventListener('click', () => {
      detailRow.hidden = !detailRow.hidden;
      toggle.textContent = detailRow.hidden ? '+' : '−';
      toggle.setAttribute('aria-expanded', String(!detailRow.hidden));
    });
    rows.push(
      h(
        'tr',
        { class: 'tl-row' },
        h('td', { class: 'c-time' }, toggle, ' ', formatTime(it.time)),
        h('td', null, valueText(it.category)),
        h('td', null, it.action ?? '—'),
        h('td', { class: 'tl-summary' }, it.summary ?? eventSummary(it.doc ?? {})),
      ),
      detailRow,
    );
  }
  if (!marked) rows.push(mark());
  return h(
    'table',
    { class: 'grid timeline' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Time (UTC)', 'Category', 'Action', 'Summary'].map((c) => h('th', null, c)),
      ),
    ),
    h('tbody', null, rows),
  );
}
