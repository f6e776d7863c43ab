/**
 * The API contract people can read: an OpenAPI 3.1 document at
 * `GET /openapi.json` and the Swagger UI at `GET /docs`, both without auth,
 * produced from the route schemas by @fastify/swagger and @fastify/swagger-ui.
 *
 * Why a second, lazily built Fastify instance: the service runs within an
 * idle-RSS budget with about 3 MiB to spare, and loading the two plugins
 * (with yaml, @fastify/static and the schema resolver) costs about 5 MiB
 * whether or not anyone reads the docs. So the app only records each route's
 * method, URL and schema as it is added (references, no copies); the first
 * request to /openapi.json or /docs loads the plugins into a docs-only
 * instance, replays the routes there with no-op handlers, and serves from it.
 * The document is built once and cached; the UI's static files are read on
 * demand.
 */
import fs from 'node:fs';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  HTTPMethods,
  RouteOptions,
} from 'fastify';
import { projectPath } from '../lib/project-paths.js';
import { ErrorEnvelope } from './answers/common.js';
import { JobResultJson } from './answers/job-results.js';
import { StreamServerMessageJson } from './answers/stream.js';
import { errorBody } from './error-mapper.js';
import { documentedShape, type Schema } from './json-schema.js';
import { ROUTE_SUMMARIES } from './openapi-summaries.js';
import { StreamClientMessageJson } from './requests/stream.js';

/** The error envelope every 4xx and 5xx answer uses. */
export const ErrorJson = { ...ErrorEnvelope, $id: 'Error', title: 'Error' };

/**
 * Shapes documented once, as components: a job's result (which every job
 * answer would otherwise repeat) and the WebSocket stream's messages (which
 * no route answer holds: its GET answers 101).
 */
const COMPONENTS: readonly [string, Schema][] = [
  ['JobResult', JobResultJson],
  ['StreamClientMessage', StreamClientMessageJson],
  ['StreamServerMessage', StreamServerMessageJson],
];
const REFERRED = new Map<unknown, string>(COMPONENTS.map(([id, schema]) => [schema, id]));

interface RecordedRoute {
  method: HTTPMethods;
  url: string;
  schema: FastifySchema | undefined;
}

const DOC_PATHS = new Set(['/openapi.json', '/docs', '/docs/*']);
const ROOT_PUBLIC = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Answers that are not JSON, which no route schema carries (a route schema
 * serialises JSON): the Prometheus text and the WebSocket upgrade.
 */
const OTHER_ANSWERS: Readonly<Record<string, Record<string, unknown>>> = {
  'GET /metrics': {
    200: {
      description: 'The Prometheus text exposition format',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
  },
  'GET /api/v1/stream': {
    101: {
      type: 'null',
      description:
        'Switching Protocols: the WebSocket stream. Its messages are JSON text frames: a client sends ' +
        'a `StreamClientMessage`, the server a `StreamServerMessage` (components.schemas; the updates ' +
        'by topic: positions, traders, copies, markets:<marketId>). Protocol and close codes: the README.',
    },
  },
};

/** Which routes the document shows: the API and the root endpoints, not the dashboard or the docs. */
function documented(url: string): boolean {
  return url.startsWith('/api/') || ROOT_PUBLIC.has(url);
}

/** The schema a route is documented with: its own, plus summary, tag, auth and the error answers. */
function documentedSchema(r: RecordedRoute): FastifySchema & Record<string, unknown> {
  const own = documentedShape(r.schema ?? {}, REFERRED) as FastifySchema & Record<string, unknown>;
  const api = r.url.startsWith('/api/v1/');
  const tag = api ? r.url.split('/')[3]! : 'service';
  const response: Record<string, unknown> = {
    ...((own.response as Record<string, unknown>) ?? {}),
    ...OTHER_ANSWERS[`${r.method} ${r.url}`],
  };
  const errors = api ? ['4XX', '5XX'] : ['5XX'];
  for (const code of errors) {
    response[code] = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: 'Error#' } } },
    };
  }
  return {
    ...own,
    summary: (own['summary'] as string | undefined) ?? ROUTE_SUMMARIES[`${r.method} ${r.url}`],
    tags: (own['tags'] as string[] | undefined) ?? [tag],
    ...(api ? { security: [{ bearer: [] }] } : {}),
    response,
  };
}

/** Builds the docs-only instance: the two plugins and every recorded route, with handlers that never run. */
async function buildDocsApp(routes: RecordedRoute[]): Promise<FastifyInstance> {
  const pkg = JSON.parse(fs.readFileSync(projectPath('package.json'), 'utf8'));
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false });
  // The real app validates and serialises; here schemas are only read.
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  docs.addSchema(ErrorJson);
  for (const [id, schema] of COMPONENTS)
    docs.addSchema({ ...(documentedShape(schema) as Schema), $id: id, title: id });
  await docs.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tradeloop API',
        version: String(pkg.version),
        description:
          'Everything under /api/v1 needs `Authorization: Bearer <token>`. Lists are ' +
          '`{ items, nextCursor }` with `?limit=&cursor=`. Amounts are decimal strings. Errors are ' +
          '`{ error: { code, message, details } }`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token' } },
      },
    },
    // Shared schemas become components named by their $id (Error, not def-0).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  for (const r of routes) {
    docs.route({ method: r.method, url: r.url, schema: documentedSchema(r), handler: async () => null });
  }
  await docs.ready();
  return docs;
}

/**
 * Records the routes added after it and serves the document and the UI.
 * Register it before the routes it documents.
 *
 * @example
 * registerOpenApi(app);
 * healthRoutes(app, s); // documented
 */
export function registerOpenApi(app: FastifyInstance): void {
  const routes: RecordedRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!documented(route.url) || DOC_PATHS.has(route.url)) return;
    for (const method of methods) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, schema: route.schema });
    }
  });

  let docsApp: Promise<FastifyInstance> | undefined;
  let document: string | undefined;
  const docs = () => {
    docsApp ??= buildDocsApp(routes).catch((err: unknown) => {
      docsApp = undefined;
      throw err;
    });
    return docsApp;
  };
  app.addHook('onClose', async () => {
    if (docsApp) await (await docsApp.catch(() => undefined))?.close();
  });

  app.get('/openapi.json', async (_req, reply) => {
    document ??= JSON.stringify((await docs()).swagger());
    return reply.type('application/json; charset=utf-8').send(document);
  });

  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const res = await (await docs()).inject({
      method: 'GET',
      url: req.url,
      headers: { accept: String(req.headers['accept'] ?? '*/*') },
    });
    if (res.statusCode === 404)
      return reply.status(404).send(errorBody('NOT_FOUND', `No route GET ${req.url}`));
    for (const h of [
      'content-type',
      'content-security-policy',
      'location',
      'cache-control',
      'etag',
      'last-modified',
    ]) {
      const v = res.headers[h];
      if (v !== undefined) reply.header(h, v);
    }
    return reply.status(res.statusCode).send(res.rawPayload);
  };
  app.get('/docs', forward);
  app.get('/docs/*', forward);
}
