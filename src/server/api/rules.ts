/** `/api/rules…`: list, detail, enable/disable, reload. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { ruleDetail, ruleSummary } from '../summaries.js';
import { ApiError, jsonBody, notFound } from './common.js';

type Params = Record<string, string>;

export function registerRuleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { store, engine } = ctx;
  const opts = { bodyLimit: ctx.maxApiBodyBytes };
  const summaries = () => {
    const states = store.rules.all();
    const open = store.alerts.openByRule();
    return engine.rules.rules.map((r) => ruleSummary(r, engine, states.get(r.ruleId), open));
  };

  app.get('/api/rules', async () => summaries());

  app.get('/api/rules/:id', async (req) => {
    const r = engine.rules.get((req.params as Params).id);
    if (!r) throw notFound(`rule [${(req.params as Params).id}]`);
    return ruleDetail(r, engine, store.rules.get(r.ruleId), store.alerts.openByRule());
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(`/api/rules/:id/${action}`, opts, async (req) => {
      const r = engine.setEnabled((req.params as Params).id, enabled);
      if (!r) throw notFound(`rule [${(req.params as Params).id}]`);
      return ruleSummary(r, engine, store.rules.get(r.ruleId), store.alerts.openByRule());
    });
  }

  // Not in the UI: switch one rule between the modes (kept in the store).
  app.post('/api/rules/:id/mode', opts, async (req) => {
    const mode = jsonBody(req).mode;
    if (mode !== 'scheduled' && mode !== 'continuous')
      throw new ApiError(400, 'illegal_argument_exception', 'mode must be scheduled or continuous');
    const r = engine.setMode((req.params as Params).id, mode);
    if (!r) throw notFound(`rule [${(req.params as Params).id}]`);
    return ruleSummary(r, engine, store.rules.get(r.ruleId), store.alerts.openByRule());
  });

  app.post('/api/rules/reload', opts, async () => {
    engine.reload();
    return {
      rules: summaries(),
      problems: engine.rules.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({ file: p.file, line: p.line ?? null, message: p.message })),
    };
  });
}
