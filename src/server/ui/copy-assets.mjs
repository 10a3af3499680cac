// Copies the UI's static files (HTML, CSS, SVG) next to the compiled modules in dist/server/ui/.
// tsc compiles the TypeScript; this is the rest of `npm run build` for the UI.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = dirname(fileURLToPath(import.meta.url));
const out = join(src, '..', '..', '..', 'dist', 'server', 'ui');
const STATIC = /\.(html|css|svg)$/;

function copy(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copy(p);
    else if (STATIC.test(e.name)) {
      const to = join(out, relative(src, p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
    }
  }
}

copy(src);
