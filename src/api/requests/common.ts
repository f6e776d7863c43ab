/**
 * Request schemas: what clients send (bodies, and the queries the dashboard
 * builds). Ajv checks them, they type each route's `req.body` and
 * `req.query` (`../type-provider.ts`), /openapi.json documents them, and the
 * dashboard types what it sends from them (`web/src/api/types.ts`), so a
 * field the server stops accepting fails the page's compile, not a user's
 * request.
 *
 * Shape here, rules in the domain, each checked once: a schema says which
 * fields exist, their JSON types, length caps and list sizes (the batch
 * bounds from the domain's constants); the domain parsers check what the
 * values mean for every entry point — amounts parsed exactly and their
 * ranges, the closed lists of sides, statuses and sources, identifier
 * formats, times, and the rules between fields. Amounts are accepted as
 * decimal strings or numbers and always returned as decimal strings. What the
 * API returns is described in `../answers/`.
 *
 * Because the dashboard's compiler reads these files, a file of this folder
 * imports only `../json-schema.js`, its neighbours and the pure `domain/`
 * (no packages, no services); `test/api/dashboard-types.test.ts` holds it so.
 * This file: amounts, ids, paging.
 */
import { Type } from '../json-schema.js';

export const Amount = Type.Union([Type.String({ maxLength: 48 }), Type.Number()]);
export const NullableAmount = Type.Union([Amount, Type.Null()]);
export const Id = Type.Integer({ minimum: 1 });

export const IdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

/** `?limit=&cursor=` of a cursor list. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  cursor: Type.Optional(Type.String({ maxLength: 128 })),
};
