/**
 * The web UI's static files under `/ui/`, served from the built UI directory
 * (`dist/server/ui/`, built by the UI's own build step). Paths are resolved inside that directory
 * only; a missing build gets a plain "UI not built" page rather than an error.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** `dist/server/ui` next to this module once compiled (`dist/server/static-ui.js`). */
export function defaultUiDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // From src/ (tsx, tests) the build is under dist/.
  return here.includes(`${sep}src${sep}server`) ? resolve(here, '../../dist/server/ui') : resolve(here, 'ui');
}

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>eqlite</title></head><body>
<h1>eqlite serve</h1><p>The UI is not built. Run <code>npm run build</code>. The API is at <code>/api/</code>.</p></body></html>`;

// Security headers for the UI: no inline script, nothing from other origins.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerUi(app: FastifyInstance, uiDir: string): void {
  const root = resolve(uiDir);
  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
    const rest = ((req.params as Record<string, string>)['*'] ?? '').split('?')[0];
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(rest)).replace(/^([/\\])+/, '');
    } catch {
      return reply.code(400).type('text/plain').send('bad path');
    }
    let file = join(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return reply.code(404).type('text/plain').send('not found');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('content-security-policy', CSP);
    reply.header('referrer-policy', 'no-referrer');
    try {
      const st = await stat(file).catch(() => undefined);
      if (!st && extname(rel) !== '') return reply.code(404).type('text/plain').send('not found');
      // The single-page app answers its own routes with index.html.
      if (!st || st.isDirectory()) file = join(root, 'index.html');
      const body = await readFile(file);
      return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(body);
    } catch {
      return reply.code(200).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
  };
  // With ignoreTrailingSlash, this serves both /ui and /ui/.
  app.get('/ui', serve);
  app.get('/ui/*', serve);
}
