/** Liveness and readiness at the root, without auth. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import { errorBody } from '../error-mapper.js';

export function healthRoutes(app: FastifyInstance, s: Services): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (await s.ready()) return { status: 'ready' };
    return reply
      .status(503)
      .send(errorBody('DEPENDENCY_UNAVAILABLE', 'Database unreachable or migrations pending'));
  });
}
