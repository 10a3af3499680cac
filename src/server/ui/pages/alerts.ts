/** The alert list: filters, sorting, paging, live update, bulk workflow actions, keyboard use. */
import { severityBadge, statusBadge } from '../components/common.js';
import type { Page } from '../context.js';
import { h, message, setContent } from '../dom.js';
import { formatTime } from '../lib/format.js';
import {
  PAGE_SIZES,
  alertHash,
  alertsApiParams,
  alertsHash,
  defaultFilters,
  type AlertFilters,
  type SortField,
} from '../lib/route.js';
import { SEVERITIES, WORKFLOW_STATUSES, type AlertList, type WorkflowStatus } from '../lib/types.js';

const RANGE_LABELS: Record<string, string> = {
  '': 'All time',
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom (UTC)…',
};

const COLUMNS: Array<{ key: string; label: string; sort?: SortField; cls: string }> = [
  { key: 'severity', label: 'Severity', sort: 'severity', cls: 'c-sev' },
  { key: 'risk', label: 'Risk', sort: 'risk', cls: 'c-risk' },
  { key: 'rule', label: 'Rule', sort: 'rule', cls: 'c-rule' },
  { key: 'host', label: 'Host', sort: 'host', cls: 'c-host' },
  { key: 'user', label: 'User', cls: 'c-user' },
  { key: 'reason', label: 'Reason', cls: 'c-reason' },
  { key: 'status', label: 'Status', cls: 'c-status' },
  // Sorting by time is by alert time (Kibana's @timestamp); the time range filters event time.
  { key: 'time', label: 'Alert time (UTC)', sort: 'time', cls: 'c-time' },
  { key: 'event', label: 'Event time (UTC)', cls: 'c-time c-event-time' },
];

const ACTIONS: Array<{ status: WorkflowStatus; label: string; done: string }> = [
  { status: 'acknowledged', label: 'Acknowledge', done: 'acknowledged' },
  { status: 'closed', label: 'Close', done: 'closed' },
  { status: 'open', label: 'Reopen', done: 'reopened' },
];

export const alertsPage: Page<{ filters: AlertFilters }> = async (root, ctx, route) => {
  const f: AlertFilters = { ...route.filters };
  const selected = new Set<string>();
  let data: AlertList | null = null;
  let known = new Set<string>();
  let controller: AbortController | null = null;

  /** Changes filters: the URL follows (a history entry for deliberate changes), the table reloads. */
  const update = (changes: Partial<AlertFilters>, push = true) => {
    Object.assign(f, changes);
    if (!('page' in changes)) f.page = 1;
    const hash = alertsHash(f);
    if (location.hash !== hash) history[push ? 'pushState' : 'replaceState'](null, '', hash);
    void load(false);
  };

  // ---- filters ----
  const statusBoxes = WORKFLOW_STATUSES.map((s) =>
    h(
      'label',
      { class: 'chip' },
      h('input', { type: 'checkbox', name: 'status', value: s, checked: f.status.includes(s) }),
      s,
    ),
  );
  const severityBoxes = SEVERITIES.map((s) =>
    h(
      'label',
      { class: ['chip', `chip-sev-${s}`] },
      h('input', { type: 'checkbox', name: 'severity', value: s, checked: f.severity.includes(s) }),
      s,
    ),
  );
  const ruleSelect = h('select', { name: 'rule', 'aria-label': 'Rule' }, h('option', { value: '' }, 'All rules'));
  if (f.rule) ruleSelect.appendChild(h('option', { value: f.rule }, f.rule));
  ruleSelect.value = f.rule;
  const text = (name: 'host' | 'user' | 'q', label: string, placeholder: string) =>
    h('input', { type: 'search', name, value: f[name], placeholder, 'aria-label': label, autocomplete: 'off' });
  const hostInput = text('host', 'Host', 'Host');
  const userInput = text('user', 'User', 'User');
  const qInput = text('q', 'Search', 'Search reason, rule, host  ( / )');
  qInput.classList.add('grow');
  const rangeSelect = h(
    'select',
    { name: 'range', 'aria-label': 'Time range' },
    Object.entries(RANGE_LABELS).map(([v, l]) => h('option', { value: v }, l)),
  );
  rangeSelect.value = f.range;
  const fromInput = h('input', {
    type: 'datetime-local',
    name: 'from',
    step: 1,
    value: f.from,
    'aria-label': 'From (UTC)',
  });
  const toInput = h('input', { type: 'datetime-local', name: 'to', step: 1, value: f.to, 'aria-label': 'To (UTC)' });
  const custom = h('span', { class: 'custom-range', hidden: f.range !== 'custom' }, fromInput, '→', toInput);

  const readChecks = (boxes: HTMLElement[]) =>
    boxes
      .map((b) => b.querySelector('input') as HTMLInputElement)
      .filter((i) => i.checked)
      .map((i) => i.value);

  let typing: ReturnType<typeof setTimeout> | undefined;
  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      on: {
        submit: (e) => {
          e.preventDefault();
          clearTimeout(typing);
          update({ host: hostInput.value, user: userInput.value, q: qInput.value });
        },
        change: (e) => {
          const t = e.target as HTMLInputElement;
          if (t.name === 'status') update({ status: readChecks(statusBoxes) as WorkflowStatus[] });
          else if (t.name === 'severity') update({ severity: readChecks(severityBoxes) });
          else if (t.name === 'rule') update({ rule: ruleSelect.value });
          else if (t.name === 'range') {
            custom.hidden = rangeSelect.value !== 'custom';
            update({ range: rangeSelect.value });
          } else if (t.name === 'from' || t.name === 'to') update({ from: fromInput.value, to: toInput.value });
        },
        input: (e) => {
          const t = e.target as HTMLInputElement;
          if (t !== hostInput && t !== userInput && t !== qInput) return;
          clearTimeout(typing);
          // Typing replaces the history entry instead of adding one per keystroke.
          typing = setTimeout(
            () => update({ host: hostInput.value, user: userInput.value, q: qInput.value }, false),
            350,
          );
        },
      },
    },
    h('fieldset', { class: 'group' }, h('legend', null, 'Status'), statusBoxes),
    h('fieldset', { class: 'group' }, h('legend', null, 'Severity'), severityBoxes),
    h('div', { class: 'row' }, qInput, ruleSelect, hostInput, userInput, rangeSelect, custom),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost',
        on: { click: () => (location.hash = alertsHash(defaultFilters())) },
      },
      'Reset',
    ),
    // Enter in a text field submits; a hidden submit button makes that work in every browser.
    h('button', { type: 'submit', hidden: true }, 'Apply'),
  );

  ctx
    .rules()
    .then((rules) => {
      for (const r of [...rules].sort((a, b) => a.name.localeCompare(b.name))) {
        if (r.rule_id === f.rule) ruleSelect.querySelector(`option[value="${CSS.escape(f.rule)}"]`)?.remove();
        ruleSelect.appendChild(h('option', { value: r.rule_id }, r.name));
      }
      ruleSelect.value = f.rule;
    })
    .catch(() => undefined);

  // ---- bulk bar, table, pager ----
  const selCount = h('span', { class: 'sel-count' });
  const bulkButtons = ACTIONS.map((a) =>
    h(
      'button',
      { type: 'button', class: 'btn', 'data-bulk': a.status, on: { click: () => void bulk(a.status, a.done) } },
      a.label,
    ),
  );
  const summary = h('span', { class: 'summary', 'aria-live': 'polite' });
  const bulkbar = h('div', { class: 'bulkbar' }, selCount, bulkButtons, h('span', { class: 'spacer' }), summary);

  const allBox = h('input', { type: 'checkbox', 'aria-label': 'Select all alerts on this page' });
  allBox.addEventListener('change', () => {
    for (const a of data?.items ?? []) {
      if (allBox.checked) selected.add(a.id);
      else selected.delete(a.id);
    }
    renderRows(false);
  });
  const headRow = h('tr', null, h('th', { class: 'c-sel' }, allBox));
  for (const c of COLUMNS) {
    if (!c.sort) {
      headRow.appendChild(h('th', { class: c.cls, scope: 'col' }, c.label));
      continue;
    }
    const sort = c.sort;
    const active = f.sort === sort;
    headRow.appendChild(
      h(
        'th',
        { class: c.cls, scope: 'col', 'aria-sort': active ? (f.order === 'asc' ? 'ascending' : 'descending') : 'none' },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            'data-sort': sort,
            on: {
              click: () => {
                const order = f.sort === sort && f.order === 'desc' ? 'asc' : 'desc';
                update({ sort, order });
                for (const th of headRow.querySelectorAll('th[aria-sort]')) th.setAttribute('aria-sort', 'none');
                headRow
                  .querySelector(`button[data-sort="${sort}"]`)
                  ?.parentElement?.setAttribute('aria-sort', order === 'asc' ? 'ascending' : 'descending');
              },
            },
          },
          c.label,
          h('span', { class: 'sort-icon', 'aria-hidden': 'true' }),
        ),
      ),
    );
  }
  const tbody = h('tbody');
  const table = h('table', { class: 'grid alerts-grid', 'aria-label': 'Alerts' }, h('thead', null, headRow), tbody);
  const status = h('div', { class: 'table-status' });

  const sizeSelect = h(
    'select',
    { 'aria-label': 'Rows per page', on: { change: () => update({ size: Number(sizeSelect.value) }) } },
    PAGE_SIZES.map((n) => h('option', { value: n }, String(n))),
  );
  sizeSelect.value = String(f.size);
  const prev = h(
    'button',
    { type: 'button', class: 'btn', on: { click: () => update({ page: f.page - 1 }) } },
    '‹ Prev',
  );
  const next = h(
    'button',
    { type: 'button', class: 'btn', on: { click: () => update({ page: f.page + 1 }) } },
    'Next ›',
  );
  const pageInfo = h('span', { class: 'page-info' });
  const pager = h(
    'div',
    { class: 'pager' },
    h('label', null, 'Rows per page ', sizeSelect),
    h('span', { class: 'spacer' }),
    prev,
    pageInfo,
    next,
  );

  setContent(
    root,
    h('div', { class: 'page-head' }, h('h1', null, 'Alerts')),
    form,
    bulkbar,
    h('div', { class: 'table-wrap' }, table),
    status,
    pager,
    h('p', { class: 'keys muted' }, 'Keys: j / k move · Enter opens · x selects · / searches'),
  );

  const updateBulk = () => {
    selCount.textContent = selected.size ? `${selected.size} selected` : 'Select alerts for bulk actions';
    for (const b of bulkButtons) b.disabled = selected.size === 0;
    const items = data?.items ?? [];
    allBox.checked = items.length > 0 && items.every((a) => selected.has(a.id));
    allBox.indeterminate = !allBox.checked && items.some((a) => selected.has(a.id));
  };

  const renderRows = (markNew: boolean) => {
    const items = data?.items ?? [];
    const rows = items.map((a) => {
      const box = h('input', {
        type: 'checkbox',
        checked: selected.has(a.id),
        'aria-label': `Select alert ${a.rule_name}`,
      });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(a.id);
        else selected.delete(a.id);
        updateBulk();
      });
      const tr = h(
        'tr',
        {
          class: ['row', markNew && !known.has(a.id) && 'is-new', a.building_block && 'is-bb'],
          tabindex: 0,
          'data-id': a.id,
          'data-status': a.workflow_status,
        },
        h('td', { class: 'c-sel' }, box),
        h('td', { class: 'c-sev' }, severityBadge(a.severity)),
        h('td', { class: 'c-risk num' }, a.risk_score ?? '—'),
        h('td', { class: 'c-rule' }, h('a', { href: alertHash(a.id) }, a.rule_name || a.rule_id)),
        h('td', { class: 'c-host', title: a.host ?? '' }, a.host ?? '—'),
        h('td', { class: 'c-user', title: a.user ?? '' }, a.user ?? '—'),
        h('td', { class: 'c-reason', title: a.reason }, a.reason),
        h('td', { class: 'c-status' }, statusBadge(a.workflow_status)),
        h('td', { class: 'c-time' }, formatTime(a.time)),
        h('td', { class: 'c-time c-event-time' }, formatTime(a.original_time)),
      );
      tr.addEventListener('click', (e) => {
        const t = e.target as HTMLElement;
        if (t.closest('a, input, button, label')) return;
        location.hash = alertHash(a.id);
      });
      return tr;
    });
    tbody.replaceChildren(...rows);
    known = new Set(items.map((a) => a.id));
    setContent(status, items.length ? null : message('empty', 'No alerts match these filters.'));
    updateBulk();
  };

  const renderPaging = () => {
    const total = data?.total ?? 0;
    const pages = Math.max(1, Math.ceil(total / f.size));
    const first = total ? (f.page - 1) * f.size + 1 : 0;
    const last = Math.min(total, f.page * f.size);
    summary.textContent = `Showing ${first}–${last} of ${total} alert${total === 1 ? '' : 's'}`;
    pageInfo.textContent = `Page ${f.page} of ${pages}`;
    prev.disabled = f.page <= 1;
    next.disabled = f.page >= pages;
  };

  const load = async (markNew: boolean) => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    root.classList.add('is-loading');
    try {
      const list = await ctx.api.alerts(alertsApiParams(f, Date.now()), c.signal);
      if (c.signal.aborted) return;
      data = list;
      // Keep only the selections still visible, so bulk actions act on what the user sees.
      const visible = new Set(list.items.map((a) => a.id));
      for (const id of selected) if (!visible.has(id)) selected.delete(id);
      renderRows(markNew);
      renderPaging();
    } catch (err) {
      if (c.signal.aborted) return;
      ctx.fail(err, status);
    } finally {
      if (controller === c) root.classList.remove('is-loading');
    }
  };

  const bulk = async (to: WorkflowStatus, done: string) => {
    const ids = [...selected];
    if (!ids.length) return;
    try {
      await ctx.api.bulkStatus(ids, to);
      ctx.toast(`${ids.length} alert${ids.length === 1 ? '' : 's'} ${done}`);
      selected.clear();
      await load(false);
    } catch (err) {
      ctx.fail(err);
    }
  };

  // ---- live update ----
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = ctx.onLive((m) => {
    if (m.event !== 'alert' && m.event !== 'alert-updated') return;
    clearTimeout(liveTimer);
    // Bursts of alerts (a bulk ingest) become one reload.
    liveTimer = setTimeout(() => void load(true), 300);
  });

  // ---- keyboard ----
  const rowsEls = () => [...tbody.querySelectorAll<HTMLTableRowElement>('tr.row')];
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement;
    if (t.closest('input, select, textarea, dialog')) {
      if (e.key === 'Escape' && t instanceof HTMLInputElement) t.blur();
      return;
    }
    const rows = rowsEls();
    const at = rows.indexOf(document.activeElement as HTMLTableRowElement);
    if (e.key === '/') {
      e.preventDefault();
      qInput.focus();
    } else if (e.key === 'j' || e.key === 'ArrowDown') {
      e.preventDefault();
      rows[Math.min(rows.length - 1, at + 1)]?.focus();
    } else if (e.key === 'k' || e.key === 'ArrowUp') {
      e.preventDefault();
      rows[Math.max(0, at - 1)]?.focus();
    } else if (e.key === 'Enter' && at >= 0) {
      location.hash = alertHash(rows[at].dataset.id ?? '');
    } else if ((e.key === 'x' || e.key === ' ') && at >= 0) {
      e.preventDefault();
      rows[at].querySelector<HTMLInputElement>('td.c-sel input')?.click();
    }
  };
  document.addEventListener('keydown', onKey);

  updateBulk();
  renderPaging();
  await load(false);

  return () => {
    controller?.abort();
    clearTimeout(liveTimer);
    clearTimeout(typing);
    unsubscribe();
    document.removeEventListener('keydown', onKey);
  };
};
