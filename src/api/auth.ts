/**
 * Bearer-token authentication for every /api/v1 route. The authenticated
 * user is attached to the request; nothing downstream trusts a user id from
 * the client.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';
import type { User } from '../domain/user.js';
import type { UserService } from '../users/user-service.js';
import type { AuthFailureLimiter } from './client-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | undefined;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Authenticates every request of `app`'s scope. A remembered token costs a map
 * lookup; any other request (no token, a malformed, unknown or revoked one) is
 * first charged to its client address, so failures are limited per address
 * before a token is hashed or looked up.
 */
export function registerAuth(app: FastifyInstance, users: UserService, failures: AuthFailureLimiter): void {
  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) {
      failures.chargeOrThrow(request.ip);
      if (!header) throw new UnauthorizedError('Missing Authorization: Bearer <token> header');
      throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
    }
    const user = await failures.authenticate(users, request.ip, token);
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
