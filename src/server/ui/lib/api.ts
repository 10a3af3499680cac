/**
 * The UI's client of eqlite's JSON API (docs/serve-api.md). Sends `Authorization: ApiKey <key>`
 * when a key is known; a 401 becomes AuthRequired so the app can ask for one and retry.
 */
import { SseParser, type SseMessage } from './sse.js';
import type {
  AlertDetail,
  AlertList,
  AlertPatch,
  AlertSummary,
  EventList,
  Note,
  PivotCount,
  ProcessNode,
  RuleDetail,
  RuleSummary,
  TimelineItem,
  WorkflowStatus,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

/** The server wants an API key (none was sent, or the one sent was refused). */
export class AuthRequired extends ApiError {
  constructor(reason: string) {
    super(401, 'security_exception', reason);
    this.name = 'AuthRequired';
  }
}

export interface ApiOptions {
  /** Origin and path prefix; '' for the page's own origin. */
  base?: string;
  fetch?: typeof fetch;
  getKey: () => string | null;
}

const seg = encodeURIComponent;

export class Api {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly getKey: () => string | null;

  constructor(opts: ApiOptions) {
    this.base = opts.base ?? '';
    // Bound so a stored reference to window.fetch is not called with the wrong `this`.
    this.fetchFn = opts.fetch ?? fetch.bind(globalThis);
    this.getKey = opts.getKey;
  }

  headers(json = false): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    const key = this.getKey();
    if (key) h.authorization = `ApiKey ${key}`;
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.fetchFn(this.base + path, {
      method,
      headers: this.headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) throw await errorOf(res);
    const text = await res.text();
    return (text ? JSON.parse(text) : null) as T;
  }

  alerts(params: URLSearchParams, signal?: AbortSignal): Promise<AlertList> {
    return this.request('GET', `/api/alerts?${params}`, undefined, signal);
  }
  alert(id: string): Promise<AlertDetail> {
    return this.request('GET', `/api/alerts/${seg(id)}`);
  }
  patchAlert(id: string, patch: AlertPatch): Promise<AlertSummary> {
    return this.request('PATCH', `/api/alerts/${seg(id)}`, patch);
  }
  addNote(id: string, text: string): Promise<Note> {
    return this.request('POST', `/api/alerts/${seg(id)}/notes`, { text });
  }
  bulkStatus(ids: string[], status: WorkflowStatus): Promise<unknown> {
    return this.request('POST', '/api/alerts/bulk', { ids, workflow_status: status });
  }
  pivots(id: string): Promise<PivotCount[]> {
    return this.request('GET', `/api/alerts/${seg(id)}/pivots`);
  }
  pivotEvents(id: string, n: number, size = 100): Promise<EventList> {
    return this.request('GET', `/api/alerts/${seg(id)}/pivots/${seg(String(n))}/events?size=${size}`);
  }
  processTree(id: string): Promise<{ root: ProcessNode | null }> {
    return this.request('GET', `/api/alerts/${seg(id)}/process-tree`);
  }
  timeline(id: string, before = '15m', after = '15m'): Promise<{ items: TimelineItem[] }> {
    const p = new URLSearchParams({ before, after });
    return this.request('GET', `/api/alerts/${seg(id)}/timeline?${p}`);
  }
  rules(): Promise<RuleSummary[]> {
    return this.request('GET', '/api/rules');
  }
  rule(id: string): Promise<RuleDetail> {
    return this.request('GET', `/api/rules/${seg(id)}`);
  }
  setRuleEnabled(id: string, enabled: boolean): Promise<unknown> {
    return this.request('POST', `/api/rules/${seg(id)}/${enabled ? 'enable' : 'disable'}`);
  }
  reloadRules(): Promise<unknown> {
    return this.request('POST', '/api/rules/reload');
  }
  health(): Promise<Record<string, unknown>> {
    return this.request('GET', '/api/health');
  }

  /**
   * Reads `GET /api/stream` until it ends or `signal` aborts, calling `onMessage` per event.
   * Resolves when the server closes the stream; rejects on network errors and with
   * AuthRequired on 401.
   */
  async stream(onMessage: (m: SseMessage) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const res = await this.fetchFn(this.base + '/api/stream', {
      headers: { ...this.headers(), accept: 'text/event-stream' },
      signal,
    });
    if (!res.ok) throw await errorOf(res);
    if (!res.body) throw new ApiError(res.status, 'no_body', 'the event stream has no body');
    onOpen?.();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const m of parser.push(decoder.decode(value, { stream: true }))) onMessage(m);
    }
  }
}

/** The error of a failed answer, from eqlite's (Elasticsearch's) error shape when it has one. */
export async function errorOf(res: Response): Promise<ApiError> {
  let type = 'http_error';
  let reason = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: { type?: unknown; reason?: unknown } | string };
    if (typeof body.error === 'string') reason = body.error;
    else if (body.error) {
      if (typeof body.error.type === 'string') type = body.error.type;
      if (typeof body.error.reason === 'string') reason = body.error.reason;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return res.status === 401 ? new AuthRequired(reason) : new ApiError(res.status, type, reason);
}
