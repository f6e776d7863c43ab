/**
 * Route types from route schemas: with this provider, a route's `req.body`,
 * `req.params` and `req.query` have the types of its schemas
 * (`json-schema.ts`), and what a handler returns is checked against its
 * response schema, so no route writes a body type by hand or casts one.
 *
 * @example
 * export function traderRoutes(server: FastifyInstance, s: Deps): void {
 *   const app = typedRoutes(server);
 *   app.post('/traders', { schema: { body: TraderCreateBody } }, async (req) => s.traders.create(1, req.body));
 * }
 */
import type { FastifyInstance, FastifyTypeProvider } from 'fastify';
import type { Static } from './json-schema.js';

export interface SchemaTypes extends FastifyTypeProvider {
  readonly validator: Static<this['schema']>;
  readonly serializer: Static<this['schema']>;
}

/** `app`, whose routes take their request and reply types from their schemas. */
export const typedRoutes = (app: FastifyInstance) => app.withTypeProvider<SchemaTypes>();
