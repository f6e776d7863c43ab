/**
 * Answer schemas: what the API returns. They serialise the answers
 * (fast-json-stringify), document them at /openapi.json, and give the
 * dashboard its types: `web/src/api/types.ts` type-imports them
 * (`Static<typeof TraderJson>`), so the dashboard reads the shapes the server
 * writes and a change here that a page does not follow fails its compile.
 *
 * Because the dashboard's compiler reads these files, a file of this folder
 * imports only `../json-schema.js`, its neighbours and the pure `domain/`
 * (no packages, no services); `test/api/dashboard-types.test.ts` holds it so.
 * Request schemas (bodies, queries, params) live in `../requests/` and the
 * routes. This file: the error envelope, health, lists, and the
 * small answers several routes share.
 */
import { type TSchema, Type } from '../json-schema.js';

export const NullableString = Type.Nullable(Type.String());

/** One page of a cursor list. */
export const listOf = <T>(item: TSchema<T>) =>
  Type.Object({ items: Type.Array(item), nextCursor: NullableString });

/** An answer with no body (a 204): nothing is serialised, the schema only documents it. */
export const NoContent = (description: string): TSchema<void> => Type.NoBody({ description });

/** The error envelope every 4xx and 5xx answer uses (named `Error` in the document). */
export const ErrorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'A stable code from the error catalogue, e.g. VALIDATION_FAILED' }),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  }),
});

export const HealthJson = Type.Object({ status: Type.Literal('ok') });

export const ReadyJson = Type.Object({
  status: Type.Literal('ready'),
  /** The bot's mode and role on this instance, when TELEGRAM_BOT_TOKEN is set. */
  telegram: Type.Optional(Type.AnyObject({ description: "The Telegram bot's mode and role here" })),
});

/** Why one entry of a batch failed (the others were answered). */
export const ItemErrorJson = Type.Object({
  symbol: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  code: Type.String(),
  message: Type.String(),
});

export const BulkImportJson = Type.Object({ imported: Type.Integer(), ids: Type.Array(Type.Integer()) });

export const InvalidatedJson = Type.Object({ invalidated: Type.Integer() });
