// The dashboard, served from the API's port: the files Vite built (dist/web) at `/`, hashed assets cached for a
// year, and index.html for every other page URL outside /api, so deep links load the app. Public: the app itself
// asks for a token and reads only /api/v1.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What every dashboard page answers with: no framing, no foreign scripts or connections, no referrer. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The directory of the built dashboard (holding index.html), looked for above this module: `dist/web` beside the
 * bundled CLI (`dist/cli/…`), or under the package root when running from source. Null when it was never built.
 */
export function locateWebRoot(from = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 6; i++) {
    const candidate = basename(dir) === 'dist' ? join(dir, 'web') : join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Whether a request the router did not match is a dashboard page URL (answered with index.html). */
export function isPageRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return (request.method === 'GET' || request.method === 'HEAD') && path !== '/api' && !path.startsWith('/api/');
}

/** Answer a dashboard page URL with the app's index.html. */
export function sendIndex(reply: FastifyReply): FastifyReply {
  return reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-cache' }).sendFile('index.html');
}

/** Serve the dashboard built in `root`. */
export function registerWebApp(app: FastifyInstance, root: string): void {
  void app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    // Page URLs fall through to the not-found handler, which answers them with index.html.
    wildcard: true,
    cacheControl: false,
    // Vite names every asset by its content's hash: a name never changes content, so browsers keep them.
    setHeaders(reply: FastifyReply, path: string) {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', path.startsWith(join(root, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
}
