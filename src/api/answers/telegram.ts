/** Answer schema of POST /telegram/link-code: the one-time code and the command that sends it to the bot. */
import { Type } from '../json-schema.js';

export const LinkCodeJson = Type.Object({
  code: Type.String(),
  expiresAt: Type.String(),
  command: Type.String(),
});
