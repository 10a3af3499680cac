/**
 * The HTTP server (fastify): one port for Elasticsearch-compatible ingest, the JSON API under
 * `/api/` and the UI under `/ui/` (docs/serve-api.md). Bodies are read raw for every content type
 * with per-route limits (413 beyond), errors have Elasticsearch's shape, every answer carries
 * `x-elastic-product: Elasticsearch` (the official clients check it), and with an API key every
 * request but the UI's static files must present it. Logs name methods, paths and statuses only:
 * never bodies, never query strings.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { makeKeyCheck } from './auth.js';
import { BodyTooLarge, readBody } from './body.js';
import type { ServerContext } from './context.js';
import { ApiError } from './api/common.js';
import { registerAlertRoutes } from './api/alerts.js';
import { esError, registerEsRoutes } from './api/es.js';
import { registerEventRoutes } from './api/events.js';
import { registerRuleRoutes } from './api/rules.js';
import { health, prometheus } from './metrics.js';
import { registerUi } from './static-ui.js';

export interface AppOptions {
  apiKey?: string;
  accessLog?: boolean;
}

export function buildApp(ctx: ServerContext, options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.maxApiBodyBytes,
    // Shippers keep connections open between batches.
    keepAliveTimeout: 75_000,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req, payload, done) => {
    readBody(req.raw, payload, req.routeOptions.bodyLimit ?? ctx.maxApiBodyBytes).then(
      (b) => done(null, b),
      (e: Error) => done(e, undefined),
    );
  });

  const check = options.apiKey ? makeKeyCheck(options.apiKey) : undefined;
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-elastic-product', 'Elasticsearch');
    if (!check) return;
    const path = req.url.split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/ui' || path.startsWith('/ui/'))) return;
    if (check(req.headers.authorization)) return;
    reply.header('www-authenticate', 'ApiKey');
    return esError(reply, 401, 'security_exception', 'missing or wrong API key: send Authorization: ApiKey <key>');
  });

  if (options.accessLog) {
    app.addHook('onResponse', async (req, reply) => {
      ctx.log(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
    });
  }

  app.setErrorHandler((err: FastifyError | ApiError | BodyTooLarge, req, reply) => {
    if (err instanceof ApiError) return esError(reply, err.status, err.type, err.message);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status === 413 || (err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return esError(reply, 413, 'content_too_long_exception', err.message);
    if (status >= 400 && status < 500) return esError(reply, status, 'illegal_argument_exception', err.message);
    // A bug: say so without echoing the request (it may hold event contents).
    ctx.log(`error: ${req.method} ${req.url.split('?')[0]}: ${err.message}`);
    return esError(reply, 500, 'internal_server_error', 'internal error; see the server log');
  });
  app.setNotFoundHandler((req, reply) =>
    esError(
      reply,
      404,
      'resource_not_found_exception',
      `no handler found for uri [${req.url.split('?')[0]}] and method [${req.method}]`,
    ),
  );

  registerEsRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerRuleRoutes(app, ctx);
  registerEventRoutes(app, ctx);

  const deps = () => ({
    store: ctx.store,
    engine: ctx.engine,
    rate: ctx.rate,
    version: ctx.version,
    startedAt: ctx.startedAt,
  });
  app.get('/api/health', async () => health(deps()));
  app.get('/api/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(prometheus(deps())),
  );
  app.get('/api/stream', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-elastic-product': 'Elasticsearch',
      'x-accel-buffering': 'no',
    });
    ctx.hub.add(res);
    req.raw.on('close', () => res.end());
  });

  registerUi(app, ctx.uiDir);
  return app;
}
