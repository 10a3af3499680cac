/** Helpers shared by the JSON API routes: body parsing, query parameters, ES-shaped errors. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null || (Buffer.isBuffer(b) && b.length === 0)) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.isBuffer(b) ? b.toString('utf8') : String(b));
  } catch (err) {
    throw new ApiError(400, 'parse_exception', `request body is not JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ApiError(400, 'parse_exception', 'request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** All values of a query parameter (repeated, or comma-separated). */
export function many(q: Record<string, unknown>, key: string): string[] {
  const v = q[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}

export function one(q: Record<string, unknown>, key: string): string | undefined {
  const v = q[key];
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined || x === '' ? undefined : String(x);
}

export function int(q: Record<string, unknown>, key: string, def: number, min: number, max: number): number {
  const v = one(q, key);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ApiError(400, 'illegal_argument_exception', `${key} must be an integer from ${min} to ${max}`);
  return n;
}

export function isoMs(v: unknown, key: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const t = Date.parse(String(v));
  if (Number.isNaN(t)) throw new ApiError(400, 'illegal_argument_exception', `${key} is not an ISO-8601 time`);
  return t;
}

/** `15m`, `1h`, `30s`, `2d`, or milliseconds. */
export function duration(v: string | undefined, key: string, def: number): number {
  if (v === undefined) return def;
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
  if (!m) throw new ApiError(400, 'illegal_argument_exception', `${key} must be a duration such as 15m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

export function sendError(reply: FastifyReply, status: number, type: string, reason: string): FastifyReply {
  return reply.code(status).send({ error: { type, reason }, status });
}

export function notFound(what: string): ApiError {
  return new ApiError(404, 'resource_not_found_exception', `${what} not found`);
}
