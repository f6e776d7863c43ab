/**
 * /api/v1/credentials: a user's own exchange keys. PUT checks them against
 * the venue and keeps them sealed; GET lists venue, masked key id, when they
 * were verified and the permissions found; DELETE forgets them. No answer
 * ever holds a key (the response schemas have no field that could).
 */
import type { FastifyInstance } from 'fastify';
import type { CredentialService, CredentialView } from '../../users/credential-service.js';
import { NoContent } from '../answers/common.js';
import { currentUser } from '../auth.js';
import { Type } from '../json-schema.js';
import { CredentialsBody } from '../requests/credentials.js';

const VenueParams = Type.Object(
  { venue: Type.String({ pattern: '^[a-z0-9]{2,32}$' }) },
  { additionalProperties: false },
);

const CredentialJson = Type.Object(
  {
    venue: Type.String(),
    keyId: Type.String(),
    verifiedAt: Type.String(),
    permissions: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const json = (c: CredentialView) => ({ ...c, verifiedAt: new Date(c.verifiedAt).toISOString() });

export function credentialRoutes(
  app: FastifyInstance,
  s: { credentials: Pick<CredentialService, 'put' | 'list' | 'delete'> },
): void {
  app.put<{ Params: { venue: string }; Body: unknown }>(
    '/credentials/:venue',
    { schema: { params: VenueParams, body: CredentialsBody, response: { 200: CredentialJson } } },
    async (req) => json(await s.credentials.put(currentUser(req).id, req.params.venue, req.body)),
  );

  app.get(
    '/credentials',
    {
      schema: {
        response: {
          200: Type.Object({ items: Type.Array(CredentialJson), nextCursor: Type.Null() }),
        },
      },
    },
    async (req) => ({ items: (await s.credentials.list(currentUser(req).id)).map(json), nextCursor: null }),
  );

  app.delete<{ Params: { venue: string } }>(
    '/credentials/:venue',
    { schema: { params: VenueParams, response: { 204: NoContent('Forgotten') } } },
    async (req, reply) => {
      await s.credentials.delete(currentUser(req).id, req.params.venue);
      return reply.status(204).send();
    },
  );
}
