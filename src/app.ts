/**
 * The Fastify application: health, metrics and the API docs (/openapi.json,
 * /docs) at the root, everything else under /api/v1 behind bearer auth and a
 * per-user rate limit, one error mapper for all.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, LogController, type RouteOptions } from 'fastify';
import { registerAuth } from './api/auth.js';
import { AuthFailureLimiter, capConnections } from './api/client-guard.js';
import { errorBody, sendError } from './api/error-mapper.js';
import { registerJsonBodyParser } from './api/json-body.js';
import { lazySerializerFactory, lazyValidator } from './api/lazy-compilers.js';
import { registerOpenApi } from './api/openapi.js';
import { copyRoutes } from './api/routes/copies.js';
import { copyPauseRoutes } from './api/routes/copy-pause.js';
import { credentialRoutes } from './api/routes/credentials.js';
import { dashboardRoutes } from './api/routes/dashboard.js';
import { healthRoutes } from './api/routes/health.js';
import { marketDataRoutes } from './api/routes/market-data.js';
import { metricsRoutes, observabilityRoutes } from './api/routes/observability.js';
import { orderRoutes } from './api/routes/orders.js';
import { overviewRoutes } from './api/routes/overview.js';
import { performanceRoutes } from './api/routes/performance.js';
import { pipelineRoutes } from './api/routes/pipeline.js';
import { positionRoutes } from './api/routes/positions.js';
import { researchRoutes } from './api/routes/research.js';
import { registerStream } from './api/routes/stream.js';
import { telegramRoutes } from './api/routes/telegram.js';
import { telegramWebhookRoutes } from './api/routes/telegram-webhook.js';
import { traderRoutes } from './api/routes/traders.js';
import { StreamHub } from './api/stream/stream-hub.js';
import { validatorCompiler } from './api/validator.js';
import type { Services } from './container.js';
import { RateLimitedError } from './domain/errors.js';
import { projectPath } from './lib/project-paths.js';
import { OverviewRepository } from './store/overview-repository.js';
import { createTelegramLinkService } from './telegram/link-service.js';

export interface AppOptions {
  /** pino logger options, or false for none (tests, benchmarks). */
  logger?: boolean | { level: string };
  /** Sees every route as it is added (tests compile each route's schemas eagerly with it). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(s: Services, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    // One line per request only when debugging; errors are always logged.
    logController: new LogController({
      disableRequestLogging: !(
        typeof opts.logger === 'object' && ['debug', 'trace'].includes(opts.logger.level)
      ),
    }),
    bodyLimit: s.config.bodyLimitBytes,
    // Shorter than Node's defaults, so slow or idle clients cannot hold sockets (see README).
    connectionTimeout: s.config.httpIdleTimeoutMs,
    keepAliveTimeout: s.config.httpKeepAliveTimeoutMs,
    requestTimeout: s.config.httpRequestTimeoutMs,
    http: {
      headersTimeout: Math.min(s.config.httpHeadersTimeoutMs, s.config.httpRequestTimeoutMs),
      // How often Node checks the headers and request timeouts (its default, 30 s, would let
      // a slow client hold a socket up to 30 s past them).
      connectionsCheckingInterval: Math.min(1_000, s.config.httpHeadersTimeoutMs),
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Response serializers made on a route's first answer, not at start-up (see lazy-compilers.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } },
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  capConnections(app.server, s.config.maxConnectionsPerAddress);
  const authFailures = new AuthFailureLimiter(s.clock, s.config.authFailuresPerMinute);
  // Every answer, errors and the dashboard included: never let a browser guess a type.
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  app.setValidatorCompiler(lazyValidator(validatorCompiler));
  registerJsonBodyParser(app);
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(errorBody('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`)),
  );

  // Before every route: it documents the routes added after it.
  registerOpenApi(app);
  healthRoutes(app, s);
  metricsRoutes(app, s.observability); // request timing on every route, and GET /metrics
  // Telegram's webhook (TELEGRAM_WEBHOOK_URL): its own secret header, no bearer token.
  if (s.telegramWebhook) telegramWebhookRoutes(app, s.telegramWebhook);

  // This instance's WebSocket clients get every change published to `s.updates`.
  const hub = new StreamHub({ clock: s.clock });
  const detach = s.updates.attach(hub);
  app.addHook('onClose', async () => {
    detach();
    await hub.close();
  });
  await registerStream(app, { hub, users: s.users, authFailures, clock: s.clock });

  await app.register(
    async (api) => {
      registerAuth(api, s.users, authFailures);
      await api.register(rateLimit, {
        global: true,
        hook: 'preHandler',
        max: s.config.rateLimitMax,
        timeWindow: s.config.rateLimitWindowMs,
        keyGenerator: (req) => `user:${req.user?.id ?? req.ip}`,
        errorResponseBuilder: (_req, ctx) =>
          new RateLimitedError(
            `Rate limit of ${ctx.max} requests per window exceeded; retry in ${ctx.after}`,
            ctx.ttl,
          ),
      });
      traderRoutes(api, s);
      copyRoutes(api, { copy: s.copy.service, traders: s.traders });
      credentialRoutes(api, { credentials: s.credentials });
      copyPauseRoutes(api, { killSwitch: s.live.killSwitch });
      orderRoutes(api, s);
      positionRoutes(api, s);
      telegramRoutes(api, { links: createTelegramLinkService(s.db, s.clock), bot: s.telegram });
      researchRoutes(api, { jobs: s.jobs, idempotency: s.idempotency });
      observabilityRoutes(api, s.observability);
      pipelineRoutes(api, { pipeline: s.pipeline, runner: s.pipelineRunner });
      overviewRoutes(api, {
        figures: new OverviewRepository(s.db),
        positions: s.positions,
        copies: s.copy.service,
        pipeline: s.pipeline,
        alerts: () => s.observability.alerts.evaluate(),
        clock: s.clock,
      });
      marketDataRoutes(api, s.marketData);
      performanceRoutes(api, {
        cache: s.cache,
        marketData: s.marketData,
        streams: () => ({
          priceFeed: s.priceFeed.stats(),
          positionNotifier: s.positionNotifier.stats,
          websocket: hub.stats(),
        }),
      });
    },
    { prefix: '/api/v1' },
  );
  // Lag measured while starting (migrations, schema compilation) is not the running service's.
  app.addHook('onReady', async () => s.observability.eventLoop.restart());
  // The dashboard (web/dist, built by `npm run build`) at `/`, with the SPA fallback.
  await dashboardRoutes(app, { root: projectPath('web/dist') });
  return app;
}
