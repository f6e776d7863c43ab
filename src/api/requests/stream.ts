/** Request schema of the WebSocket stream (/api/v1/stream): what a client sends (protocol in src/api/routes/stream.ts). */
import { Type } from '../json-schema.js';

const Topics = Type.Array(Type.String(), {
  minItems: 1,
  description: 'positions, traders, copies or markets:<marketId>',
});

/** Parsed by `parseClientMessage` (src/api/stream/protocol.ts), which names every problem in an error frame. */
export const StreamClientMessageJson = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('auth'), token: Type.String({ minLength: 1 }) },
      { description: 'first, unless the upgrade request had `Authorization: Bearer`' },
    ),
    Type.Object({ type: Type.Literal('subscribe'), topics: Topics }),
    Type.Object({ type: Type.Literal('unsubscribe'), topics: Topics }),
    Type.Object({ type: Type.Literal('ping') }),
  ],
  { title: 'StreamClientMessage', description: 'A frame a client sends on /api/v1/stream (JSON text)' },
);
