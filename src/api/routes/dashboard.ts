/**
 * The dashboard: serves the Vite build in `root` (web/dist) at `/`.
 * Hashed files under /assets/ are cached for a year (their names change with
 * their content); index.html is never cached, so a new build shows at once.
 * A GET for any other path that accepts HTML gets index.html (the app routes
 * in the browser); API paths and non-HTML requests keep the JSON 404. When
 * the build is missing, `/` says how to make it. No dependency: node:fs and
 * a small content-type map, with paths confined to `root`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface DashboardOptions {
  /** The built dashboard directory (holding index.html and assets/). */
  root: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that belong to the server, never to the app: their unknown URLs answer the JSON 404. */
const SERVER_PATHS = /^\/(api|healthz|readyz|metrics)(\/|$)/;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const INDEX_HEADERS = {
  ...SECURITY_HEADERS,
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

const MISSING_BUILD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tradeloop</title></head>
<body><h1>tradeloop</h1><p>The dashboard is not built. Run <code>npm run build</code> and restart.</p>
<p>The API is up: <a href="/healthz">/healthz</a>.</p></body></html>
`;

/** The file under `root` for a URL path, or undefined when it would leave `root` or is not a file. */
function resolveFile(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat?.isFile() ? file : undefined;
}

/** Browsers navigating ask for text/html; API clients (curl sends any-type, others nothing) keep the JSON 404. */
function acceptsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

/**
 * @example
 * await dashboardRoutes(app, { root: path.resolve('web/dist') });
 */
export async function dashboardRoutes(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const root = path.resolve(opts.root);
  const indexFile = path.join(root, 'index.html');

  const sendIndex = async (reply: FastifyReply) => {
    const html = await fs.promises.readFile(indexFile).catch(() => undefined);
    if (!html)
      return reply.status(200).headers(INDEX_HEADERS).type(CONTENT_TYPES['.html']!).send(MISSING_BUILD);
    return reply.headers(INDEX_HEADERS).type(CONTENT_TYPES['.html']!).send(html);
  };

  const sendFile = (reply: FastifyReply, file: string) => {
    const ext = path.extname(file).toLowerCase();
    const hashed = file.startsWith(path.join(root, 'assets') + path.sep);
    return reply
      .headers(SECURITY_HEADERS)
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
      .type(CONTENT_TYPES[ext] ?? 'application/octet-stream')
      .send(fs.createReadStream(file));
  };

  app.get('/', (_req, reply) => sendIndex(reply));

  app.get('/*', (req, reply) => {
    const urlPath = req.url.split('?')[0]!;
    if (SERVER_PATHS.test(urlPath)) return reply.callNotFound();
    if (urlPath === '/index.html') return sendIndex(reply);
    const file = resolveFile(root, urlPath);
    if (file) return sendFile(reply, file);
    // A missing asset is a 404, not the app: the browser would parse HTML as a script.
    if (urlPath.startsWith('/assets/') || path.extname(urlPath) !== '' || !acceptsHtml(req)) {
      return reply.callNotFound();
    }
    return sendIndex(reply);
  });
}
