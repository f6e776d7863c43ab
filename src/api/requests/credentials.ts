/** Request schema of PUT /credentials/:venue: a user's keys for one venue. */
import { Type } from '../json-schema.js';

const Key = (description: string) => Type.String({ minLength: 1, maxLength: 512, description });

/**
 * Checked by `parseVenueKeys` (src/users/credential-service.ts), which names
 * each problem without ever echoing a value; Ajv passes the body on as it is.
 */
export const CredentialsBody = Type.Documented(
  Type.Object(
    {
      apiKey: Key('printable ASCII without spaces'),
      secret: Key('printable ASCII without spaces'),
      password: Type.Optional(Key('the passphrase some venues add')),
      privateKey: Type.Optional(Key("a wallet's private key (Hyperliquid, Polymarket)")),
    },
    { additionalProperties: false },
  ),
  Type.Unknown(),
);
