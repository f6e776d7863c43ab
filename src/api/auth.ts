/**
 * Bearer-token authentication for every /api/v1 route. The authenticated
 * user is attached to the request; nothing downstream trusts a user id from
 * the client.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import type { User } from '../store/user-repository.js';
import type { UserService } from '../users/user-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | undefined;
  }
}

export function registerAuth(app: FastifyInstance, users: UserService): void {
  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) throw new UnauthorizedError('Missing Authorization: Bearer <token> header');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
    const user = await users.authenticate(m[1]!);
    if (!user) throw new UnauthorizedError('Unknown or revoked token');
    request.user = user;
  });
}

/** The authenticated user (routes under /api/v1 always have one). */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new UnauthorizedError('Not authenticated');
  return request.user;
}

export function requireAdmin(request: FastifyRequest): User {
  const u = currentUser(request);
  if (!u.isAdmin) throw new ForbiddenError('This endpoint needs an admin token');
  return u;
}
