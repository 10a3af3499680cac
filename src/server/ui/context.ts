/** What every page gets from the app shell. */
import type { Api } from './lib/api.js';
import type { RuleSummary } from './lib/types.js';

export interface LiveMessage {
  event: string;
  data: unknown;
}

export interface Ctx {
  api: Api;
  /** Subscribes to `/api/stream` messages; returns the unsubscribe function. */
  onLive(fn: (m: LiveMessage) => void): () => void;
  /** The rule list, fetched once per page view for filters and names. */
  rules(): Promise<RuleSummary[]>;
  /** Shows a short message in the corner (text only). */
  toast(text: string, kind?: 'info' | 'error'): void;
  /**
   * Handles an error of a request made by a page: asks for an API key on 401 (then re-renders
   * the page), else shows the reason in `where` (or as a toast).
   */
  fail(err: unknown, where?: HTMLElement): void;
  /** Re-renders the current route. */
  refresh(): void;
}

/** A page renders into `root` and may return a cleanup function. */
export type Page<R> = (root: HTMLElement, ctx: Ctx, route: R) => Promise<(() => void) | void>;
