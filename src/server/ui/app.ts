/**
 * The app shell: hash router, API key prompt, the live event stream, toasts. Loaded by
 * index.html as an ES module; no inline script anywhere, so the server can send
 * `Content-Security-Policy: default-src 'self'`.
 */
import type { Ctx, LiveMessage } from './context.js';
import { h, message, setContent } from './dom.js';
import { Api, AuthRequired, ApiError } from './lib/api.js';
import { parseRoute, type Route } from './lib/route.js';
import type { RuleSummary } from './lib/types.js';
import { alertPage } from './pages/alert.js';
import { alertsPage } from './pages/alerts.js';
import { rulePage, rulesPage } from './pages/rules.js';

const KEY_STORAGE = 'eqlite.apiKey';

function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

let apiKey: string | null = storedKey();
const api = new Api({ getKey: () => apiKey });

// ---- API key prompt ----
let keyRequest: Promise<void> | null = null;

/** Asks for the API key once, however many requests were refused meanwhile. */
function requestKey(reason: string): Promise<void> {
  if (keyRequest) return keyRequest;
  keyRequest = new Promise<void>((resolve) => {
    const input = h('input', {
      type: 'password',
      name: 'key',
      autocomplete: 'current-password',
      required: true,
      'aria-label': 'API key',
    });
    const dialog = h(
      'dialog',
      { class: 'auth-dialog', 'aria-labelledby': 'auth-title' },
      h(
        'form',
        {
          method: 'dialog',
          on: {
            submit: (e) => {
              e.preventDefault();
              const key = input.value.trim();
              if (!key) return;
              apiKey = key;
              try {
                sessionStorage.setItem(KEY_STORAGE, key);
              } catch {
                // Storage may be disabled; the key then lasts until the tab closes.
              }
              dialog.close();
              dialog.remove();
              keyRequest = null;
              resolve();
            },
          },
        },
        h('h2', { id: 'auth-title' }, 'API key required'),
        h(
          'p',
          null,
          apiKey ? 'The server refused the API key: ' : 'This eqlite server asks for an API key: ',
          h('span', { class: 'muted' }, reason),
        ),
        h('label', { class: 'field' }, 'API key (sent as Authorization: ApiKey …)', input),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Continue')),
      ),
    );
    // Escape would leave the app without a key and nothing to retry: keep the dialog up.
    dialog.addEventListener('cancel', (e) => e.preventDefault());
    document.body.appendChild(dialog);
    dialog.showModal();
    input.focus();
  });
  return keyRequest;
}

// ---- toasts ----
const toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
document.body.appendChild(toasts);

function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  const t = h('div', { class: ['toast', `toast-${kind}`] }, text);
  toasts.appendChild(t);
  // A burst of actions keeps only the latest few on screen.
  while (toasts.childElementCount > 3) toasts.firstElementChild?.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

// ---- live stream ----
const listeners = new Set<(m: LiveMessage) => void>();
const liveDot = document.getElementById('live');

function setLive(state: 'connecting' | 'live' | 'offline' | 'locked'): void {
  if (!liveDot) return;
  liveDot.dataset.state = state;
  liveDot.textContent = { connecting: 'Connecting…', live: 'Live', offline: 'Offline', locked: 'Locked' }[state];
  liveDot.title =
    state === 'live'
      ? 'New alerts appear as they arrive'
      : state === 'offline'
        ? 'Reconnecting to the event stream'
        : '';
}

async function runStream(): Promise<void> {
  let backoff = 1000;
  for (;;) {
    const ac = new AbortController();
    try {
      setLive('connecting');
      await api.stream(
        (m) => {
          let data: unknown = m.data;
          try {
            data = JSON.parse(m.data);
          } catch {
            // Keep the text.
          }
          for (const fn of listeners) fn({ event: m.event, data });
        },
        ac.signal,
        () => {
          backoff = 1000;
          setLive('live');
        },
      );
    } catch (err) {
      if (err instanceof AuthRequired) {
        setLive('locked');
        await requestKey(err.message);
        continue;
      }
    }
    setLive('offline');
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 15_000);
  }
}

// ---- router ----
const main = document.getElementById('app') as HTMLElement;
let cleanup: (() => void) | undefined;
let renderSeq = 0;

const TITLES: Record<Route['page'], string> = {
  alerts: 'Alerts',
  alert: 'Alert',
  rules: 'Rules',
  rule: 'Rule',
  'not-found': 'Not found',
};

async function render(): Promise<void> {
  const seq = ++renderSeq;
  cleanup?.();
  cleanup = undefined;
  const route = parseRoute(location.hash);
  document.title = `${TITLES[route.page]} · eqlite`;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('.topnav a')) {
    const active = a.dataset.nav === (route.page === 'alert' ? 'alerts' : route.page === 'rule' ? 'rules' : route.page);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // A fresh container per view: late answers of the previous view write into a detached node.
  const view = h('div', { class: ['view', `view-${route.page}`] });
  main.replaceChildren(view);
  let rulesP: Promise<RuleSummary[]> | null = null;
  const ctx: Ctx = {
    api,
    onLive(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    rules: () => (rulesP ??= api.rules()),
    toast,
    fail(err, where) {
      if (err instanceof AuthRequired) {
        if (where) setContent(where, message('error', 'Waiting for an API key…'));
        void requestKey(err.message).then(() => {
          if (seq === renderSeq) void render();
        });
        return;
      }
      const text =
        err instanceof ApiError ? `${err.message} (${err.status})` : err instanceof Error ? err.message : String(err);
      if (where) setContent(where, message('error', text));
      else toast(text, 'error');
    },
    refresh: () => void render(),
  };
  let done: (() => void) | void = undefined;
  try {
    if (route.page === 'alerts') done = await alertsPage(view, ctx, route);
    else if (route.page === 'alert') done = await alertPage(view, ctx, route);
    else if (route.page === 'rules') done = await rulesPage(view, ctx, route);
    else if (route.page === 'rule') done = await rulePage(view, ctx, route);
    else setContent(view, h('h1', null, 'Not found'), h('p', null, h('a', { href: '#/alerts' }, 'Go to the alerts')));
  } catch (err) {
    ctx.fail(err, view);
  }
  if (seq === renderSeq) cleanup = done ?? undefined;
  else done?.();
  view.dataset.ready = 'true';
}

window.addEventListener('hashchange', () => void render());
void render();
void runStream();
