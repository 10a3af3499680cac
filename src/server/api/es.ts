/**
 * The Elasticsearch endpoints shippers call: the root and licence checks they make at start-up,
 * template/ILM/pipeline set-up (acknowledged), and ingest: `_bulk`, `_doc`, `_create`.
 */
import { isAscii } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { bulkResponseText, docResult, indexNameProblem, parseBulk } from '../ingest/bulk.js';
import type { IngestItem } from '../ingest/ingestor.js';

export const ES_VERSION = {
  number: '8.17.0',
  build_flavor: 'default',
  build_type: 'docker',
  build_hash: 'eqlite',
  build_date: '2024-12-11T12:08:05.663969764Z',
  build_snapshot: false,
  lucene_version: '9.12.0',
  minimum_wire_compatibility_version: '7.17.0',
  minimum_index_compatibility_version: '7.0.0',
};

export function esError(
  reply: FastifyReply,
  status: number,
  type: string,
  reason: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .send({ error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status });
}

type Params = Record<string, string>;

function bodyText(req: FastifyRequest): string {
  const b = req.body;
  if (!Buffer.isBuffer(b)) return typeof b === 'string' ? b : '';
  // Shippers' bodies are mostly ASCII: then the bytes are the characters (4x faster than decoding UTF-8).
  return isAscii(b) ? b.toString('latin1') : b.toString('utf8');
}

export function registerEsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const bulkOpts = { bodyLimit: ctx.maxBodyBytes };

  const root = (req: FastifyRequest, reply: FastifyReply) => {
    const accept = String(req.headers.accept ?? '');
    if (req.method === 'GET' && accept.includes('text/html')) return reply.redirect('/ui/');
    return reply.send({
      name: 'eqlite',
      cluster_name: 'eqlite',
      cluster_uuid: ctx.clusterUuid,
      version: ES_VERSION,
      tagline: 'You Know, for Search',
    });
  };
  app.get('/', root);

  app.get('/_license', async () => ({
    license: {
      status: 'active',
      uid: ctx.clusterUuid,
      type: 'basic',
      issue_date: '2024-01-01T00:00:00.000Z',
      issue_date_in_millis: 1704067200000,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: 'eqlite',
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  }));
  app.get('/_xpack', async () => ({
    build: { hash: 'eqlite', date: ES_VERSION.build_date },
    license: { uid: ctx.clusterUuid, type: 'basic', mode: 'basic', status: 'active' },
    features: {
      ilm: { available: true, enabled: true },
      security: { available: true, enabled: false },
      monitoring: { available: true, enabled: false },
      ml: { available: false, enabled: false },
    },
  }));

  // Set-up calls: shippers check for or install templates, policies and pipelines.
  const acknowledged = async () => ({ acknowledged: true });
  for (const base of ['/_index_template', '/_template', '/_ilm/policy', '/_component_template', '/_ingest/pipeline']) {
    const path = `${base}/:name`;
    app.get(path, async (req: FastifyRequest) => {
      const name = (req.params as Params).name;
      if (base === '/_index_template')
        return { index_templates: [{ name, index_template: { index_patterns: [`${name}-*`], composed_of: [] } }] };
      if (base === '/_component_template')
        return { component_templates: [{ name, component_template: { template: {} } }] };
      if (base === '/_ilm/policy')
        return { [name]: { version: 1, modified_date: '2024-01-01T00:00:00.000Z', policy: { phases: {} } } };
      return { [name]: {} };
    });
    app.put(path, acknowledged);
    app.post(path, acknowledged);
    app.delete(path, acknowledged);
  }
  app.get('/_cluster/health', async () => ({
    cluster_name: 'eqlite',
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 1,
    active_shards: 1,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  }));
  const nodes = async () => ({
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: 'eqlite',
    nodes: {
      eqlite: {
        name: 'eqlite',
        version: ES_VERSION.number,
        roles: ['data', 'ingest', 'master'],
        http: { publish_address: '127.0.0.1:9201' },
      },
    },
  });
  app.get('/_nodes', nodes);
  app.get('/_nodes/*', nodes);

  // Index existence and creation: every index "exists" (documents create it on first write).
  app.put('/:index', async (req: FastifyRequest, reply: FastifyReply) => {
    const index = (req.params as Params).index;
    const problem = indexNameProblem(index);
    if (problem)
      return esError(reply, 400, 'invalid_index_name_exception', `Invalid index name [${index}], ${problem}`, {
        index,
      });
    return { acknowledged: true, shards_acknowledged: true, index };
  });

  const bulk = async (req: FastifyRequest, reply: FastifyReply) => {
    const t0 = performance.now();
    const parsed = parseBulk(bodyText(req), (req.params as Params).index);
    if ('error' in parsed) return esError(reply, parsed.error.status, parsed.error.type, parsed.error.reason);
    const items: IngestItem[] = [];
    for (const s of parsed.slots) if (s.kind === 'doc') items.push(s.item);
    const outcomes = items.length ? await ctx.ingestor.ingestAsync(items) : [];
    return reply
      .type('application/json; charset=utf-8')
      .send(bulkResponseText(parsed.slots, outcomes, Math.round(performance.now() - t0)));
  };
  for (const path of ['/_bulk', '/:index/_bulk']) {
    app.post(path, bulkOpts, bulk);
    app.put(path, bulkOpts, bulk);
  }

  const store = (
    req: FastifyRequest,
    reply: FastifyReply,
    op: 'index' | 'create',
    index: string,
    id: string | undefined,
  ) => {
    const problem = indexNameProblem(index);
    if (problem)
      return esError(reply, 400, 'invalid_index_name_exception', `Invalid index name [${index}], ${problem}`, {
        index,
      });
    const q = req.query as Record<string, string | undefined>;
    const opType = op === 'index' && q.op_type === 'create' ? 'create' : op;
    const [o] = ctx.ingestor.ingest([{ op: opType, index, id: id || undefined, text: bodyText(req) }]);
    if (!o.ok) return esError(reply, o.status, o.type, o.reason, { index });
    return reply.code(o.result === 'created' ? 201 : 200).send(docResult(o));
  };
  const single = (op: 'index' | 'create') => async (req: FastifyRequest, reply: FastifyReply) => {
    const { index, id } = req.params as Params;
    return store(req, reply, op, index, id);
  };
  app.post('/:index/_doc', bulkOpts, single('index'));
  app.put('/:index/_doc/:id', bulkOpts, single('index'));
  app.post('/:index/_doc/:id', bulkOpts, single('index'));
  app.put('/:index/_create/:id', bulkOpts, single('create'));
  app.post('/:index/_create/:id', bulkOpts, single('create'));
  // Pre-7 style `/{index}/{type}` (older shippers such as rsyslog's omelasticsearch without bulk mode).
  app.post('/:index/:type', bulkOpts, async (req, reply) => {
    const { index, type } = req.params as Params;
    if (type.startsWith('_'))
      return esError(
        reply,
        400,
        'illegal_argument_exception',
        `no handler found for uri [${req.url.split('?')[0]}] and method [POST]`,
      );
    return store(req, reply, 'index', index, undefined);
  });
  app.head('/:index', async () => '');
}
