/** The rules page (list, enable/disable, reload) and a rule's own page. */
import { defs, mitreList, section, severityBadge, threatToMitre } from '../components/common.js';
import type { Page } from '../context.js';
import { extLink, h, message, renderMarkdown, setContent } from '../dom.js';
import { formatAgo, formatDuration, formatTime, severityRank, valueText } from '../lib/format.js';
import { parseMarkdown } from '../lib/markdown.js';
import { alertsHash, defaultFilters, ruleHash } from '../lib/route.js';
import type { RuleSummary } from '../lib/types.js';
import { safeHref } from '../lib/url.js';

function schedule(r: RuleSummary): string {
  if (r.mode === 'continuous') return 'continuous (on the stream)';
  return `every ${r.interval || '?'}, from ${r.from || '?'}`;
}

function lastRun(r: RuleSummary): Node {
  const run = r.last_run;
  if (!run) return h('span', { class: 'muted' }, 'never');
  const s = String(run.status ?? 'unknown');
  const cls = /^(succeeded|success|ok)$/i.test(s)
    ? 'run-ok'
    : /warn|partial/i.test(s)
      ? 'run-warn'
      : /fail|error/i.test(s)
        ? 'run-fail'
        : 'run-other';
  return h(
    'span',
    { class: 'last-run', title: [formatTime(run.at), run.message ?? ''].filter(Boolean).join(' — ') },
    h('span', { class: ['badge', cls] }, s),
    ' ',
    formatAgo(run.at),
    h('span', { class: 'muted' }, ` · ${formatDuration(run.duration_ms)}`),
    run.gap_ms
      ? h('span', { class: 'badge run-warn', title: 'Gap between runs' }, `gap ${formatDuration(run.gap_ms)}`)
      : null,
  );
}

export const rulesPage: Page<unknown> = async (root, ctx) => {
  const filter = h('input', { type: 'search', placeholder: 'Filter rules', 'aria-label': 'Filter rules' });
  const reload = h('button', { type: 'button', class: 'btn' }, 'Reload rules');
  const tbody = h('tbody');
  const status = h('div', { class: 'table-status' });
  let rules: RuleSummary[] = [];

  const render = () => {
    const term = filter.value.trim().toLowerCase();
    const shown = rules
      .filter((r) => !term || `${r.name} ${r.rule_id} ${(r.tactics ?? []).join(' ')}`.toLowerCase().includes(term))
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.name.localeCompare(b.name));
    tbody.replaceChildren(
      ...shown.map((r) => {
        const toggle = h(
          'button',
          {
            type: 'button',
            class: ['btn', 'btn-small', r.enabled ? 'btn-on' : 'btn-off'],
            role: 'switch',
            'aria-checked': String(r.enabled),
            'aria-label': `${r.enabled ? 'Disable' : 'Enable'} ${r.name}`,
            'data-rule': r.rule_id,
          },
          r.enabled ? 'Enabled' : 'Disabled',
        );
        toggle.addEventListener('click', () => {
          toggle.disabled = true;
          ctx.api
            .setRuleEnabled(r.rule_id, !r.enabled)
            .then(() => {
              r.enabled = !r.enabled;
              ctx.toast(`${r.name} ${r.enabled ? 'enabled' : 'disabled'}`);
              render();
            })
            .catch((err) => {
              toggle.disabled = false;
              ctx.fail(err);
            });
        });
        const open = r.alerts_open ?? 0;
        return h(
          'tr',
          { class: ['row', !r.enabled && 'is-disabled'], 'data-rule': r.rule_id },
          h(
            'td',
            { class: 'c-rule' },
            h('a', { href: ruleHash(r.rule_id) }, r.name),
            r.building_block ? h('span', { class: 'badge' }, 'building block') : null,
          ),
          h('td', null, severityBadge(r.severity)),
          h('td', { class: 'num' }, r.risk_score ?? '—'),
          h('td', null, r.mode ?? '—'),
          h('td', null, schedule(r)),
          h('td', null, lastRun(r)),
          h(
            'td',
            { class: 'num' },
            open ? h('a', { href: alertsHash({ ...defaultFilters(), rule: r.rule_id }) }, String(open)) : '0',
          ),
          h('td', null, toggle),
        );
      }),
    );
    setContent(
      status,
      shown.length ? null : message('empty', rules.length ? 'No rule matches the filter.' : 'No rules are loaded.'),
    );
  };

  const load = async () => {
    try {
      rules = await ctx.api.rules();
      render();
    } catch (err) {
      ctx.fail(err, status);
    }
  };
  filter.addEventListener('input', render);
  reload.addEventListener('click', () => {
    reload.disabled = true;
    ctx.api
      .reloadRules()
      .then(() => {
        ctx.toast('Rules reloaded');
        return load();
      })
      .catch((err) => ctx.fail(err))
      .finally(() => (reload.disabled = false));
  });

  setContent(
    root,
    h('div', { class: 'page-head' }, h('h1', null, 'Rules'), h('span', { class: 'spacer' }), filter, reload),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid rules-grid', 'aria-label': 'Rules' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Rule', 'Severity', 'Risk', 'Mode', 'Schedule', 'Last run', 'Open alerts', 'Status'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        tbody,
      ),
    ),
    status,
  );
  await load();
};

export const rulePage: Page<{ id: string }> = async (root, ctx, route) => {
  setContent(root, message('loading', 'Loading rule…'));
  try {
    const r = await ctx.api.rule(route.id);
    const guide = h('div', { class: 'markdown guide' });
    const inert = (p: { label: string }) =>
      // Pivots need an alert to fill their templates; on the rule page they only show what they are.
      h(
        'button',
        { type: 'button', class: 'btn btn-pivot', disabled: true, title: 'Open an alert of this rule to run it' },
        p.label,
      );
    if (r.note?.trim()) guide.appendChild(renderMarkdown(parseMarkdown(r.note), inert));
    else guide.appendChild(message('empty', 'This rule has no investigation guide.'));
    const refs = (r.references ?? []).map((u) => h('li', null, extLink(safeHref(u), u)));
    setContent(
      root,
      h('nav', { class: 'crumbs' }, h('a', { href: '#/rules' }, 'Rules'), ' / ', h('span', null, r.name)),
      h(
        'div',
        { class: 'title-row' },
        severityBadge(r.severity),
        h('h1', null, r.name),
        h('span', { class: ['badge', r.enabled ? 'run-ok' : 'run-other'] }, r.enabled ? 'enabled' : 'disabled'),
      ),
      h('p', { class: 'description' }, r.description),
      defs([
        ['Rule id', h('code', null, r.rule_id)],
        ['Type / language', `${r.type} / ${r.language}`],
        ['Mode', r.mode],
        ['Schedule', schedule(r)],
        ['Risk score', r.risk_score],
        ['Index patterns', (r.index ?? []).join(', ')],
        ['Last run', lastRun(r)],
        [
          'Open alerts',
          h('a', { href: alertsHash({ ...defaultFilters(), rule: r.rule_id }) }, String(r.alerts_open ?? 0)),
        ],
      ]),
      h(
        'div',
        { class: 'detail-grid' },
        h(
          'div',
          { class: 'main-col' },
          section('query', 'Query', h('pre', { class: 'query' }, h('code', null, r.query))),
          section('guide', 'Investigation guide', guide),
          r.setup?.trim()
            ? section('setup', 'Setup', h('div', { class: 'markdown' }, renderMarkdown(parseMarkdown(r.setup), inert)))
            : null,
        ),
        h(
          'aside',
          { class: 'side-col' },
          section('mitre', 'MITRE ATT&CK', mitreList(threatToMitre(r.threat))),
          section(
            'investigation-fields',
            'Investigation fields',
            (r.investigation_fields ?? []).length
              ? h(
                  'ul',
                  { class: 'plain' },
                  r.investigation_fields.map((f) => h('li', null, h('code', null, valueText(f)))),
                )
              : message('empty', 'None.'),
          ),
          section(
            'false-positives',
            'False positives',
            (r.false_positives ?? []).length
              ? h(
                  'ul',
                  null,
                  r.false_positives.map((f) => h('li', null, f)),
                )
              : message('empty', 'None listed.'),
          ),
          section('references', 'References', refs.length ? h('ul', null, refs) : message('empty', 'None.')),
        ),
      ),
    );
  } catch (err) {
    setContent(root, h('nav', { class: 'crumbs' }, h('a', { href: '#/rules' }, 'Rules')));
    const where = h('div');
    root.appendChild(where);
    ctx.fail(err, where);
  }
};
