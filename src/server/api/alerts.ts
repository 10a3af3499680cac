/** `/api/alerts…`: list, detail, workflow updates, notes, pivots, process tree, timeline. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { explainMatch } from '../../eql/index.js';
import { WORKFLOW_STATUSES, docField, type WorkflowStatus } from '../../store/index.js';
import type { ServerContext } from '../context.js';
import { renderGuideHtml } from '../html.js';
import { bindForAlert, hostTimeline, pivotDescription, processTree, runStorePivot } from '../investigate.js';
import { investigateEntries, ruleSummary } from '../summaries.js';
import { ApiError, duration, int, isoMs, jsonBody, many, notFound, one } from './common.js';

type Params = Record<string, string>;

/** Kibana's highlighted fields when a rule names no investigation fields. */
const DEFAULT_FIELDS = [
  'host.name',
  'user.name',
  'process.name',
  'process.command_line',
  'process.parent.name',
  'event.action',
  'source.ip',
  'destination.ip',
  'file.path',
];

function status(v: unknown): WorkflowStatus {
  if (typeof v !== 'string' || !(WORKFLOW_STATUSES as readonly string[]).includes(v))
    throw new ApiError(
      400,
      'illegal_argument_exception',
      `workflow_status must be one of ${WORKFLOW_STATUSES.join(', ')}`,
    );
  return v as WorkflowStatus;
}

export function registerAlertRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, engine } = ctx;
  const opts = { bodyLimit: ctx.maxApiBodyBytes };

  const load = (req: FastifyRequest) => {
    const id = (req.params as Params).id;
    const a = store.alerts.get(id);
    if (!a) throw notFound(`alert [${id}]`);
    return a;
  };

  app.get('/api/alerts', async (req) => {
    const q = req.query as Record<string, unknown>;
    const sort = one(q, 'sort') ?? 'time';
    if (!['time', 'severity', 'risk', 'rule', 'host'].includes(sort))
      throw new ApiError(400, 'illegal_argument_exception', 'sort must be time, severity, risk, rule or host');
    const order = one(q, 'order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc')
      throw new ApiError(400, 'illegal_argument_exception', 'order must be asc or desc');
    const page = int(q, 'page', 1, 1, 1_000_000);
    const size = int(q, 'size', 50, 1, 500);
    const res = store.alerts.list({
      status: many(q, 'status'),
      severity: many(q, 'severity'),
      rule: one(q, 'rule'),
      host: one(q, 'host'),
      user: one(q, 'user'),
      q: one(q, 'q'),
      from: isoMs(one(q, 'from'), 'from'),
      to: isoMs(one(q, 'to'), 'to'),
      sort: sort as 'time',
      order,
      page,
      size,
      buildingBlocks: one(q, 'building_blocks') === 'true',
    });
    return { total: res.total, page, size, items: res.items };
  });

  app.get('/api/alerts/:id', async (req) => {
    const a = load(req);
    const served = engine.rules.get(a.summary.rule_id);
    const rule = served?.prepared.rule;
    const entries = served ? investigateEntries(served) : [];
    const bound = entries.map((e) => bindForAlert(e, a.doc));
    const source = a.eventSeq !== null ? store.events.get(a.eventSeq) : undefined;
    let explain: unknown = null;
    const cond = served?.prepared.query.cond;
    if (source && cond && !a.summary.building_block) {
      const x = explainMatch(cond, JSON.parse(source.text) as Record<string, unknown>);
      explain = { matched: x.matched, exclusions_passed: x.exclusionsPassed };
    }
    const fields = rule?.investigationFields.length ? rule.investigationFields : DEFAULT_FIELDS;
    const note = rule?.note ?? '';
    return {
      alert: a.doc,
      summary: a.summary,
      rule: served ? ruleSummary(served, engine, store.rules.get(served.ruleId), store.alerts.openByRule()) : null,
      investigation_fields: fields.map((f) => ({ field: f, value: docField(a.doc, f) ?? null })),
      guide: {
        markdown: note,
        html: note
          ? renderGuideHtml(note, (n, config) => ({
              label: entries[n]?.label ?? (typeof config?.label === 'string' ? config.label : `pivot ${n}`),
              title: bound[n] ? pivotDescription(bound[n]) : undefined,
            }))
          : '',
        setup: rule?.setup ?? null,
      },
      pivots: bound.map((b, i) => ({
        index: i,
        label: b.label,
        description: b.description ?? null,
        query: pivotDescription(b),
        runnable: b.runnable,
        ...(b.notes.length ? { problem: b.notes.join('; ') } : {}),
      })),
      explain,
      mitre: (rule?.threat ?? []).map((t) => ({
        tactic: { id: t.tactic.id, name: t.tactic.name, reference: t.tactic.reference },
        techniques: t.technique.map((x) => ({
          id: x.id,
          name: x.name,
          reference: x.reference,
          subtechniques: x.subtechnique.map((s) => ({ id: s.id, name: s.name, reference: s.reference })),
        })),
      })),
      notes: store.alerts.notes(a.summary.id),
      sequence: a.summary.group_id
        ? { group_id: a.summary.group_id, blocks: store.alerts.blocks(a.summary.group_id) }
        : null,
    };
  });

  app.patch('/api/alerts/:id', opts, async (req) => {
    const id = (req.params as Params).id;
    const b = jsonBody(req);
    const patch: { workflow_status?: WorkflowStatus; tags?: string[]; assignee?: string | null } = {};
    if (b.workflow_status !== undefined) patch.workflow_status = status(b.workflow_status);
    if (b.tags !== undefined) {
      if (!Array.isArray(b.tags) || !b.tags.every((t) => typeof t === 'string'))
        throw new ApiError(400, 'illegal_argument_exception', 'tags must be an array of strings');
      patch.tags = b.tags as string[];
    }
    if (b.assignee !== undefined) {
      if (b.assignee !== null && typeof b.assignee !== 'string')
        throw new ApiError(400, 'illegal_argument_exception', 'assignee must be a string or null');
      patch.assignee = b.assignee as string | null;
    }
    const s = store.alerts.update(id, patch);
    if (!s) throw notFound(`alert [${id}]`);
    ctx.hub.broadcast('alert-updated', s);
    return s;
  });

  app.post('/api/alerts/:id/notes', opts, async (req, reply) => {
    const id = (req.params as Params).id;
    const b = jsonBody(req);
    if (typeof b.text !== 'string' || b.text.trim() === '')
      throw new ApiError(400, 'illegal_argument_exception', 'text must be a non-empty string');
    if (!store.alerts.summary(id)) throw notFound(`alert [${id}]`);
    return reply.code(201).send(store.alerts.addNote(id, b.text));
  });

  app.post('/api/alerts/bulk', opts, async (req) => {
    const b = jsonBody(req);
    if (!Array.isArray(b.ids) || !b.ids.every((x) => typeof x === 'string'))
      throw new ApiError(400, 'illegal_argument_exception', 'ids must be an array of alert ids');
    if (b.ids.length > 10_000) throw new ApiError(400, 'illegal_argument_exception', 'at most 10000 ids at once');
    const ws = status(b.workflow_status);
    const updated = store.tx(() =>
      (b.ids as string[]).map((id) => store.alerts.update(id, { workflow_status: ws })).filter((s) => s !== undefined),
    );
    for (const s of updated) ctx.hub.broadcast('alert-updated', s);
    return { updated: updated.length, items: updated };
  });

  const pivotsOf = (req: FastifyRequest) => {
    const a = load(req);
    const served = engine.rules.get(a.summary.rule_id);
    const entries = served ? investigateEntries(served) : [];
    return { a, bound: entries.map((e) => bindForAlert(e, a.doc)) };
  };

  app.get('/api/alerts/:id/pivots', async (req) => {
    const { bound } = pivotsOf(req);
    return bound.map((b, i) => {
      const run = runStorePivot(store, b, 0);
      return {
        index: i,
        label: b.label,
        count: run.count,
        window: b.window
          ? { from: new Date(b.window.from).toISOString(), to: new Date(b.window.to).toISOString() }
          : null,
        query: pivotDescription(b),
        runnable: b.runnable,
        ...(b.notes.length || run.problems.length ? { problem: [...b.notes, ...run.problems].join('; ') } : {}),
      };
    });
  });

  app.get('/api/alerts/:id/pivots/:n/events', async (req) => {
    const { bound } = pivotsOf(req);
    const n = Number((req.params as Params).n);
    const b = Number.isInteger(n) ? bound[n] : undefined;
    if (!b) throw notFound(`pivot [${(req.params as Params).n}]`);
    const size = int(req.query as Record<string, unknown>, 'size', 100, 0, 1000);
    const run = runStorePivot(store, b, size);
    return { total: run.count, items: run.items };
  });

  app.get('/api/alerts/:id/process-tree', async (req) => {
    const a = load(req);
    const tree = processTree(store, a.doc);
    if (!tree)
      throw new ApiError(404, 'resource_not_found_exception', 'the alert has no process.entity_id or process.pid');
    return tree;
  });

  app.get('/api/alerts/:id/timeline', async (req) => {
    const a = load(req);
    const q = req.query as Record<string, unknown>;
    const before = duration(one(q, 'before'), 'before', 15 * 60_000);
    const after = duration(one(q, 'after'), 'after', 15 * 60_000);
    return { items: hostTimeline(store, a.doc, before, after) };
  });
}
